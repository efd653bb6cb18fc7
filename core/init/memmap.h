/* core/init/memmap.h - the list of usable physical RAM ranges. Pure logic,
 * host-tested: the boot code adds what the bootloader reports, reserves
 * what is taken, and normalizes. */
#ifndef FORKLAB_MEMMAP_H
#define FORKLAB_MEMMAP_H

#include "lib/types.h"

#define MEMMAP_MAX 64

struct memmap {
	int nr;
	struct { u64 start, end; } range[MEMMAP_MAX];	/* [start, end) */
};

/* memmap_add - add usable [start, end); returns 0 or -ENOMEM when full. */
int memmap_add(struct memmap *m, u64 start, u64 end);
/* memmap_reserve - remove [start, end) from every range (may split one);
 * returns 0 or -ENOMEM when a split does not fit. */
int memmap_reserve(struct memmap *m, u64 start, u64 end);
/* memmap_normalize - page-align each range inward, drop empty ones, sort by
 * start and merge overlapping or touching ranges. */
void memmap_normalize(struct memmap *m);
/* memmap_total - bytes in all ranges. */
u64 memmap_total(const struct memmap *m);

#endif
