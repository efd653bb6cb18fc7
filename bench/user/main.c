/* bench/user/main.c - forklab-user, the user program forklab runs as pid 1
 * and that runs unchanged on Linux (raw system calls only, no libc); this
 * file picks the mode. One file per job: semantics.c, bench.c, stress.c,
 * kallsyms.c, on sys.h, out.c and lib.c.
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
 *   forklab-user benchall N RSSMAX [NAME [samples] [windows]]  every op of
 *                               bench=fork in one run, each after a config
 *                               line (alloc, pt, pid = NAME, default linux):
 *                               forklab linux runs this. bench and benchall
 *                               take "samples" (every sample) and "windows"
 *                               (each call's TSC readings) after RSS/NAME
 *   forklab-user forkbomb MAX [NPROC]  fork unreaped children (at most MAX)
 *                               until fork fails, after lowering RLIMIT_NPROC
 *                               to NPROC if given; reap them, fork once more;
 *                               exit 0 iff fork failed with EAGAIN or ENOMEM
 *                               and everything recovered (root on Linux
 *                               ignores RLIMIT_NPROC: MAX bounds it there)
 *   forklab-user kallsyms       Linux only: mount /proc, print its text
 *                               symbols (forklab profile --linux)
 *   forklab-user scale OP TASKS ITERS  OP on TASKS CPUs at once (scale.c)
 *   forklab-user forkthreads THREADS ITERS  fork with THREADS threads busy
 *                               on other CPUs: the TLB shootdown (scale.c)
 */
#include "bench.h"
#include "kallsyms.h"
#include "lib.h"
#include "out.h"
#include "semantics.h"
#include "stress.h"
#include "scale.h"

/* flag - whether one of argv[5..] is @name (bench's and benchall's options). */
static int flag(int argc, char **argv, const char *name)
{
	for (int i = 5; i < argc; i++)
		if (streq(argv[i], name))
			return 1;
	return 0;
}

/* main - run the mode argv[1] names (semantics if none); its exit status,
 * or 2 after the usage line if the mode or its arguments are unknown. */
int main(int argc, char **argv)
{
	if (argc < 2 || streq(argv[1], "semantics"))
		return semantics();
	want_samples = flag(argc, argv, "samples");
	want_windows = flag(argc, argv, "windows");
	if (streq(argv[1], "bench") && argc >= 4)
		return bench(argv[2], atou(argv[3]), argc >= 5 ? atou(argv[4]) : 1);
	if (streq(argv[1], "fork-once"))
		return fork_once();
	if (streq(argv[1], "kallsyms"))
		return kallsyms();
	if (streq(argv[1], "stress") && argc >= 3)
		return stress(atou(argv[2]));
	if (streq(argv[1], "benchall") && argc >= 4)
		return bench_all(atou(argv[2]), atou(argv[3]), argc >= 5 ? argv[4] : "linux");
	if (streq(argv[1], "scale") && argc >= 5)
		return scale(argv[2], atou(argv[3]), atou(argv[4]));
	if (streq(argv[1], "forkthreads") && argc >= 4)
		return fork_threads(atou(argv[2]), atou(argv[3]));
	if (streq(argv[1], "forkbomb") && argc >= 3)
		return fork_bomb(atou(argv[2]), argc >= 4 ? atou(argv[3]) : 0);
	puts_("usage: forklab-user [semantics | bench OP N [RSS] | benchall N RSSMAX [NAME [samples] [windows]] "
	      "| stress N | fork-once | forkbomb MAX [NPROC] | kallsyms | scale OP TASKS ITERS "
	      "| forkthreads THREADS ITERS]\n");
	flush();
	return 2;
}
