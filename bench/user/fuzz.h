/* bench/user/fuzz.h - the random-system-call fuzzer (fuzz.c). */
#ifndef FORKLAB_USER_FUZZ_H
#define FORKLAB_USER_FUZZ_H

#include "types.h"

/* fuzz - @n random calls by pid 1 from PRNG seed @seed (children make more),
 * each printed before and after from call index @from on; 0 if every call
 * returned a value or -errno, 1 if one did not, 2 if the arena would not map. */
int fuzz(u64 seed, u64 n, u64 from);

#endif
