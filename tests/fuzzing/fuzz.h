/* tests/fuzzing/fuzz.h - what the fuzz targets share. */
#ifndef FORKLAB_FUZZ_H
#define FORKLAB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>

/* has_nul - whether @buf holds a terminator (core/lib/string.h has no memchr). */
static inline bool has_nul(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			return true;
	return false;
}

#endif
