/* bench/user/scale.c - fork on several CPUs at once.
 *
 *   scale OP TASKS ITERS    will-it-scale's shape: TASKS worker processes,
 *                           worker i pinned to CPU i, each doing OP
 *                           (fork-exit-wait, vfork or clone-thread) ITERS
 *                           times from a common start; each prints
 *                           "scale,OP,TASKS,i,ITERS,TICKS" with its own
 *                           elapsed TSC ticks (ops per second = ITERS /
 *                           TICKS * TSC Hz; under icount a tick is one
 *                           instruction of any CPU, so TICKS/ITERS is what
 *                           one op costs the machine, not a speed-up)
 *   forkthreads THREADS ITERS  THREADS threads of this process spin in user
 *                           mode on CPUs 1..THREADS, so its address space is
 *                           live there; the main thread, on CPU 0, times
 *                           ITERS forks, each of which must flush those
 *                           CPUs' TLBs; prints
 *                           "tlb,THREADS,n,min,p50,max,cycles"
 * The same binary runs on Linux, where sched_setaffinity pins the same way. */
#include "scale.h"
#include "lib.h"
#include "out.h"
#include "sys.h"
#include "../tsc.h"

#define SCALE_MAX_TASKS		64
#define START_DELAY_TICKS	(20ULL << 20)	/* from the parent's read to the common start */
#define THREAD_FLAGS_SPIN	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
				 CLONE_SYSVSEM | CLONE_CHILD_CLEARTID)

/* pin - this task on CPU @cpu only; 0 or -errno. */
static long pin(int cpu)
{
	u64 mask = 1ULL << cpu;

	return sys3(__NR_sched_setaffinity, 0, sizeof(mask), (long)&mask);
}

static int quit(void *arg)
{
	(void)arg;
	return 0;
}

/* one_op - one @op (fork-exit-wait, vfork or clone-thread, the child
 * exiting at once and reaped); 0, or -1 when the call failed. */
static int one_op(const char *op, char *stack, int *ctid)
{
	long pid;

	if (streq(op, "fork-exit-wait") || streq(op, "vfork")) {
		pid = sys0(streq(op, "vfork") ? __NR_vfork : __NR_fork);
		if (pid == 0)
			sys_exit(0);
		return pid > 0 && wait_child(pid) == 0 ? 0 : -1;
	}
	*ctid = -1;
	pid = clone_thread(THREAD_FLAGS_SPIN, stack + STACK_SIZE, 0, ctid, 0, quit, 0);
	if (pid < 0)
		return -1;
	for (int i = 0; i < YIELD_LIMIT && *(volatile int *)ctid != 0; i++)
		sys0(__NR_sched_yield);
	return 0;
}

/* worker - worker @i of scale: pin, wait for @start, run, report. */
static __attribute__((noreturn)) void worker(const char *op, u64 tasks, int i, u64 iters,
					     u64 start)
{
	static int ctid;
	char *stack = map_stack();
	u64 t0, t1;

	if (pin(i) < 0 || !stack)
		sys_exit(3);
	while (tsc_open() < start)
		__asm__ volatile("pause");
	t0 = tsc_open();
	for (u64 k = 0; k < iters; k++)
		if (one_op(op, stack, &ctid))
			sys_exit(4);
	t1 = tsc_close();
	puts_("scale,");
	puts_(op);
	putc_(',');
	putu(tasks);
	putc_(',');
	putu(i);
	putc_(',');
	putu(iters);
	putc_(',');
	putu(t1 - t0);
	putc_('\n');
	flush();
	sys_exit(0);
}

int scale(const char *op, u64 tasks, u64 iters)
{
	long pids[SCALE_MAX_TASKS];
	u64 start;
	int bad = 0;

	if (!streq(op, "fork-exit-wait") && !streq(op, "vfork") && !streq(op, "clone-thread")) {
		puts_("scale: OP is fork-exit-wait, vfork or clone-thread\n");
		flush();
		return 2;
	}
	if (!tasks || tasks > SCALE_MAX_TASKS)
		return 2;
	start = tsc_open() + START_DELAY_TICKS;
	for (u64 i = 0; i < tasks; i++) {
		pids[i] = sys0(__NR_fork);
		if (pids[i] == 0)
			worker(op, tasks, (int)i, iters, start);
		if (pids[i] < 0)
			return 2;
	}
	for (u64 i = 0; i < tasks; i++)
		bad |= wait_child(pids[i]) != 0;
	return bad;
}

static volatile int spin_stop;

/* spinner - a thread that keeps CPU @arg busy in user mode until told. */
static int spinner(void *arg)
{
	if (pin((int)(long)arg) < 0)
		return 1;
	while (!spin_stop)
		;
	return 0;
}

int fork_threads(u64 threads, u64 iters)
{
	static int ctids[SCALE_MAX_TASKS];
	u64 *v = 0, n = 0;
	long brk0;

	if (threads >= SCALE_MAX_TASKS || !iters || pin(0) < 0)
		return 2;
	brk0 = sys1(__NR_brk, 0);
	if (sys1(__NR_brk, brk0 + (long)((iters * 8 + PAGE - 1) & ~(PAGE - 1))) < 0)
		return 2;
	v = (u64 *)brk0;
	spin_stop = 0;
	for (u64 t = 0; t < threads; t++) {
		char *stack = map_stack();

		if (!stack || clone_thread(THREAD_FLAGS_SPIN, stack + STACK_SIZE, 0, &ctids[t], 0,
					   spinner, (void *)(long)(t + 1)) < 0)
			return 2;
	}
	for (; n < iters; n++) {
		u64 t0 = tsc_open(), t1;
		long pid = sys0(__NR_fork);

		if (pid == 0)
			sys_exit(0);
		t1 = tsc_close();
		if (pid < 0)
			break;
		wait_child(pid);
		v[n] = t1 - t0;
	}
	spin_stop = 1;
	for (u64 t = 0; t < threads; t++)
		for (int i = 0; i < YIELD_LIMIT && *(volatile int *)&ctids[t] != 0; i++)
			sys0(__NR_sched_yield);
	if (!n)
		return 2;
	sort(v, (long)n);
	puts_("tlb,");
	putu(threads);
	putc_(',');
	putu(n);
	putc_(',');
	putu(v[0]);
	putc_(',');
	putu(v[(n - 1) / 2]);
	putc_(',');
	putu(v[n - 1]);
	puts_(",cycles\n");
	flush();
	return 0;
}
