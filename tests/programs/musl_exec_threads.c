/* tests/programs/musl_exec_threads.c - execve from a threaded process ends
 * every other thread (POSIX; Linux's de_thread). The program forks a child
 * per case; the child makes threads that are busy in every way a thread
 * can be - one spinning in user mode (no system call ever), one blocked in
 * a futex (pthread_cond_wait), one in read() on a pipe, one in waitpid()
 * for a grandchild it forked - and then (a) its main thread, the group
 * leader, or (b) another thread, while main waits in pthread_join, execs
 * this program again. The exec'ed image checks what it can see: its pid
 * and parent are the child's, it is its own group leader (gettid ==
 * getpid), no old thread runs on (a thread that had survived would answer
 * a byte on the pipe it blocked on, and would keep a write end of the
 * result pipe open), and the grandchild an old thread forked is now its
 * child. The parent reaps exactly the pid fork gave it, with status 0,
 * and nothing else. Two more cases: (c) the exec at once, beside a thread
 * made just before it that has not run yet; (d) no exec, but exit_group
 * from main beside the same busy threads (the spinner too): status 3.
 * Last, once: (e) a process whose parent has exited and been reaped (so
 * it was given to a reaper) makes a thread, which clones with
 * CLONE_PARENT: the new process's parent is the reaper, its creator's
 * process's parent (every thread's parent moves with its process).
 * Every line is a relation, never a raw pid, so the lines are the same
 * natively, in the Linux guest and on forklab (make check: exec_threads,
 * exec_threads_linux). Exits 0. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define PREFIX		"exec_threads: "
#define ROUNDS		2	/* each case this many times */
#define NR_READY	4	/* spinner, reader, cond waiter, forker */
#define EXIT_CODE	3	/* the exit_group case's */
#define SETTLE_YIELDS	8	/* after they say ready: time to reach their calls */
#define SPIN_BETWEEN_PAUSES 1000	/* the spinner's loops between two pauses */
#define FRESH_STACK	16384	/* bytes: the raw clone's stack */

static const char *self;	/* argv[0]: this program's path */
static int result_pipe[2];	/* an old thread that survived writes here */
static int block_pipe[2];	/* the reader blocks on [0] */
static int grand_pipe[2];	/* the grandchild blocks on [0] */
static int ready;		/* threads at their blocking point */
static int nr_ready = NR_READY;	/* how many threads wait_ready waits for */
static volatile int spinning;	/* the spinner has started */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;

/* say - one line to stdout, in one write (processes share the console) */
static void say(const char *fmt, ...)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), PREFIX);
	va_list ap;

	va_start(ap, fmt);
	n += vsnprintf(buf + n, sizeof(buf) - n, fmt, ap);
	va_end(ap);
	if (n < (int)sizeof(buf) - 1)
		buf[n++] = '\n';
	if (write(1, buf, n) != n)
		_exit(2);
}

static const char *yes(int cond)
{
	return cond ? "yes" : "no";
}

static void mark_ready(void)
{
	__atomic_fetch_add(&ready, 1, __ATOMIC_SEQ_CST);
}

/* survived - an old thread still runs after the exec: tell the new image */
static void survived(const char *who)
{
	if (write(result_pipe[1], who, 1) != 1)
		_exit(3);
}

static void *spinner(void *arg)
{
	(void)arg;
	spinning = 1;
	mark_ready();
	/* user mode, no system call; a pause now and then, as a spin-wait
	 * does (under icount's round robin a loop without one holds its vCPU
	 * for a whole slice each time another vCPU pauses in a kernel spin
	 * wait; a pause each time makes one CPU's run slow to emulate) */
	for (;;) {
		for (int i = 0; i < SPIN_BETWEEN_PAUSES; i++)
			__asm__ volatile("" ::: "memory");
		__asm__ volatile("pause" ::: "memory");
	}
	return NULL;
}

static void *reader(void *arg)
{
	char c;

	(void)arg;
	mark_ready();
	if (read(block_pipe[0], &c, 1) == 1)
		survived("R");
	return NULL;
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	mark_ready();
	pthread_cond_wait(&never, &lock);	/* a futex wait nobody ends */
	pthread_mutex_unlock(&lock);
	survived("C");
	return NULL;
}

/* forker - a grandchild that waits for the new image's byte on grand_pipe,
 * then reports whose child it is and exits 0; this thread waits for it */
