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

/* Sums of squared cycle counts need 128 bits. gcc inlines 128-bit adds,
 * shifts and the 64x64->128 multiply; division would call libgcc, which
 * the kernel does not link, so it is done here by hand. */
typedef unsigned __int128 u128;

/* div128 - @n / @d by shift-and-subtract. */
static u128 div128(u128 n, u64 d)
{
	u128 q = 0, r = 0;

	for (int i = 127; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (u128)1 << i;
		}
	}
	return q;
}

/* isqrt128 - floor(sqrt(@v)), digit by digit. */
static u64 isqrt128(u128 v)
{
	u128 r = 0, bit = (u128)1 << 126;

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
	return (u64)r;
}

/* isqrt - floor(sqrt(@v)). */
u64 isqrt(u64 v)
{
	return isqrt128(v);
}

/* percentile - nearest-rank percentile @p (0..100) of sorted @a. */
static u64 percentile(const u64 *a, size_t n, unsigned int p)
{
	size_t rank = (n * p + 99) / 100;

	return a[rank ? rank - 1 : 0];
}

/* stats_compute - sort @samples in place; n, min, max, nearest-rank
 * p50/p90/p99, the mean and the population stddev (both truncated). */
void stats_compute(u64 *samples, size_t n, struct sample_stats *out)
{
	u128 sum = 0, sq = 0;

	*out = (struct sample_stats){ .n = n };
	if (!n)
		return;
	heapsort(samples, n);
	for (size_t i = 0; i < n; i++)
		sum += samples[i];
	out->mean = (u64)div128(sum, n);
	/* sum of (x - mean)^2 over n, exactly: n*sum(x^2) - sum(x)^2 would
	 * need 192 bits, deviations from the truncated mean do not */
	for (size_t i = 0; i < n; i++) {
		u64 d = samples[i] > out->mean ? samples[i] - out->mean : out->mean - samples[i];

		sq += (u128)d * d;
	}
	out->min = samples[0];
	out->max = samples[n - 1];
	out->p50 = percentile(samples, n, 50);
	out->p90 = percentile(samples, n, 90);
	out->p99 = percentile(samples, n, 99);
	out->stddev = isqrt128(div128(sq, n));
}
