/* core/kernel/sched.c - the scheduler: one round-robin run queue per CPU,
 * each behind its own lock; tasks run until they block (wait4, vfork),
 * yield or exit, and the tick preempts user mode. A new task starts on its
 * parent's CPU, a woken one on the CPU it last ran on, if its affinity
 * allows; a CPU with nothing to run takes a waiting task from another
 * queue, and a task queued where its CPU is busy wakes an idle CPU that may
 * run it (reschedule IPI). Per-CPU queues rather than one global queue:
 * the benchmarks run one task per CPU and must not meet on a shared lock
 * that Linux does not have. Each CPU's boot context is its idle task. */
#include "kernel/sched.h"
#include "x86/desc.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "kernel/task.h"
#include "kernel/probe.h"
#include "x86/sections.h"
#include "x86/smp.h"
#include "x86/uaccess.h"

LIST_HEAD(task_list);

/* One per CPU: the tasks waiting to run there (current is not on it). */
struct runqueue {
	struct spinlock lock;
	struct list_head queue;
	int nr;				/* tasks on queue */
	struct task_struct *idle;	/* what runs when queue is empty */
} __aligned(SMP_CACHE_BYTES);

static struct runqueue runqueues[NR_CPUS];
/* Tasks that are running or may run (idle tasks not counted): up when a
 * sleeping or new task is made runnable, down when schedule() switches out
 * one that sleeps or dies. A task being moved between CPUs stays counted,
 * so this is exact at every instant (the deadlock check reads it). */
static int nr_active;
union idle_task_storage idle_storage __aligned(64);

_Static_assert(offsetof(struct cpu_data, kernel_rsp) == CPU_KERNEL_RSP, "entry.S offset");
_Static_assert(offsetof(struct cpu_data, user_rsp) == CPU_USER_RSP, "entry.S offset");

/* sched_init - make the boot context the idle task (pid 0) and point GS at
 * this CPU's data for the syscall entry. */
void sched_init(void)
{
	struct cpu_data *cpu = this_cpu();

	_Static_assert(PAGE_SIZE << KSTACK_ORDER == KSTACK_SIZE, "KSTACK_ORDER");
	idle_task.state = TASK_RUNNING;
	idle_task.flags = PF_KTHREAD | PF_IDLE;
	idle_task.stack = boot_stack_bottom;
	idle_task.usage = 1;
	memcpy(idle_task.comm, "swapper", 8);
	INIT_LIST_HEAD(&idle_task.children);
	INIT_LIST_HEAD(&idle_task.sibling);
	INIT_LIST_HEAD(&idle_task.run_list);
	INIT_LIST_HEAD(&idle_task.thread_node);
	list_add(&idle_task.tasks, &task_list);
	idle_task.cpus_allowed = ~0ULL;
	for (int c = 0; c < NR_CPUS; c++) {
		spin_lock_init(&runqueues[c].lock, "runqueue");
		INIT_LIST_HEAD(&runqueues[c].queue);
	}
	runqueues[0].idle = &idle_task;
	cpu->rq = &runqueues[0];
	cpu->curr_task = &idle_task;
	cpu->kernel_rsp = (u64)boot_stack_bottom + BOOT_STACK_SIZE;
}

struct task_struct *alloc_idle_task(int cpu, struct page *stack)
{
	struct page *page = sizeof(struct task_struct) <= PAGE_SIZE ? alloc_page() : NULL;
	struct task_struct *t;

	if (!page || !stack) {
		if (page)
			__free_page(page);
		return NULL;
	}
	t = page_address(page);
	memset(t, 0, sizeof(*t));
	t->state = TASK_RUNNING;
	t->flags = PF_KTHREAD | PF_IDLE;
	t->cpu = cpu;
	t->on_cpu = 1;
	t->cpus_allowed = 1ULL << cpu;
	t->stack = page_address(stack);
	t->usage = 1;
	fl_snprintf(t->comm, sizeof(t->comm), "swapper/%d", cpu);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->thread_node);
	INIT_LIST_HEAD(&t->tasks);
	runqueues[cpu].idle = t;
	cpu_data[cpu].rq = &runqueues[cpu];
	return t;
}

__noreturn void cpu_idle(void)
{
	for (;;) {
		schedule();
		if (!this_cpu_read(rq)->nr)
			cpu_wait();
	}
}

static inline struct runqueue *this_rq(void)
{
	return this_cpu_read(rq);
}

