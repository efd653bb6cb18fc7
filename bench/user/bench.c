/* bench/user/bench.c - the fork benchmark from user space: each call of an
 * op timed between tsc_open() and tsc_close(), the timer's own cost taken
 * off, the distribution printed as one "result" line (forklab-user bench),
 * and bench=fork's whole plan in one process (forklab-user benchall).
 *
 * Under QEMU -icount the published numbers are the instructions inside
 * these windows: what is called inside one (sys0, wait_child,
 * clone_thread, tsc_open/tsc_close, tsc_delta) stays inline, and the
 * windows' code must not change. */
#include "bench.h"
#include "budget.h"
#include "fork_ops.h"
#include "lib.h"
#include "out.h"
#include "sys.h"
#include "types.h"
#include "../tsc.h"
#include "../vpmu_marker.h"

#define MAX_SAMPLES		262144	/* measured calls per configuration, at most */

u64 timer_overhead;		/* see bench.h; measure_timer sets it */
static int timer_measured;

/* the clone-thread op's thread words: ptid, ctid and a TLS block whose
 * first word points at itself */
static int thread_ptid, thread_ctid;
static u64 tls_block[4];

#define TIMER_PAIRS 256
void measure_timer(void)
{
	u64 v[TIMER_PAIRS];

	if (timer_measured)
		return;
	timer_measured = 1;
	for (int i = 0; i < TIMER_PAIRS; i++) {
		u64 t0 = tsc_open();

		v[i] = tsc_close() - t0;
		vpmu_mark(VPMU_TIMER);
	}
	sort(v, TIMER_PAIRS);
	timer_overhead = v[0];
	puts_("user_timer,overhead_min,");
	putu(v[0]);
	puts_(",overhead_p50,");
	putu(v[TIMER_PAIRS / 2 - 1]);
	puts_(",cycles\n");
	flush();
}

/* samples - the measurements, on the heap (brk) at the size a run needs
 * rather than in a large .bss: every page of a VMA is a PTE slot fork
 * walks, so the program stays the "tiny static process" the fork numbers
 * describe; brk keeps them beside .bss, under the same page tables. */
static u64 *samples;

u64 *map_samples(u64 n)
{
	long base = sys1(__NR_brk, 0);
	long top = base + (long)((n * sizeof(u64) + PAGE - 1) & ~(PAGE - 1));

	if (base < 0 || sys1(__NR_brk, top) != top)
		return 0;
	return (u64 *)base;
}

/* quit_thread - the body of the timed clone children: return at once. */
static int quit_thread(void *arg)
{
	(void)arg;
	return 0;
}

/* time_one - one measured call of @op; the child (if any) is reaped
 * untimed. Its cycles go to @cycles, the window's two readings to @window. */
static long time_one(const char *op, char *stack, u64 *cycles, u64 window[2])
{
	u64 t0, t1;
	long pid;

	if (streq(op, "fork") || streq(op, "fork-exit-wait")) {
		int round_trip = streq(op, "fork-exit-wait");	/* decided outside the window */

		t0 = tsc_open();
		pid = sys0(__NR_fork);
		if (pid == 0)
			sys_exit(0);
		if (round_trip)
			wait_child(pid);
		t1 = tsc_close();
		if (!round_trip)
			wait_child(pid);
	} else if (streq(op, "vfork")) {
		t0 = tsc_open();
		pid = sys0(__NR_vfork);
		if (pid == 0)
			sys_exit(0);
		t1 = tsc_close();
		wait_child(pid);
	} else if (streq(op, "clone-vm")) {
		t0 = tsc_open();
		pid = clone_thread(CLONE_VM | SIGCHLD, stack + STACK_SIZE, 0, 0, 0, quit_thread, 0);
		t1 = tsc_close();
		wait_child(pid);
	} else if (streq(op, "clone-thread")) {
		thread_ctid = -1;
		t0 = tsc_open();
		pid = clone_thread(THREAD_FLAGS, stack + STACK_SIZE, &thread_ptid, &thread_ctid,
				   tls_block, quit_thread, 0);
		t1 = tsc_close();
		for (int i = 0; i < YIELD_LIMIT && thread_ctid != 0; i++)
			sys0(__NR_sched_yield);
	} else {
		return -22;
	}
	*cycles = tsc_delta(t0, t1);
	window[0] = t0;
	window[1] = t1;
	return pid;
}

