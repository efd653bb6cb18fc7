/* core/lib/panic.h - the end of the road for a broken kernel invariant. */
#ifndef FORKLAB_PANIC_H
#define FORKLAB_PANIC_H

#include "lib/types.h"

__noreturn void panic(const char *fmt, ...) __printf(1, 2);
/* oops_begin - before a dying CPU prints its report: other CPUs that die
 * meanwhile stop, and the console lock is ignored from now on. */
void oops_begin(void);

#define BUG_ON(cond)							\
	do {								\
		if (unlikely(cond))					\
			panic("BUG_ON(%s) at %s:%d", #cond, __FILE__, __LINE__); \
	} while (0)

#endif
