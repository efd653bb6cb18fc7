/* bench/user/spawn.c - what fork is nearly always for: starting another
 * program ("A fork() in the road", HotOS 2019). Each method of
 * spawn_ops.h starts this very program again (execve of argv[0] with the
 * argument "true": it exits at once, see main.c), timed from the parent's
 * call until it can go on (row NAME) and until it has reaped the child
 * (row NAME-wait), across the parent's resident size.
 *
 *   spawnall N RSSMAX [ALLOC PT PID]  every method at 1, 4, 16 .. RSSMAX
 *                              pages, each after a config line naming
 *                              ALLOC, PT and PID (default linux), timed N
 *                              times (after a warm-up) with that many dirty
 *                              pages resident: two "spawn,OP,RSS,n,min,p50,
 *                              p90,p99,max,mean,cycles" lines each, or
 *                              "spawn_unavailable,OP,RSS,CALL,-ERRNO" when
 *                              this kernel lacks a call the method needs
 *                              (-ENOSYS: forklab before execve; exit 0 then
 *                              too), or "spawn: failed,OP,RSS,CALL,ERR"
 *                              (ERR: -errno, or -1000 - the child's wait
 *                              status) and exit 2
 *
 * posix_spawn is musl's mechanism written out here (the program has no
 * libc): musl's posix_spawn makes the same system calls in the same order
 * (pipe2 with O_CLOEXEC, rt_sigprocmask blocking everything, clone with
 * CLONE_VM|CLONE_VFORK on a stack in its own frame, in the child close,
 * rt_sigprocmask, execve, and the error written to the pipe if execve
 * returns; in the parent close, read, close, rt_sigprocmask). A program
 * that installed signal handlers would also have them reset in the child;
 * this one installs none, as musl's loop would find. */
#include "spawn.h"
#include "spawn_ops.h"
#include "bench.h"
#include "budget.h"
#include "lib.h"
#include "out.h"
#include "sys.h"
#include "uapi/fcntl.h"
#include "../tsc.h"
#include "../vpmu_marker.h"

#define SPAWN_ENOSYS		38	/* Linux's ENOSYS */
#define SPAWN_MAX_SAMPLES	65536	/* measured calls per configuration, at most */
#define SPAWN_STACK		(1024 + 4096)	/* musl's: 1024 + PATH_MAX, in the caller's frame */
#define SIGSET_BYTES		8	/* the kernel's sigset_t: 64 signals */

static const char *const spawn_ops[] = { SPAWN_OP_TABLE(SPAWN_OP_NAME) };

/* what every method execs: argv[0] with "true", and the program's environment */
static char *exec_argv[3];
static char **exec_envp;

/* exec_err - the -errno of execve in a child that shares this address space
 * (vfork, clone): it writes here before it exits */
static volatile long exec_err;

/* exec_self - execve(exec_argv[0], exec_argv, exec_envp); returns only
 * when it failed: -errno. Inline: the fork child calls it in the window. */
static inline long exec_self(void)
{
	return sys3(__NR_execve, (long)exec_argv[0], (long)exec_argv, (long)exec_envp);
}

/* exec_child - the clone child: exec, or record why not and exit 127. */
static int exec_child(void *arg)
{
	(void)arg;
	exec_err = exec_self();
	return 127;
}

/* what posix_spawn's child gets: the pipe, the caller's signal mask */
struct spawn_args {
	int p[2];
	u64 oldmask;
};

/* spawn_child - posix_spawn's child (musl's child()): close the read end,
 * restore the mask, exec; if that returns, write the error into the
 * CLOEXEC pipe and exit 127. */
static int spawn_child(void *arg)
{
	struct spawn_args *a = arg;
	int ret;

	sys1(__NR_close, a->p[0]);
	sys6(__NR_rt_sigprocmask, SIG_SETMASK, (long)&a->oldmask, 0, SIGSET_BYTES, 0, 0);
	ret = (int)-exec_self();
	while (sys3(__NR_write, a->p[1], (long)&ret, sizeof(ret)) < 0)
		;
	return 127;
}

/* posix_spawn_ - posix_spawn(@pid, exec_argv[0], no file actions, no
 * attributes, exec_argv, exec_envp) as musl does it: 0 with *@pid the
 * child, or the errno; *@call names the call that failed. Not inline: it
 * is a library call, and the window holds the call. */
static __attribute__((noinline)) int posix_spawn_(long *pid, const char **call)
{
	char stack[SPAWN_STACK] __attribute__((aligned(16)));
	struct spawn_args a;
	u64 all = ~0ULL;
	long r;
	int ec = 0;

	r = sys6(__NR_pipe2, (long)a.p, O_CLOEXEC, 0, 0, 0, 0);
	if (r < 0) {
		*call = "pipe2";
		return (int)-r;
	}
	sys6(__NR_rt_sigprocmask, SIG_BLOCK, (long)&all, (long)&a.oldmask, SIGSET_BYTES, 0, 0);
	r = clone_thread(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + sizeof(stack), 0, 0, 0,
			 spawn_child, &a);
	sys1(__NR_close, a.p[1]);
	if (r > 0) {
		if (sys3(__NR_read, a.p[0], (long)&ec, sizeof(ec)) != sizeof(ec))
			ec = 0;			/* closed on exec: it worked */
		else
			wait_child(r);		/* reap the child that failed */
	} else {
		ec = (int)-r;
	}
	sys1(__NR_close, a.p[0]);
	if (!ec)
		*pid = r;
	sys6(__NR_rt_sigprocmask, SIG_SETMASK, (long)&a.oldmask, 0, SIGSET_BYTES, 0, 0);
	*call = r > 0 ? "execve" : "clone";
	return ec;
}

