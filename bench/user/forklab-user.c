/* bench/user/forklab-user.c - the user program forklab runs as pid 1, and
 * that runs unchanged on Linux: raw system calls only, no libc.
 *
 *   forklab-user semantics      fork/vfork/clone/wait4 checks; the same lines
 *                               on forklab and on Linux; exit 0 iff all ok
 *   forklab-user bench OP N [RSS]  time OP from user space N times (after a
 *                               warm-up) with RSS pages resident; OP: fork
 *                               vfork clone-thread clone-vm fork-exit-wait,
 *                               or cow-write: one fork, the child times its
 *                               first write to each of the RSS pages;
 *                               prints result,OP,RSS,n,min,p50,p90,p99,max,mean
 *   forklab-user stress N       N fork/exit/wait cycles
 *   forklab-user fork-once      one fork: exit -errno, or 107 when it worked
 *   forklab-user benchall N RSSMAX [NAME [samples]]  every op of bench=fork in one run,
 *                               each after a config line (alloc, pt, pid =
 *                               NAME, default linux): forklab linux runs this
 *   forklab-user forkbomb MAX [NPROC]  fork unreaped children (at most MAX)
 *                               until fork fails, after lowering RLIMIT_NPROC
 *                               to NPROC if given; reap them, fork once more;
 *                               exit 0 iff fork failed with EAGAIN or ENOMEM
 *                               and everything recovered (root on Linux
 *                               ignores RLIMIT_NPROC: MAX bounds it there)
 *   forklab-user kallsyms       Linux only: mount /proc, print its text
 *                               symbols (forklab profile --linux)
 */
#include <stddef.h>
#include <stdint.h>

typedef uint64_t u64;
#include "budget.h"
#include "fork_ops.h"
#include "../tsc.h"


#define SYS_read		0
#define SYS_write		1
#define SYS_open		2
#define SYS_mmap		9
#define SYS_munmap		11
#define SYS_brk			12
#define SYS_sched_yield		24
#define SYS_getpid		39
#define SYS_clone		56
#define SYS_fork		57
#define SYS_vfork		58
#define SYS_exit		60
#define SYS_wait4		61
#define SYS_getppid		110
#define SYS_gettid		186
#define SYS_mkdir		83
#define SYS_mount		165
#define SYS_prlimit64		302
#define RLIMIT_NPROC		6

#define CLONE_VM		0x00000100
#define CLONE_FS		0x00000200
#define CLONE_FILES		0x00000400
#define CLONE_SIGHAND		0x00000800
#define CLONE_THREAD		0x00010000
#define CLONE_NEWNS		0x00020000
#define CLONE_SYSVSEM		0x00040000
#define CLONE_SETTLS		0x00080000
#define CLONE_PARENT_SETTID	0x00100000
#define CLONE_CHILD_CLEARTID	0x00200000
#define CLONE_NEWUSER		0x10000000
#define SIGCHLD			17
#define THREAD_FLAGS		(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
				 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
				 CLONE_CHILD_CLEARTID)
#define PROT_RW			3
#define MAP_PRIVATE_ANON	0x22
#define STACK_SIZE		65536
#define PAGE			4096
#define MAX_SAMPLES		262144
#define YIELD_LIMIT		100000

static long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
/* sys0 - a call without arguments (fork, vfork, getpid): only rax is set,
 * as a libc wrapper does, so the timed window holds no argument set-up */
static inline long sys0(long n)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}
#define sys1(n, a)		sys6(n, a, 0, 0, 0, 0, 0)
#define sys3(n, a, b, c)	sys6(n, a, b, c, 0, 0, 0)

long clone_thread(long flags, void *stack, int *ptid, int *ctid, void *tls,
		  int (*fn)(void *), void *arg);

static __attribute__((noreturn)) void sys_exit(int code)
{
	sys1(SYS_exit, code);
	__builtin_unreachable();
}

/* ---- output ---- */

static char outbuf[512];
static int outlen;

