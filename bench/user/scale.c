/* bench/user/scale.c - fork on several CPUs at once.
 *
 *   scale OP TASKS ITERS    will-it-scale's shape: TASKS worker processes,
 *                           worker i pinned to CPU i, each doing OP (one of
 *                           scale_ops.h: fork-exit-wait, ...) ITERS
 *                           times from a common start; each prints
 *                           "scale,OP,TASKS,i,ITERS,TICKS" with its own
 *                           elapsed TSC ticks after WARMUP_OPS untimed
 *                           ones (ops per second = ITERS /
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
#include "scale_ops.h"
#include "lib.h"
#include "out.h"
#include "sys.h"
#include "../tsc.h"

#define SCALE_MAX_TASKS		64
#define WARMUP_OPS		16		/* untimed, before the start */
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

static const char *const scale_ops[] = { SCALE_OP_TABLE(SCALE_OP_NAME) };

static int remote_cpu;			/* fork-exit-remote's children run there */

/* one_op - one @op of scale_ops.h, the child exiting at once and reaped;
 * 0, the call's -errno, or -1 when the child did not exit 0. */
static int one_op(const char *op, char *stack, int *ctid)
{
	long pid;

	if (streq(op, "fork-exit-wait") || streq(op, "fork-exit-remote") || streq(op, "vfork")) {
		pid = sys0(streq(op, "vfork") ? __NR_vfork : __NR_fork);
		if (pid == 0)
			sys_exit(0);
		if (pid < 0)
			return (int)pid;
		if (op[10] == 'r') {		/* fork-exit-remote: queued here, not yet run */
			u64 mask = 1ULL << remote_cpu;

			sys3(__NR_sched_setaffinity, pid, sizeof(mask), (long)&mask);
		}
		return wait_child(pid) == 0 ? 0 : -1;
	}
	*ctid = -1;
	pid = clone_thread(THREAD_FLAGS_SPIN, stack + STACK_SIZE, 0, ctid, 0, quit, 0);
	if (pid < 0)
		return (int)pid;
	for (int i = 0; i < YIELD_LIMIT && *(volatile int *)ctid != 0; i++)
		sys0(__NR_sched_yield);
	return 0;
}

/* op_failed - worker @i's op number @k gave @err: say so, and exit 4. */
static __attribute__((noreturn)) void op_failed(const char *op, int i, u64 k, int err)
{
	puts_("error,scale ");
	puts_(op);
	puts_(": task ");
	putu((u64)i);
	puts_(", op ");
	putu(k);
	puts_(err == -1 ? " failed: the child did not exit 0" : " failed: errno ");
	if (err != -1)
		putu((u64)-err);
	putc_('\n');
	flush();
	sys_exit(4);
}

/* worker - worker @i of scale (of @nr_cpus CPUs): pin, wait for @start,
 * run, report. */
static __attribute__((noreturn)) void worker(const char *op, u64 tasks, int i, u64 iters,
					     u64 start, int nr_cpus)
{
	static int ctid;
	char *stack = map_stack();
	u64 t0, t1;
	int err;

	if (pin(i) < 0 || !stack)
		sys_exit(3);
	remote_cpu = (i + 1) % nr_cpus;
	/* warm: under TCG the first runs of a path translate it */
	for (int k = 0; k < WARMUP_OPS; k++)
		if ((err = one_op(op, stack, &ctid)))
			op_failed(op, i, (u64)k, err);
	while (tsc_open() < start)
		__asm__ volatile("pause");
	t0 = tsc_open();
	for (u64 k = 0; k < iters; k++)
		if ((err = one_op(op, stack, &ctid)))
			op_failed(op, i, WARMUP_OPS + k, err);
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
	static int ctid;
	long pids[SCALE_MAX_TASKS];
	char *stack = map_stack();
	u64 start, t0, warm, online = 0;
	int bad = 0, known = 0, nr_online = 0;

	for (unsigned int o = 0; o < sizeof(scale_ops) / sizeof(scale_ops[0]); o++)
		known |= streq(op, scale_ops[o]);
	if (!known) {
		puts_("scale: OP is one of");
		for (unsigned int o = 0; o < sizeof(scale_ops) / sizeof(scale_ops[0]); o++) {
			putc_(' ');
			puts_(scale_ops[o]);
		}
		putc_('\n');
		flush();
		return 2;
	}
	if (!tasks || tasks > SCALE_MAX_TASKS || !stack ||
	    sys3(__NR_sched_getaffinity, 0, sizeof(online), (long)&online) < 0)
		return 2;
	for (u64 m = online; m; m &= m - 1)
		nr_online++;
	remote_cpu = nr_online > 1;		/* the parent's warm-up, from CPU 0 */
	/* the common start: time enough for every worker to be forked and warm,
	 * judged by the parent's own warm-up (the same work: under icount a
	 * fixed delay would be spun through by every waiting CPU) */
	t0 = tsc_open();
	for (int k = 0; k < WARMUP_OPS; k++)
		if (one_op(op, stack, &ctid))
			return 2;
	warm = tsc_close() - t0;
	start = tsc_open() + 2 * (tasks + 1) * warm;
	for (u64 i = 0; i < tasks; i++) {
		pids[i] = sys0(__NR_fork);
		if (pids[i] == 0)
			worker(op, tasks, (int)i, iters, start, nr_online);
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
	for (int k = 0; k < WARMUP_OPS; k++) {		/* untimed */
		long pid = sys0(__NR_fork);

		if (pid == 0)
			sys_exit(0);
		if (pid < 0 || wait_child(pid))
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
