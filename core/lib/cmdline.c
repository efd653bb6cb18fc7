/* core/lib/cmdline.c - key=value command-line parsing with clear errors. */
#include "lib/cmdline.h"
#include "lib/printk.h"
#include "lib/string.h"

int parse_uint(const char *s, size_t len, u64 *out)
{
	u64 v = 0, base = 10, mult = 1;
	size_t i = 0;

	if (len == 0)
		return -EINVAL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (base == 10) {
		switch (s[len - 1]) {
		case 'K': case 'k': mult = 1ULL << 10; len--; break;
		case 'M': case 'm': mult = 1ULL << 20; len--; break;
		case 'G': case 'g': mult = 1ULL << 30; len--; break;
		}
		if (len == 0)
			return -EINVAL;
	}
	for (; i < len; i++) {
		char c = s[i];
		u64 d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (mult > 1 && v > UINT64_MAX / mult)
		return -ERANGE;
	*out = v * mult;
	return 0;
}

static int choices_list(const struct cmdline_param *p, char *buf, size_t len)
{
	int n = 0;

	for (int i = 0; p->choices[i]; i++)
		n += fl_snprintf(buf + MIN((size_t)n, len), len > (size_t)n ? len - n : 0, "%s%s",
				 i ? ", " : "", p->choices[i]);
	if (p->type == CP_CHOICE_SET)
		n += fl_snprintf(buf + MIN((size_t)n, len), len > (size_t)n ? len - n : 0,
				 " (a comma-separated list, or all)");
	return n;
}

int cmdline_describe(const struct cmdline_param *p, char *buf, size_t len)
{
	switch (p->type) {
	case CP_UINT:
		return fl_snprintf(buf, len, "an integer from %lu to %lu", p->min, p->max);
	case CP_UINT_LIST:
		return fl_snprintf(buf, len,
				   "up to %u comma-separated integers from %lu to %lu",
				   p->max_items, p->min, p->max);
	case CP_STRING:
		return fl_snprintf(buf, len, "printable text of at most %u bytes", p->max_items - 1);
	default:
		return choices_list(p, buf, len);
	}
}

static int find_choice(const struct cmdline_param *p, const char *s, size_t len)
{
	for (int i = 0; p->choices[i]; i++)
		if (strlen(p->choices[i]) == len && !strncmp(p->choices[i], s, len))
			return i;
	return -1;
}

/* bad_value - format "key=value: why; accepted: ..." into @err. */
static int bad_value(const struct cmdline_param *p, const char *val, size_t vlen,
		     const char *why, char *err, size_t errlen)
{
	int n = fl_snprintf(err, errlen, "%s=%.*s: %s; accepted: ", p->key,
			    (int)vlen, val, why);

	if (n < (int)errlen)
		cmdline_describe(p, err + n, errlen - n);
	return -EINVAL;
}

static int parse_one_uint(const struct cmdline_param *p, const char *s, size_t len,
			  u64 *out, const char *val, size_t vlen, char *err, size_t errlen)
{
	int r = parse_uint(s, len, out);

	if (r == -ERANGE)
		return bad_value(p, val, vlen, "number too large", err, errlen);
	if (r)
		return bad_value(p, val, vlen, "not a number", err, errlen);
	if (*out < p->min || *out > p->max)
		return bad_value(p, val, vlen, "out of range", err, errlen);
	return 0;
}

/* parse_value - check and store one value for @p. */
static int parse_value(struct cmdline_param *p, const char *val, size_t vlen,
		       char *err, size_t errlen)
{
	const char *item = val, *end = val + vlen;
	u32 mask = 0, nr = 0;
	int idx;

	if (vlen == 0)
		return bad_value(p, val, vlen, "empty value", err, errlen);
	switch (p->type) {
	case CP_UINT:
		return parse_one_uint(p, val, vlen, p->dst, val, vlen, err, errlen);
	case CP_STRING:
		if (vlen >= p->max_items)
			return bad_value(p, val, vlen, "too long", err, errlen);
		for (size_t i = 0; i < vlen; i++)
			if ((u8)val[i] < 0x20 || (u8)val[i] == 0x7f)
				return bad_value(p, val, vlen, "a control character", err, errlen);
		memcpy(p->dst, val, vlen);
		((char *)p->dst)[vlen] = '\0';
		return 0;
	case CP_CHOICE:
		idx = find_choice(p, val, vlen);
		if (idx < 0)
			return bad_value(p, val, vlen, "unknown value", err, errlen);
		*(u32 *)p->dst = idx;
		return 0;
	case CP_UINT_LIST:
	case CP_CHOICE_SET:
		if (p->type == CP_CHOICE_SET && vlen == 3 && !strncmp(val, "all", 3)) {
			for (idx = 0; p->choices[idx]; idx++)
				mask |= 1U << idx;
			*(u32 *)p->dst = mask;
			return 0;
		}
		while (item <= end) {
			const char *comma = item;

			while (comma < end && *comma != ',')
				comma++;
			if (comma == item)
				return bad_value(p, val, vlen, "empty list item", err, errlen);
			if (p->type == CP_UINT_LIST) {
				u64 v;

				if (nr >= p->max_items)
					return bad_value(p, val, vlen, "too many items", err, errlen);
				if (parse_one_uint(p, item, comma - item, &v, val, vlen, err, errlen))
					return -EINVAL;
				((u64 *)p->dst)[nr++] = v;
			} else {
				idx = find_choice(p, item, comma - item);
				if (idx < 0)
					return bad_value(p, val, vlen, "unknown value", err, errlen);
				mask |= 1U << idx;
			}
			item = comma + 1;
		}
		if (p->type == CP_UINT_LIST)
			*p->count = nr;
		else
			*(u32 *)p->dst = mask;
		return 0;
	}
	return bad_value(p, val, vlen, "unsupported parameter type", err, errlen);
}

static int unknown_key(const struct cmdline_param *params, int nr, const char *key,
		       size_t klen, char *err, size_t errlen)
{
	int n = fl_snprintf(err, errlen, "unknown key '%.*s'; accepted keys: ",
			    (int)klen, key);

	for (int i = 0; i < nr; i++)
		n += fl_snprintf(err + MIN((size_t)n, errlen), errlen > (size_t)n ? errlen - n : 0, "%s%s",
				 i ? ", " : "", params[i].key);
	return -EINVAL;
}

int cmdline_parse(const char *line, struct cmdline_param *params, int nr,
		  char *err, size_t errlen)
{
	const char *s = line;

	if (errlen)
		err[0] = '\0';
	while (s && *s) {
		const char *tok, *eq = NULL;
		size_t len;
		int i;

		while (*s == ' ' || *s == '\t' || *s == '\n')
			s++;
		if (!*s)
			break;
		tok = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\n') {
			if (*s == '=' && !eq)
				eq = s;
			s++;
		}
		len = s - tok;
		if (!eq) {
			fl_snprintf(err, errlen, "'%.*s' is not key=value", (int)len, tok);
			return -EINVAL;
		}
		for (i = 0; i < nr; i++)
			if (strlen(params[i].key) == (size_t)(eq - tok) &&
			    !strncmp(params[i].key, tok, eq - tok))
				break;
		if (i == nr)
			return unknown_key(params, nr, tok, eq - tok, err, errlen);
		if (parse_value(&params[i], eq + 1, tok + len - eq - 1, err, errlen))
			return -EINVAL;
		params[i].seen = true;
	}
	return 0;
}
