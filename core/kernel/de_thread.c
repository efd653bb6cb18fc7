/* core/kernel/de_thread.c - execve's thread-group half (Linux's de_thread
 * in fs/exec.c): a process that execs keeps one thread, the caller. At the
 * point of no return every other thread of its group is marked to exit
 * (PF_GROUP_KILL, as exit_group marks them), woken where it sleeps and
 * interrupted where it runs, and the caller waits until each is released.
 * A caller that is not the group leader then becomes it: it takes the
 * leader's pid (getpid() and the parent's view do not change), parent and
 * place among the parent's children, and the old leader, a zombie by
 * then, is released without its parent hearing of it. The children of the
 * killed threads become the caller's (exit_killed in exit.c gives them to
 * the thread the kill spares), as Linux gives them to a live thread. */
#include "kernel/task.h"
#include "kernel/smp.h"
#include "lib/atomic.h"
#include "pid/pid.h"
#include "x86/apic.h"

#define DE_THREAD_SPINS	1000	/* pauses between two rounds of marking and kicking */

static inline bool thread_group_leader(const struct task_struct *p)
{
	return p->group_leader == p;
}

/* zap_other_threads - mark every other thread of @tsk's group that is not
 * dead yet to exit, wake it, kick it (Linux's zap_other_threads); true if
 * one of them waits on this CPU's queue. Under tasklist_lock. Each round
 * of the wait calls it again: a thread that was in clone when the first
 * round ran links its new thread in unmarked. */
static bool zap_other_threads(struct task_struct *tsk)
{
	int me = smp_processor_id();
	struct task_struct *t;
	bool here = false;

	list_for_each_entry(t, &tsk->signal->thread_head, thread_node) {
		if (t == tsk || t->state >= EXIT_ZOMBIE)
			continue;
		t->flags |= PF_GROUP_KILL;
		smp_mb();	/* the flag before its state is read */
		signal_wake_up(t);
		if (!t->on_cpu && t->cpu == me)
			here = true;
	}
	return here;
}

/* others_gone - whether @tsk's group holds nothing but @tsk and, when @tsk
 * is not the leader, the leader as a zombie: every other thread released
 * (after its switch away), the leader past exit_notify. nr_threads, not
 * live: a thread between do_exit's live-- and its exit_notify still reads
 * its group_leader. Exact under tasklist_lock; a hint without it. */
static bool others_gone(struct task_struct *tsk)
{
	int n = *(volatile int *)&tsk->signal->nr_threads;

	if (thread_group_leader(tsk))
		return n == 1;
	return n == 2 && *(volatile int *)&tsk->group_leader->state == EXIT_ZOMBIE;
}

/* wait_other_threads - until others_gone(@tsk): each round marks and kicks
 * what is left, yields (those threads may wait on this CPU's queue), then
 * spins a while. A thread spinning in user mode leaves at the tick or at
 * the kick's IPI (irqentry_exit_to_user_mode). Without a tick (hz=0) one
 * queued here that has never run would enter user mode through
 * ret_from_fork, which does not look: a self-IPI, taken when this CPU
 * next enters user mode, catches it there. */
static void wait_other_threads(struct task_struct *tsk)
{
	for (;;) {
		bool here;

		spin_lock(&tasklist_lock);
		if (others_gone(tsk)) {
			spin_unlock(&tasklist_lock);
			return;
		}
		here = zap_other_threads(tsk);
		spin_unlock(&tasklist_lock);
		if (here && lapic_present())
			smp_send_reschedule(smp_processor_id());
		schedule();
		for (int i = 0; i < DE_THREAD_SPINS && !others_gone(tsk); i++) {
			cpu_relax();
			smp_call_poll();	/* a dying thread may wait for us to flush */
		}
	}
}

/* exchange_leader - @tsk, the group's only thread beside its zombie
 * leader, becomes the leader: the leader's pid (its own goes with the old
 * leader and is freed), parent, SIGCHLD as its exit signal, its place in
 * the parent's children, pid 1's role if the leader had it. The old
 * leader is released unreported: its parent never saw it as a zombie it
 * could reap (delay_group_leader, while @tsk lived). */
static void exchange_leader(struct task_struct *tsk)
{
	struct task_struct *leader = tsk->group_leader;

	spin_lock(&tasklist_lock);
	exchange_tids(tsk, leader);
	tsk->real_parent = leader->real_parent;
	list_replace_init(&leader->sibling, &tsk->sibling);
	tsk->group_leader = tsk;
	leader->group_leader = tsk;
	tsk->exit_signal = SIGCHLD;
	leader->exit_signal = -1;
	if (init_task_p == leader)
		init_task_p = tsk;
	spin_unlock(&tasklist_lock);
	/* it stays EXIT_ZOMBIE, out of every list a reaper walks: EXIT_DEAD
	 * would have its CPU release it too, after its switch away */
	reap_zombie(leader);		/* once it is off its CPU */
}

int de_thread(struct task_struct *tsk)
{
	struct signal_struct *sig = tsk->signal;

	spin_lock(&tasklist_lock);
	if (sig->group_exit) {
		/* exit_group or a fatal trap came first and marked us too */
		spin_unlock(&tasklist_lock);
		return -EAGAIN;
	}
	/* from here an exit_group or a fatal trap in a dying thread ends
	 * that thread alone (group_kill finds the group exiting) */
	sig->group_exit = true;
	sig->group_exit_code = SIGKILL;	/* the killed threads': nobody reads it */
	spin_unlock(&tasklist_lock);
	wait_other_threads(tsk);
	if (!thread_group_leader(tsk))
		exchange_leader(tsk);
	spin_lock(&tasklist_lock);
	sig->group_exit = false;
	spin_unlock(&tasklist_lock);
	return 0;
}
