/* core/init/params.c - the table of command-line keys the kernel accepts. */
#include "init/params.h"
#include "kernel/failslab.h"
#include "bench.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "pid/pid.h"
#include "lib/printk.h"
#include "kernel/sched.h"
#include "kernel/task.h"
#include "x86/timer.h"

#define ITERS_MAX	10000000ULL

static const char *const mode_names[] = { "run", "boot", "test", "bench", "list", "probe", NULL };
static const char *const quicklist_names[] = { "pages", "trees", NULL };
static const char *const on_off[] = { "on", "off", NULL };	/* SMAP_KEY_ON, _OFF */
static const char *const crash_names[] = { "none", "pf", "ud", "panic", "triple", "hang", NULL };
static const char *bench_names[STRATEGIES_MAX + 1];
static const char *family_names[NR_FAMILIES][STRATEGIES_MAX + 1];

struct kernel_params kparams;

/* FAMILY_PARAM - the key of strategy family @id (its name, e.g. "alloc",
 * comes from the family itself: see params_parse). */
#define FAMILY_PARAM(id, what)							\
	[id] = { .type = CP_CHOICE_SET, .choices = family_names[id],		\
		 .dst = &kparams.strategy_mask[id], .desc = what }

static struct cmdline_param params[] = {
	FAMILY_PARAM(FAMILY_ALLOC, "object allocator strategies (the first one serves mode=run)"),
	FAMILY_PARAM(FAMILY_PT, "page-table copy strategies at fork"),
	FAMILY_PARAM(FAMILY_PID, "pid allocation and lookup strategies"),
	[NR_FAMILIES] = { .key = "mode", .type = CP_CHOICE, .choices = mode_names, .dst = &kparams.mode,
	  .desc = "run (the user program), boot (banner only), test (self-tests), bench, list, probe (what the accelerator traps)" },
	{ .key = "bench", .type = CP_CHOICE_SET, .choices = bench_names, .dst = &kparams.bench_mask,
	  .desc = "benchmarks to run in mode=bench" },
	{ .key = "iters", .type = CP_UINT, .min = 1, .max = ITERS_MAX, .dst = &kparams.iters,
	  .desc = "measured iterations per configuration" },
	{ .key = "tasksize", .type = CP_UINT, .min = sizeof(struct task_struct),
	  .max = TASKSIZE_MAX, .dst = &kparams.tasksize,
	  .desc = "bytes per task_struct object, padding included (Linux: 6-10 KiB)" },
	{ .key = "pid_max", .type = CP_UINT, .min = PID_MAX_MIN, .max = PID_MAX_LIMIT,
	  .dst = &kparams.pid_max, .desc = "pids wrap around after this number" },
	{ .key = "max_threads", .type = CP_UINT, .min = MIN_THREADS, .max = MAX_THREADS,
	  .dst = &kparams.max_threads,
	  .desc = "fork fails with -EAGAIN at this many tasks (default: RAM / 128 KiB, as Linux)" },
	{ .key = "maxcpus", .type = CP_UINT, .min = 1, .max = NR_CPUS, .dst = &kparams.maxcpus,
	  .desc = "bring up at most this many CPUs (default: every CPU the firmware lists)" },
	{ .key = "hz", .type = CP_UINT, .min = 0, .max = 1000, .dst = &kparams.hz,
	  .desc = "timer ticks a second, preempting user mode (0: cooperative only; default 100, "
		  "0 in mode=bench)" },
	{ .key = "rss_max", .type = CP_UINT, .min = 1, .max = 262144, .dst = &kparams.rss_max,
	  .desc = "bench=fork: the largest resident size in pages (sweep 1, 4, 16, ...; 262144 = 1 GiB)" },
	{ .key = "pmu", .type = CP_UINT_LIST, .min = 0, .max = 0xffffffffULL,
	  .dst = kparams.pmu_events, .count = &kparams.nr_pmu_events, .max_items = 4,
	  .desc = "raw IA32_PERFEVTSELx event codes for the general counters (tools/pfm-encode)" },
	{ .key = "samples", .type = CP_UINT, .min = 0, .max = 1, .dst = &kparams.samples,
	  .desc = "bench=fork: 1 prints every sample (samples.csv, CDF plots)" },
	{ .key = "windows", .type = CP_UINT, .min = 0, .max = 1, .dst = &kparams.windows,
	  .desc = "bench=fork: 1 prints each measured call's TSC readings (forklab nested exits)" },
	{ .key = "quicklist", .type = CP_CHOICE, .choices = quicklist_names,
	  .dst = &pt_quicklist_mode,
	  .desc = "what a dead mm's page tables wait in: pages (zeroed table pages) or trees "
		  "(whole trees: no upper-level writes at fork or exit)" },
	{ .key = "tlb_ceiling", .type = CP_UINT, .min = 0, .max = TLB_CEILING_MAX,
	  .dst = &tlb_ceiling,
	  .desc = "pages a fork flushes one by one (INVLPG) in the parent before it reloads CR3 "
		  "instead (Linux: 33); 0: always CR3" },
	{ .key = "thp", .type = CP_CHOICE, .choices = thp_mode_names, .dst = &thp_mode,
	  .desc = "transparent huge pages for anonymous mmaps: never (4 KiB pages) or always "
		  "(2 MiB where an aligned 2 MiB fits; fork copies one PD entry for 512 PTEs)" },
	{ .key = "thp_cow", .type = CP_CHOICE, .choices = thp_cow_names, .dst = &thp_cow,
	  .desc = "the first write to a 2 MiB page shared at fork: copy (the 2 MiB) or split "
		  "(512 PTEs, one 4 KiB copied), as Linux's do_huge_pmd_wp_page" },
	{ .key = "smep", .type = CP_CHOICE, .choices = on_off, .dst = &kparams.smep,
	  .desc = "on: the kernel may not run user pages (CR4.SMEP), where the CPU has it" },
	{ .key = "smap", .type = CP_CHOICE, .choices = on_off, .dst = &kparams.smap,
	  .desc = "on: the kernel touches user memory only inside stac/clac (CR4.SMAP), where "
		  "the CPU has it" },
	{ .key = "stress", .type = CP_UINT, .min = 1, .max = 100000000, .dst = &kparams.stress,
	  .desc = "fork/exit/wait cycles per strategy in the leak self-tests (make soak: 1000000)" },
	{ .key = "args", .type = CP_STRING, .dst = kparams.args, .max_items = ARGS_MAX,
	  .desc = "the user program's arguments, comma-separated (args=bench,fork,1000)" },
	{ .key = "fail", .type = CP_STRING, .dst = kparams.fail, .max_items = sizeof(kparams.fail),
	  .desc = "fault injection: fail=SITE:N fails the N-th allocation at SITE in fork" },
	{ .key = "seed", .type = CP_UINT, .min = 0, .max = UINT64_MAX, .dst = &kparams.seed,
	  .desc = "seed for randomized self-tests" },
	{ .key = "crash", .type = CP_CHOICE, .choices = crash_names, .dst = &kparams.crash,
	  .desc = "fail on purpose (tests the host's decoding): pf, ud, panic, triple, hang" },
};

