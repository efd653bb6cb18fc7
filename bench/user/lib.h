/* bench/user/lib.h - the few libc pieces the user program needs. */
#ifndef FORKLAB_USER_LIB_H
#define FORKLAB_USER_LIB_H

#include "types.h"

/* streq - whether @a and @b are the same string. Inline: the benchmark
 * loop picks its operation by name on every call. */
static inline int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* atou - the decimal number @s starts with (0 if none); no overflow check. */
u64 atou(const char *s);

/* sort - sort @a[0..@n) ascending (shell sort: small and in place). */
void sort(u64 *a, long n);

#endif
