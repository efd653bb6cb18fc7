/* tests/host/test_pid.c - host unit tests of the pid strategies: the conformance
 * suite for every pid strategy, with struct pid (and idr nodes) from every
 * object allocator, over a 64 MiB arena posing as physical memory. */
#include <stdlib.h>
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "lib/selftest.h"
#include "suites/pid_conformance.h"
#include "suites/registry_conformance.h"

#define ARENA_SIZE	(64UL << 20)	/* alloc=page: 10 000 pids take 40 MiB */
#define ARENA_ALIGN	(4UL << 20)
#define FAKE_PHYS	0x400000UL

int main(void)
{
	void *arena = aligned_alloc(ARENA_ALIGN, ARENA_SIZE);
	struct mem_range r = { FAKE_PHYS, FAKE_PHYS + ARENA_SIZE };

	if (!arena)
		return 2;
	direct_map_base = (u64)arena - FAKE_PHYS;
	report(pmm_init(&r, 1) == 0, "pmm_init");
	registry_conformance(&pid_family, "hash, idr, array");
	for (int a = 0; a < kmem_family.nr; a++) {
		kmem_select(kmem_strategy(a));
		report_prefix_push(kmem_strategy(a)->name);
		for (int i = 0; i < pid_family.nr; i++)
			pid_conformance(pid_strategy(i));
		report_prefix_pop();
	}
	free(arena);
	return report_summary() ? 1 : 0;
}
