/* bench/user/futex.c - forklab-futex, the futex suite: futex(2)'s errors,
 * wake counts with many waiters asleep, a futex mutex contended by threads
 * on every CPU, CLONE_CHILD_CLEARTID waking a joiner, and the mprotect
 * guard pages threads are built with. The same lines on forklab and on
 * Linux, one check each (check.c); exit 0 iff all passed. A program of its
 * own, on the user program's raw system calls (sys.c, start.S). */
#include "check.h"
#include "out.h"
#include "sys.h"
#include "types.h"
#include "uapi/futex.h"

#define NR_WAITERS	8		/* threads asleep on one futex at once */
#define NR_LOCKERS	4		/* threads contending for futex_mutex */
#define LOCK_ROUNDS	3000		/* lock/unlock pairs each */
#define INT_MAX_	0x7fffffff
#define PROT_NONE_	0

static long futex(volatile int *uaddr, int op, int val, long utime, volatile int *uaddr2,
		  int val3)
{
	return sys6(__NR_futex, (long)uaddr, op, val, utime, (long)uaddr2, val3);
}

static volatile int word, word2, release;
static volatile int *volatile bad_address = (volatile int *)8;
static volatile int *volatile kernel_address = (volatile int *)0xffffffff81000000UL;

/* the threads: their stacks, parent/child tid words, TLS blocks */
struct thread {
	char *stack;
	int ptid;
	volatile int ctid;
	u64 tls[4];
};
static struct thread threads[NR_WAITERS];

/* start - a thread running @fn(@arg) (pthread_create's clone flags);
 * its tid, or -errno. */
static long start(struct thread *t, int (*fn)(void *), void *arg)
{
	if (!t->stack)
		t->stack = map_stack();
	if (!t->stack)
		return -12;
	t->ctid = -1;
	t->tls[0] = (u64)t->tls;
	return clone_thread(THREAD_FLAGS, t->stack + STACK_SIZE, &t->ptid, (int *)&t->ctid,
			    t->tls, fn, arg);
}

/* join - wait until @t's tid word is 0, the way pthread_join does: a
 * shared FUTEX_WAIT on it, woken by the kernel at the thread's exit.
 * Whether the word was cleared. */
static int join(struct thread *t)
{
	int v;

	while ((v = t->ctid) != 0)
		futex(&t->ctid, FUTEX_WAIT, v, 0, 0, 0);
	return 1;
}

/* sleeper - wait on `word` until released (requeued to word2 meanwhile) */
static int sleeper(void *arg)
{
	(void)arg;
	while (!release)
		futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
	return 0;
}

static volatile int futex_mutex, counter;

/* mutex_lock/mutex_unlock - Drepper's three-state futex mutex (0 free,
 * 1 locked, 2 locked with waiters) */
static void mutex_lock(volatile int *m)
{
	int c = 0;

	if (__atomic_compare_exchange_n(m, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	if (c != 2)
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	while (c != 0) {
		futex(m, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 2, 0, 0, 0);
		c = __atomic_exchange_n(m, 2, __ATOMIC_ACQUIRE);
	}
}

static void mutex_unlock(volatile int *m)
{
	if (__atomic_exchange_n(m, 0, __ATOMIC_RELEASE) == 2)
		futex(m, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0);
}

static int locker(void *arg)
{
	(void)arg;
	for (int i = 0; i < LOCK_ROUNDS; i++) {
		mutex_lock(&futex_mutex);
		counter = counter + 1;
		mutex_unlock(&futex_mutex);
	}
	return 0;
}

/* futex_errors - what Linux returns for bad arguments and a changed word */
static void futex_errors(void)
{
	long r;

	word = 1;
	check(futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0) == -11,
	      "FUTEX_WAIT on a word that no longer holds the value is -EAGAIN", 0);
	check(futex(&word, FUTEX_WAIT, 0, 0, 0, 0) == -11,
	      "... also without FUTEX_PRIVATE_FLAG", 0);
	check(futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0) == 0 &&
	      futex(&word, FUTEX_WAKE, INT_MAX_, 0, 0, 0) == 0,
	      "FUTEX_WAKE without waiters wakes 0", 0);
	check(futex(bad_address, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0) == -14,
	      "FUTEX_WAIT at unmapped address 8 is -EFAULT", 0);
	check(futex(kernel_address, FUTEX_WAIT, 0, 0, 0, 0) == -14 &&
	      futex(kernel_address, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, 0, 0, 0) == -14,
	      "FUTEX_WAIT and FUTEX_WAKE at a kernel address are -EFAULT", 0);
	check(futex(bad_address, FUTEX_WAKE, 1, 0, 0, 0) == -14,
	      "a shared FUTEX_WAKE at an unmapped address is -EFAULT", 0);
	check(futex((volatile int *)((char *)&word + 1), FUTEX_WAIT, 1, 0, 0, 0) == -22 &&
	      futex((volatile int *)((char *)&word + 2), FUTEX_WAKE, 1, 0, 0, 0) == -22,
	      "a futex word not aligned to 4 bytes is -EINVAL", 0);
	check(futex(&word, 99, 0, 0, 0, 0) == -38, "an unknown futex operation is -ENOSYS", 0);
	check(futex(&word, FUTEX_CMP_REQUEUE, 1, 1, &word2, 0) == -11,
	      "FUTEX_CMP_REQUEUE on a changed word is -EAGAIN", 0);
	{
		struct { long sec, nsec; } ts = { 0, 1000 };

		r = futex(&word, FUTEX_WAIT, 1, (long)&ts, 0, 0);
		check(r == -110 || r == -38, "a timed FUTEX_WAIT returns (Linux: -ETIMEDOUT; "
		      "forklab, without a clock: -ENOSYS)", r);
	}
}

