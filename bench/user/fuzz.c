/* bench/user/fuzz.c - forklab's own random-system-call fuzzer (trinity's
 * idea, small): pid 1 calls every system call of the table below with
 * hostile arguments (kernel, non-canonical and unmapped pointers, huge and
 * negative sizes, random clone flags, masks, limits), and its children, made
 * by those very clone/fork/vfork calls, run a few such calls each and exit.
 * The kernel must answer every call with a value or -errno; mode=run then
 * counts every page and object back after pid 1 (any leak fails the run).
 *
 * Deterministic: every argument comes from a seeded PRNG (a child's from
 * the seed and its parent's call index), so under icount a seed and a call
 * index name one call. pid 1 prints a checkpoint every FUZZ_CHECKPOINT calls;
 * a run given FROM prints each call from index FROM on before making it
 * (children's too), which finds the one that broke the kernel.
 *
 * Adding a system call is one line in fuzz_table[], its arguments named by
 * kind (enum arg_kind); a new kind of argument is one case in gen_arg. */
#include "fuzz.h"
#include "fuzz_args.h"
#include "out.h"
#include "sys.h"

#define FUZZ_CHECKPOINT	4096	/* pid 1's calls between progress lines */
#define FUZZ_NPROC	48	/* RLIMIT_NPROC the fuzzer holds every task to */
#define CHILD_CALLS	8	/* a child makes 1..CHILD_CALLS calls, then exits */
#define MAX_DEPTH	3	/* a child at this depth makes no more children */

enum {
	F_SPAWN = 1,	/* makes a task: spawn() runs it */
	F_EXIT = 2,	/* ends the caller: children only, and never a thread of pid 1's group */
	F_MAP = 4,	/* returns a mapping to remember (mmap) */
	F_UNMAP = 8,	/* forgets a mapping (munmap) */
	F_RLIMIT = 16,	/* may change RLIMIT_NPROC: put it back after */
	F_REGION = 32,	/* unmaps or re-protects a range: never our own image, heap,
			   stack or the arena's fixed pages (own_range) */
};

/* own_range - whether [start, start + len) touches what the fuzzer runs on:
 * its image and heap, its stack, the arena's fixed pages and the CLONE_VM
 * children's stacks. A thread child that unmapped or closed off any of
 * them would die of it, and a fatal fault in a thread ends its whole
 * group (pid 1's). A range that wraps is refused by the kernel anyway. */
