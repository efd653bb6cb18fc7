/* bench/user/fuzz_main.c - forklab-fuzz, the fuzzer's own static ELF (run
 * as pid 1 with --program), from the same freestanding sources as
 * forklab-user. A program of its own because the benchmark program's size
 * is part of every fork it times: fork copies a PTE slot for each page of
 * its text, and fuzz.c and regress.c in it cost the 1-page fork 34
 * instructions and fork+exit+wait 178 (icount, slub/cow/hash).
 *
 *   forklab-fuzz fuzz SEED N [FROM]  N random system calls with hostile arguments
 *                               by pid 1 and its children (fuzz.c); each
 *                               call printed from index FROM on
 *   forklab-fuzz regress        the kernel bugs the fuzzer found, one check
 *                               each (regress.c); exit 0 iff all ok
 */
#include "fuzz.h"
#include "lib.h"
#include "check.h"
#include "out.h"
#include "regress.h"

/* main - the mode argv[1] names; 2 after the usage line if it is unknown. */
int main(int argc, char **argv)
{
	if (argc >= 2 && streq(argv[1], "regress"))
		return regress();
	if (argc >= 4 && streq(argv[1], "fuzz"))
		return fuzz(atou(argv[2]), atou(argv[3]), argc >= 5 ? atou(argv[4]) : ~0UL);
	puts_("usage: forklab-fuzz fuzz SEED N [FROM] | forklab-fuzz regress\n");
	flush();
	return 2;
}
