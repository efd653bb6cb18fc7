/* core/lib/string.h - the C string/memory routines. The kernel gets them from
 * lib/string.c; host unit tests get the same prototypes from libc. */
#ifndef FORKLAB_STRING_H
#define FORKLAB_STRING_H

#include "lib/types.h"

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);

/* memcpy_q / memset_q - @nq quadwords, one inline rep movsq / rep stosq:
 * no call, no size test, for the fork path's fixed-size copies. */
static inline void *memcpy_q(void *dst, const void *src, size_t nq)
{
	void *ret = dst;

	asm volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(nq) : : "memory");
	return ret;
}

static inline void *memset_q(void *dst, u64 v, size_t nq)
{
	void *ret = dst;

	asm volatile("rep stosq" : "+D"(dst), "+c"(nq) : "a"(v) : "memory");
	return ret;
}

#endif
