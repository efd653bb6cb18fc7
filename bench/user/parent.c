/* bench/user/parent.c - forklab-parent: fork against the parent's state,
 * a program of its own so that forklab-user (whose pages every fork
 * benchmark copies) stays as it is. The same binary runs on Linux.
 *
 *   forklab-parent semantics   huge pages and the zero page through fork:
 *                              the child sees the parent's data, writes
 *                              are private both ways, munmap of part of a
 *                              2 MiB page splits it, clean pages read 0;
 *                              "ok"/"FAIL" lines, exit 0 iff all ok
 *   forklab-parent fork-once   fork once with 8 MiB in 2 MiB pages (under
 *                              thp=always) and 64 more VMAs: stress.c's
 *                              fork_once status (fault injection)
 *   forklab-parent OP N RSS LIVE [never | madvise]
 *                              time OP (PARENT_OP_TABLE) N times with RSS
 *                              pages and LIVE VMAs or threads; prints
 *                              "parent,OP,RSS,LIVE,n,min,p50,p90,p99,max,mean,cycles";
 *                              on a Linux host, never or madvise asks for
 *                              4 KiB or 2 MiB pages whatever its THP default
 *                              (forklab's thp= key and a guest's
 *                              transparent_hugepage= need neither)
 */
#include "parent.h"
#include "parent_ops.h"
#include "bench.h"
#include "budget.h"
#include "lib.h"
#include "out.h"
#include "semantics.h"
#include "stress.h"
#include "sys.h"
#include "types.h"
#include "../tsc.h"

#define HPAGE		(2UL << 20)
#define MAX_SAMPLES	262144
#define MAX_THREADS	64
#define VMA_BASE	0x0000100000000000UL	/* where fork-vmas maps, each page in a gap */
#define MM_INLINE_VMAS_HINT 32			/* forklab's mm holds 31 VMAs inline */
#define LINUX_NR_PRCTL	157		/* Linux's prctl, which forklab lacks */
#define PR_SET_THP_DISABLE 41
#define MADV_HUGEPAGE	14

static long mmap_anon(u64 len)
{
	return sys6(__NR_mmap, 0, (long)len, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
}

/* map_aligned - @len bytes of anonymous memory starting on a 2 MiB
 * boundary (the slack around it unmapped), or 0. */
static char *map_aligned(u64 len)
{
	long p = mmap_anon(len + HPAGE);
	u64 start;

	if (p < 0)
		return 0;
	start = ((u64)p + HPAGE - 1) & ~(HPAGE - 1);
	if (start > (u64)p)
		sys6(__NR_munmap, p, (long)(start - (u64)p), 0, 0, 0, 0);
	if ((u64)p + len + HPAGE > start + len)
		sys6(__NR_munmap, (long)(start + len), (long)((u64)p + HPAGE - start), 0, 0, 0, 0);
	return (char *)start;
}

/* pattern - what the semantics checks write at page @i. */
static inline u64 pattern(u64 i, u64 gen)
{
	return i * 2654435761UL + gen;
}

/* pages_hold - whether each of @pages pages at @p starts with pattern(i, @gen). */
static int pages_hold(const char *p, u64 pages, u64 gen)
{
	for (u64 i = 0; i < pages; i++)
		if (*(const volatile u64 *)(p + i * PAGE) != pattern(i, gen))
			return 0;
	return 1;
}

static void fill(char *p, u64 pages, u64 gen)
{
	for (u64 i = 0; i < pages; i++)
		*(volatile u64 *)(p + i * PAGE) = pattern(i, gen);
}

/* semantics_huge - 8 MiB, 2 MiB-aligned (four huge pages under thp=). */
static void semantics_huge(void)
{
	const u64 pages = 4 * HPAGE / PAGE;
	char *p = map_aligned(4 * HPAGE);
	long pid;
	int status;

	check(p != 0, "mmap of 8 MiB, 2 MiB-aligned", 0);
	if (!p)
		return;
	fill(p, pages, 1);
	pid = sys0(__NR_fork);
	if (pid == 0)
		sys_exit(pages_hold(p, pages, 1) ? 0 : 1);
	check(wait_child(pid) == 0, "the child sees every page the parent wrote", 0);

	pid = sys0(__NR_fork);
	if (pid == 0) {
		fill(p, pages, 2);
		sys_exit(pages_hold(p, pages, 2) ? 0 : 1);
	}
	status = wait_child(pid);
	check(status == 0 && pages_hold(p, pages, 1),
	      "the child's writes to every page stay out of the parent", status);

	pid = sys0(__NR_fork);
	if (pid == 0) {
		for (int i = 0; i < YIELD_LIMIT / 1000; i++)
			sys0(__NR_sched_yield);		/* let the parent write */
		sys_exit(pages_hold(p, pages, 1) ? 0 : 1);
	}
	fill(p, pages, 3);
	status = wait_child(pid);
	check(status == 0 && pages_hold(p, pages, 3),
	      "the parent's writes after fork stay out of the child", status);

	/* one 4 KiB page out of the middle of the second 2 MiB page */
	check(sys6(__NR_munmap, (long)(p + HPAGE + 5 * PAGE), PAGE, 0, 0, 0, 0) == 0,
	      "munmap of 4 KiB inside a 2 MiB page", 0);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		*(volatile u64 *)(p + HPAGE + 5 * PAGE) = 1;	/* unmapped: SIGSEGV */
		sys_exit(0);
	}
	check(wait_child(pid) == 11, "the page munmap took is gone (SIGSEGV, status 11)", 0);
	check(*(volatile u64 *)(p + HPAGE + 4 * PAGE) == pattern(HPAGE / PAGE + 4, 3) &&
	      *(volatile u64 *)(p + HPAGE + 6 * PAGE) == pattern(HPAGE / PAGE + 6, 3) &&
	      pages_hold(p, HPAGE / PAGE, 3),
	      "its neighbours keep their data after the split", 0);
	/* a range across the third page's end and into the fourth */
	check(sys6(__NR_munmap, (long)(p + 3 * HPAGE - 8 * PAGE), 16 * PAGE, 0, 0, 0, 0) == 0,
	      "munmap across a 2 MiB boundary", 0);
	check(*(volatile u64 *)(p + 3 * HPAGE - 9 * PAGE) == pattern(3 * HPAGE / PAGE - 9, 3) &&
	      *(volatile u64 *)(p + 3 * HPAGE + 8 * PAGE) == pattern(3 * HPAGE / PAGE + 8, 3),
	      "the pages on either side of it keep their data", 0);
	sys6(__NR_munmap, (long)p, (long)(3 * HPAGE - 8 * PAGE), 0, 0, 0, 0);
	sys6(__NR_munmap, (long)(p + 3 * HPAGE + 8 * PAGE), (long)(HPAGE - 8 * PAGE), 0, 0, 0, 0);
}

