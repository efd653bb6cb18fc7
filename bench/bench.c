/* bench/bench.c - the benchmark table and its driver. Each benchmark loops
 * over the strategies selected on the command line (alloc=, pt=, pid=) and
 * prints CSV rows the host collects. */
#include "bench.h"
#include "alloc_bench.h"
#include "kmem.h"
#include "mm.h"
#include "params.h"
#include "pid.h"
#include "pid_bench.h"
#include "pmm.h"
#include "printk.h"
#include "task.h"
#include "timing.h"

extern const u8 user_program_start[], user_program_end[];

static const int pid_live_counts[] = { 1, 10, 100, 1000, 10000 };

static void bench_alloc(void)
{
	bench_alloc_header();
	for (int i = 0; i < kmem_nr_strategies(); i++)
		if (kparams.alloc_mask & (1U << i))
			bench_alloc_run(kmem_strategy(i), kparams.iters);
}

/* bench_pid - the fork path's pid table is set aside while this runs. */
static void bench_pid(void)
{
	printk("pid,op,strategy,live,n,min,p50,p90,p99,max,mean,unit\n");
	for (int i = 0; i < pid_nr_strategies(); i++) {
		if (!(kparams.pid_mask & (1U << i)))
			continue;
		for (size_t l = 0; l < ARRAY_SIZE(pid_live_counts); l++) {
			if (pid_live_counts[l] >= (int)kparams.pid_max)
				continue;
			bench_pid_run(pid_strategy(i), pid_live_counts[l], kparams.iters,
				      kparams.pid_max);
		}
	}
}

/* bench_fork - the user program's "bench" mode under every selected
 * strategy set; each run is announced by a config line. */
static void bench_fork(void)
{
	static const char *const ops[] = { "fork", "vfork", "clone-thread", "clone-vm",
					   "fork-exit-wait" };
	char iters[24];

	fl_snprintf(iters, sizeof(iters), "%lu", kparams.iters);
	for (int a = 0; a < kmem_nr_strategies(); a++) {
		for (int t = 0; t < pt_nr_strategies(); t++) {
			for (int p = 0; p < pid_nr_strategies(); p++) {
				if (!(kparams.alloc_mask & (1U << a)) || !(kparams.pt_mask & (1U << t)) ||
				    !(kparams.pid_mask & (1U << p)))
					continue;
				if (strategies_setup(kmem_strategy(a), pt_strategy(t), pid_strategy(p),
						     kparams.tasksize, kparams.pid_max)) {
					printk("forklab: bench fork: out of memory for %s/%s/%s\n",
					       kmem_strategy(a)->name, pt_strategy(t)->name,
					       pid_strategy(p)->name);
					continue;
				}
				for (size_t o = 0; o < ARRAY_SIZE(ops); o++) {
					const char *argv[] = { "forklab-user", "bench", ops[o], iters, NULL };

					printk("config,alloc=%s,pt=%s,pid=%s\n", kmem_strategy(a)->name,
					       pt_strategy(t)->name, pid_strategy(p)->name);
					run_user_program(user_program_start,
							 user_program_end - user_program_start, argv);
				}
				strategies_teardown();
			}
		}
	}
}

const struct bench benchmarks[] = {
	{ "alloc", "alloc+free pairs per object size, hot and cold", "alloc", bench_alloc },
	{ "pid", "alloc_pid+find_pid+free_pid at 1..10000 live pids", "pid", bench_pid },
	{ "fork", "fork, vfork, clone from user space per strategy set", "alloc,pt,pid", bench_fork },
};
const int nr_benchmarks = ARRAY_SIZE(benchmarks);

void bench_list(void)
{
	for (int i = 0; i < nr_benchmarks; i++)
		printk("bench,%s,%s,%s\n", benchmarks[i].name, benchmarks[i].varies,
		       benchmarks[i].desc);
}

void bench_main(void)
{
	const char *source;
	bool invariant;
	u64 khz;

	timer_calibrate();
	khz = tsc_khz(&source, &invariant);
	printk("tsc,khz,%lu,source,%s,invariant,%d\n", khz, source, invariant);
	printk("timer,overhead_min,%lu,overhead_p50,%lu,cycles\n", timer_overhead(),
	       timer_overhead_p50());
	for (int i = 0; i < nr_benchmarks; i++) {
		if (!(kparams.bench_mask & (1U << i)))
			continue;
		printk("bench,%s,start\n", benchmarks[i].name);
		benchmarks[i].run();
	}
}
