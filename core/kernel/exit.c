/* core/kernel/exit.c - exit, exit_group, wait4 and reaping: everything a task
 * holds goes back, so page and object counts return to where they were. */
#include "kernel/task.h"
#include "mm/mm.h"
#include "x86/uaccess.h"
#include "lib/panic.h"
#include "pid/pid.h"
#include "lib/printk.h"
#include "lib/atomic.h"
#include "kernel/smp.h"
#include "kernel/futex.h"

/* tasklist_lock - the task list, every parent/child and thread-group
 * linkage, nr_threads, and the exit states a parent waits for. */
DEFINE_SPINLOCK(tasklist_lock);

/* mm_release - what the parent of a vfork or a CLONE_CHILD_CLEARTID thread
 * waits for: the child is done with the memory it shared (its tid word
 * cleared and one futex waiter there woken: pthread_join's). */
void mm_release(struct task_struct *tsk)
{
	if (tsk->clear_child_tid && tsk->mm)
		futex_exit_release(tsk);
	if (tsk->vfork_done) {
		complete(tsk->vfork_done);
		tsk->vfork_done = NULL;
	}
}

static void exit_mm(struct task_struct *tsk)
{
	struct mm_struct *mm = tsk->mm;

	mm_release(tsk);
	if (!mm)
		return;
	tsk->mm = NULL;
	/* lazy TLB, as Linux: CR3 keeps @mm until another mm is loaded; if this
	 * was the last user, exit_mmap leaves it before freeing the tables */
	mmput(mm);
}

/* move_threads - the other threads of moved child @child get its new
 * parent @reaper too. Out of line: exit's common case has no threaded
 * children. Under tasklist_lock. */
static __attribute__((noinline)) void move_threads(struct task_struct *child,
						   struct task_struct *reaper)
{
	struct task_struct *t;

	list_for_each_entry(t, &child->signal->thread_head, thread_node)
		t->real_parent = reaper;
}

/* move_children - every child of @father becomes @reaper's, each of its
 * threads' real_parent with it (Linux's for_each_thread in
 * forget_original_parent: a thread's stayed @father, freed once reaped,
 * and clone(CLONE_PARENT) from it linked the new process to freed memory);
 * a zombie wakes @reaper to reap it. Under tasklist_lock. */
static __attribute__((always_inline)) inline void move_children(struct task_struct *father,
								struct task_struct *reaper)
{
	struct task_struct *child, *n;

	list_for_each_entry_safe(child, n, &father->children, sibling) {
		child->real_parent = reaper;
		if (unlikely(child->signal->nr_threads > 1))
			move_threads(child, reaper);
		list_move_tail(&child->sibling, &reaper->children);
		if (child->state == EXIT_ZOMBIE)
			wake_up_process(reaper);
	}
}

/* forget_original_parent - hand @father's children to init (or, when init
 * itself exits, to the idle task, which reaps whatever is left). */
static void forget_original_parent(struct task_struct *father)
{
	struct task_struct *reaper = init_task_p;

	if (!reaper || reaper == father || (reaper->flags & PF_EXITING))
		reaper = &idle_task;
	move_children(father, reaper);
}

/* wake_reaper - wake @p's parent to reap it: a parent in wait4 set its
 * state under tasklist_lock; an idle task reaps without sleeping, but may
 * be halted on its CPU. Under tasklist_lock. */
static inline void wake_reaper(struct task_struct *p)
{
	if (p->real_parent->state == TASK_INTERRUPTIBLE || (p->real_parent->flags & PF_IDLE))
		wake_up_process(p->real_parent);
}

/* exit_notify - become a zombie for the parent to reap, or (threads)
 * dead at once, to be freed after the switch away; the last thread of a
 * group whose leader is a zombie already lets the leader's parent reap it. */
static void exit_notify(struct task_struct *tsk)
{
	spin_lock(&tasklist_lock);
	forget_original_parent(tsk);
	if (unlikely(tsk->exit_signal < 0)) {
		struct task_struct *leader = tsk->group_leader;

		tsk->state = EXIT_DEAD;
		if (leader != tsk && leader->state == EXIT_ZOMBIE && !delay_group_leader(leader))
			wake_reaper(leader);
	} else {
		/* a leader (threads have no exit signal); if its threads
		 * still run, wait4 finds it delayed and sleeps on */
		tsk->state = EXIT_ZOMBIE;
		wake_reaper(tsk);
	}
	spin_unlock(&tasklist_lock);
}

__noreturn void do_exit(int code)
{
	struct task_struct *tsk = current;

	if (tsk == &idle_task)
		panic("do_exit: the idle task cannot exit");
	tsk->flags |= PF_EXITING;
	tsk->exit_code = code;
	exit_mm(tsk);
	exit_files(tsk);
	exit_fs(tsk);
	atomic_dec(&tsk->signal->live);
	exit_notify(tsk);
	schedule();
	panic("do_exit: dead task %d was scheduled again", tsk->pid);
}

