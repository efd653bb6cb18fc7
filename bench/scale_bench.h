/* bench/scale_bench.h - fork on several CPUs at once (scale_bench.c). */
#ifndef FORKLAB_SCALE_BENCH_H
#define FORKLAB_SCALE_BENCH_H

#include "lib/types.h"

/* bench_scale - bench=scale: per selected allocator and pid strategy (the
 * first selected pt), fork-exit-wait, vfork and clone-thread by 1, 2, 4 ..
 * CPUs-online pinned tasks at once, iters= each; prints the program's
 * "scale" lines after a config line each. */
void bench_scale(void);
/* bench_tlb - bench=tlb: iters= forks of a parent with 0 .. CPUs-1 threads
 * busy elsewhere (the default strategy set); "tlb" lines. */
void bench_tlb(void);
/* bench_scale_plan, bench_tlb_plan - how many config lines each prints. */
int bench_scale_plan(void);
int bench_tlb_plan(void);

struct strategy_set;
/* bench_with_set - set @set up, run @fn(@set), tear it down (an error line
 * instead when the set cannot be set up). */
void bench_with_set(const struct strategy_set *set, void (*fn)(const struct strategy_set *));
/* bench_sets - bench_with_set(@fn) for every strategy set @selected picks
 * (none when @fn is NULL); how many it picked. */
int bench_sets(bool (*selected)(int s, struct strategy_set *set),
	       void (*fn)(const struct strategy_set *));

#endif
