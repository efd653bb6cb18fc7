/* core/kernel/failslab.h - fault injection on the fork path, like Linux's failslab
 * and fail_page_alloc: the N-th allocation at one named site fails. Only
 * allocations made inside a window are counted - kernel_clone, execve,
 * open and pipe2 open one - so a test can aim at "the 3rd page-table page
 * of the next fork". */
#ifndef FORKLAB_FAILSLAB_H
#define FORKLAB_FAILSLAB_H

#include "lib/types.h"

enum fail_site {
	FAIL_NONE,
	FAIL_TASK_STRUCT,
	FAIL_KERNEL_STACK,
	FAIL_FILES,
	FAIL_FS,
	FAIL_SIGHAND,
	FAIL_SIGNAL,
	FAIL_MM,
	FAIL_PGTABLE,		/* any page-table page copy_mm allocates */
	FAIL_COPY_PAGE,		/* a page pt=copy copies at fork */
	FAIL_PID,
	FAIL_EXEC,		/* a page execve maps for the new image or its stack */
	FAIL_FILE,		/* a struct file (open, pipe2) */
	FAIL_PIPE,		/* a pipe's pipe_inode_info or its buffer page */
	NR_FAIL_SITES
};

extern const char *const fail_site_names[NR_FAIL_SITES];

/* fail_arm - make the @nth allocation at @site inside the next forks fail
 * (once); FAIL_NONE disarms. */
void fail_arm(enum fail_site site, u64 nth);
/* fail_parse - "site:N" -> armed; 0, or -EINVAL with the accepted sites in @err. */
int fail_parse(const char *spec, char *err, size_t errlen);
extern enum fail_site fail_armed_site;
extern bool fail_window;

/* fork_fail_window - kernel_clone (and execve, open, pipe2) open and close
 * the counting window. */
static inline void fork_fail_window(bool open)
{
	fail_window = open;
}

/* __should_fail - the slow path of should_fail, for an armed site. */
bool __should_fail(enum fail_site site);

/* should_fail - count an allocation at @site; true if it must fail. Inline
 * so that a fork with nothing armed pays one compare per site (Linux puts
 * its should_failslab behind a static key for the same reason). */
static inline bool should_fail(enum fail_site site)
{
	return unlikely(fail_armed_site != FAIL_NONE) && __should_fail(site);
}
/* fail_fired - whether the armed failure happened since fail_arm. */
bool fail_fired(void);

#endif
