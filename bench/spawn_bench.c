/* bench/spawn_bench.c - bench=spawn: what starting a program costs against
 * the parent's resident size ("A fork() in the road", HotOS 2019), one run
 * of the user program's spawnall per strategy set. Each method execs the
 * program itself; a kernel without execve (or pipe2) gets one
 * spawn_unavailable line per method and size from the program instead of
 * numbers, and the run goes on. */
#include "spawn_bench.h"
#include "scale_bench.h"
#include "user/spawn_ops.h"
#include "init/params.h"
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "x86/sections.h"

/* spawn_set_selected - whether set @s is one bench=spawn runs: the first
 * selected allocator and pid strategy, every selected pt (what fork+exec
 * copies is the page-table strategy's doing). */
static bool spawn_set_selected(int s, struct strategy_set *set)
{
	const struct strategy *alloc = strategy_pick(&kmem_family,
						     kparams.strategy_mask[FAMILY_ALLOC]);
	const struct strategy *pid = strategy_pick(&pid_family, kparams.strategy_mask[FAMILY_PID]);

	return strategy_set_at(s, kparams.strategy_mask, set) &&
	       &set->alloc->strategy == alloc && &set->pid->strategy == pid;
}

/* nr_spawn_sizes - the resident sizes spawnall tries: 1, 4, 16 .. rss_max. */
static int nr_spawn_sizes(void)
{
	int n = 0;

	for (u64 rss = 1; rss <= kparams.rss_max; rss *= 4)
		n++;
	return n;
}

static void spawn_one_set(const struct strategy_set *set)
{
	char iters[24], rss[24];
	const char *argv[] = { "forklab-user", "spawnall", iters, rss, set->alloc->name,
			       set->pt->name, set->pid->name, NULL };
	int status;

	fl_snprintf(iters, sizeof(iters), "%lu", kparams.iters);
	fl_snprintf(rss, sizeof(rss), "%lu", kparams.rss_max);
	status = run_user_program(user_program_start, user_program_end - user_program_start, argv);
	if (status)
		printk("error,op,spawnall,rss_pages,%lu,status,0x%x\n", kparams.rss_max, status);
}

void bench_spawn(void)
{
	bench_sets(spawn_set_selected, spawn_one_set);
}

int bench_spawn_plan(void)
{
	return bench_sets(spawn_set_selected, NULL) * NR_SPAWN_OPS * nr_spawn_sizes();
}

#define SPAWN_OP_LINE(name, what)	printk("spawn_op,%s,%s\n", name, what);

void bench_spawn_list(void)
{
	SPAWN_OP_TABLE(SPAWN_OP_LINE)
}
