/* core/params.h - the kernel's command-line keys and their parsed values. */
#ifndef FORKLAB_PARAMS_H
#define FORKLAB_PARAMS_H

#include "cmdline.h"

enum boot_mode { MODE_BOOT, MODE_TEST, MODE_BENCH, MODE_LIST };
enum crash_kind { CRASH_NONE, CRASH_PF, CRASH_UD, CRASH_PANIC, CRASH_TRIPLE, CRASH_HANG };

struct kernel_params {
	u32 mode;		/* enum boot_mode */
	u32 crash;		/* enum crash_kind: deliberate failures for host-side tests */
	u32 alloc_mask;		/* bit i: kmem strategy i selected */
	u32 bench_mask;		/* bit i: benchmark i selected */
	u64 iters;		/* measured iterations per configuration */
	u64 seed;		/* PRNG seed for randomized self-tests */
};

extern struct kernel_params kparams;

/* params_parse - parse @cmdline into kparams (defaults for missing keys).
 * Returns 0, or -EINVAL with one line in @err naming the bad key/value. */
int params_parse(const char *cmdline, char *err, size_t errlen);
/* params_print_keys - print every key with its accepted values (mode=list). */
void params_print_keys(void);

#endif