/* group_kill - mark every thread of the caller's group to exit with
 * @exit_code when it next returns to user mode (the first code wins), as a
 * fatal signal does; the caller too, at the end of its system call. */
void group_kill(int exit_code)
{
	struct signal_struct *sig = current->signal;
	struct task_struct *t;

	spin_lock(&tasklist_lock);
	if (!sig->group_exit) {
		sig->group_exit = true;
		sig->group_exit_code = exit_code;
		list_for_each_entry(t, &sig->thread_head, thread_node) {
			t->flags |= PF_GROUP_KILL;
			smp_mb();	/* the flag before its state is read */
			if (t != current)
				signal_wake_up(t);
		}
	}
	spin_unlock(&tasklist_lock);
}

void signal_wake_up(struct task_struct *t)
{
	wake_up_process(t);
	kick_process(t);
}

/* irqentry_exit_to_user_mode - see task.h; Linux's exit_to_user_mode_loop
 * does the same for need_resched and a pending SIGKILL. */
bool irqentry_exit_to_user_mode(const struct pt_regs *regs)
{
	if (!user_mode(regs))
		return false;
	exit_if_killed();
	if (!cpu_has_work())
		return false;
	schedule();
	exit_if_killed();	/* marked while it waited for its turn */
	return true;
}

/* exec_reparent - @tsk, killed, has children: if the thread whose execve
 * kills it (de_thread marks all but that one; exit_group marks them all)
 * is there, it takes them, and they stay the process's, as Linux's
 * find_new_reaper gives them to a live thread of the group; else do_exit
 * gives them to init. Out of line: most exits have no children. */
static __attribute__((noinline)) void exec_reparent(struct task_struct *tsk)
{
	struct task_struct *t;

	spin_lock(&tasklist_lock);
	if (tsk->signal->group_exit) {
		list_for_each_entry(t, &tsk->signal->thread_head, thread_node) {
			if (!(t->flags & (PF_GROUP_KILL | PF_EXITING))) {
				move_children(tsk, t);
				break;
			}
		}
	}
	spin_unlock(&tasklist_lock);
}

/* __exit_killed - exit_killed, inline in do_group_exit. The unlocked peek
 * is enough: a killed task gains children after it only as init, whose
 * orphans are not the process's own. */
static __attribute__((always_inline)) inline __noreturn void __exit_killed(void)
{
	if (unlikely(!list_empty(&current->children)))
		exec_reparent(current);
	do_exit(current->signal->group_exit_code);
}

__noreturn void exit_killed(void)
{
	__exit_killed();
}

/* do_group_exit - exit every thread of the group with @exit_code. Other
 * threads are marked and leave when they next return to user mode. */
__noreturn void do_group_exit(int exit_code)
{
	group_kill(exit_code);
	__exit_killed();
}

void release_task(struct task_struct *p)
{
	spin_lock(&tasklist_lock);
	list_del(&p->tasks);
	list_del(&p->sibling);
	list_del(&p->thread_node);
	p->signal->nr_threads--;
	spin_unlock(&tasklist_lock);
	detach_pid(p);
	put_sighand(p->sighand);
	put_signal(p->signal);
	p->usage = 0;
	free_task(p);
	/* only now, with everything the task held given back: the boot CPU
	 * ends the run when the count is 0 (and may be halted waiting) */
	if (atomic_dec_and_test(&nr_threads))
		wake_up_process(&idle_task);
}

void reap_zombie(struct task_struct *p)
{
	while (unlikely(*(volatile int *)&p->on_cpu)) {
		cpu_relax();
		smp_call_poll();	/* it may wait for us to flush */
	}
	release_task(p);
}

long do_wait4(int pid, u64 ustatus, int options)
{
	struct task_struct *tsk = current, *child;

	for (;;) {
		bool have_child = false;

		spin_lock(&tasklist_lock);
		list_for_each_entry(child, &tsk->children, sibling) {
			int nr, status;

			if (pid > 0 && child->pid != pid)
				continue;
			have_child = true;
			if (child->state != EXIT_ZOMBIE || delay_group_leader(child))
				continue;
			nr = child->pid;
			status = child->exit_code;
			spin_unlock(&tasklist_lock);
			reap_zombie(child);
			if (ustatus && put_user_u32(status, ustatus))
				return -EFAULT;
			return nr;
		}
		if (!have_child || (options & WNOHANG)) {
			spin_unlock(&tasklist_lock);
			return have_child ? 0 : -ECHILD;
		}
		if (tsk->flags & PF_GROUP_KILL) {
			/* our group is exiting: no more sleeping (a thread left
			 * in wait4 kept its zombie leader, pid 1 too, unreaped) */
			spin_unlock(&tasklist_lock);
			return -EINTR;
		}
		/* under the lock: a child's exit_notify sees it and wakes us */
		tsk->state = TASK_INTERRUPTIBLE;
		spin_unlock(&tasklist_lock);
		schedule();
	}
}
