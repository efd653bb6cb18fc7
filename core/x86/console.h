/* core/x86/console.h - the serial console (COM1), forklab's only output. */
#ifndef FORKLAB_CONSOLE_H
#define FORKLAB_CONSOLE_H

#include "lib/types.h"

void console_init(void);
void console_write(const char *s, size_t n);
/* console_panic - from now on write without the console lock (panic). */
void console_panic(void);
/* console_bytes_written - bytes sent since boot (self-tests check output). */
u64 console_bytes_written(void);

#endif
