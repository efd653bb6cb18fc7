/* bench/user/semantics.c - the semantics suite: fork, vfork, clone, wait4,
 * copy-on-write, faults, brk. One "ok WHAT" or "FAIL WHAT: got N" line per
 * check, the same lines on forklab and on Linux, then a summary line. */
#include "semantics.h"
#include "out.h"
#include "sys.h"
#include "types.h"

/* three pages the COW checks write from parent and child */
static volatile int cow_global[3 * PAGE / sizeof(int)];
/* written by vfork children, threads and CLONE_VM children for the parent */
static volatile int shared_word;
static volatile int *volatile bad_address = (volatile int *)8;
/* the top 2 GiB, where Linux and forklab both keep kernel text */
static volatile int *volatile kernel_address = (volatile int *)0xffffffff81000000UL;

/* semantics_fork - fork's return values, wait4's status, COW in both
 * directions, and SIGSEGV for bad and kernel addresses. */
static void semantics_fork(void)
{
	long me = sys0(__NR_getpid), pid;
	volatile int stack_var = 1;
	int status;

	pid = sys0(__NR_fork);
	if (pid == 0) {
		long self = sys0(__NR_getpid);

		/* report through the exit status: 1 bit per fact */
		sys_exit((sys0(__NR_getppid) == me ? 1 : 0) | (self != me ? 2 : 0) |
			 (self == sys0(__NR_gettid) ? 4 : 0));
	}
	check(pid > 0, "fork returns the child's pid to the parent", pid);
	status = wait_child(pid);
	check(status == 7 << 8, "the child sees fork return 0, its own pid, and the parent as getppid",
	      status);

	pid = sys0(__NR_fork);
	if (pid == 0)
		sys_exit(7);
	status = wait_child(pid);
	check(status == (7 << 8), "wait4 returns the child's pid and exit(7) as status 7<<8", status);

	/* COW, parent to child: the child must not see the parent's later writes */
	cow_global[0] = 1;
	cow_global[PAGE / sizeof(int)] = 1;
	stack_var = 1;
	pid = sys0(__NR_fork);
	if (pid == 0) {
		for (int i = 0; i < YIELD_LIMIT / 1000; i++)
			sys0(__NR_sched_yield);		/* let the parent write */
		sys_exit(cow_global[0] == 1 && cow_global[PAGE / sizeof(int)] == 1 &&
			 stack_var == 1 ? 0 : 1);
	}
	cow_global[0] = 2;
	cow_global[PAGE / sizeof(int)] = 2;
	stack_var = 2;
	status = wait_child(pid);
	check(status == 0, "COW: the parent's writes after fork stay out of the child", status);

	/* COW, child to parent */
	pid = sys0(__NR_fork);
	if (pid == 0) {
		cow_global[0] = 3;
		cow_global[2 * PAGE / sizeof(int)] = 3;
		stack_var = 3;
		sys_exit(cow_global[0] == 3 ? 0 : 1);
	}
	status = wait_child(pid);
	check(status == 0 && cow_global[0] == 2 && cow_global[2 * PAGE / sizeof(int)] == 0 &&
	      stack_var == 2, "COW: the child's writes stay out of the parent", cow_global[0]);

	pid = sys0(__NR_fork);
	if (pid == 0) {
		*bad_address = 1;		/* fault */
		sys_exit(0);
	}
	status = wait_child(pid);
	check(status == 11, "a child touching address 8 is killed by SIGSEGV (status 11)", status);

	pid = sys0(__NR_fork);
	if (pid == 0) {
		sys_exit(*kernel_address == 0x12345678 ? 1 : 2);	/* must fault first */
	}
	status = wait_child(pid);
	check(status == 11, "a child reading kernel memory is killed by SIGSEGV", status);

	pid = sys0(__NR_fork);
	if (pid == 0) {
		*kernel_address = 1;
		sys_exit(2);
	}
	status = wait_child(pid);
	check(status == 11, "a child writing kernel memory is killed by SIGSEGV", status);
}