bool cpu_has_work(void)
{
	return this_rq()->nr > 0;
}

/* cpu_is_idle - whether CPU @cpu runs its idle task (a hint: unlocked). */
static bool cpu_is_idle(int cpu)
{
	return cpu_data[cpu].curr_task == runqueues[cpu].idle;
}

static void enqueue_task(struct runqueue *rq, struct task_struct *t)
{
	list_add_tail(&t->run_list, &rq->queue);
	rq->nr++;
}

static void dequeue_task(struct runqueue *rq, struct task_struct *t)
{
	list_del(&t->run_list);
	rq->nr--;
}

/* first_allowed - the first online CPU @mask allows, or -1. */
static int first_allowed(u64 mask)
{
	u64 online = nr_cpus_online >= 64 ? ~0ULL : (1ULL << nr_cpus_online) - 1;

	mask &= online;
	return mask ? __builtin_ctzll(mask) : -1;
}

/* kick_idle_cpu - a task joined busy CPU @cpu's queue: wake an idle CPU its
 * affinity allows, which will take it (schedule's steal). */
static void kick_idle_cpu(const struct task_struct *t, int cpu)
{
	for (int c = 0; c < nr_cpus_online; c++) {
		if (c != cpu && (t->cpus_allowed >> c & 1) && cpu_is_idle(c)) {
			smp_send_reschedule(c);
			return;
		}
	}
}

/* enqueue_kick_unlock - the SMP half of enqueue_unlock: unlock, then have
 * CPU @cpu (idle) or an idle CPU that may take @t (@cpu busy) look. */
static void enqueue_kick_unlock(struct runqueue *rq, struct task_struct *t, int cpu)
{
	bool busy = !cpu_is_idle(cpu);

	spin_unlock(&rq->lock);
	if (cpu != (int)smp_processor_id() && !busy)
		smp_send_reschedule(cpu);
	else if (busy)
		kick_idle_cpu(t, cpu);
}

/* enqueue_unlock - with @rq, the queue of @t's CPU, locked: queue runnable
 * @t there and unlock. Inline: every wakeup and every fork ends here. */
static __attribute__((always_inline)) inline void enqueue_unlock(struct runqueue *rq,
								  struct task_struct *t)
{
	enqueue_task(rq, t);
	if (likely(nr_cpus_online == 1))
		spin_unlock(&rq->lock);
	else
		enqueue_kick_unlock(rq, t, t->cpu);
}

/* lock_task_rq - the queue of @t's CPU, locked (t->cpu may move under its
 * old queue's lock: try again then). */
