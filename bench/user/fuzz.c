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
#include "out.h"
#include "sys.h"

#define FUZZ_CHECKPOINT	4096	/* pid 1's calls between progress lines */
#define FUZZ_NPROC	48	/* RLIMIT_NPROC the fuzzer holds every task to */
#define CHILD_CALLS	8	/* a child makes 1..CHILD_CALLS calls, then exits */
#define MAX_DEPTH	3	/* a child at this depth makes no more children */
#define NR_STACKS	64	/* stacks for CLONE_VM children, reused when free */
#define CHILD_STACK	16384
#define MAX_MAPS	8	/* mappings a task remembers to munmap */
#define ARENA		0x0000300000000000UL	/* where MAP_FIXED and the pages below go */
#define ARENA_SIZE	(1UL << 30)
#define UNMAPPED	0x0000100000000000UL	/* never mapped: 16 TiB of nothing */
#define KERNEL_TEXT	0xffffffff80100000UL	/* the kernel image (x86/layout.h) */
#define DIRECT_MAP	0xffff888000000000UL	/* all of RAM, to the kernel */
#define ERRNO_MAX	4095
#define MAP_FIXED	0x10

/* The pages the fuzzer sets up in the arena and passes as pointers. Only
 * the dots page is touched from user mode (filled once); a CLONE_VM child
 * may unmap any of them: the kernel then sees unmapped pointers. */
#define DOTS_PAGE	(ARENA)			/* '.'s, a newline last; a guard page above */
#define RO_PAGE		(ARENA + 2 * PAGE)	/* PROT_READ: copy_to_user must refuse it */
#define EDGE_PAGE	(ARENA + 4 * PAGE)	/* read-write; the page above it unmapped */
#define STACKS		(ARENA + 8 * PAGE)	/* NR_STACKS stacks for CLONE_VM children */
#define STACKS_SIZE	(NR_STACKS * CHILD_STACK)

enum arg_kind {
	A_ZERO,		/* 0 */
	A_INT,		/* any integer: small, boundaries, random bits */
	A_PTR,		/* a pointer the kernel may read or write */
	A_WBUF,		/* a buffer the kernel reads and prints (write) */
	A_LEN,		/* a size: 0, pages, huge, negative */
	A_FD,		/* a file descriptor: 0..3, -1, huge */
	A_PID,		/* 0, -1, ours, a child's, none, INT_MIN */
	A_CLONE,	/* clone flags and exit signal: spawn() decides the rest */
	A_MADDR,	/* an address for mmap/munmap: our mappings, the arena, hostile */
	A_PROT,		/* mmap protection */
	A_MFLAGS,	/* mmap flags */
	A_RES,		/* a resource limit number */
	A_SIG,		/* a signal number */
	A_OPTS,		/* wait4 options */
	A_ARCH,		/* an arch_prctl code */
};

enum {
	F_SPAWN = 1,	/* makes a task: spawn() runs it */
	F_EXIT = 2,	/* ends the caller: children only, and never a thread of pid 1's group */
	F_MAP = 4,	/* returns a mapping to remember (mmap) */
	F_UNMAP = 8,	/* forgets a mapping (munmap) */
	F_RLIMIT = 16,	/* may change RLIMIT_NPROC: put it back after */
};

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
	FUZZ(writev, 0, A_FD, A_PTR, A_LEN),
	FUZZ(mmap, F_MAP, A_MADDR, A_LEN, A_PROT, A_MFLAGS, A_FD, A_INT),
	FUZZ(munmap, F_UNMAP, A_MADDR, A_LEN),
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
	{ 400, "400 (none)", { A_INT, A_INT }, 0 },
};
#define NR_FUZZ_CALLS	(sizeof(fuzz_table) / sizeof(fuzz_table[0]))

/* One task's fuzzing state: on its own stack, so that CLONE_VM children
 * share nothing with their parent but the stacks' busy words. */
struct fuzz_task {
	u64 rng;
	u64 seed, index;	/* the run's seed; the index of the call being made */
	int depth;		/* 0: pid 1 */
	int in_pid1_group;	/* a thread of pid 1: must not exit_group */
	int tracing;		/* print each call (pid 1: from trace_from on) */
	long last_child;
	u64 maps[MAX_MAPS], map_len[MAX_MAPS];
	int nr_maps;
};

static u64 counts[NR_FUZZ_CALLS][2];	/* pid 1's calls: [0] values, [1] errors */
static u64 spawned, bad_returns;
static const char dots_fill = '.';
/* the CLONE_VM children's stacks: busy[i] is the child's clear-tid word,
 * which the kernel zeroes when the child exits (shared memory) */