static void *forker(void *arg)
{
	pid_t child_pid = (pid_t)(long)arg, g = fork();
	char c;

	if (g == 0) {
		close(result_pipe[1]);
		close(block_pipe[1]);
		close(grand_pipe[1]);
		if (read(grand_pipe[0], &c, 1) != 1)
			_exit(4);
		say("grandchild: its parent is the exec'ed process: %s", yes(getppid() == child_pid));
		_exit(0);
	}
	mark_ready();
	if (g > 0 && waitpid(g, NULL, 0) == g)
		survived("F");
	return NULL;
}

/* wait_ready - until every thread is at (or about to enter) its wait */
static void wait_ready(void)
{
	while (__atomic_load_n(&ready, __ATOMIC_SEQ_CST) < nr_ready || !spinning)
		sched_yield();
	for (int i = 0; i < SETTLE_YIELDS; i++)
		sched_yield();
}

/* fresh_spinner - a raw clone's thread (pthread's start makes a system
 * call first: this one goes straight into its loop), made just before the
 * exec: it may not have run yet when the exec ends it */
static int fresh_spinner(void *arg)
{
	(void)arg;
	for (;;)
		__asm__ volatile("pause" ::: "memory");
	return 0;
}

/* exec_image - a thread that has not run yet, then exec this program as
 * the image that checks (never returns) */
static void exec_image(const char *mode)
{
	static char fresh_stack[FRESH_STACK] __attribute__((aligned(16)));
	char args[6][16];
	char *argv[] = { (char *)self, "image", (char *)mode, args[0], args[1], args[2], args[3],
			 args[4], args[5], NULL };

	snprintf(args[0], sizeof(args[0]), "%d", (int)getpid());
	snprintf(args[1], sizeof(args[1]), "%d", (int)getppid());
	snprintf(args[2], sizeof(args[2]), "%d", result_pipe[0]);
	snprintf(args[3], sizeof(args[3]), "%d", result_pipe[1]);
	snprintf(args[4], sizeof(args[4]), "%d", block_pipe[1]);
	snprintf(args[5], sizeof(args[5]), "%d", grand_pipe[1]);
	if (clone(fresh_spinner, fresh_stack + sizeof(fresh_stack), CLONE_VM | CLONE_FS |
		  CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM, NULL) < 0)
		_exit(7);
	execv(self, argv);
	say("%s: execve failed: %s", mode, strerror(errno));
	_exit(5);
}

static void *execer(void *arg)
{
	wait_ready();
	exec_image((const char *)arg);
	return NULL;
}

/* run_case - the child: the threads, then @mode's thread execs ("fresh":
 * at once, beside a thread that has not run yet); "exit_group": no exec,
 * main calls exit(EXIT_CODE) (no forker: its grandchild would be init's) */
static void run_case(const char *mode)
{
	void *(*fns[])(void *) = { spinner, reader, cond_waiter, forker };
	size_t nr = sizeof(fns) / sizeof(fns[0]);
	pthread_t t;

	if (pipe(result_pipe) || pipe(block_pipe) || pipe(grand_pipe))
		_exit(6);
	if (!strcmp(mode, "fresh"))
		exec_image(mode);
	if (!strcmp(mode, "exit_group"))
		nr_ready = --nr;
	for (size_t i = 0; i < nr; i++)
		if (pthread_create(&t, NULL, fns[i], (void *)(long)getpid()))
			_exit(7);
	if (!strcmp(mode, "exit_group")) {
		wait_ready();
		exit(EXIT_CODE);	/* the spinner, in no system call, too */
	}
	if (!strcmp(mode, "leader")) {
		wait_ready();
		exec_image(mode);
	}
	if (pthread_create(&t, NULL, execer, (void *)mode))
		_exit(7);
	pthread_join(t, NULL);		/* the leader waits in a futex */
	survived("J");
	_exit(8);
}

