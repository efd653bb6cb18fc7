/* tests/suites/core_tests.c - printf, command-line parser and memory-map checks,
 * shared by the host unit tests and the guest self-tests. */
#include "suites/core_tests.h"
#include "lib/cmdline.h"
#include "init/memmap.h"
#include "lib/printk.h"
#include "lib/selftest.h"
#include "lib/string.h"

static void check_fmt(const char *want, const char *fmt, ...) __printf(2, 3);
static void check_fmt(const char *want, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fl_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	report(!strcmp(buf, want) && n == (int)strlen(want),
	       "format \"%s\" gives \"%s\" (got \"%s\")", fmt, want, buf);
}

/* not a literal NULL, so the compiler's format check lets it through */
static const char *volatile null_string;

void printf_selftest(void)
{
	char small[6];
	int n;

	check_fmt("42 -7 0", "%d %i %u", 42, -7, 0);
	check_fmt("ff FF 17", "%x %X %o", 255, 255, 15);
	check_fmt("18446744073709551615", "%lu", UINT64_MAX);
	check_fmt("-9223372036854775808", "%ld", INT64_MIN);
	check_fmt("ffffffff80000000", "%lx", (u64)0xffffffff80000000UL);
	check_fmt("[   42][42   ][00042]", "[%5d][%-5d][%05d]", 42, 42, 42);
	check_fmt("[  -42][-0042]", "[%5d][%05d]", -42, -42);
	check_fmt("[  abc][abc  ][ab]", "[%5s][%-5s][%.2s]", "abc", "abc", "abc");
	check_fmt("[   7]", "[%*d]", 4, 7);
	check_fmt("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	check_fmt("c=x 100%", "c=%c 100%%", 'x');
	check_fmt("(null)", "%s", null_string);
	n = fl_snprintf(small, sizeof(small), "%s", "truncated");
	report(n == 9 && !strcmp(small, "trunc"),
	       "snprintf truncates to the buffer and returns the full length");
}

static const char *const fruit[] = { "apple", "pear", "plum", NULL };

struct parse_case {
	const char *line;
	int ret;
	const char *err_has;	/* substring the error must contain */
};

static bool contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (!strncmp(s, sub, n))
			return true;
	return !*sub;
}

void cmdline_selftest(void)
{
	u32 choice = 0, set = 0, nr = 0;
	u64 num = 0, list[3];
	char text[8] = "";
	struct cmdline_param p[] = {
		{ .key = "n", .type = CP_UINT, .min = 1, .max = 1000000, .dst = &num },
		{ .key = "f", .type = CP_CHOICE, .choices = fruit, .dst = &choice },
		{ .key = "fs", .type = CP_CHOICE_SET, .choices = fruit, .dst = &set },
		{ .key = "l", .type = CP_UINT_LIST, .min = 0, .max = UINT64_MAX, .dst = list,
		  .count = &nr, .max_items = 3 },
		{ .key = "s", .type = CP_STRING, .dst = text, .max_items = sizeof(text) },
	};
	static const struct parse_case bad[] = {
		{ "n=12x", -EINVAL, "n=12x: not a number; accepted: an integer from 1 to 1000000" },
		{ "n=0", -EINVAL, "n=0: out of range" },
		{ "n=99999999999999999999999", -EINVAL, "number too large" },
		{ "n=", -EINVAL, "n=: empty value" },
		{ "f=nonsense", -EINVAL, "f=nonsense: unknown value; accepted: apple, pear, plum" },
		{ "fs=apple,kiwi", -EINVAL, "fs=apple,kiwi: unknown value" },
		{ "fs=apple,,pear", -EINVAL, "empty list item" },
		{ "l=1,2,3,4", -EINVAL, "too many items" },
		{ "bogus=1", -EINVAL, "unknown key 'bogus'; accepted keys: n, f, fs, l, s" },
		{ "s=12345678", -EINVAL, "s=12345678: too long; accepted: printable text of at most 7 bytes" },
		{ "justaword", -EINVAL, "'justaword' is not key=value" },
		{ "n=5 /boot/forklab.elf", -EINVAL, "'/boot/forklab.elf' is not key=value" },
	};
	char err[CMDLINE_ERR_MAX];
	int r;

	r = cmdline_parse("n=4K f=pear fs=apple,plum l=0x10,7,1M s=a,b=c",
			  p, ARRAY_SIZE(p), err, sizeof(err));
	report(r == 0, "a good line parses (err: \"%s\")", err);
	report(num == 4096 && choice == 1 && set == 5, "values stored: n=%lu f=%u fs=0x%x",
	       num, choice, set);
	report(!strcmp(text, "a,b=c"), "a string value is stored whole (\"%s\")", text);
	report(nr == 3 && list[0] == 16 && list[1] == 7 && list[2] == 1 << 20,
	       "a list of integers is stored in order");
	r = cmdline_parse("fs=all n=1 n=7", p, ARRAY_SIZE(p), err, sizeof(err));
	report(r == 0 && set == 7 && num == 7, "'all' selects every choice; the last key wins");
	r = cmdline_parse("   ", p, ARRAY_SIZE(p), err, sizeof(err));
	report(r == 0, "an empty line is accepted");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		r = cmdline_parse(bad[i].line, p, ARRAY_SIZE(p), err, sizeof(err));
		report(r == bad[i].ret && contains(err, bad[i].err_has),
		       "'%s' is rejected: \"%s\"", bad[i].line, err);
	}
}

void memmap_selftest(void)
{
	struct memmap m = { 0 };
	int r = 0;

	memmap_add(&m, 0x100000, 0x200000);
	memmap_add(&m, 0x0, 0x9fc00);			/* not page-aligned at the end */
	memmap_add(&m, 0x1ff000, 0x400800);		/* overlaps the first */
	memmap_normalize(&m);
	report(m.nr == 2 && m.range[0].start == 0 && m.range[0].end == 0x9f000 &&
	       m.range[1].start == 0x100000 && m.range[1].end == 0x400000,
	       "normalize aligns, sorts and merges (%d ranges)", m.nr);
	r |= memmap_reserve(&m, 0x180000, 0x190000);	/* split */
	r |= memmap_reserve(&m, 0, 0x1000);		/* trim the front */
	r |= memmap_reserve(&m, 0x3ff800, 0x500000);	/* trim the back, unaligned */
	report(r == 0 && m.nr == 3 && m.range[0].start == 0x1000 &&
	       m.range[1].end == 0x180000 && m.range[2].start == 0x190000 &&
	       m.range[2].end == 0x3ff000, "reserve splits and trims ranges");
	report(memmap_total(&m) == 0x9e000 + 0x80000 + 0x26f000, "total counts every byte");
	memmap_reserve(&m, 0, UINT64_MAX);
	report(m.nr == 0 && memmap_total(&m) == 0, "reserving everything leaves nothing");
	for (int i = 0; i < MEMMAP_MAX; i++)
		r = memmap_add(&m, (u64)i << 20, ((u64)i << 20) + 4096);
	report(r == 0 && memmap_add(&m, 1ULL << 40, (1ULL << 40) + 4096) == -ENOMEM,
	       "a full map refuses more ranges");
}