/* spawn_one - one call of method @k (spawn_ops[@k]), timed from the call
 * until the parent can go on (@t[1]) and until it has reaped the child
 * (@t[2]), from @t[0]. 0, or -errno with *@call naming what failed
 * (-1000 - the wait status when the child died otherwise). The method is
 * picked inside the window by compares on @k (a few instructions against
 * the tens of thousands an exec costs): one window for all four keeps the
 * program's text within the pages it had, and so the fork numbers. */
static __attribute__((noinline)) long spawn_one(int k, char *stack, u64 t[3], const char **call)
{
	long pid = 0;
	int status, ec = 0;

	exec_err = 0;
	t[0] = tsc_open();
	if (k == 0) {
		pid = sys0(__NR_fork);
		if (pid == 0)
			sys_exit((int)-exec_self());	/* the exit status says why */
	} else if (k == 1) {
		pid = sys0(__NR_vfork);
		if (pid == 0) {
			exec_err = exec_self();
			sys_exit(127);
		}
	} else if (k == 2) {
		pid = clone_thread(CLONE_VM | CLONE_VFORK | SIGCHLD, stack + STACK_SIZE, 0, 0, 0,
				   exec_child, 0);
	} else {
		ec = posix_spawn_(&pid, call);
	}
	t[1] = tsc_close();
	status = pid > 0 ? wait_child(pid) : 0;
	t[2] = tsc_close();
	if (ec)
		return -ec;
	if (pid < 0) {
		*call = k == 0 ? "fork" : k == 1 ? "vfork" : "clone";
		return pid;
	}
	*call = "execve";
	if (exec_err)
		return exec_err;
	if (status & 0x7f || ((status >> 8) & 0xff) == 127)
		return -1000 - status;		/* killed, or failed without saying why */
	return -((status >> 8) & 0xff);		/* fork-exec's child: -errno, or 0 */
}

/* say_failed - the line for method @op that could not run; 0 when the
 * kernel lacks a call (@err -ENOSYS: a spawn_unavailable record), else 2
 * (-1000 - @err is then the child's wait status when @err <= -1000). */
static __attribute__((cold)) int say_failed(const char *op, u64 rss, const char *call, long err)
{
	int nosys = err == -SPAWN_ENOSYS;

	puts_(nosys ? "spawn_unavailable," : "spawn: failed,");
	puts_(op);
	putc_(',');
	putu(rss);
	putc_(',');
	puts_(call);
	putc_(',');
	puti(err);
	putc_('\n');
	flush();
	return nosys ? 0 : 2;
}

/* spawn_run - time method @k @n times at the resident size bench_prepare made
 * (@rss pages); prints the two rows, or why it could not. 0 or 2. */
static __attribute__((cold)) int spawn_run(int k, u64 n, u64 rss)
{
	const char *op = spawn_ops[k];
	static char *stack;
	u64 warmup = BENCH_WARMUP(n), got = 0, spent = 0, *back, *reaped;
	long brk0 = sys1(__NR_brk, 0);

	if (!stack)
		stack = map_stack();
	if (n > SPAWN_MAX_SAMPLES)
		n = SPAWN_MAX_SAMPLES;
	back = map_samples(2 * n);
	if (!stack || !back || !n)
		return 2;
	reaped = back + n;
	for (u64 i = 0; i < warmup + n; i++) {
		const char *call;
		u64 t[3];
		long r = spawn_one(k, stack, t, &call);

		if (r)
			return say_failed(op, rss, call, r);
		if (i < warmup) {
			vpmu_mark(VPMU_SKIP);
			continue;
		}
		vpmu_mark(VPMU_KEEP_TWO);	/* t0..t1 the first row's, t0..t2 the second's */
		back[got] = tsc_delta(t[0], t[1]);
		reaped[got++] = tsc_delta(t[0], t[2]);
		spent += t[2] - t[0];
		if (got >= BENCH_MIN_SAMPLES && spent > BENCH_CYCLE_BUDGET)
			break;
	}
	vpmu_mark(VPMU_FLUSH);		/* the virtual PMU's records of the two rows */
	print_stats("spawn", op, "", rss, -1, back, got);
	print_stats("spawn", op, SPAWN_WAIT_SUFFIX, rss, -1, reaped, got);
	sys1(__NR_brk, brk0);
	return 0;
}

/* spawn_all - every method at 1, 4, 16 .. @rss_max pages, each after a
 * config line naming @set; 0 or 2. */
static __attribute__((cold)) int spawn_all(u64 iters, u64 rss_max, const char *const set[3])
{
	long brk0 = sys1(__NR_brk, 0);
	int bad = 0;

	for (u64 rss = 1; rss <= rss_max; rss *= 4) {
		if (bench_prepare(rss))
			return 2;
		for (int k = 0; k < NR_SPAWN_OPS; k++) {
			put_config(spawn_ops[k], set, rss);
			bad |= spawn_run(k, iters, rss);
		}
		bench_release(brk0);
	}
	return bad;
}

__attribute__((cold)) int spawn_main(int argc, char **argv, char **envp)
{
	const char *set[3] = { "linux", "linux", "linux" };

	exec_argv[0] = argv[0];
	exec_argv[1] = "true";
	exec_envp = envp;
	for (int i = 0; i < 3 && 4 + i < argc; i++)
		set[i] = argv[4 + i];
	return spawn_all(atou(argv[2]), atou(argv[3]), set);
}