static void flush(void)
{
	if (outlen)
		sys3(SYS_write, 1, (long)outbuf, outlen);
	outlen = 0;
}

static void putc_(char c)
{
	if (outlen == (int)sizeof(outbuf))
		flush();
	outbuf[outlen++] = c;
}

static void puts_(const char *s)
{
	while (*s)
		putc_(*s++);
}

static void putu(u64 v)
{
	char tmp[24];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		putc_(tmp[--n]);
}

static void puti(long v)
{
	if (v < 0) {
		putc_('-');
		v = -v;
	}
	putu(v);
}

static int streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

static u64 atou(const char *s)
{
	u64 v = 0;

	while (*s >= '0' && *s <= '9')
		v = v * 10 + (*s++ - '0');
	return v;
}

/* ---- semantics ---- */

static int nr_ok, nr_failed;

static void check(int cond, const char *what, long detail)
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

static volatile int cow_global[3 * PAGE / sizeof(int)];
static volatile int shared_word;
static volatile int *volatile bad_address = (volatile int *)8;
/* the top 2 GiB, where Linux and forklab both keep kernel text */
static volatile int *volatile kernel_address = (volatile int *)0xffffffff81000000UL;

static int wait_child(long pid)
{
	int status = -1;
	long r = sys6(SYS_wait4, pid, (long)&status, 0, 0, 0, 0);

	return r == pid ? status : -1000 + (int)r;
}

static void semantics_fork(void)
{
	long me = sys0(SYS_getpid), pid;
	volatile int stack_var = 1;
	int status;

	pid = sys0(SYS_fork);
	if (pid == 0) {
		long self = sys0(SYS_getpid);

		/* report through the exit status: 1 bit per fact */
		sys_exit((sys0(SYS_getppid) == me ? 1 : 0) | (self != me ? 2 : 0) |
			 (self == sys0(SYS_gettid) ? 4 : 0));
	}
	check(pid > 0, "fork returns the child's pid to the parent", pid);
	status = wait_child(pid);
	check(status == 7 << 8, "the child sees fork return 0, its own pid, and the parent as getppid",
	      status);

	pid = sys0(SYS_fork);
	if (pid == 0)
		sys_exit(7);
	status = wait_child(pid);
	check(status == (7 << 8), "wait4 returns the child's pid and exit(7) as status 7<<8", status);

	/* COW, parent to child: the child must not see the parent's later writes */
	cow_global[0] = 1;
	cow_global[PAGE / sizeof(int)] = 1;
	stack_var = 1;
	pid = sys0(SYS_fork);
	if (pid == 0) {
		for (int i = 0; i < YIELD_LIMIT / 1000; i++)
			sys0(SYS_sched_yield);		/* let the parent write */
		sys_exit(cow_global[0] == 1 && cow_global[PAGE / sizeof(int)] == 1 &&
			 stack_var == 1 ? 0 : 1);
	}
	cow_global[0] = 2;
	cow_global[PAGE / sizeof(int)] = 2;
	stack_var = 2;
	status = wait_child(pid);
	check(status == 0, "COW: the parent's writes after fork stay out of the child", status);

	/* COW, child to parent */
	pid = sys0(SYS_fork);
	if (pid == 0) {
		cow_global[0] = 3;
		cow_global[2 * PAGE / sizeof(int)] = 3;
		stack_var = 3;
		sys_exit(cow_global[0] == 3 ? 0 : 1);
	}
	status = wait_child(pid);
	check(status == 0 && cow_global[0] == 2 && cow_global[2 * PAGE / sizeof(int)] == 0 &&
	      stack_var == 2, "COW: the child's writes stay out of the parent", cow_global[0]);

	pid = sys0(SYS_fork);
	if (pid == 0) {
		*bad_address = 1;		/* fault */
		sys_exit(0);
	}
	status = wait_child(pid);
	check(status == 11, "a child touching address 8 is killed by SIGSEGV (status 11)", status);

	pid = sys0(SYS_fork);
	if (pid == 0) {
		sys_exit(*kernel_address == 0x12345678 ? 1 : 2);	/* must fault first */
	}
	status = wait_child(pid);
	check(status == 11, "a child reading kernel memory is killed by SIGSEGV", status);

	pid = sys0(SYS_fork);
	if (pid == 0) {
		*kernel_address = 1;
		sys_exit(2);
	}
	status = wait_child(pid);
	check(status == 11, "a child writing kernel memory is killed by SIGSEGV", status);
}

