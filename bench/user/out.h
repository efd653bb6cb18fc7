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

#endif
