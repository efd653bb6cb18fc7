/* core/lib/report.c - PASS/FAIL accounting for self-tests (guest and host). */
#include "lib/selftest.h"
#include "lib/printk.h"
#include "lib/string.h"

#define REPORT_PREFIX_MAX 128

static int tests, failures, skipped;
static char prefix[REPORT_PREFIX_MAX];

/* report_prefix_push - append "@p: " to the prefix of every following line. */
void report_prefix_push(const char *p)
{
	size_t len = strlen(prefix);

	fl_snprintf(prefix + len, sizeof(prefix) - len, "%s: ", p);
}

/* report_prefix_pop - drop the innermost prefix pushed. */
void report_prefix_pop(void)
{
	size_t len = strlen(prefix);

	if (len < 2)
		return;
	len -= 2;			/* the trailing ": " */
	while (len > 0 && !(prefix[len - 1] == ' ' && prefix[len - 2] == ':'))
		len--;
	prefix[len] = '\0';
}

static void report_line(const char *tag, const char *fmt, va_list ap)
{
	char msg[256];

	fl_vsnprintf(msg, sizeof(msg), fmt, ap);
	printk("%s: %s%s\n", tag, prefix, msg);
}

/* report - count one check and print its verdict. */
void report(bool pass, const char *fmt, ...)
{
	va_list ap;

	tests++;
	if (!pass)
		failures++;
	va_start(ap, fmt);
	report_line(pass ? "PASS" : "FAIL", fmt, ap);
	va_end(ap);
}

/* report_skip - count a check that could not run here, and say why. */
void report_skip(const char *fmt, ...)
{
	va_list ap;

	tests++;
	skipped++;
	va_start(ap, fmt);
	report_line("SKIP", fmt, ap);
	va_end(ap);
}

/* report_info - print context that is not a verdict. */
void report_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report_line("INFO", fmt, ap);
	va_end(ap);
}

int report_failures(void)
{
	return failures;
}

int report_summary(void)
{
	printk("SUMMARY: %d tests, %d unexpected failures, %d skipped\n",
	       tests, failures, skipped);
	return failures;
}
