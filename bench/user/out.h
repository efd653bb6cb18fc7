/* bench/user/out.h - buffered output to stdout (fd 1), no libc. Nothing is
 * written until flush() or a full buffer. */
#ifndef FORKLAB_USER_OUT_H
#define FORKLAB_USER_OUT_H

#include "types.h"

void flush(void);
void putc_(char c);
void puts_(const char *s);
void putu(u64 v);
void puti(long v);
/* format_s, format_u - @s, or @v in decimal, written at @p (no NUL); the
 * end of what was written. For lines built in the caller's own buffer. */
char *format_s(char *p, const char *s);
char *format_u(char *p, u64 v);
/* write_now - flush, then write @n bytes of @s to fd 1 at once. */
void write_now(const char *s, long n);

/* check - one line of a suite (semantics.c, regress.c): "ok @what", or
 * "FAIL @what: got @detail", counted in nr_ok or nr_failed. */
void check(int cond, const char *what, long detail);
extern int nr_ok, nr_failed;
/* check_summary - "@suite: N ok, M failed"; 0 iff none failed, else 1. */
int check_summary(const char *suite);

#endif