static char (*stacks)[CHILD_STACK];	/* at STACKS: not .bss, which every
					   fork of the benchmarks would walk */
static volatile int stack_busy[NR_STACKS];

static void child_run(struct fuzz_task *t);

/* rnd - the next 64 random bits (xorshift64*). */
static u64 rnd(struct fuzz_task *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dUL;
}

/* mix - a well-spread 64-bit value from @a and @b (splitmix64's finalizer):
 * a child's seed from its parent's. Never 0 (xorshift's fixed point). */
static u64 mix(u64 a, u64 b)
{
	u64 z = a + 0x9e3779b97f4a7c15UL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	z ^= z >> 31;
	return z ? z : 1;
}

static u64 pick(struct fuzz_task *t, const u64 *v, u64 n)
{
	return v[rnd(t) % n];
}
#define PICK(t, arr) pick(t, arr, sizeof(arr) / sizeof(arr[0]))

/* hostile_ptr - an address no system call may use: kernel, non-canonical,
 * unmapped, or straddling the end of user space. */
static u64 hostile_ptr(struct fuzz_task *t)
{
	static const u64 bad[] = {
		0, 1, 8, 4095, 0xfff, UNMAPPED, UNMAPPED + 0x123,
		0x00007ffffffffff8UL,	/* the last user bytes: + a length crosses the end */
		0x0000800000000000UL,	/* the first non-canonical address */
		0x8000000000000000UL, 0x0000ffffffffffffUL, 0xdead000000000000UL,
		0xffff800000000000UL,	/* the first kernel address */
		DIRECT_MAP, DIRECT_MAP + 0x100000, KERNEL_TEXT, KERNEL_TEXT + 0x1234,
		0xfffffffffffff000UL, ~0UL, (u64)-4096 + 1,
	};

	switch (rnd(t) % 4) {
	case 0:
		return UNMAPPED + (rnd(t) & ((1UL << 44) - 1));	/* anywhere unmapped */
	case 1:
		return rnd(t);					/* any 64 bits */
	default:
		return PICK(t, bad);
	}
}

/* gen_ptr - a pointer for the kernel to read or write: mostly hostile,
 * else one of the arena's pages (read-only, at an unmapped edge) or
 * our own text (read-only to the kernel's writes too). */
static u64 gen_ptr(struct fuzz_task *t)
{
	switch (rnd(t) % 8) {
	case 0:
		return EDGE_PAGE + (rnd(t) % PAGE);		/* runs off into nothing */
	case 1:
		return EDGE_PAGE + (rnd(t) % (PAGE / 8)) * 8;	/* fine */
	case 2:
		return RO_PAGE + (rnd(t) % PAGE);
	case 3:
		return (u64)&fuzz_table[rnd(t) % NR_FUZZ_CALLS];	/* .rodata */
	default:
		return hostile_ptr(t);
	}
}

static u64 gen_len(struct fuzz_task *t)
{
	static const u64 lens[] = {
		0, 1, 7, 8, 16, 64, 128, 4095, 4096, 4097, 8192, 1 << 20, 1UL << 30,
		1UL << 46, 1UL << 47, 1UL << 63, ~0UL, (u64)-4096, 0x7fffffff, 0x80000000,
	};

	return rnd(t) % 4 ? PICK(t, lens) : rnd(t) >> (rnd(t) % 64);
}

static u64 gen_int(struct fuzz_task *t)
{
	static const u64 ints[] = {
		0, 1, 2, 3, 0x7f, 0xff, 0x100, 0x7fffffff, 0x80000000, 0xffffffff,
		1UL << 32, (u64)-1, (u64)-2, 0x8000000000000000UL, 0x7fffffffffffffffUL,
	};

	return rnd(t) % 2 ? PICK(t, ints) : rnd(t) >> (rnd(t) % 64);
}

/* gen_maddr - an address for mmap, munmap and brk: a mapping we made
 * (often with its own length: see gen_args), the arena, or hostile. */
static u64 gen_maddr(struct fuzz_task *t)
{
	switch (rnd(t) % 6) {
	case 0:
	case 1:
		if (t->nr_maps)
			return t->maps[rnd(t) % t->nr_maps];
		return 0;
	case 2:
		/* the arena past the fixed pages, page-aligned or not */
		return STACKS + STACKS_SIZE + (rnd(t) % (ARENA_SIZE / PAGE)) * PAGE +
		       (rnd(t) % 8 ? 0 : rnd(t) % PAGE);
	case 3:
		return 0;
	default:
		return hostile_ptr(t);
	}
}