/* futex_waiters - NR_WAITERS threads asleep on one word: counted by
 * requeueing them all (none woken), then woken 2 and the rest, then
 * joined through CLONE_CHILD_CLEARTID */
static void futex_waiters(void)
{
	long tid, moved = 0, r;
	int started = 0, joined = 0;

	word = 0;
	release = 0;
	for (int i = 0; i < NR_WAITERS; i++) {
		tid = start(&threads[i], sleeper, 0);
		started += tid > 0;
	}
	check(started == NR_WAITERS, "8 threads started", started);
	/* every sleeper on word2, none woken: REQUEUE counts them */
	for (int i = 0; i < YIELD_LIMIT && moved < NR_WAITERS; i++) {
		r = futex(&word, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 0, INT_MAX_, &word2, 0);
		moved += r > 0 ? r : 0;
		if (moved < NR_WAITERS)
			sys0(__NR_sched_yield);
	}
	check(moved == NR_WAITERS, "FUTEX_REQUEUE moves all 8 sleepers and wakes none", moved);
	release = 1;
	r = futex(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 2, 0, 0, 0);
	check(r == 2, "FUTEX_WAKE of 2 on the new word wakes exactly 2", r);
	r = futex(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX_, 0, 0, 0);
	check(r == NR_WAITERS - 2, "FUTEX_WAKE of INT_MAX wakes the other 6", r);
	r = futex(&word, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX_, 0, 0, 0);
	check(r == 0, "none was left on the old word", r);
	for (int i = 0; i < NR_WAITERS; i++)
		joined += join(&threads[i]) && threads[i].ptid > 0;
	check(joined == NR_WAITERS, "each exit clears its tid word and wakes its joiner "
	      "(CLONE_CHILD_CLEARTID)", joined);
}

/* futex_contended - NR_LOCKERS threads (on every CPU there is) take a
 * futex mutex LOCK_ROUNDS times each: no increment lost, nobody left asleep */
static void futex_contended(void)
{
	int started = 0;

	counter = 0;
	for (int i = 0; i < NR_LOCKERS; i++)
		started += start(&threads[i], locker, 0) > 0;
	for (int i = 0; i < NR_LOCKERS; i++)
		join(&threads[i]);
	check(started == NR_LOCKERS && counter == NR_LOCKERS * LOCK_ROUNDS && futex_mutex == 0,
	      "4 threads take a futex mutex 3000 times each: 12000 increments, the lock free",
	      counter);
}

/* futex_guard_pages - a stack with a guard page as musl's pthread_create
 * maps it: mmap PROT_NONE, mprotect the rest read-write */
static void futex_guard_pages(void)
{
	long map = sys6(__NR_mmap, 0, 4 * PAGE, PROT_NONE_, MAP_PRIVATE_ANON, -1, 0);
	volatile int *guard = (volatile int *)map, *usable = (volatile int *)(map + PAGE);
	long pid, r;
	int status;

	check(map > 0 && sys3(__NR_mprotect, map + PAGE, 3 * PAGE, PROT_RW) == 0,
	      "mmap PROT_NONE, then mprotect all but the first page read-write", map);
	usable[0] = 5;
	usable[2 * PAGE / 4] = 6;
	check(futex(guard, FUTEX_WAIT, 0, 0, 0, 0) == -14,
	      "FUTEX_WAIT on the PROT_NONE guard page is -EFAULT", 0);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		(void)*guard;
		sys_exit(0);
	}
	status = wait_child(pid);
	check(status == 11, "a read of the guard page is killed by SIGSEGV", status);
	check(sys3(__NR_mprotect, map + PAGE, PAGE, 1) == 0 &&
	      sys3(__NR_mprotect, map + PAGE, PAGE, PROT_RW) == 0 && usable[0] == 5 &&
	      usable[2 * PAGE / 4] == 6,
	      "mprotect read-only and back keeps the pages' contents", usable[0]);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		sys3(__NR_mprotect, map + PAGE, PAGE, 1);
		sys3(__NR_mprotect, map + PAGE, PAGE, PROT_RW);
		usable[0] = 7;	/* its own copy: the page was shared at fork */
		sys_exit(usable[0]);
	}
	status = wait_child(pid);
	check(status == 7 << 8 && usable[0] == 5,
	      "a child's write after mprotect read-write is its own (copy-on-write)", usable[0]);
	r = sys3(__NR_mprotect, map + PAGE + 1, PAGE, PROT_RW);
	check(r == -22, "mprotect of an unaligned address is -EINVAL", r);
	r = sys6(__NR_munmap, map, 4 * PAGE, 0, 0, 0, 0);
	check(r == 0, "one munmap takes the guard page and the stack together", r);
	pid = sys0(__NR_fork);
	if (pid == 0) {
		(void)usable[0];
		sys_exit(0);
	}
	status = wait_child(pid);
	check(status == 11, "... after which the stack is gone (SIGSEGV)", status);
	r = sys3(__NR_mprotect, map, 2 * PAGE, PROT_RW);
	check(r == -12, "mprotect of an unmapped range is -ENOMEM", r);
}

