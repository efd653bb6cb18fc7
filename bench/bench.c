/* bench/bench.c - the benchmark table and its driver. Each benchmark loops
 * over the strategies selected on the command line (alloc=, pt=, pid=) and
 * prints CSV rows the host collects. */
#include "bench.h"
#include "alloc_bench.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "init/params.h"
#include "pid/pid.h"
#include "pid_bench.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "kernel/strategy.h"
#include "kernel/task.h"
#include "timing.h"
#include "lib/string.h"
#include "user/budget.h"
#include "user/fork_ops.h"
#include "kernel/probe.h"
#include "pmu.h"
#include "stats.h"
#include "scale_bench.h"
#include "spawn_bench.h"
#include "parent_bench.h"
#include "x86/sections.h"
#include "lib/qemu_exit.h"

static const int pid_live_counts[] = { 1, 10, 100, 1000, 10000 };

static void bench_alloc(void)
{
	bench_alloc_header();
	for (int i = 0; i < kmem_family.nr; i++)
		if (kparams.strategy_mask[FAMILY_ALLOC] & (1U << i))
			bench_alloc_run(kmem_strategy(i), kparams.iters);
}

/* bench_pid - the fork path's pid table is set aside while this runs. */
static void bench_pid(void)
{
	printk("pid,op,strategy,live,n,min,p50,p90,p99,max,mean,stddev,unit\n");
	for (int i = 0; i < pid_family.nr; i++) {
		if (!(kparams.strategy_mask[FAMILY_PID] & (1U << i)))
			continue;
		for (size_t l = 0; l < ARRAY_SIZE(pid_live_counts); l++) {
			if (pid_live_counts[l] >= (int)kparams.pid_max)
				continue;
			bench_pid_run(pid_strategy(i), pid_live_counts[l], kparams.iters,
				      kparams.pid_max);
		}
	}
}

#define FORK_PLAN_MAX		32	/* configurations per strategy set (28 at rss_max=262144) */

static const char *const fork_ops[] = FORK_OP_NAMES;

/* One configuration of bench=fork: @op timed @iters times at @rss pages. */
struct fork_config {
	const char *op;
	u64 iters;
	u64 rss;
};

#ifndef FORKLAB_NO_PROBES
/* probe_overhead - ticks one fork_probe() costs (min over many). */
static u64 probe_overhead(void)
{
	u64 best = UINT64_MAX;

	for (int i = 0; i < 1000; i++) {
		u64 t0 = tsc_open(), t1;

		fork_probe(PH_ENTRY);
		t1 = tsc_close();
		best = MIN(best, t1 - t0);
	}
	return best > timer_overhead() ? best - timer_overhead() : 0;
}
#endif

/* print_phases - per-phase p50 over the calls the probe log holds (after
 * @skip warm-up calls), as one "phases" row. */
static void print_phases(struct fork_probe_log *log, u64 skip, u64 *scratch)
{
	struct sample_stats st;
	u64 n = log->n > skip ? log->n - skip : 0;

	printk("phases,n,%lu", n);
	for (int ph = 1; ph <= NR_FORK_PROBES; ph++) {
		int from = ph == NR_FORK_PROBES ? PH_ENTRY : ph - 1;
		int to = ph == NR_FORK_PROBES ? PH_WAKE : ph;

		for (u64 i = 0; i < n; i++)
			scratch[i] = log->rows[skip + i][to] - log->rows[skip + i][from];
		stats_compute(scratch, n, &st);
		printk(",%s,%lu", ph == NR_FORK_PROBES ? "total" : fork_phase_names[ph], st.p50);
	}
	printk("\n");
}

_Static_assert(FORK_PMU_SLOTS == PMU_FIXED + PMU_MAX_GP, "one probe-log slot per counter");

/* print_pmu_calls - per-call p50 of each counter's increase inside
 * kernel_clone (after @skip warm-up calls), as one "pmu_call" row. */
static void print_pmu_calls(struct fork_probe_log *log, u64 skip, u64 *scratch)
{
	static const char *const names[FORK_PMU_SLOTS] = { "inst", "cycles", "ref", "gp0",
							   "gp1", "gp2", "gp3" };
	struct sample_stats st;
	u64 n = log->n > skip ? log->n - skip : 0;

	printk("pmu_call,n,%lu", n);
	for (int c = 0; c < FORK_PMU_SLOTS; c++) {
		for (u64 i = 0; i < n; i++)
			scratch[i] = log->pmu_rows[skip + i][c];
		stats_compute(scratch, n, &st);
		printk(",%s,%lu", names[c], st.p50);
	}
	printk("\n");
}

/* print_child_run - p50/p90 of kernel_clone entry to the child's first
 * return to user mode (child-first-run latency), over the calls whose
 * child ran (after @skip warm-up calls), as one "child_run" row. */
static void print_child_run(struct fork_probe_log *log, u64 skip, u64 *scratch)
{
	struct sample_stats st;
	u64 n = 0;

	for (u64 i = skip; i < log->n; i++)
		if (log->child_run[i])
			scratch[n++] = log->child_run[i] - log->rows[i][PH_ENTRY];
	stats_compute(scratch, n, &st);
	printk("child_run,n,%lu,p50,%lu,p90,%lu\n", n, n ? st.p50 : 0, n ? st.p90 : 0);
}

