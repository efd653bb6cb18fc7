/* core/pid/pid_task.c - linking tasks to their struct pid. */
#include "pid/pid.h"
#include "kernel/sched.h"

void attach_pid(struct task_struct *t)
{
	t->thread_pid->task = t;
}

void detach_pid(struct task_struct *t)
{
	struct pid *pid = t->thread_pid;

	pid->task = NULL;
	t->thread_pid = NULL;
	free_pid(pid);
}

void exchange_tids(struct task_struct *left, struct task_struct *right)
{
	struct pid *pid = left->thread_pid;
	int nr = left->pid;

	left->thread_pid = right->thread_pid;
	left->pid = right->pid;
	right->thread_pid = pid;
	right->pid = nr;
	attach_pid(left);
	attach_pid(right);
}
