/* bench/user/check.h - one line per check, counted (check.c). */
#ifndef FORKLAB_USER_CHECK_H
#define FORKLAB_USER_CHECK_H

/* check - count and print one check: "ok @what", or "FAIL @what: got @detail". */
void check(int cond, const char *what, long detail);
/* check_summary - "@suite: N ok, M failed" for the checks so far; 0 iff
 * none failed, else 1. */
int check_summary(const char *suite);

#endif
