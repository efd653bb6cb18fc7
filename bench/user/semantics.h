/* bench/user/semantics.h - the semantics suite (forklab-user semantics). */
#ifndef FORKLAB_USER_SEMANTICS_H
#define FORKLAB_USER_SEMANTICS_H

/* semantics - fork/vfork/clone/wait4 checks, one line each and a summary
 * ("semantics: N ok, M failed"); 0 iff all passed, else 1. */
int semantics(void);

/* check - count and print one check: "ok @what", or "FAIL @what: got @detail". */
void check(int cond, const char *what, long detail);
/* check_summary - "@name: N ok, M failed"; 0 iff none failed. */
int check_summary(const char *name);

#endif