static int own_range(u64 start, u64 len)
{
	static const u64 own[][2] = {
		{ 0x400000, 0x400000 + (1UL << 30) },			/* image, brk heap */
		{ 0x00007ffffffff000UL - (1UL << 24), 0x00007ffffffff000UL },	/* stack */
		{ ARENA, STACKS + STACKS_SIZE },			/* fixed pages, stacks */
	};
	u64 end = start + len;

	if (end < start)
		return 0;
	for (unsigned i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (start < own[i][1] && end > own[i][0])
			return 1;
	return 0;
}

struct fuzz_call {
	long nr;
	const char *name;
	unsigned char arg[6];	/* enum arg_kind each */
	unsigned char flags;
};

/* Every system call forklab implements (core/kernel/syscall.c's table),
 * and one it does not (to see -ENOSYS). One line each. */
/* FUZZ(name, flags, argument kinds...) - one table line */
#define FUZZ(name, flags, ...)	{ __NR_##name, #name, { __VA_ARGS__ }, flags }

static const struct fuzz_call fuzz_table[] = {
	FUZZ(write, 0, A_FD, A_WBUF, A_LEN),
	FUZZ(writev, 0, A_FD, A_IOV, A_LEN),
	FUZZ(mmap, F_MAP, A_MADDR, A_LEN, A_PROT, A_MFLAGS, A_FD, A_INT),
	FUZZ(munmap, F_UNMAP | F_REGION, A_MADDR, A_LEN),
	FUZZ(brk, 0, A_MADDR),
	FUZZ(rt_sigaction, 0, A_SIG, A_PTR, A_PTR, A_LEN),
	FUZZ(rt_sigprocmask, 0, A_INT, A_PTR, A_PTR, A_LEN),
	FUZZ(ioctl, 0, A_FD, A_INT, A_PTR),
	FUZZ(sched_yield, 0),
	FUZZ(getpid, 0),
	FUZZ(gettid, 0),
	FUZZ(getppid, 0),
	FUZZ(clone, F_SPAWN, A_CLONE, A_PTR, A_PTR, A_PTR, A_PTR),
	FUZZ(fork, F_SPAWN),
	FUZZ(vfork, F_SPAWN),
	FUZZ(exit, F_EXIT, A_INT),
	FUZZ(exit_group, F_EXIT, A_INT),
	FUZZ(wait4, 0, A_PID, A_PTR, A_OPTS, A_PTR),
	FUZZ(getrlimit, 0, A_RES, A_PTR),
	FUZZ(setrlimit, F_RLIMIT, A_RES, A_PTR),
	FUZZ(prlimit64, F_RLIMIT, A_PID, A_RES, A_PTR, A_PTR),
	FUZZ(arch_prctl, 0, A_ARCH, A_PTR),
	FUZZ(set_tid_address, 0, A_PTR),
	FUZZ(sched_setaffinity, 0, A_PID, A_LEN, A_PTR),
	FUZZ(sched_getaffinity, 0, A_PID, A_LEN, A_PTR),
	FUZZ(getcpu, 0, A_PTR, A_PTR, A_PTR),
	/* files (no pipe2: a read of an empty pipe, or a write to one
	 * without readers, could block for good or kill pid 1) */
	FUZZ(open, 0, A_PATH, A_OFLAGS, A_INT),
	FUZZ(openat, 0, A_FD, A_PATH, A_OFLAGS, A_INT),
	FUZZ(read, 0, A_FD, A_PTR, A_LEN),
	FUZZ(readv, 0, A_FD, A_IOV, A_LEN),
	FUZZ(lseek, 0, A_FD, A_INT, A_INT),
	FUZZ(stat, 0, A_PATH, A_PTR),
	FUZZ(lstat, 0, A_PATH, A_PTR),
	FUZZ(fstat, 0, A_FD, A_PTR),
	FUZZ(newfstatat, 0, A_FD, A_PATH, A_PTR, A_INT),
	FUZZ(close, 0, A_NEWFD),
	FUZZ(dup, 0, A_FD),
	FUZZ(dup2, 0, A_FD, A_NEWFD),
	FUZZ(dup3, 0, A_FD, A_NEWFD, A_OFLAGS),
	FUZZ(fcntl, 0, A_FD, A_FCNTL, A_INT),
	FUZZ(close_range, 0, A_NEWFD, A_INT, A_INT),
	FUZZ(execve, 0, A_BADPATH, A_PTR, A_PTR),
	/* threads' calls */
	FUZZ(futex, 0, A_PTR, A_FUTEXOP, A_INT, A_PTR, A_PTR, A_INT),
	FUZZ(mprotect, F_REGION, A_MADDR, A_LEN, A_PROT),
	FUZZ(madvise, F_REGION, A_MADDR, A_LEN, A_MADV),
	FUZZ(set_robust_list, 0, A_PTR, A_LEN),
	FUZZ(get_robust_list, 0, A_PID, A_PTR, A_PTR),
	{ 400, "400 (none)", { A_INT, A_INT }, 0 },
};
#define NR_FUZZ_CALLS	(sizeof(fuzz_table) / sizeof(fuzz_table[0]))


static u64 counts[NR_FUZZ_CALLS][2];	/* pid 1's calls: [0] values, [1] errors */
static u64 spawned, bad_returns;
static const char dots_fill = '.';
/* the CLONE_VM children's stacks: busy[i] is the child's clear-tid word,
 * which the kernel zeroes when the child exits (shared memory) */
static char (*stacks)[CHILD_STACK];	/* at STACKS: not .bss, which every
					   fork of the benchmarks would walk */
static volatile int stack_busy[NR_STACKS];

static void child_run(struct fuzz_task *t);

/* trace - one call, as "fuzz,call,PID,INDEX,NAME,a0,...,a5" (hex), written
 * at once with the task's own buffer (a CLONE_VM child shares outbuf). */
static void trace(const struct fuzz_task *t, const struct fuzz_call *c, const u64 *a, long r,
		  int done)
{
	static const char hex[] = "0123456789abcdef";
	char line[256], *p = line;

	p = format_s(p, done ? "fuzz,ret," : "fuzz,call,");
	p = format_u(p, (u64)sys0(__NR_gettid));
	*p++ = ',';
	p = format_u(p, t->index);
	*p++ = ',';
	p = format_s(p, c->name);
	for (int i = 0; i < (done ? 1 : 6); i++) {
		u64 v = done ? (u64)r : a[i];
		int shift = 60;

		*p++ = ',';
		while (shift > 0 && !(v >> shift))
			shift -= 4;
		for (; shift >= 0; shift -= 4)
			*p++ = hex[(v >> shift) & 15];
	}
	*p++ = '\n';
	sys3(__NR_write, 1, (long)line, p - line);
}

/* remember - note mapping @addr of @len (mmap), forgetting the oldest. */
static void remember(struct fuzz_task *t, u64 addr, u64 len)
{
	int i = t->nr_maps < MAX_MAPS ? t->nr_maps++ : (int)(rnd(t) % MAX_MAPS);

	t->maps[i] = addr;
	t->map_len[i] = len;
}

static void forget(struct fuzz_task *t, u64 addr)
{
	for (int i = 0; i < t->nr_maps; i++)
		if (t->maps[i] == addr) {
			t->maps[i] = t->maps[--t->nr_maps];
			t->map_len[i] = t->map_len[t->nr_maps];
			return;
		}
}

/* cap_nproc - put RLIMIT_NPROC back to FUZZ_NPROC whatever the fuzzing set:
 * neither a fork bomb (bench/user/stress.c is one) nor a run of forks all
 * refused by a limit of 0. */
static void cap_nproc(void)
{
	u64 lim[2];

	if (sys6(__NR_prlimit64, 0, RLIMIT_NPROC, 0, (long)lim, 0, 0) == 0 &&
	    lim[0] == FUZZ_NPROC && lim[1] == FUZZ_NPROC)
		return;
	lim[0] = lim[1] = FUZZ_NPROC;
	sys6(__NR_prlimit64, 0, RLIMIT_NPROC, (long)lim, 0, 0, 0);
}

/* child_entry - a CLONE_VM child on its own stack: @arg is its seed, with
 * its depth in bits 0-1, whether it is a thread of pid 1's group in bit 2
 * and whether it traces its calls in bit 3. Its stack's busy word is its
 * clear-tid word: the kernel clears it as the child exits, however it does. */
static int child_entry(void *arg)
{
	u64 a = (u64)arg;
	struct fuzz_task t = {
		.rng = a | 16, .seed = a, .depth = (int)(a & 3),
		.in_pid1_group = (int)((a >> 2) & 1), .tracing = (int)((a >> 3) & 1),
	};

	child_run(&t);
	sys_exit(0);
	return 0;
}

/* free_stack - a free CLONE_VM stack slot, marked busy; -1 if none. */
static int free_stack(void)
{
	for (int i = 0; i < NR_STACKS; i++)
		if (!stack_busy[i]) {
			stack_busy[i] = 1;
			return i;
		}
	return -1;
}

/* spawn - make the task call @c asks for, with arguments @a; the child
 * fuzzes a little and exits, the parent returns the call's result. */
static long spawn(struct fuzz_task *t, const struct fuzz_call *c, u64 *a)
{
	u64 flags = a[0], cseed = mix(t->seed, t->index + ((u64)t->depth << 56));
	int depth = t->depth + 1, slot, group;
	long r;

	if (c->nr == __NR_vfork) {
		/* the child shares our stack while we sleep: it may only exit */
		r = sys0(__NR_vfork);
		if (r == 0)
			sys1(__NR_exit, cseed & 0xff);
		return r;
	}
	if (c->nr == __NR_fork || !(flags & CLONE_VM)) {
		/* a copy of our memory: the child goes on from here, on a copy
		 * of our stack, or on a hostile one (it dies at once: a
		 * writable one had it run pid 1's code from a random frame) */
		if (c->nr == __NR_fork)
			r = sys0(__NR_fork);
		else
			r = sys6(__NR_clone, (long)flags, (long)(rnd(t) % 4 ? 0 : hostile_ptr(t)),
				 (long)a[2], (long)a[3], (long)a[4], 0);
		if (r == 0) {
			struct fuzz_task child = { .rng = cseed, .seed = cseed, .depth = depth,
						   .tracing = t->tracing };

			child_run(&child);
			sys_exit((int)(cseed & 0x7f));
		}
		return r;
	}
	/* CLONE_VM: our memory itself; the child needs a stack of its own.
	 * A hostile one (the child faults at once and is killed) only when it
	 * is not one of pid 1's threads, whose fault would end the run; never
	 * 0, which is our own stack: the child ran pid 1's loop beside it */
	group = (flags & CLONE_THREAD) && (t->depth == 0 || t->in_pid1_group);
	if (rnd(t) % 8 == 0 && !group)
		return sys6(__NR_clone, (long)flags, (long)(hostile_ptr(t) | 1), (long)a[2],
			    (long)a[3], (long)a[4], 0);
	slot = free_stack();
	if (slot < 0)
		return -11;	/* as the kernel would at its limit: not a call */
	r = clone_thread((long)(flags | CLONE_CHILD_CLEARTID), stacks[slot] + CHILD_STACK,
			 (int *)a[2], (int *)&stack_busy[slot], (void *)a[4], child_entry,
			 (void *)((cseed & ~15UL) | ((u64)t->tracing << 3) | ((u64)group << 2) |
				  (u64)(depth < 3 ? depth : 3)));
	if (r < 0)
		stack_busy[slot] = 0;
	return r;
}

/* fuzz_one - make one random call; its result. */
static long fuzz_one(struct fuzz_task *t, u64 *which)
{
	const struct fuzz_call *c;
	u64 a[6];
	long r;

	do {
		*which = rnd(t) % NR_FUZZ_CALLS;
		c = &fuzz_table[*which];
	} while (((c->flags & F_EXIT) && (t->depth == 0 || (t->in_pid1_group &&
							    c->nr == __NR_exit_group))) ||
		 ((c->flags & F_SPAWN) && t->depth >= MAX_DEPTH));
	for (int i = 0; i < 6; i++)
		a[i] = gen_arg(t, c->arg[i]);
	/* munmap our own mappings with their own lengths half the time */
	if ((c->flags & F_UNMAP) && t->nr_maps && rnd(t) % 2) {
		int i = (int)(rnd(t) % t->nr_maps);

		a[0] = t->maps[i];
		a[1] = t->map_len[i];
	}
	/* a range of our own: the same length in the never-mapped 16 TiB */
	if ((c->flags & F_REGION) && own_range(a[0], a[1])) {
		a[0] = UNMAPPED;
		a[1] = a[1] > (1UL << 40) ? 1UL << 40 : a[1];
	}
	/* mmap something usable half the time, so that there is memory to
	 * fork, fault in, unmap and pass */
	if ((c->flags & F_MAP) && rnd(t) % 2) {
		static const u64 sizes[] = { PAGE, 2 * PAGE, 16 * PAGE, 1 << 20, 4 << 20 };

		a[0] = rnd(t) % 2 ? 0 : a[0];
		a[1] = PICK(t, sizes);
		a[2] = PROT_RW;
		a[4] = (u64)-1;
	}
	/* no MAP_FIXED in the first megabyte: the hostile pointers 0, 1, 8 ...
	 * would become buffers, and write printed a mapping there whole */
	if ((c->flags & F_MAP) && a[0] < (1 << 20))
		a[3] &= ~(u64)MAP_FIXED;
	if (t->tracing)
		trace(t, c, a, 0, 0);
	if (c->flags & F_SPAWN)
		r = spawn(t, c, a);
	else
		r = sys6(c->nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4],
			 (long)a[5]);
	if (t->tracing)
		trace(t, c, a, r, 1);
	if ((c->flags & F_MAP) && r >= 0) {
		remember(t, (u64)r, a[1]);
		/* fault a few of its pages in: demand-zero now, COW after a fork */
		for (u64 off = 0; (a[2] & 2) && off < a[1] && off < 4 * PAGE; off += PAGE)
			*(volatile char *)(r + off) = 1;
	}
	if ((c->flags & F_UNMAP) && r == 0)
		forget(t, a[0]);
	if (c->flags & F_RLIMIT)
		cap_nproc();
	if ((c->flags & F_SPAWN) && r > 0)
		t->last_child = r;
	return r;
}

