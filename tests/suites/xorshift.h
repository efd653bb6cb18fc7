/* tests/suites/xorshift.h - the tests' own deterministic PRNG (Marsaglia
 * xorshift64), so host and guest runs see the same sequence. */
#ifndef FORKLAB_XORSHIFT_H
#define FORKLAB_XORSHIFT_H

#include "lib/types.h"

static inline u64 xorshift64(u64 *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

#endif