/* semantics_zero - pages read but never written: zero, through fork. */
static void semantics_zero(void)
{
	const u64 pages = 64;
	long p = mmap_anon(pages * PAGE), pid;
	u64 sum = 0;
	int status;

	check(p >= 0, "mmap of 64 pages", p);
	if (p < 0)
		return;
	for (u64 i = 0; i < pages; i++)
		sum += *(volatile u64 *)(p + i * PAGE);
	check(sum == 0, "pages only read are zero", (long)sum);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		u64 s = 0;

		*(volatile u64 *)(p + 3 * PAGE) = 7;
		for (u64 i = 0; i < pages; i++)
			s += *(volatile u64 *)(p + i * PAGE);
		sys_exit(s == 7 ? 0 : 1);
	}
	status = wait_child(pid);
	check(status == 0, "the child reads zeroes and its own write", status);
	sum = 0;
	for (u64 i = 0; i < pages; i++)
		sum += *(volatile u64 *)(p + i * PAGE);
	check(sum == 0, "the parent still reads zeroes after the child wrote", (long)sum);
	*(volatile u64 *)(p + 5 * PAGE) = 9;
	check(*(volatile u64 *)(p + 5 * PAGE) == 9 && *(volatile u64 *)(p + 6 * PAGE) == 0,
	      "a write to a zero page gets a page of its own", 0);
	sys6(__NR_munmap, p, (long)(pages * PAGE), 0, 0, 0, 0);
}

int parent_semantics(void)
{
	semantics_huge();
	semantics_zero();
	return check_summary("parent semantics");
}

/* The threads of fork-threads: yield until told to stop. */
static volatile int threads_stop;
static int thread_ctid[MAX_THREADS];

static int idle_thread(void *arg)
{
	(void)arg;
	while (!threads_stop)
		sys0(__NR_sched_yield);
	return 0;
}

/* make_state - the parent state @op times forks of: @rss pages (written,
 * read only, or in 2 MiB pages under thp=, or as @thp asks a Linux host),
 * @live one-page VMAs with gaps between them, or @live threads; 0 or -1
 * (-1 too when the host refuses @thp's prctl or madvise). */