/* child_run - a child's 1..CHILD_CALLS calls, then its mappings unmapped
 * (a CLONE_VM child's are its parent's too). */
static void child_run(struct fuzz_task *t)
{
	u64 n = 1 + rnd(t) % CHILD_CALLS, which;

	t->nr_maps = 0;
	for (t->index = 0; t->index < n; t->index++)
		fuzz_one(t, &which);
	for (int i = 0; i < t->nr_maps; i++)
		sys6(__NR_munmap, (long)t->maps[i], (long)t->map_len[i], 0, 0, 0, 0);
}

/* setup - the arena's fixed pages: dots (and a newline) for write to
 * print, a read-only page, a page with nothing above it; the children's
 * stacks. */
static int setup(struct fuzz_task *t)
{
	long r = sys6(__NR_mmap, DOTS_PAGE, PAGE, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0);

	if (r != (long)DOTS_PAGE)
		return -1;
	for (int i = 0; i < PAGE - 1; i++)
		((char *)DOTS_PAGE)[i] = dots_fill;
	((char *)DOTS_PAGE)[PAGE - 1] = '\n';
	if (sys6(__NR_mmap, RO_PAGE, PAGE, 1, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0) != (long)RO_PAGE ||
	    sys6(__NR_mmap, EDGE_PAGE, PAGE, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0) !=
		    (long)EDGE_PAGE)
		return -1;
	/* iovecs of dots and hostile bases, small and huge lengths: filled
	 * once from a PRNG of their own */
	if (sys6(__NR_mmap, IOV_PAGE, PAGE, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0) !=
	    (long)IOV_PAGE)
		return -1;
	for (int i = 0; i < PAGE / 16; i++) {
		u64 *v = (u64 *)(IOV_PAGE + 16 * (u64)i);

		v[0] = gen_arg(t, A_WBUF);
		v[1] = rnd(t) % 2 ? rnd(t) % 64 : gen_len(t);
	}
	if (sys6(__NR_mmap, STACKS, STACKS_SIZE, PROT_RW, MAP_PRIVATE_ANON | MAP_FIXED, -1, 0) !=
	    (long)STACKS)
		return -1;
	stacks = (char (*)[CHILD_STACK])STACKS;
	cap_nproc();
	return 0;
}

