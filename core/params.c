/* core/params.c - the table of command-line keys the kernel accepts. */
#include "params.h"
#include "kmem.h"
#include "printk.h"

#define ITERS_MAX	10000000ULL

static const char *const mode_names[] = { "boot", "test", "bench", "list", NULL };
static const char *const crash_names[] = { "none", "pf", "ud", "panic", "triple", "hang", NULL };
static const char *const bench_names[] = { "alloc", NULL };
static const char *alloc_names[KMEM_MAX_STRATEGIES + 1];

struct kernel_params kparams;

static struct cmdline_param params[] = {
	{ .key = "mode", .type = CP_CHOICE, .choices = mode_names, .dst = &kparams.mode,
	  .desc = "what to do after boot: boot (banner, exit), test (self-tests), bench, list (keys)" },
	{ .key = "alloc", .type = CP_CHOICE_SET, .choices = alloc_names, .dst = &kparams.alloc_mask,
	  .desc = "object allocator strategies to use/compare" },
	{ .key = "bench", .type = CP_CHOICE_SET, .choices = bench_names, .dst = &kparams.bench_mask,
	  .desc = "benchmarks to run in mode=bench" },
	{ .key = "iters", .type = CP_UINT, .min = 1, .max = ITERS_MAX, .dst = &kparams.iters,
	  .desc = "measured iterations per configuration" },
	{ .key = "seed", .type = CP_UINT, .min = 0, .max = UINT64_MAX, .dst = &kparams.seed,
	  .desc = "seed for randomized self-tests" },
	{ .key = "crash", .type = CP_CHOICE, .choices = crash_names, .dst = &kparams.crash,
	  .desc = "fail on purpose (tests the host's decoding): pf, ud, panic, triple, hang" },
};

int params_parse(const char *cmdline, char *err, size_t errlen)
{
	int nr = kmem_nr_strategies();

	for (int i = 0; i < nr && i < KMEM_MAX_STRATEGIES; i++)
		alloc_names[i] = kmem_strategy(i)->name;
	kparams = (struct kernel_params){
		.mode = MODE_BOOT,
		.crash = CRASH_NONE,
		.alloc_mask = (1U << nr) - 1,
		.bench_mask = (1U << (ARRAY_SIZE(bench_names) - 1)) - 1,
		.iters = 10000,
		.seed = 1,
	};
	return cmdline_parse(cmdline, params, ARRAY_SIZE(params), err, errlen);
}

void params_print_keys(void)
{
	char buf[CMDLINE_ERR_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(params); i++) {
		cmdline_describe(&params[i], buf, sizeof(buf));
		printk("key,%s,%s,%s\n", params[i].key, params[i].desc, buf);
	}
}
