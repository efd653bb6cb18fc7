/* bench/user/parent.h - forklab-parent's two jobs (parent.c). */
#ifndef FORKLAB_USER_PARENT_H
#define FORKLAB_USER_PARENT_H

#include "types.h"

/* parent_semantics - the checks of huge pages and the zero page through
 * fork, one line each; 0 iff all passed. */
int parent_semantics(void);
/* What a Linux host is asked for the parent's pages (forklab-parent's fifth
 * argument; forklab's own thp= key decides there): nothing (the kernel's
 * default), none in 2 MiB pages (prctl PR_SET_THP_DISABLE) or the resident
 * region in them where the host allows (madvise MADV_HUGEPAGE). */
enum parent_thp { PARENT_THP_DEFAULT, PARENT_THP_NEVER, PARENT_THP_MADVISE };

/* parent_bench - time @op (parent_ops.h) @n times (after a warm-up) in a
 * parent with @rss pages and @live VMAs or threads, its pages as @thp asks,
 * print its "parent" line; 0, 1 if a cow-write child failed, 2 if the op
 * or its state did. */
int parent_bench(const char *op, u64 n, u64 rss, u64 live, enum parent_thp thp);

/* parent_fork_once - fork_once (stress.h) from a parent with four 2 MiB
 * pages' worth of memory and 64 more VMAs; 98 if that state failed. */
int parent_fork_once(void);

#endif
