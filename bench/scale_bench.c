/* bench/scale_bench.c - the benchmarks of fork on several CPUs at once:
 * bench=scale (will-it-scale: 1..N pinned tasks each looping an op, per
 * allocator and pid strategy) and bench=tlb (fork of a parent with 0..N-1
 * threads busy on other CPUs: the TLB shootdown). Both run the user
 * program's scale and forkthreads modes and print its lines through. */
#include "scale_bench.h"
#include "user/scale_ops.h"
#include "init/params.h"
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "x86/sections.h"
#include "x86/smp.h"

static const char *const scale_ops[] = { SCALE_OP_TABLE(SCALE_OP_NAME) };

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

static void lock_clear_cache(struct kmem_cache *c, void *arg)
{
	spinlock_stats_clear(&c->lock, arg);
}

/* lock_stats_clear - zero every lock's counters: the static ones, the run
 * queues', each cache's. */
static void lock_stats_clear(void)
{
	spinlock_for_each_static(spinlock_stats_clear, NULL);
	for (int c = 0; c < nr_cpus_online; c++)
		spinlock_stats_clear(sched_rq_lock(c), NULL);
	kmem_for_each_cache(lock_clear_cache, NULL);
}

/* lock_line - "lock,NAME,acquisitions,contended,spins" for @l, if taken;
 * @prefix before the name ("kmem:" for a cache's). */
static void lock_line(const char *prefix, const struct spinlock *l)
{
	if (l->acquisitions)
		printk("lock,%s%s,%lu,%lu,%lu\n", prefix, l->name, l->acquisitions, l->contended,
		       l->spins);
}

static void lock_print_static(struct spinlock *l, void *arg)
{
	(void)arg;
	lock_line("", l);
}

static void lock_print_cache(struct kmem_cache *c, void *arg)
{
	(void)arg;
	lock_line("kmem:", &c->lock);
}

/* lock_stats_print - a lock line per lock taken since lock_stats_clear;
 * the run queues summed as one ("runqueue"). */
static void lock_stats_print(void)
{
	struct spinlock rq = SPINLOCK_INIT("runqueue");

	spinlock_for_each_static(lock_print_static, NULL);
	for (int c = 0; c < nr_cpus_online; c++) {
		const struct spinlock *l = sched_rq_lock(c);

		rq.acquisitions += l->acquisitions;
		rq.contended += l->contended;
		rq.spins += l->spins;
	}
	lock_line("", &rq);
	kmem_for_each_cache(lock_print_cache, NULL);
}

/* run_config - one configuration: its config line, then the program with
 * @argv and the locks it took ("lock" lines); an error line if it failed. */
static void run_config(const char *op, const struct strategy_set *set, const char *const *argv)
{
	int status;

	printk("config,op,%s,alloc,%s,pt,%s,pid,%s,rss_pages,1\n", op, set->alloc->name,
	       set->pt->name, set->pid->name);
	lock_stats_clear();
	status = run_user_program(user_program_start, user_program_end - user_program_start, argv);
	lock_stats_print();
	if (status)
		printk("error,op,%s,rss_pages,1,status,0x%x\n", op, status);
}

void bench_with_set(const struct strategy_set *set, void (*fn)(const struct strategy_set *))
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

int bench_sets(bool (*selected)(int s, struct strategy_set *set),
	       void (*fn)(const struct strategy_set *))
{
	struct strategy_set set;
	int sets = 0;

	for (int s = 0; s < nr_strategy_sets(); s++) {
		if (!selected(s, &set))
			continue;
		sets++;
		if (fn)
			bench_with_set(&set, fn);
	}
	return sets;
}

void bench_scale(void)
{
	bench_sets(scale_set_selected, scale_one_set);
}

int bench_scale_plan(void)
{
	return bench_sets(scale_set_selected, NULL) * (int)ARRAY_SIZE(scale_ops) * nr_task_counts();
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
	bench_with_set(&set, tlb_one_set);
}

int bench_tlb_plan(void)
{
	return nr_cpus_online;
}