/* run_fork_op - the user program times @op @iters times at @rss pages;
 * the kernel logs the phases of each call meanwhile. */
static void run_fork_op(const char *op, u64 iters, u64 rss)
{
	char n[24], r[24];
	const char *argv[] = { "forklab-user", "bench", op, n, r, NULL, NULL, NULL };
	int argc = 5;
	u64 calls = iters + iters / 10 + 8;
	unsigned int order = kmem_order_for(calls * sizeof(u64) *
					    (NR_FORK_PROBES + FORK_PMU_SLOTS + 2));
	struct page *pg = alloc_pages(order);
	struct fork_probe_log log = { 0 };
	struct pmu_counts before, after;
	int status;

	if (kparams.samples)
		argv[argc++] = "samples";
	if (kparams.windows)
		argv[argc++] = "windows";
	fl_snprintf(n, sizeof(n), "%lu", iters);
	fl_snprintf(r, sizeof(r), "%lu", rss);
	if (pg) {
		log.rows = page_address(pg);
		log.pmu_rows = (void *)(log.rows + calls);
		log.child_run = (u64 *)(log.pmu_rows + calls);
		log.capacity = calls;
		if (pmu_detect(NULL))
			log.pmu_read = pmu_read_slots;
		fork_probe_attach(&log);
	}
	printk("config,op,%s,alloc,%s,pt,%s,pid,%s,rss_pages,%lu\n", op, kmem_current()->name,
	       pt_ops_current->name, pid_current()->name, rss);
	if (pmu_start(kparams.pmu_events, kparams.nr_pmu_events) >= 0)
		pmu_read(&before);
	status = run_user_program(user_program_start, user_program_end - user_program_start, argv);
	fork_probe_attach(NULL);
	if (pmu_detect(NULL)) {
		pmu_read(&after);
		pmu_stop();
		/* whole-run totals (warm-up, children and reaping included) per call */
		printk("pmu,op,%s,calls,%lu,inst,%lu,cycles,%lu,ref,%lu,gp0,%lu,gp1,%lu,gp2,%lu,gp3,%lu\n",
		       op, log.n, (after.fixed[0] - before.fixed[0]) / MAX(log.n, (u64)1),
		       (after.fixed[1] - before.fixed[1]) / MAX(log.n, (u64)1),
		       (after.fixed[2] - before.fixed[2]) / MAX(log.n, (u64)1),
		       (after.gp[0] - before.gp[0]) / MAX(log.n, (u64)1),
		       (after.gp[1] - before.gp[1]) / MAX(log.n, (u64)1),
		       (after.gp[2] - before.gp[2]) / MAX(log.n, (u64)1),
		       (after.gp[3] - before.gp[3]) / MAX(log.n, (u64)1));
	}
	if (status)
		printk("error,op,%s,rss_pages,%lu,status,0x%x\n", op, rss, status);
	else if (pg) {
		u64 skip = strcmp(op, "cow-write") ? BENCH_WARMUP(iters) : 0;
		u64 *scratch = log.child_run + calls;

		if (log.pmu_read && log.n)
			print_pmu_calls(&log, skip, scratch);
		if (log.n)
			print_child_run(&log, skip, scratch);
		if (log.n)		/* none when the probes are compiled out */
			print_phases(&log, skip, scratch);
	}
	if (pg)
		__free_pages(pg, order);
}

/* fork_iters - iterations for one configuration: iters=, cut so that big
 * resident sizes stay within a cycle budget (as kvm-unit-tests does). */
static u64 fork_iters(u64 rss)
{
	return BENCH_FORK_ITERS(kparams.iters, rss);
}

/* fork_plan - the configurations bench=fork runs for each strategy set, in
 * order, into @plan; returns how many. Each op at one page, then fork and
 * vfork across the resident-size sweep (1 page .. rss_max in powers of 4),
 * then the child's first writes (cow-write). */
static int fork_plan(struct fork_config plan[FORK_PLAN_MAX])
{
	int n = 0;

	for (size_t o = 0; o < ARRAY_SIZE(fork_ops); o++)
		plan[n++] = (struct fork_config){ fork_ops[o], fork_iters(1), 1 };
	/* fork across the sweep, and vfork beside it: it shares the address
	 * space, so its cost should not grow with it */
	for (u64 rss = 4; rss <= kparams.rss_max; rss *= 4) {
		plan[n++] = (struct fork_config){ "fork", fork_iters(rss), rss };
		plan[n++] = (struct fork_config){ "vfork", fork_iters(1), rss };
	}
	/* the cost fork deferred: the child's first writes */
	for (u64 rss = 4; rss <= kparams.rss_max; rss *= 16)
		plan[n++] = (struct fork_config){ FORK_OP_COW_WRITE, 1, rss };
	return n;
}

