/* core/kernel/sched.c - a round-robin run queue, cooperative: tasks run until they
 * block (wait4, vfork), yield or exit. The boot context is the idle task. */
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

LIST_HEAD(task_list);
static LIST_HEAD(runqueue);
static int runqueue_len;
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
	t->stack = page_address(stack);
	t->usage = 1;
	fl_snprintf(t->comm, sizeof(t->comm), "swapper/%d", cpu);
	INIT_LIST_HEAD(&t->children);
	INIT_LIST_HEAD(&t->sibling);
	INIT_LIST_HEAD(&t->run_list);
	INIT_LIST_HEAD(&t->thread_node);
	INIT_LIST_HEAD(&t->tasks);
	return t;
}

__noreturn void cpu_idle(void)
{
	for (;;)
		asm volatile("sti; hlt; cli" ::: "memory");
}

int nr_running(void)
{
	return runqueue_len;
}

/* wake_up_process - make @t runnable (no-op if it already is queued). */
void wake_up_process(struct task_struct *t)
{
	if (t->state >= EXIT_ZOMBIE)
		return;
	t->state = TASK_RUNNING;
	if (t != current && list_empty(&t->run_list) && t != &idle_task) {
		list_add_tail(&t->run_list, &runqueue);
		runqueue_len++;
	}
}

/* wake_up_new_task - the last step of fork: the child joins the run queue. */
void wake_up_new_task(struct task_struct *t)
{
	wake_up_process(t);
}

/* finish_task_switch - runs on the new task's stack: a dead task switched
 * away from can now give up the stack it was running on. */
static void finish_task_switch(struct task_struct *prev)
{
	if (prev->state == EXIT_DEAD)
		release_task(prev);
}

/* schedule_tail - first code a new task runs (from ret_from_fork). */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
	fork_probe_child_run(current->probe_row);
	current->probe_row = -1;
}

static void context_switch(struct task_struct *prev, struct task_struct *next)
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
	last = __switch_to_asm(&prev->thread.sp, next->thread.sp, prev);
	finish_task_switch(last);
}

void schedule(void)
{
	struct task_struct *prev = current, *next;

	if (prev->state == TASK_RUNNING && prev != &idle_task) {
		list_add_tail(&prev->run_list, &runqueue);
		runqueue_len++;
	}
	if (list_empty(&runqueue)) {
		next = &idle_task;
	} else {
		next = list_first_entry(&runqueue, struct task_struct, run_list);
		list_del(&next->run_list);
		runqueue_len--;
	}
	if (next != prev)
		context_switch(prev, next);
}

void init_completion(struct completion *c)
{
	c->done = false;
	c->waiter = NULL;
}

/* wait_for_completion - sleep until complete(@c). */
void wait_for_completion(struct completion *c)
{
	while (!c->done) {
		c->waiter = current;
		current->state = TASK_INTERRUPTIBLE;
		schedule();
	}
}

void complete(struct completion *c)
{
	c->done = true;
	if (c->waiter)
		wake_up_process(c->waiter);
}
