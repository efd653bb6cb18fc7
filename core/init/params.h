/* core/init/params.h - the kernel's command-line keys and their parsed values. */
#ifndef FORKLAB_PARAMS_H
#define FORKLAB_PARAMS_H

#include "lib/cmdline.h"
#include "kernel/strategy.h"

enum boot_mode { MODE_RUN, MODE_BOOT, MODE_TEST, MODE_BENCH, MODE_LIST, MODE_PROBE };
enum crash_kind { CRASH_NONE, CRASH_PF, CRASH_UD, CRASH_PANIC, CRASH_TRIPLE, CRASH_HANG };

#define ARGS_MAX	256

struct kernel_params {
	u32 mode;		/* enum boot_mode */
	u32 crash;		/* enum crash_kind: deliberate failures for host-side tests */
	u32 smep, smap;		/* SMAP_KEY_ON (use it if the CPU has it) or _OFF (x86/smap.h) */
	u32 strategy_mask[NR_FAMILIES];	/* per family (alloc=, pt=, pid=): bit i, member i selected */
	u32 bench_mask;		/* bit i: benchmark i selected */
	u64 iters;		/* measured iterations per configuration */
	u64 seed;		/* PRNG seed for randomized self-tests */
	u64 tasksize;		/* task_struct object size, padding included */
	u64 pid_max;
	u64 max_threads;
	u64 maxcpus;		/* CPUs brought up, at most (Linux's maxcpus=) */
	u64 hz;			/* timer ticks per second; 0: cooperative only */
	u64 rss_max;		/* bench=fork: the largest resident size, in pages */
	u64 samples;		/* bench=fork: 1 = print every sample (for CDFs) */
	u64 windows;		/* bench=fork: 1 = print each call's TSC readings */
	u64 pmu_events[4];	/* raw IA32_PERFEVTSELx codes (pmu=) */
	u32 nr_pmu_events;
	u64 stress;		/* fork/exit/wait cycles per strategy in the self-tests */
	char args[ARGS_MAX];	/* the user program's argv, comma-separated */
	char fail[64];		/* fail=SITE:N, see kernel/failslab.h */
};

extern struct kernel_params kparams;

/* params_parse - parse @cmdline into kparams (defaults for missing keys).
 * Returns 0, or -EINVAL with one line in @err naming the bad key/value. */
int params_parse(const char *cmdline, char *err, size_t errlen);
/* params_table - the key table itself (its @nr entries), for the tests. */
const struct cmdline_param *params_table(int *nr);
/* params_print_keys - a "key" and an "accepts" line per key (mode=list). */
void params_print_keys(void);

#endif
