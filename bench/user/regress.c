/* bench/user/regress.c - the kernel bugs the fuzzer (fuzz.c) found, one
 * check each, so that they stay fixed: "ok WHAT" or "FAIL WHAT: got N"
 * lines (as semantics.c prints them), the same on forklab and on Linux.
 * A bug that hung the kernel fails here by the run's timeout. */
#include "regress.h"
#include "check.h"
#include "out.h"
#include "sys.h"

#define HUGE_MAP	(1UL << 46)	/* 64 TiB of address space, never touched */
#define PROT_NONE	0

static volatile int settid_word;	/* .bss: copy-on-write after the fork */

/* clone(CLONE_CHILD_SETTID) without CLONE_VM writes the child's tid into
 * the child's copy of a copy-on-write page: forklab resolved that write's
 * fault in the parent's memory and faulted again, for ever (seed 1, call
 * 1548). */
static void regress_child_settid(void)
{
	long pid;
	int status;

	settid_word = -1;	/* the page is ours and dirty: fork shares it COW */
	pid = sys6(__NR_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, 0, (long)&settid_word, 0, 0);
	if (pid == 0)
		sys_exit(settid_word == sys0(__NR_gettid) ? 0 : 1);
	check(pid > 0, "clone(CLONE_CHILD_SETTID) into a copy-on-write page returns", pid);
	status = wait_child(pid);
	check(status == 0, "the child finds its tid in its copy", status);
	check(settid_word == -1, "the parent's copy is untouched", settid_word);
}

/* munmap of a 64 TiB mapping walked every one of its 2^34 pages (the fuzzer's
 * seed 2, call 4048: a hang); a fork and exit with such a mapping walked
 * each of its 2^25 page-directory slots. */
static void regress_huge_munmap(void)
{
	long p = sys6(__NR_mmap, 0, HUGE_MAP, PROT_NONE, MAP_PRIVATE_ANON, -1, 0), pid;

	check(p > 0, "mmap of 64 TiB (PROT_NONE, untouched)", p);
	if (p <= 0)
		return;
	pid = sys0(__NR_fork);
	if (pid == 0)
		sys_exit(3);
	check(wait_child(pid) == 3 << 8, "a fork and exit with it in the address space", pid);
	check(sys6(__NR_munmap, p, HUGE_MAP, 0, 0, 0, 0) == 0, "its munmap returns 0", p);
}

/* clone(CLONE_SETTLS) with a non-canonical TLS base: the switch to the child
 * loaded it with wrmsr, a #GP in the kernel on hardware (TCG does not check
 * the address); Linux refuses it with -EPERM. */
static void regress_settls(void)
{
	long r = sys6(__NR_clone, CLONE_SETTLS | SIGCHLD, 0, 0, 0, 0x0000800000000000L, 0);

	if (r == 0)
		sys_exit(0);
	if (r > 0)
		wait_child(r);
	check(r == -1, "clone(CLONE_SETTLS) of a non-canonical TLS base is -EPERM", r);
}

/* a jump into a mapped page without PROT_EXEC, and a read of a PROT_NONE
 * page: the fault handler took the first for a stale TLB entry and
 * returned to it for ever, and mapped the second readable (found reading
 * the fault path for SMEP). Both are SIGSEGV, as on Linux. */
static void regress_prot(void)
{
	long data = sys6(__NR_mmap, 0, PAGE, PROT_RW, MAP_PRIVATE_ANON, -1, 0);
	long none = sys6(__NR_mmap, 0, PAGE, PROT_NONE, MAP_PRIVATE_ANON, -1, 0);
	long pid;

	check(data > 0 && none > 0, "mmap of a read-write and a PROT_NONE page", data);
	if (data <= 0 || none <= 0)
		return;
	*(volatile char *)data = (char)0xc3;	/* ret: present, readable, not executable */
	pid = sys0(__NR_fork);
	if (pid == 0) {
		((void (*)(void))data)();
		sys_exit(0);
	}
	check(wait_child(pid) == SIGSEGV, "a jump into a page without PROT_EXEC is SIGSEGV", pid);
	pid = sys0(__NR_fork);
	if (pid == 0)
		sys_exit(*(volatile char *)none);
	check(wait_child(pid) == SIGSEGV, "a read of a PROT_NONE page is SIGSEGV", pid);
}

/* clone(CLONE_PARENT) by pid 1 made a child of the idle task, which reaps
 * only when the CPU idles: the fuzzer's pid 1 never let it, and its
 * zombies held RLIMIT_NPROC until every fork failed. Linux refuses
 * CLONE_PARENT to init with -EINVAL (elsewhere it is allowed). */
static void regress_init_clone_parent(void)
{
	long r;

	if (sys0(__NR_getpid) != 1) {
		check(1, "clone(CLONE_PARENT) by pid 1 is -EINVAL (not pid 1 here: not tried)", 0);
		return;
	}
	r = sys6(__NR_clone, CLONE_PARENT | SIGCHLD, 0, 0, 0, 0, 0);
	if (r == 0)
		sys_exit(0);
	check(r == -22, "clone(CLONE_PARENT) by pid 1 is -EINVAL", r);
}

/* leader_thread - a thread that outlives its group leader: it yields a
 * while (its parent process may reap the leader meanwhile, if the kernel
 * lets it) and asks for its parent. */
static int leader_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 200; i++) {
		sys0(__NR_sched_yield);
		sys0(__NR_getppid);
	}
	return 0;
}

/* A thread group's leader that exits first was reaped at once, freeing the
 * task_struct its threads still use as their group leader: a thread's
 * getppid then read freed memory (the fuzzer's seed 20, page/cow/hash: a
 * kernel #PF at 0x18 in sys_getppid). As Linux, wait4 reports the leader
 * only once the whole group is gone: the thread is gone when it returns. */
static void regress_leader_first(void)
{
	long me = sys0(__NR_getpid), pid = sys0(__NR_fork), thread = 0;

	if (pid == 0) {
		void *stack = map_stack();

		if (!stack)
			sys_exit(1);
		thread = clone_thread(THREAD_FLAGS & ~(CLONE_SETTLS | CLONE_PARENT_SETTID |
						       CLONE_CHILD_CLEARTID),
				      (char *)stack + STACK_SIZE, 0, 0, 0, leader_thread, 0);
		sys_exit(thread > 0 && sys0(__NR_getppid) == me ? 0 : 1);	/* this thread only */
	}
	/* the status is the kernel's choice here (Linux reports 0): not checked */
	check(sys6(__NR_wait4, pid, 0, 0, 0, 0, 0) == pid,
	      "a leader that exits before its thread is reaped", pid);
	/* its thread was the next pid, here and on Linux: gone by now */
	check(sys6(__NR_sched_getaffinity, pid + 1, 8, (long)&thread, 0, 0, 0) == -3,
	      "... only after the thread has exited too (sched_getaffinity: -ESRCH)", pid + 1);
}

int regress(void)
{
	regress_child_settid();
	regress_huge_munmap();
	regress_settls();
	regress_prot();
	regress_init_clone_parent();
	regress_leader_first();
	return check_summary("regress");
}
