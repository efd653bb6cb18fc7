/* bench/user/scale_ops.h - the operations bench=scale runs on several CPUs
 * at once, in listing order: the kernel (bench/scale_bench.c) loops over
 * them and the user program (scale.c) carries them out, so this is the one
 * place one is named. X(name, what). */
#ifndef FORKLAB_SCALE_OPS_H
#define FORKLAB_SCALE_OPS_H

#define SCALE_OP_TABLE(X)							\
	X("fork-exit-wait", "fork, the child's exit, wait4: the child on its parent's CPU") \
	X("fork-exit-remote", "the same with the child moved to the next CPU before it runs: " \
	  "its exit frees what its fork allocated on another CPU") \
	X("vfork", "vfork and the child's exit") \
	X("clone-thread", "clone of a thread that exits at once, waited for through its tid")

#define SCALE_OP_NAME(name, what)	name,

#endif
