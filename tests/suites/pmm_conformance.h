/* tests/suites/pmm_conformance.h - the buddy allocator's suite, and the
 * hoard the allocator suites use to run a cache out of memory. */
#ifndef FORKLAB_PMM_CONFORMANCE_H
#define FORKLAB_PMM_CONFORMANCE_H

#include "mm/pmm.h"

/* A hoard: every block the buddy allocator would give, chained through
 * the head pages' lru (an allocated block's lru belongs to its owner), so
 * the memory itself is never touched: first touches of guest RAM are slow. */
struct hoard {
	struct list_head blocks;
};

/* hoard - take every free page out of the buddy allocator, largest first. */
void hoard(struct hoard *h);
/* unhoard - give back what hoard() took. */
void unhoard(struct hoard *h);
/* pmm_conformance - every check of the buddy allocator; leaves
 * nr_free_pages() as it found it. */
void pmm_conformance(void);

#endif
