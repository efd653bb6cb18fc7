/* tests/programs/vpmu_probe.c - windows whose hardware-style counts are
 * known, for the virtual PMU's test (tests/tools/test_vpmu.py): run as pid
 * 1 under icount with the plugin's windows=on, each window's TSC delta
 * (what icount counts) printed beside the plugin's record of it.
 *
 *   timer      an empty pair, 16 times (its minimum comes off every sample)
 *   rep        rep movsq of REP_QWORDS quadwords: 1 instruction, REP_QWORDS
 *              iterations (icount: one per iteration and one more)
 *   nop        REP_QWORDS single nops: REP_QWORDS instructions, no repeats
 *   two, two-end  one window timed to two ends (VPMU_KEEP_TWO): REP_QWORDS
 *              nops, rdtsc, TWO_NOPS nops; "two" to the middle rdtsc, a
 *              sample of the first row, "two-end" to the last, of the second
 *   cow        after a fork, the child's first write to a page it shares:
 *              a faulting store, restarted once the page is copied
 *   zero       the first write to a fresh anonymous page (demand zero)
 *
 * Every window is "rdtsc; mov; mov; BODY; rdtsc": 3 instructions and the body.
 * The rep window's code starts at the symbol probe_rep.
 * Prints "probe,NAME,DELTA" per window, then exits 0 (the parent) after
 * reaping the child. A musl-gcc static program (make builds it). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vpmu_marker.h"

#define REP_QWORDS	100
#define TIMER_PAIRS	16
#define TWO_NOPS	50

#define WINDOW(body, ...)							\
	({									\
		uint32_t lo0, hi0, lo1, hi1;					\
		__asm__ volatile("rdtsc\n\tmov %%eax, %0\n\tmov %%edx, %1\n\t"	\
				 body "\n\trdtsc"				\
				 : "=&r"(lo0), "=&r"(hi0), "=&a"(lo1), "=&d"(hi1) \
				 __VA_ARGS__);					\
		(((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0));	\
	})

static uint64_t src[REP_QWORDS], dst[REP_QWORDS];

static void report(const char *name, uint64_t delta)
{
	printf("probe,%s,%lu\n", name, (unsigned long)delta);
	fflush(stdout);
}

int main(void)
{
	volatile char *page;
	uint64_t d, *s = src, *t = dst, n = REP_QWORDS;
	pid_t pid;
	int status;

	for (int i = 0; i < TIMER_PAIRS; i++) {
		d = WINDOW("", : : "memory");
		vpmu_mark(VPMU_TIMER);
	}
	report("timer", d);

	__asm__ volatile(".globl probe_rep\nprobe_rep:");	/* where a test's gdb stops */
	d = WINDOW("rep movsq", , "+S"(s), "+D"(t), "+c"(n) : : "memory");
	vpmu_mark(VPMU_KEEP);
	report("rep", d);

	d = WINDOW(".rept 100\n\tnop\n\t.endr", : : "memory");
	vpmu_mark(VPMU_KEEP);
	report("nop", d);

	{
		uint32_t lo0, hi0, lo1, hi1, lo2, hi2;

		__asm__ volatile("rdtsc\n\tmov %%eax, %0\n\tmov %%edx, %1\n\t"
				 ".rept 100\n\tnop\n\t.endr\n\t"
				 "rdtsc\n\tmov %%eax, %2\n\tmov %%edx, %3\n\t"
				 ".rept 50\n\tnop\n\t.endr\n\trdtsc"
				 : "=&r"(lo0), "=&r"(hi0), "=&r"(lo1), "=&r"(hi1), "=&a"(lo2), "=&d"(hi2)
				 : : "memory");
		vpmu_mark(VPMU_KEEP_TWO);
		report("two", ((uint64_t)hi1 << 32 | lo1) - ((uint64_t)hi0 << 32 | lo0));
		report("two-end", ((uint64_t)hi2 << 32 | lo2) - ((uint64_t)hi0 << 32 | lo0));
	}

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (page == MAP_FAILED)
		return 1;
	d = WINDOW("movb $1, (%4)", : "r"(page) : "memory");
	vpmu_mark(VPMU_KEEP);
	report("zero", d);

	pid = fork();
	if (pid == 0) {
		d = WINDOW("movb $2, (%4)", : "r"(page) : "memory");
		vpmu_mark(VPMU_KEEP);
		report("cow", d);
		vpmu_mark(VPMU_FLUSH);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status)
		return 1;
	return page[0] == 1 ? 0 : 1;
}
