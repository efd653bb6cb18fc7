/* tests/host/test_kmem.c - host unit tests of the buddy allocator and of every
 * object allocator, over a 64 MiB arena posing as physical memory that
 * starts at FAKE_PHYS (so direct_map_base = arena - FAKE_PHYS). */
#include <stdlib.h>
#include "mm/pmm.h"
#include "lib/selftest.h"
#include "suites/kmem_conformance.h"
#include "suites/pmm_conformance.h"
#include "suites/registry_conformance.h"

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
	/* a kernel image a few pages longer moves the start of free memory;
	 * the free lists must keep their shape (icount numbers depend on it) */
	{
		struct mem_range a = { FAKE_PHYS + 0x5000, FAKE_PHYS + ARENA_SIZE };
		struct mem_range b = { FAKE_PHYS + 0x9000, FAKE_PHYS + ARENA_SIZE };
		struct pmm_stats sa, sb;
		bool same = true;

		pmm_init(&a, 1);
		pmm_get_stats(&sa);
		pmm_init(&b, 1);
		pmm_get_stats(&sb);
		for (int o = 0; o < MAX_ORDER; o++)
			same &= sa.free_per_order[o] == sb.free_per_order[o];
		report(same && sa.free_per_order[MAX_ORDER - 1] > 0,
		       "pmm_init: free lists keep their shape when the image grows by 4 pages "
		       "(%lu and %lu 4 MiB blocks)", sa.free_per_order[MAX_ORDER - 1],
		       sb.free_per_order[MAX_ORDER - 1]);
	}
	report(pmm_init(r, 2) == 0, "pmm_init over two ranges with a hole");
	report(nr_free_pages() < ARENA_SIZE / PAGE_SIZE - 3 &&
	       /* 64 bytes of memmap a frame, from frame 0, and at most a 4 MiB
		* block less after it (the free memory starts on a block boundary) */
	       nr_free_pages() > ARENA_SIZE / PAGE_SIZE - 4 - (FAKE_PHYS + ARENA_SIZE) / PAGE_SIZE / 64 -
				 ((1UL << (MAX_ORDER - 1)) - 1),
	       "the memmap is carved out of the ranges (%lu pages free)", nr_free_pages());
	{
		/* the floor a fork sets: nothing below pmm_min_free is handed out */
		u64 free = nr_free_pages();
		struct page *one, *none;

		pmm_set_min_free(free - 1);
		one = alloc_pages(0);
		none = alloc_pages(0);
		pmm_set_min_free(0);
		report(one && !none && nr_free_pages() == free - 1,
		       "pmm_min_free: one page above the floor is handed out, then none");
		if (one)
			__free_pages(one, 0);
		if (none)
			__free_pages(none, 0);
	}
	report_prefix_push("buddy");
	pmm_conformance();
	report_prefix_pop();
	report_prefix_push("kmem");
	registry_conformance(&kmem_family, "page, slab, slub, magazine, bump");
	for (int i = 0; i < kmem_family.nr; i++)
		kmem_conformance(kmem_strategy(i));
	report_prefix_pop();
	free(arena);
	return report_summary() ? 1 : 0;
}