/* semantics_vfork - the parent waits for the child and shares its memory. */
static void semantics_vfork(void)
{
	long pid;
	int status;

	shared_word = 0;
	pid = sys0(__NR_vfork);
	if (pid == 0) {
		for (int i = 0; i < 100; i++)
			sys0(__NR_sched_yield);	/* the parent must still not run */
		shared_word = 42;
		sys_exit(5);
	}
	check(shared_word == 42, "vfork: the parent resumes only after the child exits, "
	      "and sees its writes", shared_word);
	status = wait_child(pid);
	check(status == 5 << 8, "vfork: the child is reaped with its status", status);
}

/* the thread words of semantics_clone's thread (ptid, ctid, its TLS block) */
static int thread_tid;
static int thread_ptid, thread_ctid;
static u64 tls_block[4];

/* thread_fn - the thread: records its tid, TLS check and pid for the parent. */
static int thread_fn(void *arg)
{
	u64 self;

	__asm__ volatile("mov %%fs:0, %0" : "=r"(self));
	thread_tid = (int)sys0(__NR_gettid);
	shared_word = (self == (u64)tls_block) ? (int)(long)arg : -1;
	*(volatile long *)&tls_block[1] = sys0(__NR_getpid);
	return 0;
}

/* vm_child_fn - a CLONE_VM child: writes @arg where the parent can see it. */
static int vm_child_fn(void *arg)
{
	shared_word = (int)(long)arg;
	return 60;
}

static volatile int spin_release;	/* the parent lets spin_child_fn exit */

/* spin_child_fn - spins without system calls until the parent sets spin_release. */
static int spin_child_fn(void *arg)
{
	(void)arg;
	while (!spin_release)
		;
	return 0;
}

/* semantics_clone - pthread-style threads (SETTLS, SETTID, CLEARTID) and
 * CLONE_VM children, on a stack from map_stack. */
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
		sys0(__NR_sched_yield);
	check(thread_ctid == 0, "CLONE_CHILD_CLEARTID: the tid word is cleared when the thread exits",
	      thread_ctid);
	check(shared_word == 77, "the thread shares memory and has its TLS (SETTLS)", shared_word);
	check((long)tls_block[1] == sys0(__NR_getpid), "the thread has the parent's pid (same tgid)",
	      (long)tls_block[1]);
	check(thread_tid == tid && tid != sys0(__NR_gettid), "the thread has its own tid", thread_tid);
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
	sys0(__NR_sched_yield);
	spin_release = 1;
	status = wait_child(pid);
	check(pid > 0 && status == 0, "a child spinning without system calls is preempted", status);
	check(sys6(__NR_munmap, (long)stack, STACK_SIZE, 0, 0, 0, 0) == 0, "munmap of the stack", 0);
}

/* semantics_errors - invalid clone flag sets, wait4 without children and
 * an unknown system call fail with the errors Linux gives. */
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
		r = sys6(__NR_clone, bad[i].flags, 0, 0, 0, 0, 0);
		if (r == 0)
			sys_exit(99);		/* must not happen: a child was made */
		check(r == -22, bad[i].what, r);
	}
	check(wait_child(-1) == -1000 - 10, "wait4 with no children is -ECHILD", wait_child(-1));
	check(sys0(500) == -38, "an unknown system call is -ENOSYS", sys0(500));
}

/* semantics_orphan - a child exits before its own child: the grandparent
 * sees only its child, and the orphan is re-parented away. */
static void semantics_orphan(void)
{
	long pid = sys0(__NR_fork);
	int status;

	if (pid == 0) {
		long grandchild = sys0(__NR_fork);

		if (grandchild == 0) {
			for (int i = 0; i < 10; i++)
				sys0(__NR_sched_yield);
			sys_exit(3);
		}
		sys_exit(grandchild > 0 ? 4 : 1);	/* exits before its child */
	}
	status = wait_child(pid);
	check(status == 4 << 8, "an orphaned grandchild does not disturb its grandparent", status);
	check(wait_child(-1) == -1000 - 10, "the orphan was re-parented away (ECHILD here)",
	      wait_child(-1));
}

