/* bench/scale_bench.h - fork on several CPUs at once (scale_bench.c). */
#ifndef FORKLAB_SCALE_BENCH_H
#define FORKLAB_SCALE_BENCH_H

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

#endif
