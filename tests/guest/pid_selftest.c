/* tests/guest/pid_selftest.c - the pid suite in the guest, for every strategy.
 * The fork path's own pid table is set aside while it runs. */
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "init/params.h"
#include "pid/pid.h"
#include "lib/selftest.h"
#include "suites/pid_conformance.h"

/* test_pid - with the fork path's page reclaim off, as for the allocator
 * suites (kmem_selftest.c): the suite counts pages. */
static void test_pid(void)
{
	const struct pid_ops *saved = pid_current();
	void (*reclaim)(void) = pmm_reclaim;

	if (saved)
		pid_unselect();
	pmm_reclaim = NULL;
	for (int i = 0; i < pid_family.nr; i++)
		pid_conformance(pid_strategy(i));
	pmm_reclaim = reclaim;
	if (saved && pid_select(saved, kparams.pid_max))
		report(false, "the fork path's pid table comes back");
}
DEFINE_SELFTEST(pid, test_pid);
