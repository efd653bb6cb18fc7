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
