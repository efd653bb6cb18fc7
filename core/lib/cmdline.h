/* core/lib/cmdline.h - the kernel command line: space-separated key=value pairs
 * checked against a table of known keys. Pure logic, host-tested. */
#ifndef FORKLAB_CMDLINE_H
#define FORKLAB_CMDLINE_H

#include "lib/types.h"

enum cmdline_type {
	CP_UINT,	/* one unsigned integer in [min, max]: 123, 0x7b, 4K, 16M, 1G */
	CP_UINT_LIST,	/* comma-separated CP_UINT values, at most max_items */
	CP_CHOICE,	/* one of choices[]: stores its index */
	CP_CHOICE_SET,	/* comma-separated subset of choices[], or "all": a bitmask */
	CP_STRING,	/* any text without blanks, at most max_items - 1 bytes */
};

#define CMDLINE_MAX_CHOICES	32

struct cmdline_param {
	const char *key;
	enum cmdline_type type;
	const char *desc;			/* one line, for `forklab list` */
	u64 min, max;				/* CP_UINT, CP_UINT_LIST */
	const char *const *choices;		/* CP_CHOICE*: NULL-terminated */
	void *dst;	/* u64 * (UINT), u64[max_items] (UINT_LIST), u32 * (CHOICE,
			 * CHOICE_SET), char[max_items] (STRING) */
	u32 *count;	/* CP_UINT_LIST: number of values stored */
	u32 max_items;	/* CP_UINT_LIST: capacity of dst; CP_STRING: its size */
	bool seen;	/* set by cmdline_parse when the key was given */
};

#define CMDLINE_ERR_MAX 384

/*
 * cmdline_parse - parse @line against @params (nr of them), storing each value.
 * A key given twice keeps the last value.
 * Returns 0, or -EINVAL with @err holding one line that names the bad key or
 * value and lists what is accepted. @line is not modified.
 */
int cmdline_parse(const char *line, struct cmdline_param *params, int nr,
		  char *err, size_t errlen);

/* parse_uint - parse one CP_UINT token (decimal, 0x hex, K/M/G suffix);
 * returns 0 or -EINVAL (syntax) or -ERANGE (overflow). */
int parse_uint(const char *s, size_t len, u64 *out);

/* cmdline_describe - append "key: accepted values" for @p to @buf. */
int cmdline_describe(const struct cmdline_param *p, char *buf, size_t len);

#endif
