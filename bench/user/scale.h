/* bench/user/scale.h - fork on several CPUs at once (scale.c). */
#ifndef FORKLAB_USER_SCALE_H
#define FORKLAB_USER_SCALE_H

#include "types.h"

/* scale - @tasks pinned worker processes doing @op @iters times each from
 * a common start, each printing a "scale" line; 0 iff every worker did. */
int scale(const char *op, u64 tasks, u64 iters);
/* fork_threads - @iters forks of a process with @threads threads busy on
 * CPUs 1..@threads; one "tlb" line; 0, or 2 if a call failed. */
int fork_threads(u64 threads, u64 iters);

#endif
