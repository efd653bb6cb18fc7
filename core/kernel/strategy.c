/* core/strategy.c - one strategy set for the fork path: the object
 * allocator every cache uses, the page-table copy, the pid table. Set up
 * and torn down as a whole, so a run can compare sets one after another
 * and check that each gives back every page it took. */
#include "kernel/task.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "lib/printk.h"

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

void strategies_list(void)
{
	for (int i = 0; i < kmem_nr_strategies(); i++)
		printk("strategy,alloc,%s,%s\n", kmem_strategy(i)->name, kmem_strategy(i)->desc);
	for (int i = 0; i < pt_nr_strategies(); i++)
		printk("strategy,pt,%s,%s\n", pt_strategy(i)->name, pt_strategy(i)->desc);
	for (int i = 0; i < pid_nr_strategies(); i++)
		printk("strategy,pid,%s,%s\n", pid_strategy(i)->name, pid_strategy(i)->desc);
}
