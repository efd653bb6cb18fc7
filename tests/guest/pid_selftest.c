/* tests/guest/pid_selftest.c - the pid suite in the guest, for every strategy.
 * The fork path's own pid table is set aside while it runs. */
#include "mm/kmem.h"
#include "init/params.h"
#include "pid/pid.h"
#include "lib/selftest.h"
#include "suites/pid_conformance.h"

static void test_pid(void)
{
	const struct pid_ops *saved = pid_current();

	if (saved)
		pid_unselect();
	for (int i = 0; i < pid_family.nr; i++)
		pid_conformance(pid_strategy(i));
	if (saved && pid_select(saved, kparams.pid_max))
		report(false, "the fork path's pid table comes back");
}
DEFINE_SELFTEST(pid, test_pid);
