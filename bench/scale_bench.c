/* bench/scale_bench.c - the benchmarks of fork on several CPUs at once:
 * bench=scale (will-it-scale: 1..N pinned tasks each looping an op, per
 * allocator and pid strategy) and bench=tlb (fork of a parent with 0..N-1
 * threads busy on other CPUs: the TLB shootdown). Both run the user
 * program's scale and forkthreads modes and print its lines through. */
#include "scale_bench.h"
#include "init/params.h"
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "x86/sections.h"
#include "x86/smp.h"

static const char *const scale_ops[] = { "fork-exit-wait", "vfork", "clone-thread" };

/* next_tasks - the task counts bench=scale tries: 1, 2, 4, ... and the
 * number of CPUs online. */
static int next_tasks(int tasks)
{
	if (tasks >= nr_cpus_online)
		return 0;
	return tasks * 2 < nr_cpus_online ? tasks * 2 : nr_cpus_online;
}

static int nr_task_counts(void)
{
	int n = 0;

	for (int t = 1; t; t = next_tasks(t))
		n++;
	return n;
}

/* scale_set_selected - whether set @s is one bench=scale runs: every
 * selected allocator and pid strategy, with the first selected pt. */
static bool scale_set_selected(int s, struct strategy_set *set)
{
	const struct strategy *pt = strategy_pick(&pt_family, kparams.strategy_mask[FAMILY_PT]);

	return strategy_set_at(s, kparams.strategy_mask, set) && &set->pt->strategy == pt;
}

/* run_config - one configuration: its config line, then the program with
 * @argv; an error line if it failed. */
static void run_config(const char *op, const struct strategy_set *set, const char *const *argv)
{
	int status;

	printk("config,op,%s,alloc,%s,pt,%s,pid,%s,rss_pages,1\n", op, set->alloc->name,
	       set->pt->name, set->pid->name);
	status = run_user_program(user_program_start, user_program_end - user_program_start, argv);
	if (status)
		printk("error,op,%s,rss_pages,1,status,0x%x\n", op, status);
}

/* with_set - set @set up, run @fn(@set), tear it down. */
static void with_set(const struct strategy_set *set, void (*fn)(const struct strategy_set *))
{
	if (strategies_setup(set->alloc, set->pt, set->pid, kparams.tasksize, kparams.pid_max)) {
		printk("error,setup,%s/%s/%s,out of memory\n", set->alloc->name, set->pt->name,
		       set->pid->name);
		return;
	}
	fn(set);
	strategies_teardown();
}

static void scale_one_set(const struct strategy_set *set)
{
	char tasks[16], iters[24];
	const char *argv[] = { "forklab-user", "scale", NULL, tasks, iters, NULL };

	fl_snprintf(iters, sizeof(iters), "%lu", kparams.iters);
	for (size_t o = 0; o < ARRAY_SIZE(scale_ops); o++) {
		argv[2] = scale_ops[o];
		for (int t = 1; t; t = next_tasks(t)) {
			fl_snprintf(tasks, sizeof(tasks), "%d", t);
			run_config(scale_ops[o], set, argv);
		}
	}
}

void bench_scale(void)
{
	struct strategy_set set;

	for (int s = 0; s < nr_strategy_sets(); s++)
		if (scale_set_selected(s, &set))
			with_set(&set, scale_one_set);
}

int bench_scale_plan(void)
{
	struct strategy_set set;
	int sets = 0;

	for (int s = 0; s < nr_strategy_sets(); s++)
		sets += scale_set_selected(s, &set);
	return sets * (int)ARRAY_SIZE(scale_ops) * nr_task_counts();
}

static void tlb_one_set(const struct strategy_set *set)
{
	char threads[16], iters[24];
	const char *argv[] = { "forklab-user", "forkthreads", threads, iters, NULL };

	fl_snprintf(iters, sizeof(iters), "%lu", kparams.iters);
	for (int t = 0; t < nr_cpus_online; t++) {
		fl_snprintf(threads, sizeof(threads), "%d", t);
		run_config("fork", set, argv);
	}
}

void bench_tlb(void)
{
	struct strategy_set set;

	strategy_set_pick(kparams.strategy_mask, &set);
	with_set(&set, tlb_one_set);
}

int bench_tlb_plan(void)
{
	return nr_cpus_online;
}
