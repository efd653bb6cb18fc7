/* tests/fuzzing/fuzz_params.c - libFuzzer target: any bytes as the kernel command line,
 * through the boot path's own entry (params_parse) and the real key table
 * (core/init/params.c), fail= included (core/kernel/failslab.c). Beyond the sanitizers:
 * 0 or -EINVAL; on success every value within its key's bounds; on failure
 * a non-empty, terminated message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "init/params.h"
#include "kernel/failslab.h"
#include "bench.h"

/* Defined by boot/boot.S in the kernel; core/mm names it, never used here. */
u64 boot_pml4[512];
/* bench/bench.c drags in the whole fork path; only the names matter here. */
const struct bench benchmarks[] = { { .name = "alloc" }, { .name = "pid" }, { .name = "fork" } };
const int nr_benchmarks = 3;


static int nr_choices(const struct cmdline_param *p)
{
	int n = 0;

	while (p->choices[n])
		n++;
	return n;
}

/* check_values - every key's stored value within what its table entry allows. */
static void check_values(void)
{
	int nr;
	const struct cmdline_param *t = params_table(&nr);

	for (int i = 0; i < nr; i++) {
		const struct cmdline_param *p = &t[i];

		switch (p->type) {
		case CP_UINT:
			if (p->seen && (*(u64 *)p->dst < p->min || *(u64 *)p->dst > p->max))
				abort();
			break;
		case CP_UINT_LIST:
			if (*p->count > p->max_items)
				abort();
			for (u32 j = 0; p->seen && j < *p->count; j++)
				if (((u64 *)p->dst)[j] < p->min || ((u64 *)p->dst)[j] > p->max)
					abort();
			break;
		case CP_CHOICE:
			if (*(u32 *)p->dst >= (u32)nr_choices(p))
				abort();
			break;
		case CP_CHOICE_SET:
			if (*(u32 *)p->dst >> nr_choices(p))
				abort();
			break;
		case CP_STRING:
			if (!has_nul(p->dst, p->max_items))
				abort();
			break;
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), err[CMDLINE_ERR_MAX];
	int nr, r;
	struct cmdline_param *t = (struct cmdline_param *)params_table(&nr);

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = 0;
	/* params_parse resets kparams itself; reset what it does not */
	for (int i = 0; i < nr; i++)
		t[i].seen = false;
	fail_arm(FAIL_NONE, 0);
	memset(err, 0x55, sizeof(err));
	r = params_parse(line, err, sizeof(err));
	if (r == 0)
		check_values();
	else if (r != -EINVAL || !has_nul(err, sizeof(err)) || !err[0])
		abort();
	free(line);
	return 0;
}
