/* tests/test_pid.c - host unit tests of the pid strategies. */
#include <stdlib.h>
#include "pmm.h"
#include "selftest.h"
#include "pid_conformance.h"

#define ARENA_SIZE	(32UL << 20)
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
	for (int i = 0; i < pid_nr_strategies(); i++)
		pid_conformance(pid_strategy(i));
	free(arena);
	return report_summary() ? 1 : 0;
}
