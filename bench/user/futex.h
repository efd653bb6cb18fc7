/* bench/user/futex.h - the futex suite (forklab-user futex). */
#ifndef FORKLAB_USER_FUTEX_H
#define FORKLAB_USER_FUTEX_H

/* futex_suite - futex(2), CLONE_CHILD_CLEARTID and mprotect checks, one
 * line each and a summary ("futex: N ok, M failed"); 0 iff all passed. */
int futex_suite(void);

#endif