static int make_state(const char *op, u64 rss, u64 live, enum parent_thp thp, char **mem)
{
	int clean = streq(op, PARENT_OP_CLEAN);

	*mem = 0;
	if (thp == PARENT_THP_NEVER && sys6(LINUX_NR_PRCTL, PR_SET_THP_DISABLE, 1, 0, 0, 0, 0))
		return -1;
	if (streq(op, PARENT_OP_VMAS)) {
		for (u64 i = 0; i < live; i++) {
			long a = sys6(__NR_mmap, (long)(VMA_BASE + 2 * i * PAGE), PAGE, PROT_RW,
				      MAP_PRIVATE_ANON | 0x10 /* MAP_FIXED */, -1, 0);

			if (a < 0)
				return -1;
			*(volatile char *)a = 1;
		}
		return 0;
	}
	if (streq(op, PARENT_OP_THREADS)) {
		/* one mapping for every stack: threads, not VMAs, vary */
		long stacks = live ? mmap_anon(live * STACK_SIZE) : 0;

		if (stacks < 0 || live > MAX_THREADS)
			return -1;
		for (u64 i = 0; i < live; i++) {
			thread_ctid[i] = -1;
			if (clone_thread(THREAD_FLAGS & ~(CLONE_SETTLS | CLONE_PARENT_SETTID),
					 (char *)stacks + (i + 1) * STACK_SIZE, 0, &thread_ctid[i], 0,
					 idle_thread, 0) < 0)
				return -1;
		}
		return 0;
	}
	if (rss > 1) {
		*mem = map_aligned(rss * PAGE);
		if (!*mem || (thp == PARENT_THP_MADVISE &&
			      sys3(__NR_madvise, (long)*mem, (long)(rss * PAGE), MADV_HUGEPAGE)))
			return -1;
		for (u64 i = 0; i < rss; i++) {
			if (clean)
				(void)*(volatile char *)(*mem + i * PAGE);
			else
				*(volatile char *)(*mem + i * PAGE) = 1;
		}
	}
	return 0;
}

/* stop_threads - end fork-threads' threads and wait until each has gone. */
static void stop_threads(u64 live)
{
	threads_stop = 1;
	for (u64 i = 0; i < live; i++)
		for (int k = 0; k < YIELD_LIMIT && thread_ctid[i] != 0; k++)
			sys0(__NR_sched_yield);
}

/* cow_writes - fork once; the child times its first write to each of
 * @rss pages at @mem and prints the distribution (the cost fork deferred:
 * with 2 MiB pages, one write in 512 copies 2 MiB or splits). */
static int cow_writes(const char *op, char *mem, u64 rss, u64 live)
{
	u64 *v;
	long pid;

	if (!mem || rss > MAX_SAMPLES)
		return 2;
	v = (u64 *)mmap_anon(rss * sizeof(u64));
	if ((long)v < 0)
		return 2;
	for (u64 i = 0; i < rss; i++)
		v[i] = 0;		/* fault the samples in before the fork */
	pid = sys0(__NR_fork);
	if (pid == 0) {
		for (u64 i = 0; i < rss; i++) {
			u64 t0 = tsc_open();

			mem[i * PAGE] = 2;
			v[i] = tsc_delta(t0, tsc_close());
		}
		print_stats("parent", op, "", rss, (long)live, v, rss);
		sys_exit(0);
	}
	return wait_child(pid) == 0 ? 0 : 1;
}

int parent_bench(const char *op, u64 n, u64 rss, u64 live, enum parent_thp thp)
{
	u64 *v, warmup = BENCH_WARMUP(n);
	int dirty = streq(op, PARENT_OP_DIRTY);
	char *mem;

	measure_timer();
	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	if (!parent_op_known(op) || !n) {
		puts_("forklab-parent: unknown op or n = 0; ops:" PARENT_OP_LIST "\n");
		flush();
		return 2;
	}
	if (make_state(op, rss, live, thp, &mem)) {
		puts_("forklab-parent: cannot set up the parent's state\n");
		flush();
		return 2;
	}
	if (streq(op, PARENT_OP_COW_WRITE))
		return cow_writes(op, mem, rss, live);
	v = (u64 *)mmap_anon(n * sizeof(u64));
	if ((long)v < 0)
		return 2;
	for (u64 i = 0; i < warmup + n; i++) {
		u64 t0, t1;
		long pid;

		/* a dirty parent writes its memory between forks: each fork
		 * write-protects every page again (untimed: the writes' faults) */
		if (dirty && mem)
			for (u64 k = 0; k < rss; k++)
				*(volatile char *)(mem + k * PAGE) = (char)i;
		t0 = tsc_open();
		pid = sys0(__NR_fork);

		if (pid == 0)
			sys_exit(0);
		t1 = tsc_close();
		if (pid < 0)
			return 2;
		wait_child(pid);
		if (i >= warmup)
			v[i - warmup] = tsc_delta(t0, t1);
	}
	print_stats("parent", op, "", rss, (long)live, v, n);
	if (streq(op, PARENT_OP_THREADS))
		stop_threads(live);
	return 0;
}

int parent_fork_once(void)
{
	char *mem, *none;

	if (make_state(PARENT_OP_DIRTY, 4 * HPAGE / PAGE, 0, PARENT_THP_DEFAULT, &mem) ||
	    make_state(PARENT_OP_VMAS, 1, 2 * MM_INLINE_VMAS_HINT, PARENT_THP_DEFAULT, &none))
		return 98;
	return fork_once();
}
