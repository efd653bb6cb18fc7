/* bench/user/check.c - the checks of the semantics, futex and fuzzer-regression suites: one
 * "ok WHAT" or "FAIL WHAT: got N" line each, then a summary line. */
#include "check.h"
#include "out.h"

static int nr_ok, nr_failed;		/* checks so far, by outcome */

void check(int cond, const char *what, long detail)
{
	if (cond) {
		nr_ok++;
		puts_("ok ");
		puts_(what);
	} else {
		nr_failed++;
		puts_("FAIL ");
		puts_(what);
		puts_(": got ");
		puti(detail);
	}
	putc_('\n');
	flush();
}

int check_summary(const char *suite)
{
	puts_(suite);
	puts_(": ");
	putu(nr_ok);
	puts_(" ok, ");
	putu(nr_failed);
	puts_(" failed\n");
	flush();
	return nr_failed ? 1 : 0;
}
