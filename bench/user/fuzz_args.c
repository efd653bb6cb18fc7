/* bench/user/fuzz_args.c - the fuzzer's arguments: the PRNG, and a value for
 * each kind of argument a line of fuzz.c's table names. Mostly hostile; the
 * valid ones point into the arena fuzz.c sets up (fuzz_args.h). */
#include "fuzz_args.h"
#include "uapi/fcntl.h"
#include "uapi/futex.h"

/* rnd - the next 64 random bits (xorshift64*). */
u64 rnd(struct fuzz_task *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dUL;
}

/* mix - a well-spread 64-bit value from @a and @b (splitmix64's finalizer):
 * a child's seed from its parent's. Never 0 (xorshift's fixed point). */
u64 mix(u64 a, u64 b)
{
	u64 z = a + 0x9e3779b97f4a7c15UL * (b + 1);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
	z ^= z >> 31;
	return z ? z : 1;
}

u64 pick(struct fuzz_task *t, const u64 *v, u64 n)
{
	return v[rnd(t) % n];
}

/* hostile_ptr - an address no system call may use: kernel, non-canonical,
 * unmapped, or straddling the end of user space. */
u64 hostile_ptr(struct fuzz_task *t)
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
 * our own text. */
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
		/* our own text: read-only to the kernel's writes too (not
		 * .rodata, whose strings writev would print: "fuzz: ok") */
		return (u64)&rnd + rnd(t) % 256;
	default:
		return hostile_ptr(t);
	}
}

u64 gen_len(struct fuzz_task *t)
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
u64 gen_arg(struct fuzz_task *t, int k)
{
	static const u64 fds[] = { 0, 1, 2, 3, 4, 255, 1024, (u64)-1, 0x7fffffff, 0x80000000 };
	static const u64 prots[] = { 0, 1, 2, 3, 4, 5, 7, 8, 0xff };
	static const u64 opts[] = { 0, 1, 2, 4, 0x40000000, 0x80000000, ~0UL };
	static const u64 arch[] = { 0x1001, 0x1002, 0x1003, 0x1004, 0, ~0UL };
	static const u64 newfds[] = { 3, 4, 5, 6, 63, 64, 255, 1024, (u64)-1, 0x80000000 };
	static const char *const paths[] = { "/forklab-fuzz", "/", ".", "..", "//forklab-fuzz/",
					     "/no/such", "", "/forklab-fuzz/x", "forklab-fuzz",
					     "/../../forklab-fuzz" };
	static const char *const badpaths[] = { "/", "/no/such", "", "/forklab-fuzz/x", "..",
						"/no/such/deeper" };
	static const u64 oflags[] = { O_RDONLY, O_WRONLY, O_RDWR, O_CREAT | O_WRONLY,
				      O_CREAT | O_EXCL, O_DIRECTORY, O_CLOEXEC, O_TRUNC | O_RDWR,
				      O_APPEND, O_PATH, O_TMPFILE, ~0UL };
	static const u64 fcntls[] = { F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL,
				      F_DUPFD_CLOEXEC, 7, 1024, ~0UL };
	static const u64 futexops[] = { FUTEX_WAKE, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, FUTEX_REQUEUE,
					FUTEX_CMP_REQUEUE, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG,
					FUTEX_WAKE_OP, FUTEX_WAIT_BITSET, FUTEX_CLOCK_REALTIME | 1,
					99, ~0UL };
	static const u64 madvs[] = { 0, 1, 2, 3, 4, 8, 9, 100, ~0UL };
	u64 v;

	switch (k) {
	case A_INT:
		return gen_int(t);
	case A_PTR:
		return gen_ptr(t);
	case A_WBUF:
		/* the dots page (what the console prints is dots) or hostile:
		 * a bigger mapping would print all of itself (writev printed
		 * gigabytes of zeros from iovecs the kernel had written) */
		return rnd(t) % 2 ? DOTS_PAGE + (rnd(t) % PAGE) : hostile_ptr(t);
	case A_IOV:
		/* the iovec page, from any entry (a count walks off its end) */
		return rnd(t) % 4 ? IOV_PAGE + (rnd(t) % (PAGE / 16)) * 16 : gen_ptr(t);
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
	case A_NEWFD:
		return PICK(t, newfds);
	case A_PATH:
		return rnd(t) % 6 ? (u64)paths[rnd(t) % (sizeof(paths) / sizeof(paths[0]))] : gen_ptr(t);
	case A_BADPATH:
		return rnd(t) % 4 ? (u64)badpaths[rnd(t) % (sizeof(badpaths) / sizeof(badpaths[0]))] : hostile_ptr(t);
	case A_OFLAGS:
		return rnd(t) % 8 ? PICK(t, oflags) : rnd(t);
	case A_FCNTL:
		return PICK(t, fcntls);
	case A_FUTEXOP:
		return PICK(t, futexops);
	case A_MADV:
		return PICK(t, madvs);
	default:
		return 0;
	}
}
