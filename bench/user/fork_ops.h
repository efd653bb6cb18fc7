/* bench/user/fork_ops.h - the operations the fork benchmark times from user
 * space, in the order every listing shows them. The kernel (bench=fork,
 * mode=list) and the user program both read this table, and the host tools
 * take the names from the kernel's "op" lines, so this is the one place an
 * operation is named.
 *
 * X(name, nr, until, what): @nr is the system call the timed call makes
 * (0: the row is not one call), @until the system call whose return ends
 * the window when that is not the call itself (0: the call's own return),
 * @what a line for listings. Numbers come from core/uapi (the user program
 * builds with -Icore for those #define-only headers). */
#ifndef FORKLAB_FORK_OPS_H
#define FORKLAB_FORK_OPS_H

#include "uapi/unistd.h"

#define FORK_OP_TABLE(X)							\
	X("fork", __NR_fork, 0, "fork(): a new process; page tables copied by the pt= strategy") \
	X("vfork", __NR_vfork, 0, "vfork(): the child borrows the address space, the parent sleeps until it exits") \
	X("clone-thread", __NR_clone, 0, "clone(CLONE_VM|CLONE_THREAD|...): a thread as pthread_create makes it") \
	X("clone-vm", __NR_clone, 0, "clone(CLONE_VM|SIGCHLD): a process sharing the address space") \
	X("fork-exit-wait", __NR_fork, __NR_wait4, "fork, the child's exit and the parent's wait4, in one window")

/* The row that is not one call: the child's first write to each resident
 * page after one fork (the copy-on-write cost fork deferred). */
#define FORK_OP_COW_WRITE	"cow-write"
#define FORK_OP_COW_WRITE_WHAT	"the child's first write to each resident page after a fork"

#define FORK_OP_NAME(name, nr, until, what)	name,
/* The ops timed at one resident page, in table order. */
#define FORK_OP_NAMES	{ FORK_OP_TABLE(FORK_OP_NAME) }
#define FORK_OP_COUNT(name, nr, until, what)	+ 1
#define NR_FORK_OPS	(0 FORK_OP_TABLE(FORK_OP_COUNT))

#endif
