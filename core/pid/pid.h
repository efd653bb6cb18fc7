/* core/pid/pid.h - pid numbers: allocation, lookup and release behind one ops
 * table per strategy (pid=). Linux names: alloc_pid, find_pid, free_pid. */
#ifndef FORKLAB_PID_H
#define FORKLAB_PID_H

#define PID_MAX_LIMIT	(1 << 22)	/* Linux's PID_MAX_LIMIT on 64-bit */
#define PID_MAX_MIN	400	/* above RESERVED_PIDS, so wrapped numbers restart at 300 as in Linux */

#include "lib/list.h"
#include "lib/registry.h"

#define PID_MAX_DEFAULT	32768
/* Numbers below this are handed out only before the first wrap (Linux's
 * RESERVED_PIDS): afterwards allocation restarts at RESERVED_PIDS itself. */
#define RESERVED_PIDS	300

struct task_struct;

struct pid {
	int nr;
	int count;			/* references */
	struct task_struct *task;	/* set by attach_pid */
	struct list_head hash_chain;	/* pid=hash: the bucket's chain */
};

struct pid_ops {
	STRATEGY_HEAD;
	int (*init)(int pid_max);	/* 0 or -ENOMEM */
	void (*destroy)(void);		/* every number must have been freed */
	/* alloc_nr - the first free number in [pid_first(last), pid_max), else
	 * in [pid_min(last), pid_first(last)) (idr_alloc_cyclic, as Linux's
	 * alloc_pid does); stores it in pid->nr and makes @pid findable.
	 * 0, -EAGAIN (all taken) or -ENOMEM (then @pid is untouched). */
	int (*alloc_nr)(struct pid *pid);
	void (*free_nr)(struct pid *pid);	/* @pid must be live */
	struct pid *(*find)(int nr);		/* NULL unless @nr is live */
	int (*nr_in_use)(void);
};

/* The strategies' ops tables (one file each). */
extern const struct pid_ops pid_hash_ops, pid_idr_ops, pid_array_ops;
/* The family (pid=): its members in listing order, hash the default. */
extern const struct strategy_family pid_family;
static inline const struct pid_ops *pid_strategy(int i)
{
	return strategy_at(&pid_family, i, struct pid_ops);
}
/* pid_select - make @ops current with numbers 1..@pid_max-1, with struct pid
 * from a new cache of the current allocator; 0, -EINVAL (@pid_max < 2) or
 * -ENOMEM. A table already selected is torn down first. */
int pid_select(const struct pid_ops *ops, int pid_max);
void pid_unselect(void);
const struct pid_ops *pid_current(void);

/* alloc_pid - a new struct pid with a number and one reference;
 * ERR_PTR(-EAGAIN) when every number is taken, ERR_PTR(-ENOMEM). */
struct pid *alloc_pid(void);
/* find_pid - the live struct pid numbered @nr, or NULL (takes no reference). */
struct pid *find_pid(int nr);
void get_pid(struct pid *pid);
/* put_pid - drop a reference (NULL is ignored); the last one frees @pid. */
void put_pid(struct pid *pid);
/* free_pid - release the number (it may be reused) and drop a reference. */
void free_pid(struct pid *pid);
void attach_pid(struct task_struct *t);
void detach_pid(struct task_struct *t);
/* exchange_tids - @left and @right trade their struct pid and number (a
 * non-leader's execve takes its leader's; under tasklist_lock). */
void exchange_tids(struct task_struct *left, struct task_struct *right);

/* The cyclic order every strategy follows, from the last number handed out
 * (0 before the first). As in Linux, numbers 1..RESERVED_PIDS-1 are used
 * only until the allocator has passed RESERVED_PIDS once. Linux refuses a
 * pid_max of RESERVED_PIDS or less; here such a table (the tests use 64)
 * never passes it, so it simply wraps back to 1. */
/* pid_min - the lowest number that may be handed out after @last. */
static inline int pid_min(int last)
{
	return last >= RESERVED_PIDS ? RESERVED_PIDS : 1;
}

/* pid_first - where the search for the number after @last starts. */
static inline int pid_first(int last, int pid_max)
{
	return last + 1 < pid_max ? last + 1 : pid_min(last);
}

#endif
