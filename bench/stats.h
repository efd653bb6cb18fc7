/* bench/stats.h - order statistics of cycle samples, integers only (the
 * kernel has no floating point). */
#ifndef FORKLAB_STATS_H
#define FORKLAB_STATS_H

#include "lib/types.h"

struct sample_stats {
	u64 n, min, p50, p90, p99, max, mean, stddev;
};

/* stats_compute - sort @samples in place and summarize them. */
void stats_compute(u64 *samples, size_t n, struct sample_stats *out);
u64 isqrt(u64 v);

#endif
