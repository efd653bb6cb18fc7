/* bench/user/parent.h - forklab-parent's two jobs (parent.c). */
#ifndef FORKLAB_USER_PARENT_H
#define FORKLAB_USER_PARENT_H

#include "types.h"

/* parent_semantics - the checks of huge pages and the zero page through
 * fork, one line each; 0 iff all passed. */
int parent_semantics(void);
/* parent_bench - time @op (parent_ops.h) @n times (after a warm-up) in a
 * parent with @rss pages and @live VMAs or threads, print its "parent"
 * line; 0, 1 if a cow-write child failed, 2 if the op or its state did. */
int parent_bench(const char *op, u64 n, u64 rss, u64 live);

/* parent_fork_once - fork_once (stress.h) from a parent with four 2 MiB
 * pages' worth of memory and 64 more VMAs; 98 if that state failed. */
int parent_fork_once(void);

#endif