static void semantics_vfork(void)
{
	long pid;
	int status;

	shared_word = 0;
	pid = sys0(SYS_vfork);
	if (pid == 0) {
		for (int i = 0; i < 100; i++)
			sys0(SYS_sched_yield);	/* the parent must still not run */
		shared_word = 42;
		sys_exit(5);
	}
	check(shared_word == 42, "vfork: the parent resumes only after the child exits, "
	      "and sees its writes", shared_word);
	status = wait_child(pid);
	check(status == 5 << 8, "vfork: the child is reaped with its status", status);
}

static int thread_tid;
static int thread_ptid, thread_ctid;
static u64 tls_block[4];

static int thread_fn(void *arg)
{
	u64 self;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	thread_tid = (int)sys0(SYS_gettid);
	shared_word = (self == (u64)tls_block) ? (int)(long)arg : -1;
	*(volatile long *)&tls_block[1] = sys0(SYS_getpid);
	return 0;
}

static int vm_child_fn(void *arg)
{
	shared_word = (int)(long)arg;
	return 60;
}

static void *map_stack(void)
{
	long p = sys6(SYS_mmap, 0, STACK_SIZE, PROT_RW, MAP_PRIVATE_ANON, -1, 0);

	return p < 0 ? 0 : (void *)p;
}

static volatile int spin_release;

static int spin_child_fn(void *arg)
{
	(void)arg;
	while (!spin_release)
		;
	return 0;
}

static void semantics_clone(void)
{
	char *stack = map_stack();
	long tid, pid;
	int status, i;

	check(stack != 0, "mmap gives an anonymous stack", 0);
	if (!stack)
		return;
	tls_block[0] = (u64)tls_block;		/* %fs:0 points at itself */
	shared_word = 0;
	thread_ctid = -1;
	tid = clone_thread(THREAD_FLAGS, stack + STACK_SIZE, &thread_ptid, &thread_ctid,
			   tls_block, thread_fn, (void *)77);
	check(tid > 0, "clone(pthread flags) creates a thread", tid);
	for (i = 0; i < YIELD_LIMIT && thread_ctid != 0; i++)
		sys0(SYS_sched_yield);
	check(thread_ctid == 0, "CLONE_CHILD_CLEARTID: the tid word is cleared when the thread exits",
	      thread_ctid);
	check(shared_word == 77, "the thread shares memory and has its TLS (SETTLS)", shared_word);
	check((long)tls_block[1] == sys0(SYS_getpid), "the thread has the parent's pid (same tgid)",
	      (long)tls_block[1]);
	check(thread_tid == tid && tid != sys0(SYS_gettid), "the thread has its own tid", thread_tid);
	check(thread_ptid == tid, "CLONE_PARENT_SETTID writes the tid for the parent", thread_ptid);
	check(wait_child(-1) == -1000 - 10, "threads are not waited for: wait4 says ECHILD",
	      wait_child(-1));

	shared_word = 0;
	pid = clone_thread(CLONE_VM | SIGCHLD, stack + STACK_SIZE, 0, 0, 0, vm_child_fn, (void *)5);
	status = wait_child(pid);
	check(pid > 0 && status == 60 << 8 && shared_word == 5,
	      "clone(CLONE_VM|SIGCHLD): shared memory, reaped by wait4", status);

	/* the child spins without a system call until the parent, which
	 * yields to it, writes the flag: only preemption gets the parent back
	 * (on one CPU; on Linux a second CPU may run it meanwhile) */
	spin_release = 0;
	pid = clone_thread(CLONE_VM | SIGCHLD, stack + STACK_SIZE, 0, 0, 0, spin_child_fn, 0);
	sys0(SYS_sched_yield);
	spin_release = 1;
	status = wait_child(pid);
	check(pid > 0 && status == 0, "a child spinning without system calls is preempted", status);
	check(sys6(SYS_munmap, (long)stack, STACK_SIZE, 0, 0, 0, 0) == 0, "munmap of the stack", 0);
}