static __attribute__((always_inline)) inline struct runqueue *lock_task_rq(struct task_struct *t)
{
	for (;;) {
		int cpu = t->cpu;
		struct runqueue *rq = &runqueues[cpu];

		spin_lock(&rq->lock);
		if (likely(t->cpu == cpu))
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* wake_idle - the idle task waits for its zombies: poke its CPU. */
static void wake_idle(struct task_struct *t)
{
	if (t != current)
		smp_send_reschedule(t->cpu);
}

/* wake_up_process - make @t runnable (no-op if it already is, or is dead)
 * on the CPU it last ran on, which its affinity always allows (see
 * sched_setaffinity). A task still running there on its way into
 * schedule() (on_cpu) is seen under that CPU's lock, which its switch
 * holds: it stays, and is never run twice. */
void wake_up_process(struct task_struct *t)
{
	struct runqueue *rq;

	/* runnable already: nothing to do (the waker made its condition
	 * visible first; a task only ever puts itself to sleep, and looks at
	 * the condition after setting its state) */
	if (t->state == TASK_RUNNING) {
		/* an idle task is always "running": it may be halted, though */
		if (unlikely(t->flags & PF_IDLE))
			wake_idle(t);
		return;
	}
	rq = lock_task_rq(t);
	if (t->state != TASK_INTERRUPTIBLE || t->on_cpu) {
		if (t->state == TASK_INTERRUPTIBLE)
			t->state = TASK_RUNNING;
		spin_unlock(&rq->lock);
		return;
	}
	t->state = TASK_RUNNING;
	atomic_inc(&nr_active);
	enqueue_unlock(rq, t);
}

void kick_process(struct task_struct *t)
{
	int cpu = *(volatile int *)&t->cpu;

	if (*(volatile int *)&t->on_cpu && cpu != (int)smp_processor_id())
		smp_send_reschedule(cpu);
}

/* wake_up_new_task - the last step of fork: the child joins the run queue
 * of the CPU it inherited from its parent (where the parent runs), or of
 * one its mask allows when the parent was being moved as it forked. */
void wake_up_new_task(struct task_struct *t)
{
	struct runqueue *rq;

	if (unlikely(!(t->cpus_allowed >> t->cpu & 1)))
		t->cpu = first_allowed(t->cpus_allowed);
	rq = &runqueues[t->cpu];
	t->state = TASK_RUNNING;
	t->on_cpu = 0;
	t->migrating = 0;
	atomic_inc(&nr_active);
	spin_lock(&rq->lock);
	enqueue_unlock(rq, t);
}

/* migrate_prev - finish_task_switch for a task sched_setaffinity flagged
 * while it ran: with this CPU's queue still locked, its CPU becomes one its
 * affinity allows (so a waker, which locks the queue of t->cpu and looks
 * again, finds it there); a runnable one is queued there. A sleeping or
 * dead one is not: its waker or reaper deals with it as with any other. */
static __attribute__((noinline)) void migrate_prev(struct task_struct *prev)
{
	bool runnable = prev->state == TASK_RUNNING, dead = prev->state == EXIT_DEAD;
	struct runqueue *rq;

	prev->migrating = 0;
	prev->cpu = first_allowed(prev->cpus_allowed);
	barrier();		/* its state read before on_cpu = 0 frees a zombie to its reaper */
	prev->on_cpu = 0;
	spin_unlock(&this_rq()->lock);
	if (dead) {
		release_task(prev);
	} else if (runnable) {
		rq = lock_task_rq(prev);
		enqueue_unlock(rq, prev);
	}
}

/* finish_task_switch - runs on the new task's stack, with this CPU's queue
 * lock handed over by schedule(): @prev is off the CPU now; a dead one can
 * give up the stack it was running on, one that must move is queued where
 * its affinity allows. @prev's state is read before its on_cpu is cleared:
 * from then on a zombie's parent on another CPU may reap and free it
 * (reap_zombie waits for on_cpu = 0), so a read after it was a
 * use-after-free that could take freed memory for an EXIT_DEAD task. */
static __attribute__((always_inline)) inline void finish_task_switch(struct task_struct *prev)
{
	barrier();
	if (unlikely(prev->migrating)) {
		migrate_prev(prev);
		return;
	}
	if (unlikely(prev->state == EXIT_DEAD)) {	/* tested first: see above */
		barrier();
		prev->on_cpu = 0;
		spin_unlock(&this_rq()->lock);
		release_task(prev);
		return;
	}
	barrier();
	prev->on_cpu = 0;
	spin_unlock(&this_rq()->lock);
}

/* schedule_tail - first code a new task runs (from ret_from_fork); a
 * CLONE_CHILD_SETTID child stores its tid in its own memory here, as in
 * Linux (from the parent, a fault on the child's copy-on-write page would
 * be resolved against the parent's mm). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	fork_probe_child_run(current->probe_row);
	current->probe_row = -1;
	if (unlikely(current->set_child_tid))
		put_user_u32(current->pid, current->set_child_tid);
}

static void context_switch(struct runqueue *rq, struct task_struct *prev,
			   struct task_struct *next)
{
	struct cpu_data *cpu = this_cpu();
	u64 top = (u64)next->stack + (next == &idle_task ? BOOT_STACK_SIZE : KSTACK_SIZE);
	struct task_struct *last;

	if (next->mm)			/* none: keep what is loaded (lazy TLB) */
		switch_mm(next->mm);
	if (next->thread.fsbase != prev->thread.fsbase)
		wrmsr(MSR_FS_BASE, next->thread.fsbase);
	if (!(prev->flags & PF_KTHREAD))
		fpu_save(&prev->thread);
	if (!(next->flags & PF_KTHREAD))
		fpu_restore(&next->thread);
	cpu->kernel_rsp = top;
	tss_set_rsp0(top);
	cpu->curr_task = next;
	spin_lock_handoff(&rq->lock, next);
	last = __switch_to_asm(&prev->thread.sp, next->thread.sp, prev);
	finish_task_switch(last);
}

/* steal_task - with @rq (ours) locked: a task waiting on another CPU's
 * queue that may run here, taken off it; NULL if there is none (or its
 * queue is busy: trylock, so two stealing CPUs never wait for each other). */
static struct task_struct *steal_task(struct runqueue *rq)
{
	int me = smp_processor_id();

	for (int c = 0; c < nr_cpus_online; c++) {
		struct runqueue *other = &runqueues[c];
		struct task_struct *t;

		if (other == rq || !other->nr || !spin_trylock(&other->lock))
			continue;
		list_for_each_entry(t, &other->queue, run_list) {
			if (t->cpus_allowed >> me & 1) {
				dequeue_task(other, t);
				t->cpu = me;
				spin_unlock(&other->lock);
				return t;
			}
		}
		spin_unlock(&other->lock);
	}
	return NULL;
}

void schedule(void)
{
	struct task_struct *prev = current, *next;
	struct runqueue *rq = this_rq();

	spin_lock(&rq->lock);
	if (!(prev->flags & PF_IDLE)) {
		if (prev->state != TASK_RUNNING)
			atomic_dec(&nr_active);		/* it sleeps, or is dead */
		else if (!prev->migrating)
			enqueue_task(rq, prev);	/* (a migrating one: migrate_prev) */
	}
	if (rq->nr) {
		next = list_first_entry(&rq->queue, struct task_struct, run_list);
		dequeue_task(rq, next);
	} else {
		next = nr_cpus_online > 1 ? steal_task(rq) : NULL;
		if (!next)
			next = rq->idle;
	}
	if (next == prev) {
		spin_unlock(&rq->lock);
		return;
	}
	next->on_cpu = 1;
	context_switch(rq, prev, next);
}

void cpu_wait(void)
{
	asm volatile("sti; hlt; cli" ::: "memory");
}

int sched_nr_active(void)
{
	return nr_active;
}

int sched_setaffinity(struct task_struct *t, u64 mask)
{
	struct runqueue *rq;
	int cpu = first_allowed(mask);
	bool requeue = false;

	if (cpu < 0)
		return -EINVAL;
	rq = lock_task_rq(t);
	t->cpus_allowed = mask;
	if (!(mask >> t->cpu & 1)) {
		if (t == current || t->on_cpu) {
			/* running (here or there): its CPU changes when it
			 * is switched out, under this lock (migrate_prev) */
			t->migrating = 1;
		} else {
			/* queued where it may no longer run, or asleep: its
			 * CPU changes under the old queue's lock, so a waker
			 * (lock_task_rq) tries again on the new one */
			if (t->state == TASK_RUNNING && !list_empty(&t->run_list)) {
				dequeue_task(rq, t);
				requeue = true;
			}
			t->cpu = cpu;
		}
	}
	spin_unlock(&rq->lock);
	if (requeue) {
		rq = lock_task_rq(t);
		enqueue_unlock(rq, t);
	}
	if (t == current && t->migrating)
		schedule();
	return 0;
}

void init_completion(struct completion *c)
{
	c->done = false;
	c->waiter = NULL;
}

/* wait_for_completion - sleep until complete(@c). The waiter is published
 * and the state set before done is read again, and complete() sets done
 * before it reads the waiter (full barriers on both sides), so a complete()
 * on another CPU is never missed. */
void wait_for_completion(struct completion *c)
{
	c->waiter = current;
	for (;;) {
		current->state = TASK_INTERRUPTIBLE;
		smp_mb();
		if (c->done)
			break;
		schedule();
	}
	current->state = TASK_RUNNING;
}

void complete(struct completion *c)
{
	struct task_struct *w;

	c->done = true;
	smp_mb();
	w = c->waiter;
	if (w)
		wake_up_process(w);
}

void sched_show_state(const struct pt_regs *regs)
{
	struct task_struct *t;

	printk("sched: CPU %u at %lx (%s), current pid %d\n", smp_processor_id(), regs->rip,
	       user_mode(regs) ? "user" : "kernel", current->pid);
	if (smp_processor_id() != 0)
		return;
	for (int c = 0; c < nr_cpus_online; c++)
		printk("sched: CPU %d: %d queued, running pid %d\n", c, runqueues[c].nr,
		       cpu_data[c].curr_task ? cpu_data[c].curr_task->pid : -1);
	list_for_each_entry(t, &task_list, tasks)
		printk("sched: pid %d state %d cpu %d on_cpu %d flags %x allowed %lx\n", t->pid,
		       t->state, t->cpu, t->on_cpu, t->flags, t->cpus_allowed);
}

struct spinlock *sched_rq_lock(int cpu)
{
	return &runqueues[cpu].lock;
}
