/* tests/host/test_stats.c - host unit tests of bench/stats.c: the heapsort,
 * nearest-rank percentiles, integer mean, stddev and square root. */
#include "suites/xorshift.h"
#include <stdlib.h>
#include "lib/selftest.h"
#include "stats.h"

#define N_BIG	10000

static u64 rng = 0x2545f4914f6cdd1dULL;

static u64 next_rand(void)
{
	return xorshift64(&rng);
}

static void test_isqrt(void)
{
	bool ok = isqrt(0) == 0 && isqrt(1) == 1 && isqrt(3) == 1 && isqrt(4) == 2 &&
		  isqrt(99) == 9 && isqrt(100) == 10 && isqrt(UINT64_MAX) == 0xffffffffULL;

	for (u64 i = 0; i < 100000 && ok; i++) {
		u64 v = next_rand() >> (i % 64), r = isqrt(v);

		ok = r * r <= v && (r + 1) * (r + 1) > v;
	}
	report(ok, "isqrt is the floor of the square root (edges and 100000 random values)");
}

static void test_small(void)
{
	u64 a[] = { 5, 1, 4, 2, 3, 10, 9, 8, 7, 6 };
	struct sample_stats st;

	stats_compute(a, ARRAY_SIZE(a), &st);
	report(st.n == 10 && st.min == 1 && st.max == 10 && st.mean == 5,
	       "n, min, max, integer mean of 1..10 (mean %lu)", st.mean);
	report(st.p50 == 5 && st.p90 == 9 && st.p99 == 10,
	       "nearest-rank percentiles of 1..10: p50 %lu p90 %lu p99 %lu", st.p50, st.p90, st.p99);
	report(st.stddev == 2, "stddev of 1..10 is 2 (population, integer; got %lu)", st.stddev);
	for (size_t i = 1; i < ARRAY_SIZE(a); i++)
		if (a[i - 1] > a[i])
			report(false, "sorted in place at %zu", i);
}

static void test_edges(void)
{
	u64 one[] = { 42 }, same[] = { 7, 7, 7, 7 };
	struct sample_stats st;

	stats_compute(NULL, 0, &st);
	report(st.n == 0 && st.min == 0 && st.max == 0 && st.mean == 0, "no samples: all zero");
	stats_compute(one, 1, &st);
	report(st.min == 42 && st.p50 == 42 && st.p99 == 42 && st.max == 42 && st.stddev == 0,
	       "one sample is every statistic");
	stats_compute(same, 4, &st);
	report(st.mean == 7 && st.stddev == 0, "equal samples: stddev 0");
}

static void test_big(void)
{
	u64 *a = malloc(N_BIG * sizeof(*a));
	struct sample_stats st;
	bool sorted = true;

	if (!a) {
		report(false, "malloc");
		return;
	}
	/* a permutation of 1..N_BIG, shuffled */
	for (u64 i = 0; i < N_BIG; i++)
		a[i] = i + 1;
	for (u64 i = N_BIG - 1; i > 0; i--) {
		u64 j = next_rand() % (i + 1), t = a[i];

		a[i] = a[j];
		a[j] = t;
	}
	stats_compute(a, N_BIG, &st);
	for (u64 i = 0; i < N_BIG; i++)
		if (a[i] != i + 1)
			sorted = false;
	report(sorted, "heapsort sorts a shuffled permutation of %d", N_BIG);
	report(st.p50 == 5000 && st.p90 == 9000 && st.p99 == 9900 && st.mean == 5000,
	       "percentiles of 1..%d: p50 %lu p90 %lu p99 %lu", N_BIG, st.p50, st.p90, st.p99);
	/* population stddev of 1..n is sqrt((n^2 - 1) / 12) = 2886.75 */
	report(st.stddev == 2886, "stddev of 1..%d is 2886 (got %lu)", N_BIG, st.stddev);
	for (u64 i = 0; i < N_BIG; i++)
		a[i] = (i & 1) ? 1000000000000ULL : 0;
	stats_compute(a, N_BIG, &st);
	report(st.mean == 500000000000ULL && st.stddev == 500000000000ULL,
	       "large cycle counts do not overflow (stddev %lu)", st.stddev);
	free(a);
}

int main(void)
{
	report_prefix_push("stats");
	test_isqrt();
	test_small();
	test_edges();
	test_big();
	report_prefix_pop();
	return report_summary() ? 1 : 0;
}
