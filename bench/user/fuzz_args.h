/* bench/user/fuzz_args.h - the fuzzer's arguments (fuzz_args.c): where its
 * arena is, the kinds of argument a table line names, one task's state and
 * the generators. Internal to fuzz.c and fuzz_args.c. */
#ifndef FORKLAB_USER_FUZZ_ARGS_H
#define FORKLAB_USER_FUZZ_ARGS_H

#include "sys.h"
#include "types.h"

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
#define IOV_PAGE	(ARENA + 6 * PAGE)	/* iovecs for writev; nothing above */
#define STACKS		(ARENA + 8 * PAGE)	/* NR_STACKS stacks for CLONE_VM children */
#define STACKS_SIZE	(NR_STACKS * CHILD_STACK)

enum arg_kind {
	A_ZERO,		/* 0 */
	A_INT,		/* any integer: small, boundaries, random bits */
	A_PTR,		/* a pointer the kernel may read or write */
	A_WBUF,		/* a buffer the kernel reads and prints (write) */
	A_IOV,		/* an iovec array for writev: the bases are A_WBUF's */
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
	A_NEWFD,	/* a descriptor to close or replace: 3 and up (0..2 are the
			   console the fuzzer reports on), -1, huge */
	A_PATH,		/* a path to open or stat: files, folders, missing, hostile */
	A_BADPATH,	/* a path execve must refuse: missing, a folder, hostile
			   (a program there would replace the fuzzer) */
	A_OFLAGS,	/* open flags */
	A_FCNTL,	/* an fcntl command */
	A_FUTEXOP,	/* a futex op, never an untimed FUTEX_WAIT (it could sleep
			   for good: the kernel's deadlock check would end the run) */
	A_MADV,		/* madvise advice */
};

/* One task's fuzzing state: on its own stack, so that CLONE_VM children
 * share nothing with their parent but the stacks' busy words. */
struct fuzz_task {
	u64 rng;
	u64 seed, index;	/* the run's seed; the index of the call being made */
	int depth;		/* 0: pid 1 */
	int in_pid1_group;	/* a thread of pid 1: must not exit_group */
	int tracing;		/* print each call (pid 1: from index FROM on) */
	long last_child;
	u64 maps[MAX_MAPS], map_len[MAX_MAPS];
	int nr_maps;
};

/* rnd - the task's next 64 random bits (xorshift64*). */
u64 rnd(struct fuzz_task *t);
/* mix - a well-spread, non-zero 64-bit value from @a and @b: a child's seed. */
u64 mix(u64 a, u64 b);
/* hostile_ptr - an address no system call may use. */
u64 hostile_ptr(struct fuzz_task *t);
/* gen_len - a size; gen_arg - one argument of kind @k (enum arg_kind). */
u64 gen_len(struct fuzz_task *t);
u64 gen_arg(struct fuzz_task *t, int k);
/* pick - one of the @n values at @v; PICK(t, array) - one of the array's. */
u64 pick(struct fuzz_task *t, const u64 *v, u64 n);
#define PICK(t, arr) pick(t, arr, sizeof(arr) / sizeof(arr[0]))

#endif