static void semantics_errors(void)
{
	static const struct { long flags; const char *what; } bad[] = {
		{ CLONE_THREAD | SIGCHLD, "clone(CLONE_THREAD) without CLONE_SIGHAND is -EINVAL" },
		{ CLONE_SIGHAND | SIGCHLD, "clone(CLONE_SIGHAND) without CLONE_VM is -EINVAL" },
		{ CLONE_NEWNS | CLONE_FS | SIGCHLD, "clone(CLONE_NEWNS|CLONE_FS) is -EINVAL" },
		{ CLONE_NEWUSER | CLONE_THREAD | CLONE_SIGHAND | CLONE_VM,
		  "clone(CLONE_NEWUSER|CLONE_THREAD) is -EINVAL" },
	};
	long r;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = sys6(SYS_clone, bad[i].flags, 0, 0, 0, 0, 0);
		if (r == 0)
			sys_exit(99);		/* must not happen: a child was made */
		check(r == -22, bad[i].what, r);
	}
	check(wait_child(-1) == -1000 - 10, "wait4 with no children is -ECHILD", wait_child(-1));
	check(sys0(500) == -38, "an unknown system call is -ENOSYS", sys0(500));
}

static void semantics_orphan(void)
{
	long pid = sys0(SYS_fork);
	int status;

	if (pid == 0) {
		long grandchild = sys0(SYS_fork);

		if (grandchild == 0) {
			for (int i = 0; i < 10; i++)
				sys0(SYS_sched_yield);
			sys_exit(3);
		}
		sys_exit(grandchild > 0 ? 4 : 1);	/* exits before its child */
	}
	status = wait_child(pid);
	check(status == 4 << 8, "an orphaned grandchild does not disturb its grandparent", status);
	check(wait_child(-1) == -1000 - 10, "the orphan was re-parented away (ECHILD here)",
	      wait_child(-1));
}

static void semantics_memory(void)
{
	long base = sys1(SYS_brk, 0), top;
	char *p;
	int zero = 1;

	top = sys1(SYS_brk, base + 3 * PAGE);
	check(top == base + 3 * PAGE, "brk grows the heap", top - base);
	p = (char *)base;
	for (int i = 0; i < 3 * PAGE; i++)
		zero &= p[i] == 0;
	p[0] = 1;
	p[3 * PAGE - 1] = 2;
	check(zero && p[3 * PAGE - 1] == 2, "new heap memory is zeroed and writable", 0);
	check(sys1(SYS_brk, base) == base, "brk shrinks it back", 0);
}

static int semantics(void)
{
	semantics_fork();
	semantics_vfork();
	semantics_clone();
	semantics_errors();
	semantics_orphan();
	semantics_memory();
	puts_("semantics: ");
	putu(nr_ok);
	puts_(" ok, ");
	putu(nr_failed);
	puts_(" failed\n");
	flush();
	return nr_failed ? 1 : 0;
}

/* ---- bench ---- */

/* timer_overhead - what an empty tsc_open/tsc_close pair reads, min over
 * many pairs; each sample has it taken off (measure_timer sets it). */
static u64 timer_overhead;
static int timer_measured;
static void sort(u64 *a, long n);

/* measure_timer - min and p50 of TIMER_PAIRS empty pairs, printed as a
 * "user_timer" line; the min becomes timer_overhead. */
