/* core/pid.h - pid numbers: allocation, lookup and release behind one ops
 * table per strategy (pid=). Linux names: alloc_pid, find_pid, free_pid. */
#ifndef FORKLAB_PID_H
#define FORKLAB_PID_H

#include "list.h"

#define PID_MAX_DEFAULT	32768
#define RESERVED_PIDS	300		/* after a wrap, numbers restart above these */

struct task_struct;

struct pid {
	int nr;
	int count;			/* references */
	struct task_struct *task;	/* set by attach_pid */
	struct list_head hash_chain;	/* pid=hash: the bucket's chain */
};

struct pid_ops {
	const char *name;
	const char *desc;
	int (*init)(int pid_max);	/* 0 or -ENOMEM */
	void (*destroy)(void);		/* every number must have been freed */
	/* alloc_nr - a free number, cyclically after the last one handed out
	 * (wrapping at pid_max to RESERVED_PIDS + 1, as Linux does); stores it
	 * in pid->nr and makes @pid findable. 0, -EAGAIN (all taken), -ENOMEM. */
	int (*alloc_nr)(struct pid *pid);
	void (*free_nr)(struct pid *pid);
	struct pid *(*find)(int nr);
	int (*nr_in_use)(void);
};

int pid_nr_strategies(void);
const struct pid_ops *pid_strategy(int i);
const struct pid_ops *pid_find_strategy(const char *name);
/* pid_select - make @ops current with numbers 1..@pid_max, with struct pid
 * from a new cache of the current allocator; 0 or -ENOMEM. */
int pid_select(const struct pid_ops *ops, int pid_max);
void pid_unselect(void);
const struct pid_ops *pid_current(void);

/* alloc_pid - a new struct pid with a number; ERR_PTR(-EAGAIN/-ENOMEM). */
struct pid *alloc_pid(void);
struct pid *find_pid(int nr);
void get_pid(struct pid *pid);
void put_pid(struct pid *pid);
/* free_pid - release the number (it may be reused) and drop a reference. */
void free_pid(struct pid *pid);
void attach_pid(struct task_struct *t);
void detach_pid(struct task_struct *t);

/* pid_next_candidate - the cyclic successor of @last below @pid_max. */
static inline int pid_next_candidate(int last, int pid_max)
{
	return last + 1 >= pid_max ? RESERVED_PIDS + 1 : last + 1;
}

#endif