/* gen_arg - one argument of kind @k. */
static u64 gen_arg(struct fuzz_task *t, int k)
{
	static const u64 fds[] = { 0, 1, 2, 3, 4, 255, 1024, (u64)-1, 0x7fffffff, 0x80000000 };
	static const u64 prots[] = { 0, 1, 2, 3, 4, 5, 7, 8, 0xff };
	static const u64 opts[] = { 0, 1, 2, 4, 0x40000000, 0x80000000, ~0UL };
	static const u64 arch[] = { 0x1001, 0x1002, 0x1003, 0x1004, 0, ~0UL };
	u64 v;

	switch (k) {
	case A_INT:
		return gen_int(t);
	case A_PTR:
		return gen_ptr(t);
	case A_WBUF:
		/* the dots page (what the console prints is dots) or hostile */
		return rnd(t) % 2 ? DOTS_PAGE + (rnd(t) % PAGE) : hostile_ptr(t);
	case A_LEN:
		return gen_len(t);
	case A_FD:
		return PICK(t, fds);
	case A_PID:
		switch (rnd(t) % 6) {
		case 0: return 0;
		case 1: return (u64)-1;
		case 2: return (u64)t->last_child;
		case 3: return 1;
		case 4: return rnd(t) % 600;
		default: return gen_int(t);
		}
	case A_CLONE:
		v = rnd(t) & (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_VFORK |
			      CLONE_PARENT | CLONE_THREAD | CLONE_SETTLS | CLONE_PARENT_SETTID |
			      CLONE_CHILD_CLEARTID | CLONE_CHILD_SETTID | CLONE_SYSVSEM |
			      CLONE_DETACHED | CLONE_UNTRACED | CLONE_IO | CSIGNAL);
		if (rnd(t) % 8 == 0)
			v |= rnd(t);	/* any bits: namespaces, pidfd, the upper half */
		if (rnd(t) % 3 == 0)
			v |= CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;	/* a thread, often */
		return v;
	case A_MADDR:
		return gen_maddr(t);
	case A_PROT:
		return rnd(t) % 8 ? PICK(t, prots) : rnd(t);
	case A_MFLAGS:
		v = 0x22 | (rnd(t) % 4 == 0 ? MAP_FIXED : 0);	/* private anonymous */
		if (rnd(t) % 6 == 0)
			v ^= rnd(t) & 0xffff;
		return v;
	case A_RES:
		return rnd(t) % 4 ? rnd(t) % 20 : gen_int(t);
	case A_SIG:
		return rnd(t) % 4 ? rnd(t) % 70 : gen_int(t);
	case A_OPTS:
		return rnd(t) % 2 ? 1 /* WNOHANG */ : PICK(t, opts);
	case A_ARCH:
		return PICK(t, arch);
	default:
		return 0;
	}
}

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

/* cap_nproc - hold RLIMIT_NPROC at FUZZ_NPROC whatever the fuzzing set:
 * the fork bomb is not what this looks for (bench/user/stress.c is). */
static void cap_nproc(void)
{
	u64 lim[2];

	if (sys6(__NR_prlimit64, 0, RLIMIT_NPROC, 0, (long)lim, 0, 0) == 0 &&
	    lim[0] <= FUZZ_NPROC && lim[1] >= lim[0])
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
		 * of our stack unless clone's newsp (a[1]) is hostile */
		if (c->nr == __NR_fork)
			r = sys0(__NR_fork);
		else
			r = sys6(__NR_clone, (long)flags, (long)(rnd(t) % 4 ? 0 : a[1]), (long)a[2],
				 (long)a[3], (long)a[4], 0);
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
	 * is not one of pid 1's threads, whose fault would end the run. */
	group = (flags & CLONE_THREAD) && (t->depth == 0 || t->in_pid1_group);
	if (rnd(t) % 8 == 0 && !group)
		return sys6(__NR_clone, (long)flags, (long)hostile_ptr(t), (long)a[2], (long)a[3],
			    (long)a[4], 0);
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
	/* mmap something usable half the time, so that there is memory to
	 * fork, fault in, unmap and pass */
	if ((c->flags & F_MAP) && rnd(t) % 2) {
		static const u64 sizes[] = { PAGE, 2 * PAGE, 16 * PAGE, 1 << 20, 4 << 20 };

		a[0] = rnd(t) % 2 ? 0 : a[0];
		a[1] = PICK(t, sizes);
		a[2] = PROT_RW;
		a[4] = (u64)-1;
	}
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
static int setup(void)
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
	if (setup()) {
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
