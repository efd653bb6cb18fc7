/* tests/guest/fork_selftest.h - what the fork self-tests share with the
 * exec and file ones. */
#ifndef FORKLAB_FORK_SELFTEST_H
#define FORKLAB_FORK_SELFTEST_H

#include "kernel/failslab.h"

/* run_embedded - the embedded program as pid 1 with @argv; its status. */
int run_embedded(const char *const *argv);
/* live_objects - what the fork path holds: tasks' objects (files and
 * pipes too), mms, pids. */
u64 live_objects(void);
/* inject_one - fail the @nth allocation at @site while the embedded
 * program's mode @prog runs (fork-once, files-once: they exit 107 when
 * all worked, else the errno), or with @thp forklab-parent's under
 * thp=always (2 MiB pages and more VMAs than the mm holds inline): the
 * failure must give -ENOMEM (-EAGAIN for pids) and leak no object; counts
 * into *@bad and *@leaks. True while the site still had an @nth
 * allocation (the walk goes on). */
bool inject_one(const char *prog, enum fail_site site, u64 nth, bool thp, int *bad, int *leaks);

#endif