/* semantics_memory - brk grows the heap with zeroed memory and shrinks it. */
static void semantics_memory(void)
{
	long base = sys1(__NR_brk, 0), top;
	char *p;
	int zero = 1;

	top = sys1(__NR_brk, base + 3 * PAGE);
	check(top == base + 3 * PAGE, "brk grows the heap", top - base);
	p = (char *)base;
	for (int i = 0; i < 3 * PAGE; i++)
		zero &= p[i] == 0;
	p[0] = 1;
	p[3 * PAGE - 1] = 2;
	check(zero && p[3 * PAGE - 1] == 2, "new heap memory is zeroed and writable", 0);
	check(sys1(__NR_brk, base) == base, "brk shrinks it back", 0);
}

static int getcpu(void)
{
	unsigned int cpu = ~0U;

	return sys3(__NR_getcpu, (long)&cpu, 0, 0) == 0 ? (int)cpu : -1;
}

/* semantics_affinity - sched_setaffinity/getaffinity/getcpu: the errors,
 * pinning to each CPU in turn (the caller then runs there), a fork
 * inheriting the mask. */
static void semantics_affinity(void)
{
	u64 all = 0, m = 0, zero = 0;
	int last = 0, status = -1, ok = 1;
	long pid;

	check(sys3(__NR_sched_getaffinity, 0, sizeof(all), (long)&all) == 8 && (all & 1),
	      "sched_getaffinity gives 8 bytes, CPU 0 among them", (long)all);
	check(sys3(__NR_sched_setaffinity, 0, sizeof(zero), (long)&zero) == -22,
	      "sched_setaffinity to no online CPU is -EINVAL", 0);
	check(sys3(__NR_sched_setaffinity, 0, 4, (long)&all) == -22,
	      "sched_setaffinity with a 4-byte mask is -EINVAL", 0);
	check(sys3(__NR_sched_setaffinity, 0, 8, 8) == -14, "sched_setaffinity from address 8 is -EFAULT",
	      0);
	check(sys3(__NR_sched_getaffinity, 99999, 8, (long)&m) == -3,
	      "sched_getaffinity of no such pid is -ESRCH", 0);
	check(sys3(__NR_getcpu, 8, 0, 0) == -14, "getcpu into address 8 is -EFAULT", 0);
	for (int c = 0; c < 64; c++) {
		u64 one = 1ULL << c;

		if (!(all & one))
			continue;
		last = c;
		m = 0;
		ok &= sys3(__NR_sched_setaffinity, 0, 8, (long)&one) == 0 && getcpu() == c &&
		      sys3(__NR_sched_getaffinity, 0, 8, (long)&m) == 8 && m == one;
	}
	check(ok, "pinned to each CPU in turn, the caller runs there (getcpu) and reads its mask back",
	      last);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		sys3(__NR_sched_getaffinity, 0, 8, (long)&m);
		sys_exit(getcpu() == last && m == 1ULL << last ? 0 : 1);
	}
	if (pid > 0)
		status = wait_child(pid);
	check(status == 0, "a forked child inherits the mask and runs on that CPU", status);
	check(sys3(__NR_sched_setaffinity, 0, 8, (long)&all) == 0 &&
	      sys3(__NR_sched_getaffinity, 0, 8, (long)&m) == 8 && m == all,
	      "the whole mask again", (long)m);
}

/* semantics - run every check; 0 iff all passed. */
int semantics(void)
{
	semantics_fork();
	semantics_vfork();
	semantics_clone();
	semantics_errors();
	semantics_orphan();
	semantics_memory();
	semantics_affinity();
	return check_summary("semantics");
}
