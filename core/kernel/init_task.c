/* core/kernel/init_task.c - the first user process: pid 1 is forked from
 * the idle task (as Linux's kernel_init is), given the program with
 * exec_into, and started in user mode. The idle task then reaps until
 * every user task is gone. */
#include "kernel/task.h"
#include "kernel/futex.h"
#include "lib/printk.h"
#include "mm/mm.h"
#include "fs/fs.h"

struct task_struct *init_task_p;

/* The idle task's own objects, which pid 1 copies at fork. */
static struct files_struct init_files = {
	.count = 1, .max_fds = 3, .file_lock = SPINLOCK_INIT("file_lock"),
	.fd = { &console_file, &console_file, &console_file },
};
static struct fs_struct init_fs = { .users = 1, .umask = 022, .cwd = "/" };
static struct sighand_struct init_sighand = { .count = 1 };
static struct signal_struct init_signal = { .sigcnt = 1, .live = 1, .nr_threads = 1 };

void task_init_idle_objects(void)
{
	idle_task.files = &init_files;
	idle_task.fs = &init_fs;
	idle_task.sighand = &init_sighand;
	idle_task.signal = &init_signal;
	idle_task.group_leader = &idle_task;
	idle_task.real_parent = &idle_task;
	INIT_LIST_HEAD(&init_signal.thread_head);
	for (int i = 0; i < RLIM_NLIMITS; i++)
		init_signal.rlim[i] = (struct rlimit){ RLIM_INFINITY, RLIM_INFINITY };
	init_signal.rlim[RLIMIT_STACK] = (struct rlimit){ USER_STACK_SIZE, USER_STACK_SIZE };
}

/* reap_orphans - the idle task reaps its zombie children; returns true
 * once pid 1 has been reaped (its status in *@status). */
static bool reap_orphans(int *status)
{
	bool init_gone = false;

	for (;;) {
		struct task_struct *child, *zombie = NULL;

		spin_lock(&tasklist_lock);
		list_for_each_entry(child, &idle_task.children, sibling) {
			if (child->state == EXIT_ZOMBIE && !delay_group_leader(child)) {
				zombie = child;
				break;
			}
		}
		spin_unlock(&tasklist_lock);
		if (!zombie)
			return init_gone;
		if (zombie == init_task_p) {
			*status = zombie->exit_code;
			init_task_p = NULL;
			init_gone = true;
		}
		reap_zombie(zombie);
	}
}

/* has_zombie_child - whether @parent has a child to reap. */
static bool has_zombie_child(struct task_struct *parent)
{
	struct task_struct *child;
	bool found = false;

	spin_lock(&tasklist_lock);
	list_for_each_entry(child, &parent->children, sibling)
		if (child->state == EXIT_ZOMBIE && !delay_group_leader(child))
			found = true;
	spin_unlock(&tasklist_lock);
	return found;
}

static bool user_tasks_left(void)
{
	/* not the task list: a task leaves it before it has given back its
	 * memory (release_task), and the run's accounting reads that next */
	return *(volatile int *)&nr_threads != 0;
}

int run_user_program(const void *image, u64 size, const char *const *argv)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };
	struct task_struct *p;
	int status = 0, r;
	bool init_gone = false;

	p = copy_process(&args);
	if (IS_ERR(p)) {
		printk("forklab: cannot create pid 1: error %ld\n", PTR_ERR(p));
		return (int)PTR_ERR(p);
	}
	r = exec_into(p, image, size, argv);
	if (r) {
		p->state = EXIT_ZOMBIE;
		list_del(&p->sibling);
		INIT_LIST_HEAD(&p->sibling);
		exit_files(p);
		exit_fs(p);
		release_task(p);
		return r;
	}
	init_task_p = p;
	wake_up_new_task(p);
	for (;;) {
		init_gone |= reap_orphans(&status);
		if (init_gone && !user_tasks_left())
			break;
		schedule();		/* run what waits here; back when nothing does */
		if (cpu_has_work())
			continue;
		/* nothing runs anywhere and nothing is left to reap: nobody can
		 * wake anybody (active is read first: an exiting task is a
		 * zombie before it stops being active) */
		if (!sched_nr_active() && !has_zombie_child(&idle_task) && user_tasks_left()) {
			printk("forklab: every user task is blocked (deadlock: %d of them in "
			       "FUTEX_WAIT); giving up\n", futex_nr_waiting());
			return -EAGAIN;
		}
		if (!has_zombie_child(&idle_task))
			cpu_wait();	/* until a task is queued here or a zombie is ours */
	}
	return status;
}
