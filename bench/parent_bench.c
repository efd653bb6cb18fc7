/* bench/parent_bench.c - bench=parent: fork against the parent's state, as
 * users of fork benchmarks ask for it first ("A fork() in the road", HotOS
 * 2019): its resident size in 4 KiB pages written, only read (the zero
 * page) or in 2 MiB pages (thp=always), the first writes fork deferred
 * (2 MiB copied or split), the number of VMAs and of threads. Each
 * configuration runs forklab-parent (bench/user/parent.c) under the thp=
 * and thp_cow= it needs, for every selected pt= with the first selected
 * allocator and pid strategy; the rows are bench=parent, the op this
 * table's name, rss_pages the resident size, live the VMAs or threads. */
#include "parent_bench.h"
#include "init/params.h"
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "user/budget.h"
#include "user/parent_ops.h"
#include "x86/sections.h"

enum parent_sweep { SWEEP_RSS, SWEEP_COW, SWEEP_VMAS, SWEEP_THREADS };

struct parent_op {
	const char *name;		/* the rows' op */
	const char *user_op;		/* forklab-parent's (parent_ops.h) */
	u32 thp, thp_cow;		/* thp= and thp_cow= while it runs */
	enum parent_sweep sweep;
};

static const struct parent_op parent_ops[] = {
	{ "fork-dirty", PARENT_OP_DIRTY, THP_NEVER, THP_COW_COPY, SWEEP_RSS },
	{ "fork-clean", PARENT_OP_CLEAN, THP_NEVER, THP_COW_COPY, SWEEP_RSS },
	{ "fork-thp", PARENT_OP_DIRTY, THP_ALWAYS, THP_COW_COPY, SWEEP_RSS },
	{ "cow-write-4k", PARENT_OP_COW_WRITE, THP_NEVER, THP_COW_COPY, SWEEP_COW },
	{ "cow-write-thp-copy", PARENT_OP_COW_WRITE, THP_ALWAYS, THP_COW_COPY, SWEEP_COW },
	{ "cow-write-thp-split", PARENT_OP_COW_WRITE, THP_ALWAYS, THP_COW_SPLIT, SWEEP_COW },
	{ "fork-vmas", PARENT_OP_VMAS, THP_NEVER, THP_COW_COPY, SWEEP_VMAS },
	{ "fork-threads", PARENT_OP_THREADS, THP_NEVER, THP_COW_COPY, SWEEP_THREADS },
};

/* The sweeps: resident sizes from one page, then 2 MiB (512 pages) in
 * powers of 4, and rss_max itself (1 GiB = 262 144); the first-write
 * sweep at 2 MiB, 64 MiB and rss_max; VMAs and threads as listed. */
static const u64 vma_counts[] = { 1, 10, 100, 1000, 10000 };
static const u64 thread_counts[] = { 0, 1, 2, 4, 8, 16, 32, 64 };
#define SWEEP_MAX	16

/* sweep_points - @op's (rss, live) points into @rss/@live; how many. */
static int sweep_points(const struct parent_op *op, u64 rss[SWEEP_MAX], u64 live[SWEEP_MAX])
{
	int n = 0;

	switch (op->sweep) {
	case SWEEP_RSS:
		rss[n++] = 1;
		for (u64 r = 512; r <= kparams.rss_max; r *= 4)
			rss[n++] = r;
		if (rss[n - 1] != kparams.rss_max && kparams.rss_max > 512)
			rss[n++] = kparams.rss_max;
		break;
	case SWEEP_COW:
		for (u64 r = 512; r <= kparams.rss_max && n < 2; r *= 32)
			rss[n++] = r;
		if (rss[n - 1] != kparams.rss_max && kparams.rss_max > 512)
			rss[n++] = kparams.rss_max;
		break;
	case SWEEP_VMAS:
		for (size_t i = 0; i < ARRAY_SIZE(vma_counts) && vma_counts[i] + 64 <= MM_MAX_VMAS; i++)
			rss[n] = 1, live[n++] = vma_counts[i];
		return n;
	case SWEEP_THREADS:
		for (size_t i = 0; i < ARRAY_SIZE(thread_counts); i++)
			rss[n] = 1, live[n++] = thread_counts[i];
		return n;
	}
	for (int i = 0; i < n; i++)
		live[i] = 0;
	return n;
}

/* run_parent_config - one configuration: its config line, forklab-parent
 * under the op's thp=/thp_cow=, an error line if it failed. */
static void run_parent_config(const struct parent_op *op, const struct strategy_set *set,
			      u64 rss, u64 live)
{
	char n[24], r[24], l[24];
	const char *argv[] = { "forklab-parent", op->user_op, n, r, l, NULL };
	u32 thp0 = thp_mode, cow0 = thp_cow;
	int status;

	fl_snprintf(n, sizeof(n), "%lu",
		    op->sweep == SWEEP_COW ? 1UL : (u64)BENCH_FORK_ITERS(kparams.iters, rss));
	fl_snprintf(r, sizeof(r), "%lu", rss);
	fl_snprintf(l, sizeof(l), "%lu", live);
	printk("config,op,%s,alloc,%s,pt,%s,pid,%s,rss_pages,%lu\n", op->name, set->alloc->name,
	       set->pt->name, set->pid->name, rss);
	thp_mode = op->thp;
	thp_cow = op->thp_cow;
	status = run_user_program(parent_program_start, parent_program_end - parent_program_start,
				  argv);
	thp_mode = thp0;
	thp_cow = cow0;
	if (status)
		printk("error,op,%s,rss_pages,%lu,status,0x%x\n", op->name, rss, status);
}

/* parent_set_selected - whether strategy set @s is one bench=parent runs:
 * every selected pt with the first selected allocator and pid strategy. */
static bool parent_set_selected(int s, struct strategy_set *set)
{
	struct strategy_set first;

	strategy_set_pick(kparams.strategy_mask, &first);
	return strategy_set_at(s, kparams.strategy_mask, set) && set->alloc == first.alloc &&
	       set->pid == first.pid;
}

void bench_parent(void)
{
	struct strategy_set set;
	u64 rss[SWEEP_MAX], live[SWEEP_MAX];

	for (int s = 0; s < nr_strategy_sets(); s++) {
		if (!parent_set_selected(s, &set))
			continue;
		if (strategies_setup(set.alloc, set.pt, set.pid, kparams.tasksize, kparams.pid_max)) {
			printk("error,setup,%s/%s/%s,out of memory\n", set.alloc->name, set.pt->name,
			       set.pid->name);
			continue;
		}
		for (size_t o = 0; o < ARRAY_SIZE(parent_ops); o++) {
			int n = sweep_points(&parent_ops[o], rss, live);

			for (int i = 0; i < n; i++)
				run_parent_config(&parent_ops[o], &set, rss[i], live[i]);
		}
		strategies_teardown();
	}
}

int bench_parent_plan(void)
{
	struct strategy_set set;
	u64 rss[SWEEP_MAX], live[SWEEP_MAX];
	int sets = 0, per_set = 0;

	for (int s = 0; s < nr_strategy_sets(); s++)
		sets += parent_set_selected(s, &set);
	for (size_t o = 0; o < ARRAY_SIZE(parent_ops); o++)
		per_set += sweep_points(&parent_ops[o], rss, live);
	return sets * per_set;
}
