/* tools/vpmu/params.c - parse and check the plugin's key=value arguments
 * against VPMU_PARAM_TABLE; every refusal is one line naming the key and
 * what it accepts. */
#include "params.h"
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

enum kind { SIZE, WAYS, ENTRIES, PAGE, BOOL, COUNT, COST };

struct param {
	const char *key;
	size_t offset;
	unsigned long def;
	enum kind kind;
	const char *what;
};

#define VPMU_PARAM_ROW(field, key, def, kind, what)				\
	{ key, offsetof(struct vpmu_params, field), def, kind, what },
static const struct param params[] = { VPMU_PARAM_TABLE(VPMU_PARAM_ROW) };
#define NR_PARAMS	(sizeof(params) / sizeof(params[0]))

static int pow2(unsigned long v)
{
	return v && !(v & (v - 1));
}

/* parse_size - "32K", "8M", "65536": bytes, or 0 if it is not a size. */
static unsigned long parse_size(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (end == s || *s == '-')
		return 0;
	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	else if (*end == 'G' || *end == 'g')
		v <<= 30, end++;
	return *end ? 0 : v;
}

static const char *accepts(enum kind k)
{
	switch (k) {
	case SIZE: return "a power of two in bytes, with K, M or G (e.g. 32K)";
	case WAYS: return "a number of ways from 1 to 64";
	case ENTRIES: return "a number of entries from 1 to 65536";
	case PAGE: return "4K or 2M";
	case BOOL: return "on or off";
	case COUNT: return "a number from 0 to 64";
	case COST: return "a number of cycles from 0 to 100000";
	}
	return "?";
}

/* parse_value - @s as a value of kind @k into *@v; 0 if it is one. */
static int parse_value(enum kind k, const char *s, unsigned long *v)
{
	char *end;

	switch (k) {
	case SIZE:
		*v = parse_size(s);
		return pow2(*v) ? 0 : -1;
	case PAGE:
		*v = !strcmp(s, "4K") ? 12 : !strcmp(s, "2M") ? 21 : 0;
		return *v ? 0 : -1;
	case BOOL:
		*v = !strcmp(s, "on");
		return *v || !strcmp(s, "off") ? 0 : -1;
	default:
		if (*s < '0' || *s > '9')
			return -1;
		*v = strtoul(s, &end, 10);
		if (*end)
			return -1;
		if (k == WAYS)
			return *v >= 1 && *v <= 64 ? 0 : -1;
		if (k == ENTRIES)
			return *v >= 1 && *v <= 65536 ? 0 : -1;
		return *v <= (k == COUNT ? 64UL : 100000UL) ? 0 : -1;
	}
}

/* sets_ok - @size (bytes of @unit-byte lines, or entries) in @ways ways
 * splits into a power-of-two number of sets; else one line on @err. */
static int sets_ok(const char *name, unsigned long size, unsigned long ways, unsigned long unit,
		   const char *example, FILE *err)
{
	unsigned long sets = size / unit / ways;

	if (pow2(sets) && sets * unit * ways == size)
		return 1;
	fprintf(err, "vpmu: %s: %lu %s in %lu ways is not a power-of-two number of sets; "
		"accepted: %s / ways a power of two (e.g. %s)\n", name, size,
		unit > 1 ? "bytes" : "entries", ways, unit > 1 ? "bytes / 64" : "entries", example);
	return 0;
}

/* check_sets - every cache and TLB splits into a power-of-two number of sets. */
static int check_sets(const struct vpmu_params *p, FILE *err)
{
	return sets_ok("l1d", p->l1d_size, p->l1d_ways, 64, "l1d_size=32K,l1d_ways=8", err) &&
	       sets_ok("l2", p->l2_size, p->l2_ways, 64, "l2_size=256K,l2_ways=4", err) &&
	       sets_ok("llc", p->llc_size, p->llc_ways, 64, "llc_size=8M,llc_ways=16", err) &&
	       sets_ok("dtlb", p->dtlb, p->dtlb_ways, 1, "dtlb=64,dtlb_ways=4", err) &&
	       sets_ok("dtlb2m", p->dtlb2m, p->dtlb2m_ways, 1, "dtlb2m=32,dtlb2m_ways=4", err) &&
	       sets_ok("stlb", p->stlb, p->stlb_ways, 1, "stlb=1536,stlb_ways=12", err) ? 0 : -1;
}

static void list_keys(FILE *err)
{
	fprintf(err, "out, model, windows");
	for (size_t i = 0; i < NR_PARAMS; i++)
		fprintf(err, ", %s", params[i].key);
	fprintf(err, "\n");
}

int vpmu_params_parse(struct vpmu_params *p, int argc, char **argv, FILE *err)
{
	memset(p, 0, sizeof(*p));
	for (size_t i = 0; i < NR_PARAMS; i++)
		*(unsigned long *)((char *)p + params[i].offset) = params[i].def;
	p->cache = 1;
	for (int a = 0; a < argc; a++) {
		const char *eq = strchr(argv[a], '='), *val = eq ? eq + 1 : "";
		size_t klen = eq ? (size_t)(eq - argv[a]) : strlen(argv[a]);
		size_t i;

		if (klen == 3 && !strncmp(argv[a], "out", 3) && *val) {
			p->out = val;
			continue;
		}
		if (klen == 5 && !strncmp(argv[a], "model", 5)) {
			if (strcmp(val, "cache") && strcmp(val, "none")) {
				fprintf(err, "vpmu: model=%s; accepted: cache (counters and the memory "
					"model) or none (counters only)\n", val);
				return -1;
			}
			p->cache = !strcmp(val, "cache");
			continue;
		}
		if (klen == 7 && !strncmp(argv[a], "windows", 7)) {
			unsigned long on;

			if (parse_value(BOOL, val, &on)) {
				fprintf(err, "vpmu: windows=%s; accepted: on or off\n", val);
				return -1;
			}
			p->windows = on;
			continue;
		}
		for (i = 0; i < NR_PARAMS; i++)
			if (strlen(params[i].key) == klen && !strncmp(argv[a], params[i].key, klen))
				break;
		if (i == NR_PARAMS) {
			fprintf(err, "vpmu: unknown argument '%.*s'; accepted: ", (int)klen, argv[a]);
			list_keys(err);
			return -1;
		}
		if (parse_value(params[i].kind, val,
				(unsigned long *)((char *)p + params[i].offset))) {
			fprintf(err, "vpmu: %s=%s; accepted: %s (%s)\n", params[i].key, val,
				accepts(params[i].kind), params[i].what);
			return -1;
		}
	}
	return check_sets(p, err);
}

void vpmu_params_print(const struct vpmu_params *p, FILE *f)
{
	fprintf(f, "vpmu,model,model,%s,windows,%s", p->cache ? "cache" : "none",
		p->windows ? "on" : "off");
	for (size_t i = 0; i < NR_PARAMS; i++) {
		unsigned long v = *(const unsigned long *)((const char *)p + params[i].offset);

		if (params[i].kind == PAGE)
			fprintf(f, ",%s,%s", params[i].key, v == 21 ? "2M" : "4K");
		else if (params[i].kind == BOOL)
			fprintf(f, ",%s,%s", params[i].key, v ? "on" : "off");
		else
			fprintf(f, ",%s,%lu", params[i].key, v);
	}
	fprintf(f, "\n");
}
