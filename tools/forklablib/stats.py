"""Statistics for `forklab compare`: the p50 ratio of two sample sets with a
bootstrap confidence interval, and the Mann-Whitney U test (as benchstat
does), both deterministic (a fixed seed) so a comparison repeats exactly."""
import math
import random


def median(xs):
    s = sorted(xs)
    n = len(s)
    if n == 0:
        raise ValueError("median of no samples")
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def bootstrap_ratio_ci(a, b, rounds=2000, confidence=0.95, seed=1):
    """(ratio, low, high): median(b) / median(a) and its percentile-bootstrap
    confidence interval (each round resamples a and b with replacement)."""
    if not a or not b:
        raise ValueError("bootstrap needs samples on both sides")
    rng = random.Random(seed)
    ma = median(a)
    ratio = median(b) / ma if ma else math.inf
    ratios = []
    for _ in range(rounds):
        ra = median(rng.choices(a, k=len(a)))
        rb = median(rng.choices(b, k=len(b)))
        ratios.append(rb / ra if ra else math.inf)
    ratios.sort()
    lo = ratios[int((1 - confidence) / 2 * rounds)]
    hi = ratios[min(rounds - 1, int((1 + confidence) / 2 * rounds))]
    return ratio, lo, hi


def mann_whitney_p(a, b):
    """Two-sided p-value of the Mann-Whitney U test, normal approximation
    with the tie correction; 1.0 when every sample is tied."""
    n1, n2 = len(a), len(b)
    if not n1 or not n2:
        raise ValueError("Mann-Whitney needs samples on both sides")
    pooled = sorted([(x, 0) for x in a] + [(x, 1) for x in b])
    ranks, ties, i = [0.0] * len(pooled), 0.0, 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    r1 = sum(r for r, (_, side) in zip(ranks, pooled) if side == 0)
    u = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    var = n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))) if n > 1 else 0.0
    if var <= 0:
        return 1.0
    z = (abs(u - n1 * n2 / 2) - 0.5) / math.sqrt(var)	# continuity correction
    return max(0.0, min(1.0, math.erfc(max(z, 0.0) / math.sqrt(2))))


def compare_samples(a, b, alpha=0.05, rounds=2000):
    """A dict: ratio, ci (low, high), p, significant (the interval excludes 1
    and p < alpha)."""
    ratio, lo, hi = bootstrap_ratio_ci(a, b, rounds=rounds)
    p = mann_whitney_p(a, b)
    return {"ratio": ratio, "ci": (lo, hi), "p": p,
            "significant": p < alpha and not lo <= 1.0 <= hi}
