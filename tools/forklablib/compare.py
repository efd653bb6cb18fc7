"""forklab compare: two runs configuration by configuration: the p50 ratio
B/A with a bootstrap confidence interval and a Mann-Whitney test on the raw
samples (runs made with --samples), else the p50 ratio against a tolerance."""
import argparse
import os

from . import qemu, results, stats
from .results import SAMPLE_KEY, KEY, fnum


def select_rows(rows, select):
    """@rows narrowed by 'field=value,...' wherever they hold several values
    of that field (a run of one strategy set is left as it is)."""
    for item in filter(None, select.split(",")):
        field, _, value = item.partition("=")
        if field not in ("alloc", "pt", "pid") or not value:
            raise qemu.UsageError(f"--select: '{item}' is not alloc=, pt= or pid= with a value")
        if len({r[field] for r in rows if r[field]}) > 1:
            rows = [r for r in rows if r[field] in (value, "")]
    return rows


def differing_fields(a_rows, b_rows):
    """Strategy fields that hold one value in each run, a different one:
    compare matches configurations across them (alloc=page vs alloc=slub)."""
    out = []
    for f in ("alloc", "pt", "pid"):
        va = {r[f] for r in a_rows if r[f]}
        vb = {r[f] for r in b_rows if r[f]}
        if len(va) == 1 and len(vb) == 1 and va != vb:
            out.append((f, va.pop(), vb.pop()))
    return out


def cmd_compare(argv):
    p = argparse.ArgumentParser(
        prog="forklab compare",
        description="Per configuration, the p50 ratio B/A with a 95%% bootstrap confidence "
        "interval and a Mann-Whitney p-value on the raw samples (runs made with --samples); "
        "flagged when significant. Without samples, the p50 ratio against --tolerance.")
    p.add_argument("run_a")
    p.add_argument("run_b")
    p.add_argument("--tolerance", type=float, default=2.0,
                   help="percent, for configurations without samples (default 2)")
    p.add_argument("--alpha", type=float, default=0.05, help="significance level (default 0.05)")
    p.add_argument("--select", default="",
                   help="e.g. alloc=slub,pt=cow,pid=hash: in a run holding several values of a "
                   "field keep only these rows (to set one strategy set against a Linux run)")
    opts = p.parse_args(argv)
    for r in (opts.run_a, opts.run_b):
        results.check_run(r)
    a_rows = select_rows(results.read_csv(os.path.join(opts.run_a, "results.csv")), opts.select)
    b_rows = select_rows(results.read_csv(os.path.join(opts.run_b, "results.csv")), opts.select)
    across = differing_fields(a_rows, b_rows)
    wild = {f for f, _, _ in across}
    if across:
        print("forklab compare: matching across " +
              ", ".join(f"{f}={x} (A) vs {f}={y} (B)" for f, x, y in across))

    def key(r):
        return tuple("*" if k in wild else r[k] for k in KEY)
    sa, sb = results.read_samples(opts.run_a), results.read_samples(opts.run_b)
    for run, s in ((opts.run_a, sa), (opts.run_b, sb)):
        if s is None:
            print(f"forklab compare: {run} has no samples.csv: p50 ratios only "
                  f"(forklab run --samples keeps them)")

    def samples(s, r):
        if s is None:
            return None
        return s.get(tuple(r[c] for c in SAMPLE_KEY))
    bmap = {key(r): r for r in b_rows}
    print(f"{'configuration':<46} {'A p50':>10} {'B p50':>10} {'B/A':>7} {'95% CI':>17} "
          f"{'p':>7}  verdict")
    counts = {"slower": 0, "faster": 0, "~": 0}
    p50_only = 0
    for ra in a_rows:
        rb = bmap.get(key(ra))
        x, y = fnum(ra, "p50"), (fnum(rb, "p50") if rb else None)
        if rb is None or x is None or y is None:
            continue
        name = "/".join(p for p in key(ra) if p)
        xs, ys = samples(sa, ra), samples(sb, rb)
        if xs and ys and len(xs) > 1 and len(ys) > 1:
            c = stats.compare_samples(xs, ys, alpha=opts.alpha)
            ratio, ci, pv, sig = c["ratio"], f"[{c['ci'][0]:.3f}, {c['ci'][1]:.3f}]", \
                f"{c['p']:.3g}", c["significant"]
        else:
            ratio = y / x if x else float("inf")
            ci, pv, sig = "(p50 only)", "-", abs(ratio - 1) * 100 > opts.tolerance
            p50_only += 1
        verdict = "~" if not sig else f"{(ratio - 1) * 100:+.1f}%"
        counts["~" if not sig else "slower" if ratio > 1 else "faster"] += 1
        print(f"{name:<46} {x:>10.0f} {y:>10.0f} {ratio:>7.3f} {ci:>17} {pv:>7}  {verdict}")
    total = sum(counts.values())
    if not total:
        raise qemu.UsageError("the two runs have no configuration in common")
    print(f"{total} compared: {counts['slower']} significantly slower in B, "
          f"{counts['faster']} significantly faster, {counts['~']} no significant difference" +
          (f" ({p50_only} without samples: judged by p50 ratio against ±{opts.tolerance:g}%, "
           "not by a test)" if p50_only else ""))
    return 0


COMMANDS = {"compare": cmd_compare}
