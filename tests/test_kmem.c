/* tests/test_kmem.c - host unit tests of the buddy allocator and of every
 * object allocator, over a 64 MiB arena posing as physical memory. */
#include <stdlib.h>
#include "pmm.h"
#include "selftest.h"
#include "kmem_conformance.h"

#define ARENA_SIZE	(64UL << 20)
#define ARENA_ALIGN	(4UL << 20)
#define FAKE_PHYS	0x400000UL

int main(void)
{
	void *arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
	struct mem_range r[2] = {
		{ FAKE_PHYS, FAKE_PHYS + ARENA_SIZE / 2 - 0x3000 },	/* a hole, unaligned split */
		{ FAKE_PHYS + ARENA_SIZE / 2, FAKE_PHYS + ARENA_SIZE },
	};

	if (!arena)
		return 2;
	direct_map_base = (u64)arena - FAKE_PHYS;
	report(pmm_init(r, 2) == 0, "pmm_init over two ranges");
	report_prefix_push("buddy");
	pmm_conformance();
	report_prefix_pop();
	for (int i = 0; i < kmem_nr_strategies(); i++)
		kmem_conformance(kmem_strategy(i));
	free(arena);
	return report_summary() ? 1 : 0;
}
