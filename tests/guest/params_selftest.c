/* tests/guest/params_selftest.c - every key of the real command-line table fed
 * malformed, out-of-range, huge and empty values: each must be refused
 * with a message naming the key (the boot then exits "bad command line"). */
#include "init/params.h"
#include "lib/printk.h"
#include "lib/selftest.h"
#include "lib/string.h"

/* bad_values - up to @max bad "key=value" lines for @p into @lines. */
static int bad_values(const struct cmdline_param *p, char lines[][96], int max)
{
	int n = 0;

#define ADD(...) do { if (n < max) fl_snprintf(lines[n++], 96, __VA_ARGS__); } while (0)
	if (p->type != CP_STRING)
		ADD("%s=", p->key);		/* an empty string is a value */
	ADD("%s", p->key);
	ADD("%s=\x01\x7f", p->key);
	switch (p->type) {
	case CP_UINT:
	case CP_UINT_LIST:
		ADD("%s=12x", p->key);
		ADD("%s=-1", p->key);
		ADD("%s=99999999999999999999999", p->key);
		ADD("%s=0x1ffffffffffffffff", p->key);
		ADD("%s=16E", p->key);
		if (p->max < UINT64_MAX)
			ADD("%s=%lu", p->key, p->max + 1);
		if (p->min > 0)
			ADD("%s=%lu", p->key, p->min - 1);
		if (p->type == CP_UINT_LIST) {
			ADD("%s=1,,2", p->key);
			ADD("%s=1,", p->key);
			ADD("%s=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", p->key);
		}
		break;
	case CP_CHOICE:
	case CP_CHOICE_SET:
		ADD("%s=nonsense", p->key);
		ADD("%s=%s,", p->key, p->choices[0]);
		ADD("%s=%s%s", p->key, p->choices[0], "x");
		break;
	case CP_STRING:
		if (p->max_items < 90) {
			char v[96];

			memset(v, 'a', sizeof(v) - 1);
			v[sizeof(v) - 1] = 0;
			v[p->max_items + 1 < sizeof(v) - 1 ? p->max_items + 1 : sizeof(v) - 1] = 0;
			ADD("%s=%s", p->key, v);
		}
		break;
	}
#undef ADD
	return n;
}

/* mentions - whether @err names @key. */
static bool mentions(const char *err, const char *key)
{
	size_t n = strlen(key);

	for (; *err; err++)
		if (!strncmp(err, key, n))
			return true;
	return false;
}

static void test_params_bad_input(void)
{
	struct kernel_params saved = kparams;
	char lines[16][96], err[CMDLINE_ERR_MAX];
	int nr, tried = 0, refused = 0;
	const struct cmdline_param *table = params_table(&nr);

	for (int i = 0; i < nr; i++) {
		const char *key = table[i].key;
		int n = bad_values(&table[i], lines, 16), ok = 0;

		for (int j = 0; j < n; j++) {
			err[0] = 0;
			tried++;
			if (params_parse(lines[j], err, sizeof(err)) && mentions(err, key)) {
				ok++;
				continue;
			}
			report(false, "key %s: \"%s\" refused with a message naming the key "
			       "(got \"%s\")", key, lines[j], err);
		}
		refused += ok;
	}
	kparams = saved;
	report(tried > 0 && refused == tried,
	       "every command-line key (%d) refuses malformed, out-of-range and huge values "
	       "with a message naming it (%d of %d bad lines)", nr, refused, tried);
}
DEFINE_SELFTEST(params_bad_input, test_params_bad_input);
