/* core/kernel/strategy_setup.c - setting a strategy set up for the fork
 * path and tearing it down again (see strategy.h). */
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"

static bool active;

int strategies_setup(const struct kmem_ops *alloc, const struct pt_ops *pt,
		     const struct pid_ops *pid, u32 tasksize, int pid_max)
{
	int r;

	if (active)
		strategies_teardown();
	kmem_select(alloc);
	pt_ops_current = pt;
	r = mm_init();
	if (r)
		return r;
	r = pid_select(pid, pid_max);
	if (r)
		goto out_mm;
	r = fork_init(tasksize);
	if (r)
		goto out_pid;
	active = true;
	return 0;

out_pid:
	pid_unselect();
out_mm:
	mm_exit();
	return r;
}

void strategies_teardown(void)
{
	if (!active)
		return;
	fork_exit();
	pid_unselect();
	mm_exit();
	active = false;
}