#define TIMER_PAIRS 256
static void measure_timer(void)
{
	u64 v[TIMER_PAIRS];

	for (int i = 0; i < TIMER_PAIRS; i++) {
		u64 t0 = tsc_open();

		v[i] = tsc_close() - t0;
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

/* tsc_delta - @t1 - @t0 less the timer's own cost (never below 0). */
static inline u64 tsc_delta(u64 t0, u64 t1)
{
	u64 d = t1 - t0;

	return d > timer_overhead ? d - timer_overhead : 0;
}

/* samples - the measurements, on the heap (brk) at the size a run needs
 * rather than in a large .bss: every page of a VMA is a PTE slot fork
 * walks, so the program stays the "tiny static process" the fork numbers
 * describe; brk keeps them beside .bss, under the same page tables. */
static u64 *samples;

static u64 *map_samples(u64 n)
{
	long base = sys1(SYS_brk, 0);
	long top = base + (long)((n * sizeof(u64) + PAGE - 1) & ~(PAGE - 1));

	if (base < 0 || sys1(SYS_brk, top) != top)
		return 0;
	return (u64 *)base;
}

static void sort(u64 *a, long n)
{
	for (long gap = n / 2; gap > 0; gap /= 2)	/* shell sort */
		for (long i = gap; i < n; i++) {
			u64 t = a[i];
			long j = i;

			for (; j >= gap && a[j - gap] > t; j -= gap)
				a[j] = a[j - gap];
			a[j] = t;
		}
}

static int quit_thread(void *arg)
{
	(void)arg;
	return 0;
}

/* time_one - one measured call of @op; the child (if any) is reaped untimed. */
static long time_one(const char *op, char *stack, u64 *cycles)
{
	u64 t0, t1;
	long pid;

	if (streq(op, "fork") || streq(op, "fork-exit-wait")) {
		int round_trip = streq(op, "fork-exit-wait");	/* decided outside the window */

		t0 = tsc_open();
		pid = sys0(SYS_fork);
		if (pid == 0)
			sys_exit(0);
		if (round_trip)
			wait_child(pid);
		t1 = tsc_close();
		if (!round_trip)
			wait_child(pid);
	} else if (streq(op, "vfork")) {
		t0 = tsc_open();
		pid = sys0(SYS_vfork);
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
			sys0(SYS_sched_yield);
	} else {
		return -22;
	}
	*cycles = tsc_delta(t0, t1);
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
	p = sys6(SYS_mmap, 0, (long)(pages * PAGE), PROT_RW, MAP_PRIVATE_ANON, -1, 0);
	if (p < 0)
		return -1;
	resident = (char *)p;
	resident_pages = pages;
	for (u64 i = 0; i < pages; i++)
		((volatile char *)p)[i * PAGE] = 1;
	return 0;
}

static void print_result(const char *op, u64 rss_pages, u64 *v, u64 n)
{
	u64 sum = 0;

	sort(v, n);
	for (u64 i = 0; i < n; i++)
		sum += v[i];
	puts_("result,");
	puts_(op);
	putc_(',');
	putu(rss_pages);
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
	pid = sys0(SYS_fork);
	if (pid == 0) {
		for (u64 i = 0; i < rss_pages; i++) {
			u64 t0 = tsc_open();

			resident[i * PAGE] = 2;
			samples[i] = tsc_delta(t0, tsc_close());
		}
		print_result(FORK_OP_COW_WRITE, rss_pages, samples, rss_pages);
		sys_exit(0);
	}
	status = wait_child(pid);
	return status == 0 ? 0 : 1;
}

static int want_samples;		/* "samples" after RSS: print every sample */

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

static int bench(const char *op, u64 n, u64 rss_pages)
{
	static char *stack;		/* one for every configuration (bench_all) */
	u64 warmup = BENCH_WARMUP(n), got = 0, spent = 0;
	long r;

	if (touch_pages(rss_pages)) {
		puts_("bench: cannot make ");
		putu(rss_pages);
		puts_(" pages resident\n");
		flush();
		return 2;
	}

	if (n > MAX_SAMPLES)
		n = MAX_SAMPLES;
	if (!timer_measured) {
		measure_timer();
		timer_measured = 1;
	}
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
		u64 c, t0 = tsc_open();

		r = time_one(op, stack, &c);
		if (r < 0) {
			puts_("bench: ");
			puts_(op);
			puts_(r == -22 ? ": unknown op (fork vfork clone-thread clone-vm fork-exit-wait)\n"
				       : ": call failed\n");
			flush();
			return 2;
		}
		if (i < warmup)
			continue;
		samples[got++] = c;
		spent += tsc_close() - t0;
		if (got >= BENCH_MIN_SAMPLES && spent > BENCH_CYCLE_BUDGET)
			break;		/* a slow machine: enough for this configuration */
	}
	n = got;
	if (want_samples)
		print_samples(op, rss_pages, samples, n);	/* in call order */
	print_result(op, rss_pages, samples, n);
	return 0;
}

/* put_config - the line forklab's kernel prints before each configuration,
 * so one parser reads both (@name stands for alloc, pt and pid). */
static void put_config(const char *op, const char *name, u64 rss)
{
	puts_("config,op,");
	puts_(op);
	for (int i = 0; i < 3; i++) {
		puts_(i == 0 ? ",alloc," : i == 1 ? ",pt," : ",pid,");
		puts_(name);
	}
	puts_(",rss_pages,");
	putu(rss);
	putc_('\n');
	flush();
}

/* bench_config - one configuration of bench_all: its config line, the
 * benchmark, then everything it mapped unmapped again; 0 or non-zero. */
static int bench_config(const char *op, u64 rss, u64 iters, const char *name, long brk0)
{
	int bad;

	put_config(op, name, rss);
	bad = bench(op, iters, rss);
	if (resident)
		sys6(SYS_munmap, (long)resident, (long)(resident_pages * PAGE), 0, 0, 0, 0);
	resident = 0;
	sys1(SYS_brk, brk0);
	return bad;
}

/* bench_all - the fork benchmark of forklab's bench=fork in one process,
 * for kernels that run one program per boot (Linux under `forklab linux`,
 * or natively): each op at one page, fork and vfork over the resident-size
 * sweep (fork's iterations cut by the same cycle budget), cow-write. */
static int bench_all(u64 iters, u64 rss_max, const char *name)
{
	static const char *const ops[] = FORK_OP_NAMES;
	long brk0 = sys1(SYS_brk, 0);
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

static int stress(u64 n)
{
	for (u64 i = 0; i < n; i++) {
		long pid = sys0(SYS_fork);

		if (pid == 0)
			sys_exit((int)(i & 0x7f));
		if (pid < 0 || wait_child(pid) != (int)((i & 0x7f) << 8)) {
			puts_("stress: cycle ");
			putu(i);
			puts_(" failed\n");
			flush();
			return 1;
		}
	}
	puts_("stress: ");
	putu(n);
	puts_(" cycles ok\n");
	flush();
	return 0;
}

/* fork_once - one fork for the fault-injection tests: exit code -errno if
 * fork failed, 100 + the child's code if it worked. */
static int fork_once(void)
{
	long pid = sys0(SYS_fork);
	int status;

	if (pid == 0)
		sys_exit(7);
	if (pid < 0)
		return (int)-pid;
	status = wait_child(pid);
	return status == 7 << 8 ? 107 : 99;
}

/* fork_bomb - fork children that exit at once and stay unreaped (a zombie
 * keeps its task_struct, kernel stack and pid) until fork fails or @max
 * are made; then reap every one and check that fork works again. */
static int fork_bomb(u64 max, u64 nproc)
{
	u64 lim[2] = { nproc, nproc }, n = 0, reaped = 0;
	long pid, err = 0;
	int again;

	if (nproc && sys6(SYS_prlimit64, 0, RLIMIT_NPROC, (long)lim, 0, 0, 0) != 0) {
		puts_("forkbomb: prlimit64(RLIMIT_NPROC) failed\n");
		flush();
		return 2;
	}
	while (n < max) {
		pid = sys0(SYS_fork);
		if (pid == 0)
			sys_exit(0);
		if (pid < 0) {
			err = pid;
			break;
		}
		n++;
	}
	while (sys6(SYS_wait4, -1, 0, 0, 0, 0, 0) > 0)
		reaped++;
	lim[0] = lim[1] = ~0UL;
	if (nproc)
		sys6(SYS_prlimit64, 0, RLIMIT_NPROC, (long)lim, 0, 0, 0);
	again = fork_once() == 107;
	puts_("forkbomb: ");
	putu(n);
	puts_(err ? " children, then fork returned -" : " children, fork never failed");
	if (err) {
		putu((u64)-err);
		puts_(err == -11 ? " (EAGAIN)" : err == -12 ? " (ENOMEM)" : " (unexpected)");
	}
	puts_("; ");
	putu(reaped);
	puts_(again ? " reaped; fork works again\n" : " reaped; fork still FAILS\n");
	flush();
	return (err == -11 || err == -12) && reaped == n && again ? 0 : 1;
}

/* kallsyms - Linux only (forklab profile --linux): mount /proc and copy
 * the text symbols of /proc/kallsyms ("addr t name") to stdout between
 * "kallsyms,begin" and "kallsyms,end"; the distribution's System.map is a
 * stub and its debug package is 280 MB. 0, or 1 if /proc cannot be read. */
static __attribute__((noinline)) int kallsyms(void)
{
	char buf[4096], line[256];	/* on the stack: a .bss buffer would add PTEs every fork copies */
	int len = 0;
	long fd, n;

	sys3(SYS_mkdir, (long)"/proc", 0555, 0);
	sys6(SYS_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0, 0);
	fd = sys3(SYS_open, (long)"/proc/kallsyms", 0, 0);
	if (fd < 0) {
		puts_("kallsyms: cannot open /proc/kallsyms\n");
		flush();
		return 1;
	}
	puts_("kallsyms,begin\n");
	while ((n = sys3(SYS_read, fd, (long)buf, sizeof(buf))) > 0) {
		for (long i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (len < (int)sizeof(line) - 1)
					line[len++] = buf[i];
				continue;
			}
			/* "ffffffff81000000 T _stext": keep t and T */
			if (len > 19 && (line[17] == 't' || line[17] == 'T')) {
				line[len] = 0;
				puts_(line);
				putc_('\n');
			}
			len = 0;
		}
	}
	puts_("kallsyms,end\n");
	flush();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "semantics"))
		return semantics();
	want_samples = argc >= 6 && streq(argv[5], "samples");
	if (streq(argv[1], "bench") && argc >= 4)
		return bench(argv[2], atou(argv[3]), argc >= 5 ? atou(argv[4]) : 1);
	if (streq(argv[1], "fork-once"))
		return fork_once();
	if (streq(argv[1], "kallsyms"))
		return kallsyms();
	if (streq(argv[1], "stress") && argc >= 3)
		return stress(atou(argv[2]));
	if (streq(argv[1], "benchall") && argc >= 4) {
		want_samples = argc >= 6 && streq(argv[5], "samples");
		return bench_all(atou(argv[2]), atou(argv[3]), argc >= 5 ? argv[4] : "linux");
	}
	if (streq(argv[1], "forkbomb") && argc >= 3)
		return fork_bomb(atou(argv[2]), argc >= 4 ? atou(argv[3]) : 0);
	puts_("usage: forklab-user [semantics | bench OP N [RSS] | benchall N RSSMAX [NAME [samples]] "
	      "| stress N | fork-once | forkbomb MAX [NPROC] | kallsyms]\n");
	flush();
	return 2;
}
