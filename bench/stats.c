/* bench/stats.c - heapsort and summary statistics. */
#include "stats.h"

static void sift_down(u64 *a, size_t root, size_t n)
{
	for (;;) {
		size_t child = 2 * root + 1;
		u64 t;

		if (child >= n)
			return;
		if (child + 1 < n && a[child + 1] > a[child])
			child++;
		if (a[root] >= a[child])
			return;
		t = a[root];
		a[root] = a[child];
		a[child] = t;
		root = child;
	}
}

static void heapsort(u64 *a, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(a, i, n);
	for (size_t end = n; end-- > 1;) {
		u64 t = a[0];

		a[0] = a[end];
		a[end] = t;
		sift_down(a, 0, end);
	}
}

u64 isqrt(u64 v)
{
	u64 r = 0, bit = 1ULL << 62;

	while (bit > v)
		bit >>= 2;
	while (bit) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* percentile - nearest-rank percentile @p (0..100) of sorted @a. */
static u64 percentile(const u64 *a, size_t n, unsigned int p)
{
	size_t rank = (n * p + 99) / 100;

	return a[rank ? rank - 1 : 0];
}

void stats_compute(u64 *samples, size_t n, struct sample_stats *out)
{
	u64 sum = 0, var = 0;

	*out = (struct sample_stats){ .n = n };
	if (!n)
		return;
	heapsort(samples, n);
	for (size_t i = 0; i < n; i++)
		sum += samples[i];
	out->mean = sum / n;
	for (size_t i = 0; i < n; i++) {
		u64 d = samples[i] > out->mean ? samples[i] - out->mean : out->mean - samples[i];

		var += d * d / n;
	}
	out->min = samples[0];
	out->max = samples[n - 1];
	out->p50 = percentile(samples, n, 50);
	out->p90 = percentile(samples, n, 90);
	out->p99 = percentile(samples, n, 99);
	out->stddev = isqrt(var);
}
