/* core/lib/printk.h - formatted output. In the kernel printk() writes to the serial
 * console; host unit tests link a shim that writes to stdout. */
#ifndef FORKLAB_PRINTK_H
#define FORKLAB_PRINTK_H

#include "lib/types.h"

int printk(const char *fmt, ...) __printf(1, 2);
int vprintk(const char *fmt, va_list ap);

/* vsnprintf/snprintf: %d %i %u %x %X %o %c %s %p %%, length l/ll/z, flags - 0,
 * width and '*'. Always NUL-terminates when size > 0; returns the length the
 * full output would have had. */
int fl_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int fl_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

#endif