/* nr_selected_sets - how many strategy sets bench=fork runs. */
static int nr_selected_sets(void)
{
	struct strategy_set set;
	int n = 0;

	for (int i = 0; i < nr_strategy_sets(); i++)
		n += strategy_set_at(i, kparams.strategy_mask, &set);
	return n;
}

/* bench_fork - the plan for every selected strategy set. */
static void bench_fork(void)
{
	struct fork_config plan[FORK_PLAN_MAX];
	int n = fork_plan(plan);

#ifdef FORKLAB_NO_PROBES
	printk("probe,compiled_out\n");
#else
	printk("probe,overhead,%lu,cycles\n", probe_overhead());
#endif
	for (int s = 0; s < nr_strategy_sets(); s++) {
		struct strategy_set set;

		if (!strategy_set_at(s, kparams.strategy_mask, &set))
			continue;
		if (strategies_setup(set.alloc, set.pt, set.pid, kparams.tasksize, kparams.pid_max)) {
			printk("error,setup,%s/%s/%s,out of memory\n", set.alloc->name, set.pt->name,
			       set.pid->name);
			continue;
		}
		for (int i = 0; i < n; i++)
			run_fork_op(plan[i].op, plan[i].iters, plan[i].rss);
		strategies_teardown();
	}
}

/* bench_fork_plan - the config lines bench=fork prints. */
static int bench_fork_plan(void)
{
	struct fork_config plan[FORK_PLAN_MAX];

	return nr_selected_sets() * fork_plan(plan);
}

/* bench_plan - one "plan" line: how many configurations (config lines) the
 * selected benchmarks will print, so that the host can show progress. */
static void bench_plan(void)
{
	int n = 0;

	for (int i = 0; i < nr_benchmarks; i++)
		if ((kparams.bench_mask & (1U << i)) && benchmarks[i].plan)
			n += benchmarks[i].plan();
	printk("plan,configs,%d\n", n);
}

const struct bench benchmarks[] = {
	{ "alloc", "alloc+free pairs per object size, hot and cold", "alloc", bench_alloc, NULL },
	{ "pid", "alloc_pid+find_pid+free_pid at 1..10000 live pids", "pid", bench_pid, NULL },
	{ "fork", "fork, vfork, clone from user space per strategy set", "alloc/pt/pid", bench_fork,
	  bench_fork_plan },
	{ "scale", "fork-exit-wait, vfork, clone-thread by 1..N pinned tasks at once", "alloc/pid",
	  bench_scale, bench_scale_plan },
	{ "tlb", "fork with 0..N-1 threads busy on other CPUs (TLB shootdowns)", "-", bench_tlb,
	  bench_tlb_plan },
	{ "spawn", "fork, vfork, clone(CLONE_VM|CLONE_VFORK), posix_spawn + execve across resident "
	  "size", "pt", bench_spawn, bench_spawn_plan },
	{ "parent", "fork against the parent's state: dirty, clean and 2 MiB pages, first writes, "
	  "VMAs, threads", "pt", bench_parent, bench_parent_plan },
};
const int nr_benchmarks = ARRAY_SIZE(benchmarks);

#define FORK_OP_LINE(name, nr, until, what)	printk("op,%s,%d,%d,%s\n", name, nr, until, what);

void bench_list(void)
{
	for (int i = 0; i < nr_benchmarks; i++)
		printk("bench,%s,%s,%s\n", benchmarks[i].name, benchmarks[i].varies,
		       benchmarks[i].desc);
	FORK_OP_TABLE(FORK_OP_LINE)
	printk("op,%s,0,0,%s\n", FORK_OP_COW_WRITE, FORK_OP_COW_WRITE_WHAT);
	bench_spawn_list();
	for (int ph = PH_ENTRY + 1; ph < NR_FORK_PROBES; ph++)
		printk("phase,%s,%s\n", fork_phase_names[ph], fork_phase_desc[ph]);
	printk("phase,total,kernel_clone entry to the end of wake_up_new_task\n");
}

void bench_main(void)
{
	const char *source;
	bool invariant;
	u64 khz;

#ifdef FORKLAB_TSC_CLOSE_RDTSCP
	if (!cpu_has_rdtscp()) {
		printk("forklab: this kernel closes its timings with rdtscp;lfence, and the CPU has "
		       "no RDTSCP (CPUID 0x80000001 EDX bit 27)\n");
		qemu_exit(FL_EXIT_BADBOOT);
	}
#endif
	timer_calibrate();
	khz = tsc_khz(&source, &invariant);
	printk("tsc,khz,%lu,source,%s,invariant,%d\n", khz, source, invariant);
	printk("timer,overhead_min,%lu,overhead_p50,%lu,cycles\n", timer_overhead(),
	       timer_overhead_p50());
	printk("tsc_close,%s\n", TSC_CLOSE_NAME);
	pmu_describe();
	strategies_list();
	bench_list();
	bench_plan();
	for (int i = 0; i < nr_benchmarks; i++) {
		if (!(kparams.bench_mask & (1U << i)))
			continue;
		printk("bench,%s,start\n", benchmarks[i].name);
		benchmarks[i].run();
	}
}
