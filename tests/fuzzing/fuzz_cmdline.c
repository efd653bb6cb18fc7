/* tests/fuzzing/fuzz_cmdline.c - libFuzzer target: any bytes as a kernel
 * command line against a table with every kind of key, and as one number.
 * Beyond the sanitizers it checks the parser's contract: 0 or -EINVAL; on
 * success every value within its bounds and every string terminated; on
 * failure a non-empty, terminated message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "lib/cmdline.h"

static const char *const fruit[] = { "apple", "pear", "plum", NULL };


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), err[CMDLINE_ERR_MAX], s[8];
	u64 n = 0, l[4] = { 0 }, v;
	u32 f = 0, fs = 0, lc = 0;
	struct cmdline_param p[] = {
		{ .key = "n", .type = CP_UINT, .min = 1, .max = 1UL << 40, .dst = &n },
		{ .key = "f", .type = CP_CHOICE, .choices = fruit, .dst = &f },
		{ .key = "fs", .type = CP_CHOICE_SET, .choices = fruit, .dst = &fs },
		{ .key = "l", .type = CP_UINT_LIST, .min = 0, .max = UINT64_MAX, .dst = l,
		  .count = &lc, .max_items = 4 },
		{ .key = "s", .type = CP_STRING, .dst = s, .max_items = sizeof(s) },
	};
	int r;

	if (!line)
		return 0;
	memcpy(line, data, size);
	line[size] = 0;
	memset(s, 0, sizeof(s));
	memset(err, 0x55, sizeof(err));
	r = cmdline_parse(line, p, 5, err, sizeof(err));
	if (r != 0 && r != -EINVAL)
		abort();
	if (r == 0) {
		if (p[0].seen && (n < 1 || n > 1UL << 40))
			abort();
		if (f > 2 || fs > 7 || lc > 4 || !has_nul(s, sizeof(s)))
			abort();
	} else if (!has_nul(err, sizeof(err)) || !err[0]) {
		abort();
	}
	r = parse_uint((const char *)data, size, &v);	/* reads exactly size bytes */
	if (r != 0 && r != -EINVAL && r != -ERANGE)
		abort();
	free(line);
	return 0;
}