static char *resident;		/* the pages touch_pages made resident */
static u64 resident_pages;

/* touch_pages - make @pages pages of anonymous memory resident (the RSS
 * a fork then has to copy or share); returns 0 or -1. */
static int touch_pages(u64 pages)
{
	long p;

	if (pages <= 1)
		return 0;			/* the program's own pages */
	p = sys6(__NR_mmap, 0, (long)(pages * PAGE), PROT_RW, MAP_PRIVATE_ANON, -1, 0);
	if (p < 0)
		return -1;
	resident = (char *)p;
	resident_pages = pages;
	for (u64 i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = 1;
	return 0;
}

void print_stats(const char *record, const char *op, const char *suffix, u64 rss_pages, long live,
		 u64 *v, u64 n)
{
	u64 sum = 0;

	sort(v, n);
	for (u64 i = 0; i < n; i++)
		sum += v[i];
	puts_(record);
	putc_(',');
	puts_(op);
	puts_(suffix);
	putc_(',');
	putu(rss_pages);
	if (live >= 0) {
		putc_(',');
		putu(live);
	}
	putc_(',');
	putu(n);
	putc_(',');
	putu(v[0]);
	putc_(',');
	putu(v[(n - 1) / 2]);
	putc_(',');
	putu(v[(n * 90 + 99) / 100 - 1]);
	putc_(',');
	putu(v[(n * 99 + 99) / 100 - 1]);
	putc_(',');
	putu(v[n - 1]);
	putc_(',');
	putu(sum / n);
	puts_(",cycles\n");
	flush();
}

/* print_result - the "result" line of @v[0..@n) (print_stats), after the
 * virtual PMU's mark for the record of the same calls. */
static void print_result(const char *op, u64 rss_pages, u64 *v, u64 n)
{
	vpmu_mark(VPMU_FLUSH);
	print_stats("result", op, "", rss_pages, -1, v, n);
}

/* cow_write - fork once; the child times its first write to each resident
 * page (the copy-on-write cost fork deferred) and prints the distribution. */
static int cow_write(u64 rss_pages)
{
	long pid;
	int status;

	if (!resident || rss_pages > MAX_SAMPLES)
		return 2;
	samples = map_samples(rss_pages);
	if (!samples)
		return 2;
	pid = sys0(__NR_fork);
	if (pid == 0) {
		for (u64 i = 0; i < rss_pages; i++) {
			u64 t0 = tsc_open();

			resident[i * PAGE] = 2;
			samples[i] = tsc_delta(t0, tsc_close());
			vpmu_mark(VPMU_KEEP);
		}
		print_result(FORK_OP_COW_WRITE, rss_pages, samples, rss_pages);
		sys_exit(0);
	}
	status = wait_child(pid);
	return status == 0 ? 0 : 1;
}

int bench_prepare(u64 rss_pages)
{
	if (touch_pages(rss_pages)) {
		puts_("bench: cannot make ");
		putu(rss_pages);
		puts_(" pages resident\n");
		flush();
		return 2;
	}
	measure_timer();
	return 0;
}

void bench_release(long brk0)
{
	if (resident)
		sys6(__NR_munmap, (long)resident, (long)(resident_pages * PAGE), 0, 0, 0, 0);
	resident = 0;
	sys1(__NR_brk, brk0);
}

int want_samples;		/* see bench.h */
int want_windows;

/* put_window - write "window,OP,RSS,START,END" for one measured call at
 * once, between calls. The line is built on the stack, which every call
 * writes anyway: a buffer in .bss would be one more page that the parent
 * dirties between forks, and pt=cow would write-protect it again at each
 * one (4 instructions, and a trapped PTE write under shadow paging). */
static void put_window(const char *op, u64 rss_pages, const u64 window[2])
{
	char line[96], *p = format_s(line, "window,");

	p = format_s(p, op);
	*p++ = ',';
	p = format_u(p, rss_pages);
	*p++ = ',';
	p = format_u(p, window[0]);
	*p++ = ',';
	p = format_u(p, window[1]);
	*p++ = '\n';
	write_now(line, p - line);
}

/* print_samples - one "sample,OP,RSS,CYCLES" line per sample, in call order. */
static void print_samples(const char *op, u64 rss_pages, const u64 *v, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		puts_("sample,");
		puts_(op);
		putc_(',');
		putu(rss_pages);
		putc_(',');
		putu(v[i]);
		putc_('\n');
	}
	flush();
}

