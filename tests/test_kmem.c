/* tests/test_kmem.c - host unit tests of the buddy allocator and of every
 * object allocator, over a 64 MiB arena posing as physical memory that
 * starts at FAKE_PHYS (so direct_map_base = arena - FAKE_PHYS). */
#include <stdlib.h>
#include "pmm.h"
#include "selftest.h"
#include "kmem_conformance.h"

#define ARENA_SIZE	(64UL << 20)
#define ARENA_ALIGN	(4UL << 20)
#define FAKE_PHYS	0x100000UL	/* 1 MiB: not 4 MiB-aligned, as in the guest */
#define HOLE		0x3000UL	/* a gap between the two ranges */

int main(void)
{
	void *arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
	struct mem_range r[2] = {
		{ FAKE_PHYS, FAKE_PHYS + ARENA_SIZE / 2 - HOLE },
		{ FAKE_PHYS + ARENA_SIZE / 2, FAKE_PHYS + ARENA_SIZE },
	};
	struct mem_range tiny = { FAKE_PHYS, FAKE_PHYS + PAGE_SIZE };

	if (!arena)
		return 2;
	direct_map_base = (u64)arena - FAKE_PHYS;
	report(pmm_init(&tiny, 1) == -ENOMEM, "pmm_init: no room for the memmap gives -ENOMEM");
	report(pmm_init(r, 2) == 0, "pmm_init over two ranges with a hole");
	report(nr_free_pages() < ARENA_SIZE / PAGE_SIZE - 3 &&
	       /* 64 bytes of memmap a frame, from frame 0 */
	       nr_free_pages() > ARENA_SIZE / PAGE_SIZE - 4 - (FAKE_PHYS + ARENA_SIZE) / PAGE_SIZE / 64,
	       "the memmap is carved out of the ranges (%lu pages free)", nr_free_pages());
	report_prefix_push("buddy");
	pmm_conformance();
	report_prefix_pop();
	report_prefix_push("kmem");
	kmem_registry_conformance();
	for (int i = 0; i < kmem_nr_strategies(); i++)
		kmem_conformance(kmem_strategy(i));
	report_prefix_pop();
	free(arena);
	return report_summary() ? 1 : 0;
}
