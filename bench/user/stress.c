/* bench/user/stress.c - fork under load: many fork/exit/wait cycles, one
 * fork for the fault-injection tests, and a fork bomb that must fail
 * cleanly and recover. */
#include "stress.h"
#include "out.h"
#include "sys.h"
#include "types.h"

/* stress - @n fork/exit/wait cycles, each child exiting with its cycle
 * number (mod 128) and checked; 0, or 1 at the first bad cycle. */
int stress(u64 n)
{
	for (u64 i = 0; i < n; i++) {
		long pid = sys0(__NR_fork);

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

/* fork_once - one fork for the fault-injection tests: -errno if fork
 * failed, 107 (100 + the child's exit code 7) if it worked, 99 if the
 * child's status was wrong. */
int fork_once(void)
{
	long pid = sys0(__NR_fork);
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
int fork_bomb(u64 max, u64 nproc)
{
	u64 lim[2] = { nproc, nproc }, n = 0, reaped = 0;
	long pid, err = 0;
	int again;

	if (nproc && sys6(__NR_prlimit64, 0, RLIMIT_NPROC, (long)lim, 0, 0, 0) != 0) {
		puts_("forkbomb: prlimit64(RLIMIT_NPROC) failed\n");
		flush();
		return 2;
	}
	while (n < max) {
		pid = sys0(__NR_fork);
		if (pid == 0)
			sys_exit(0);
		if (pid < 0) {
			err = pid;
			break;
		}
		n++;
	}
	while (sys6(__NR_wait4, -1, 0, 0, 0, 0, 0) > 0)
		reaped++;
	lim[0] = lim[1] = ~0UL;
	if (nproc)
		sys6(__NR_prlimit64, 0, RLIMIT_NPROC, (long)lim, 0, 0, 0);
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

/* exec_child - clone_thread's body for files_once: execve @arg (the
 * program's own path) into "exit107"; returns -errno if it failed. */
static int exec_child(void *arg)
{
	const char *argv[] = { arg, "exit107", 0 }, *envp[] = { "FORKLAB=1", 0 };

	return (int)-sys3(__NR_execve, (long)arg, (long)argv, (long)envp);
}

int files_once(const char *self)
{
	int p[2];
	char c = 'x';
	long fd = sys3(__NR_open, (long)self, O_RDONLY, 0), r;
	void *stack = map_stack();

	if (fd < 0)
		return (int)-fd;
	r = sys3(__NR_pipe2, (long)p, O_CLOEXEC, 0);
	if (r < 0)
		return (int)-r;
	if (!stack || sys3(__NR_write, p[1], (long)&c, 1) != 1 || sys3(__NR_read, p[0], (long)&c, 1) != 1)
		return 98;
	/* a vfork sharing the fd table: exec must unshare it */
	r = clone_thread(CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, (char *)stack + STACK_SIZE,
			 0, 0, 0, exec_child, (void *)self);
	if (r < 0)
		return (int)-r;
	r = wait_child(r);
	return r & 0x7f ? 99 : r >> 8;
}