/* fill_family - the key, choices and default mask (all) of family @id. */
static void fill_family(int id)
{
	const struct strategy_family *f = strategy_families[id];
	int i;

	params[id].key = f->key;
	for (i = 0; i < f->nr; i++)
		family_names[id][i] = f->list[i]->name;
	family_names[id][i] = NULL;
	kparams.strategy_mask[id] = strategy_all(f);
}

const struct cmdline_param *params_table(int *nr)
{
	*nr = ARRAY_SIZE(params);
	return params;
}

int params_parse(const char *cmdline, char *err, size_t errlen)
{
	int i;

	kparams = (struct kernel_params){
		.mode = MODE_RUN,
		.crash = CRASH_NONE,
		.iters = 10000,
		.seed = 1,
		.tasksize = TASKSIZE_DEFAULT,
		.pid_max = 32768,
		.stress = 1000,
		.rss_max = 16384,
		.hz = HZ_AUTO,
		.maxcpus = NR_CPUS,
	};
	for (int f = 0; f < NR_FAMILIES; f++)
		fill_family(f);
	for (i = 0; i < nr_benchmarks && i < STRATEGIES_MAX; i++)
		bench_names[i] = benchmarks[i].name;
	bench_names[i] = NULL;
	kparams.bench_mask = (1U << i) - 1;
	if (cmdline_parse(cmdline, params, ARRAY_SIZE(params), err, errlen))
		return -EINVAL;
	return kparams.fail[0] ? fail_parse(kparams.fail, err, errlen) : 0;
}

void params_print_keys(void)
{
	char buf[CMDLINE_ERR_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		/* two records, each with its free text last: both may hold commas */
		cmdline_describe(&params[i], buf, sizeof(buf));
		printk("key,%s,%s\n", params[i].key, params[i].desc);
		printk("accepts,%s,%s\n", params[i].key, buf);
	}
}
