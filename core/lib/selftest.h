/* core/lib/selftest.h - kvm-unit-tests-style checks, shared by the guest
 * self-tests (mode=test) and the host unit tests.
 *
 * report() prints "PASS: what" or "FAIL: what"; report_summary() prints the
 * totals and returns the number of failures. Guest tests register themselves
 * with DEFINE_SELFTEST(); the kernel runs them in link order. */
#ifndef FORKLAB_SELFTEST_H
#define FORKLAB_SELFTEST_H

#include "lib/types.h"

void report(bool pass, const char *fmt, ...) __printf(2, 3);
void report_skip(const char *fmt, ...) __printf(1, 2);
void report_info(const char *fmt, ...) __printf(1, 2);
void report_prefix_push(const char *prefix);
void report_prefix_pop(void);
/* report_summary - print "SUMMARY: N tests, N unexpected failures, N skipped"
 * and return the number of failures. */
int report_summary(void);
int report_failures(void);

struct selftest {
	const char *name;
	void (*fn)(void);
};

#define DEFINE_SELFTEST(id, func)					\
	static const struct selftest __selftest_##id __used		\
	__section(".selftests") __aligned(8) = { #id, func }

#endif
