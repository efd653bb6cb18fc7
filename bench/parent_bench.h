/* bench/parent_bench.h - bench=parent: fork against the parent's state
 * (parent_bench.c). */
#ifndef FORKLAB_PARENT_BENCH_H
#define FORKLAB_PARENT_BENCH_H

/* bench_parent - every sweep for each selected pt (first selected alloc
 * and pid); a config line and forklab-parent's "parent" line each. */
void bench_parent(void);
/* bench_parent_plan - how many config lines it prints. */
int bench_parent_plan(void);

#endif
