/* bench/user/parent_ops.h - the operations of bench=parent (fork against
 * the parent's state), named once: the kernel's plan (bench/parent_bench.c,
 * mode=list's "op" lines) and forklab-parent (parent.c) both read them.
 *
 * X(name, what): each op is one fork timed from user space, but for
 * PARENT_OP_COW_WRITE, the child's first write to each page after one. */
#ifndef FORKLAB_PARENT_OPS_H
#define FORKLAB_PARENT_OPS_H

#define PARENT_OP_DIRTY		"fork-dirty"
#define PARENT_OP_CLEAN		"fork-clean"
#define PARENT_OP_VMAS		"fork-vmas"
#define PARENT_OP_THREADS	"fork-threads"
#define PARENT_OP_COW_WRITE	"cow-write-all"

#define PARENT_OP_TABLE(X)							\
	X(PARENT_OP_DIRTY, "fork with RSS pages written, again before each fork (thp=always: 2 MiB pages)") \
	X(PARENT_OP_CLEAN, "fork with RSS pages only read (each maps the shared zero page)") \
	X(PARENT_OP_VMAS, "fork with LIVE one-page VMAs, a gap between each two") \
	X(PARENT_OP_THREADS, "fork with LIVE other threads in the parent, yielding") \
	X(PARENT_OP_COW_WRITE, "the child's first write to each of RSS written pages after one fork")

#define PARENT_OP_NAME(name, what)	" " name
/* PARENT_OP_LIST - " fork-dirty fork-clean ...", for messages */
#define PARENT_OP_LIST	PARENT_OP_TABLE(PARENT_OP_NAME)

#define PARENT_OP_IS(name, what)	|| streq(op, name)
/* parent_op_known - whether @op is one of the table's (lib.h's streq). */
#define parent_op_known(op)	(0 PARENT_OP_TABLE(PARENT_OP_IS))

#endif
