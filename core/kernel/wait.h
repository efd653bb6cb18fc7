/* core/kernel/wait.h - wait queues: tasks sleeping until a condition that
 * another task changes (Linux's wait_queue_head). The condition and the
 * queue are guarded by one lock of the caller's, held around
 * prepare_to_wait and wake_up_all, so that a wake-up is never lost: the
 * sleeper sets its state under the lock before it lets go. */
#ifndef FORKLAB_WAIT_H
#define FORKLAB_WAIT_H

#include "kernel/sched.h"

struct wait_queue_entry {
	struct list_head entry;
	struct task_struct *task;
};

/* prepare_to_wait - queue current on @head and mark it sleeping; the
 * caller holds its lock, drops it, calls schedule(), takes the lock again
 * and calls finish_wait. */
static inline void prepare_to_wait(struct list_head *head, struct wait_queue_entry *w)
{
	w->task = current;
	list_add_tail(&w->entry, head);
	current->state = TASK_INTERRUPTIBLE;
}

/* finish_wait - off the queue, running (the caller holds the lock). */
static inline void finish_wait(struct wait_queue_entry *w)
{
	list_del(&w->entry);
	current->state = TASK_RUNNING;
}

/* wake_up_all - wake every task on @head (the caller holds the lock). */
static inline void wake_up_all(struct list_head *head)
{
	struct wait_queue_entry *w;

	list_for_each_entry(w, head, entry)
		wake_up_process(w->task);
}

#endif