static volatile int settid_word;

static int settid_child(void *arg)
{
	(void)arg;
	return settid_word == (int)sys0(__NR_gettid) ? 0 : 1;
}

/* clone_child_settid - a forked child (no CLONE_VM) finds its tid in its
 * own copy of the word, on a page the two share copy-on-write */
static void clone_child_settid(void)
{
	long pid;
	int status;

	if (!threads[0].stack)
		threads[0].stack = map_stack();
	settid_word = 1;
	pid = clone_thread(CLONE_CHILD_SETTID | SIGCHLD, threads[0].stack + STACK_SIZE, 0,
			   (int *)&settid_word, 0, settid_child, 0);
	status = wait_child(pid);
	check(pid > 0 && status == 0 && settid_word == 1,
	      "CLONE_CHILD_SETTID: the child's tid in its own copy of the word, ours untouched",
	      status);
}

/* in_child - @fn run in a forked child process, whose wait status this
 * returns (its threads die with it) */
static int in_child(int (*fn)(void))
{
	long pid = sys0(__NR_fork);

	if (pid == 0)
		sys_exit(fn());
	return wait_child(pid);
}

static int forever(void *arg)
{
	(void)arg;
	for (;;)
		futex(&word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 0, 0, 0, 0);
	return 0;
}

/* sleepers_then_exit_group - three threads asleep in FUTEX_WAIT for good,
 * then exit_group(5) from the main thread */
static int sleepers_then_exit_group(void)
{
	long asleep = 0;

	word = 0;
	for (int i = 0; i < 3; i++)
		start(&threads[i], forever, 0);
	/* a requeue onto the same word counts who sleeps there, moving nobody */
	for (int i = 0; i < YIELD_LIMIT && asleep < 3; i++) {
		asleep = futex(&word, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 0, INT_MAX_, &word, 0);
		sys0(__NR_sched_yield);
	}
	sys1(__NR_exit_group, asleep == 3 ? 5 : 1);
	return 1;
}

static volatile int *volatile target;
static volatile long writes;

static int writer(void *arg)
{
	(void)arg;
	for (;;) {
		*target = (int)writes;
		writes = writes + 1;
	}
	return 0;
}

/* write_protect_under_writer - a thread writes a page in a loop (on
 * another CPU if there is one) while the main thread takes write access
 * away: its next write must fault (every CPU's TLB flushed), and the fault
 * ends the whole process with SIGSEGV before the main thread gives up */
static int write_protect_under_writer(void)
{
	long map = sys6(__NR_mmap, 0, PAGE, PROT_RW, MAP_PRIVATE_ANON, -1, 0);

	target = (volatile int *)map;
	writes = 0;
	start(&threads[0], writer, 0);
	for (int i = 0; i < YIELD_LIMIT && writes < 1000; i++)
		sys0(__NR_sched_yield);
	if (writes < 1000)
		return 2;
	sys3(__NR_mprotect, map, PAGE, 1);
	for (int i = 0; i < YIELD_LIMIT; i++)
		sys0(__NR_sched_yield);
	return 0;	/* the writer wrote on: a stale TLB entry somewhere */
}

int main(void)
{
	futex_errors();
	futex_waiters();
	futex_contended();
	futex_guard_pages();
	clone_child_settid();
	check(in_child(sleepers_then_exit_group) == 5 << 8,
	      "exit_group ends threads asleep in FUTEX_WAIT (status 5)", 0);
	check(in_child(write_protect_under_writer) == 11,
	      "mprotect read-only under a writing thread: its next write is a SIGSEGV that ends "
	      "the process", 0);
	return check_summary("futex");
}