/* reap - every child that has exited (@block: wait for all of them). */
static void reap(int block)
{
	while (sys6(__NR_wait4, -1, 0, block ? 0 : 1, 0, 0, 0) > 0)
		;
}

int fuzz(u64 seed, u64 n, u64 from)
{
	struct fuzz_task t = { .rng = mix(seed, 0), .seed = seed };
	u64 which;

	puts_("fuzz: seed ");
	putu(seed);
	puts_(", ");
	putu(n);
	puts_(" calls by pid 1 over ");
	putu(NR_FUZZ_CALLS);
	puts_(" system calls (reproduce: args=fuzz,SEED,N,FROM prints calls from FROM on)\n");
	flush();
	if (setup(&t)) {
		puts_("fuzz: cannot map the arena\n");
		flush();
		return 2;
	}
	for (t.index = 0; t.index < n; t.index++) {
		long r;

		if (t.index % FUZZ_CHECKPOINT == 0) {
			puts_("\nfuzz: seed ");
			putu(seed);
			puts_(" call ");
			putu(t.index);
			puts_("\n");
			flush();
		}
		t.tracing = t.index >= from;
		r = fuzz_one(&t, &which);
		counts[which][r < 0]++;
		if (r < -ERRNO_MAX) {
			bad_returns++;
			puts_("fuzz: call ");
			putu(t.index);
			puts_(" (");
			puts_(fuzz_table[which].name);
			puts_(") returned ");
			puti(r);
			puts_(", neither a value nor -errno\n");
			flush();
		}
		if ((fuzz_table[which].flags & F_SPAWN) && r > 0) {
			spawned++;
			sys0(__NR_sched_yield);	/* let the children run */
		}
		reap(0);
	}
	reap(1);
	puts_("\nfuzz: ");
	putu(n);
	puts_(" calls, ");
	putu(spawned);
	puts_(" tasks made; per call (values/errors):");
	for (u64 i = 0; i < NR_FUZZ_CALLS; i++) {
		puts_(" ");
		puts_(fuzz_table[i].name);
		puts_(" ");
		putu(counts[i][0]);
		puts_("/");
		putu(counts[i][1]);
	}
	puts_(bad_returns ? "\nfuzz: FAILED\n" : "\nfuzz: ok\n");
	flush();
	return bad_returns ? 1 : 0;
}
