/* bench/user/spawn_ops.h - the ways to start another program that the spawn
 * benchmark times (bench=spawn, forklab-user spawn and spawnall), in
 * listing order: the kernel (bench/spawn_bench.c) and the user program
 * (spawn.c) both read this table, and the host takes the names from the
 * kernel's "spawn_op" lines, so this is the one place a method is named.
 *
 * X(name, what). Each method gives two rows: NAME, timed from the call
 * until the parent can go on (the spawning call has returned to it), and
 * NAME SPAWN_WAIT_SUFFIX, the same calls timed on until wait4 has reaped
 * the child, which has exec'ed the program itself ("forklab-user true")
 * and exited. The exec'ed program is argv[0] of the running one. */
#ifndef FORKLAB_SPAWN_OPS_H
#define FORKLAB_SPAWN_OPS_H

#define SPAWN_OP_TABLE(X)							\
	X("fork-exec", "fork(); the child calls execve") \
	X("vfork-exec", "vfork(); the child calls execve, the parent sleeps until it has") \
	X("clone-vfork-exec", "clone(CLONE_VM|CLONE_VFORK|SIGCHLD) on a stack of its own; " \
	  "the child calls execve") \
	X("posix-spawn", "posix_spawn as musl makes it: a CLOEXEC pipe2, all signals blocked, " \
	  "clone(CLONE_VM|CLONE_VFORK) on a stack in the caller's frame, execve, the error " \
	  "(if any) read from the pipe")

/* the second row's op: the same calls until the child has been reaped */
#define SPAWN_WAIT_SUFFIX	"-wait"

#define SPAWN_OP_NAME(name, what)	name,
#define SPAWN_OP_COUNT(name, what)	+ 1
#define NR_SPAWN_OPS	(0 SPAWN_OP_TABLE(SPAWN_OP_COUNT))

#endif