/* bench - time @op @n times (after BENCH_WARMUP(n) unmeasured calls, and
 * fewer once the cycle budget is spent) with @rss_pages pages resident,
 * and print the result line; cow-write instead forks once (cow_write).
 * 0, or 2 if memory or the op failed. */
int bench(const char *op, u64 n, u64 rss_pages)
{
	static char *stack;		/* one for every configuration (bench_all) */
	u64 warmup = BENCH_WARMUP(n), got = 0, spent = 0;
	long r;

	if (bench_prepare(rss_pages))
		return 2;
	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	if (!stack)
		stack = map_stack();
	if (!stack || !n)
		return 2;
	tls_block[0] = (u64)tls_block;
	if (streq(op, FORK_OP_COW_WRITE))
		return cow_write(rss_pages);
	samples = map_samples(n);
	if (!samples)
		return 2;
	for (u64 i = 0; i < warmup + n; i++) {
		u64 c, window[2], t0 = tsc_open();

		r = time_one(op, stack, &c, window);
		if (r < 0) {
			puts_("bench: ");
			puts_(op);
			puts_(r == -22 ? ": unknown op (fork vfork clone-thread clone-vm fork-exit-wait)\n"
				       : ": call failed\n");
			flush();
			return 2;
		}
		if (i < warmup) {
			vpmu_mark(VPMU_SKIP);
			continue;
		}
		vpmu_mark(VPMU_KEEP);
		samples[got++] = c;
		spent += tsc_close() - t0;
		if (want_windows)
			put_window(op, rss_pages, window);
		if (got >= BENCH_MIN_SAMPLES && spent > BENCH_CYCLE_BUDGET)
			break;		/* a slow machine: enough for this configuration */
	}
	n = got;
	if (want_samples)
		print_samples(op, rss_pages, samples, n);	/* in call order */
	print_result(op, rss_pages, samples, n);
	return 0;
}

void put_config(const char *op, const char *const set[3], u64 rss)
{
	puts_("config,op,");
	puts_(op);
	for (int i = 0; i < 3; i++) {
		puts_(i == 0 ? ",alloc," : i == 1 ? ",pt," : ",pid,");
		puts_(set[i]);
	}
	puts_(",rss_pages,");
	putu(rss);
	putc_('\n');
	flush();
}

/* bench_config - one configuration of bench_all: its config line, the
 * benchmark, then everything it mapped unmapped again; 0 or non-zero. */
static __attribute__((noinline)) int bench_config(const char *op, u64 rss, u64 iters,
						 const char *name, long brk0)
{
	const char *const set[3] = { name, name, name };
	int bad;

	put_config(op, set, rss);
	bad = bench(op, iters, rss);
	bench_release(brk0);
	return bad;
}

/* bench_all - the fork benchmark of forklab's bench=fork in one process,
 * for kernels that run one program per boot (Linux under `forklab linux`,
 * or natively): each op at one page, fork and vfork over the resident-size
 * sweep (fork's iterations cut by the same cycle budget), cow-write. */
int bench_all(u64 iters, u64 rss_max, const char *name)
{
	static const char *const ops[] = FORK_OP_NAMES;
	long brk0 = sys1(__NR_brk, 0);
	int bad = 0;

	for (int k = 0; k < NR_FORK_OPS; k++)
		bad |= bench_config(ops[k], 1, iters, name, brk0);
	for (u64 rss = 4; rss <= rss_max; rss *= 4) {
		bad |= bench_config("fork", rss, BENCH_FORK_ITERS(iters, rss), name, brk0);
		bad |= bench_config("vfork", rss, iters, name, brk0);
	}
	for (u64 rss = 4; rss <= rss_max; rss *= 16)
		bad |= bench_config(FORK_OP_COW_WRITE, rss, 1, name, brk0);
	return bad;
}
