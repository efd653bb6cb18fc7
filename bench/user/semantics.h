/* bench/user/semantics.h - the semantics suite (forklab-user semantics). */
#ifndef FORKLAB_USER_SEMANTICS_H
#define FORKLAB_USER_SEMANTICS_H

/* semantics - fork/vfork/clone/wait4 checks, one line each and a summary
 * ("semantics: N ok, M failed"); 0 iff all passed, else 1. */
int semantics(void);

#include "check.h"	/* check, check_summary: the suites share them */

#endif