/* image - the exec'ed program: what it sees of the process it became */
static int image(char **argv)
{
	const char *mode = argv[2];
	int rd = atoi(argv[5]), wr = atoi(argv[6]), st, r;
	char buf[16];
	long n;

	say("%s exec'ed: pid kept: %s", mode, yes(getpid() == atoi(argv[3])));
	say("%s exec'ed: parent kept: %s", mode, yes(getppid() == atoi(argv[4])));
	say("%s exec'ed: its own group leader (gettid == getpid): %s", mode,
	    yes(syscall(SYS_gettid) == getpid()));
	/* a reader that survived would answer this byte on the result pipe */
	if (write(atoi(argv[7]), "x", 1) != 1)
		return 1;
	close(wr);
	n = read(rd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	say("%s exec'ed: no old thread runs on: %s%s%s", mode, yes(n == 0), n ? ", read " : "",
	    n > 0 ? buf : n < 0 ? strerror(errno) : "");
	if (strcmp(mode, "fresh")) {
		if (write(atoi(argv[8]), "x", 1) != 1)
			return 1;
		r = waitpid(-1, &st, 0);
		say("%s exec'ed: the old thread's child is its child, reaped with status 0: %s",
		    mode, yes(r > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0));
	}
	r = waitpid(-1, &st, WNOHANG);
	say("%s exec'ed: no other child: %s", mode, yes(r == -1 && errno == ECHILD));
	return 0;
}

static int orphan_go[2], orphan_res[2], orphan_made[2];	/* (e): the parent reaped; the
							 * answer; the thread made */
static pid_t orphan_reaper;		/* (e): its process's parent after the reparenting */

/* orphan_cloner - (e)'s thread, made before its process's parent exits:
 * once that parent has been reaped, clone(CLONE_PARENT) like fork; the new
 * process answers whether its parent is its creator's process's. */
static void *orphan_cloner(void *arg)
{
	char go;
	pid_t n;

	(void)arg;
	if (read(orphan_go[0], &go, 1) != 1)
		return NULL;
	orphan_reaper = getppid();
	n = (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0);
	if (n == 0) {
		char c = getppid() == orphan_reaper ? 'y' : 'n';

		_exit(write(orphan_res[1], &c, 1) == 1 ? 0 : 4);
	}
	return (void *)(long)(n > 0);
}

/* orphan_case - (e): this process forks a middle one, which forks the
 * orphan and exits; once this process has reaped the middle one, the
 * orphan's thread clones with CLONE_PARENT. A process that is pid 1 (a
 * guest's /init, forklab's program) is the reaper, and reaps the clone. */
static void orphan_case(void)
{
	pid_t mid;
	void *made = 0;
	char c = 'n', go = 0;
	int st;
	pthread_t t;

	if (pipe(orphan_go) || pipe(orphan_res) || pipe(orphan_made))
		_exit(5);
	mid = fork();
	if (mid == 0) {
		pid_t orphan = fork();

		if (orphan == 0) {
			close(orphan_go[1]);
			if (pthread_create(&t, NULL, orphan_cloner, NULL) ||
			    write(orphan_made[1], &go, 1) != 1 || pthread_join(t, &made) || !made)
				_exit(7);
			_exit(0);
		}
		/* leave the orphan to the reaper once its thread is there */
		_exit(orphan > 0 && read(orphan_made[0], &go, 1) == 1 ? 0 : 8);
	}
	close(orphan_res[1]);
	waitpid(mid, &st, 0);
	if (write(orphan_go[1], &go, 1) != 1 || read(orphan_res[0], &c, 1) != 1)
		c = 'n';
	say("orphan: a thread's CLONE_PARENT child has its process's parent: %s", yes(c == 'y'));
	if (getpid() == 1)
		while (waitpid(-1, &st, 0) > 0)
			;		/* the orphan and its clone, ours to reap */
}

/* main - no argument: every case, ROUNDS times; a case's name: that case
 * alone ("fresh" needs no tick, nor a second CPU: forklab runs it with
 * hz=0 on one CPU) */
int main(int argc, char **argv)
{
	static const char *const all[] = { "leader", "thread", "fresh", "exit_group" };
	const char *const *modes = all;
	int failed = 0, nr_modes = 4;

	self = argv[0];
	if (argc == 9 && !strcmp(argv[1], "image"))
		return image(argv);
	for (int m = 0; argc == 2 && m < nr_modes; m++)
		if (!strcmp(argv[1], all[m]))
			modes = all + m, nr_modes = 1, argc = 1;
	if (argc != 1)
		return 9;
	for (int round = 0; round < ROUNDS; round++) {
		for (int m = 0; m < nr_modes; m++) {
			int code = strcmp(modes[m], "exit_group") ? 0 : EXIT_CODE, st = -1, ok;
			pid_t pid = fork(), r;

			if (pid == 0)
				run_case(modes[m]);
			r = waitpid(pid, &st, 0);
			ok = pid > 0 && r == pid && WIFEXITED(st) && WEXITSTATUS(st) == code;
			say("%s %d: the parent reaps the pid fork gave it, status %d: %s", modes[m],
			    round + 1, code, yes(ok));
			r = waitpid(-1, &st, WNOHANG);
			say("%s %d: no stray wait result: %s", modes[m], round + 1,
			    yes(r == -1 && errno == ECHILD));
			failed |= !ok;
		}
	}
	if (nr_modes == 4)
		orphan_case();
	say("done");
	return failed;
}
