/* core/kernel/sched.h - task_struct, the run queue and context switching. */
#ifndef FORKLAB_SCHED_H
#define FORKLAB_SCHED_H

#include "lib/list.h"
#include "lib/spinlock.h"
#include "x86/percpu.h"
#include "x86/ptrace.h"
#include "x86/processor.h"
#include "uapi/resource.h"

#define KSTACK_SIZE		16384		/* Linux's THREAD_SIZE on x86-64 */
#define KSTACK_ORDER		2		/* KSTACK_SIZE in pages, as a buddy order */
#define STACK_END_MAGIC		0x57ac6e9dUL
#define TASK_COMM_LEN		16
#define TASKSIZE_DEFAULT	8384		/* Linux 6.1 (Debian cloud) task_struct objsize in /proc/slabinfo under QEMU -cpu max: what arch_dup_task_struct copies */
#define TASKSIZE_MAX		65536
#define NR_OPEN_DEFAULT		64
#define _NSIG			64

/* task states */
#define TASK_RUNNING		0
#define TASK_INTERRUPTIBLE	1
#define EXIT_ZOMBIE		16
#define EXIT_DEAD		32

/* task flags */
#define PF_KTHREAD		(1 << 0)
#define PF_EXITING		(1 << 1)
#define PF_GROUP_KILL		(1 << 2)	/* the group is being killed: exit at the next way to user mode */
#define PF_IDLE			(1 << 3)	/* a CPU's idle task */

struct completion {
	bool done;
	struct task_struct *waiter;
};

struct file;

/* The file-descriptor table (fs/fdtable.c). Only fd[0 .. max_fds) is
 * meaningful (a NULL there: a free descriptor); what lies above is not
 * read, so that fork copies only the descriptors in use. file_lock guards
 * the table while CLONE_FILES shares it (count > 1). */
struct files_struct {
	int count;
	int max_fds;			/* one past the highest descriptor in use */
	u64 close_on_exec;		/* bit n: FD_CLOEXEC of fd n */
	struct spinlock file_lock;
	struct file *fd[NR_OPEN_DEFAULT];
};

struct fs_struct {
	int users;
	int umask;
	char cwd[64];
};

struct k_sigaction {
	u64 handler, flags, restorer, mask;
};

struct sighand_struct {
	int count;
	struct k_sigaction action[_NSIG];
};

/* Resource limits, per thread group as in Linux (uapi/resource.h); forklab
 * enforces RLIMIT_NPROC (fork) and reports the rest. */
struct rlimit {
	u64 rlim_cur, rlim_max;
};

struct signal_struct {
	int sigcnt;			/* references */
	int live;			/* live threads */
	int nr_threads;
	int group_exit_code;
	struct list_head thread_head;
	/* the group is being killed (under tasklist_lock): by exit_group or
	 * a fatal trap, every thread marked PF_GROUP_KILL; by one thread's
	 * execve (de_thread), every thread but that one */
	bool group_exit;
	struct rlimit rlim[RLIM_NLIMITS];	/* last: copy_signal zeroes what precedes it */
};

struct pid;
struct mm_struct;
struct page;

struct task_struct {
	int state;
	u32 flags;
	void *stack;			/* KSTACK_SIZE bytes; STACK_END_MAGIC at the bottom */
	int usage;			/* references: the task itself + its parent/reaper */
	int pid;			/* thread id */
	int tgid;			/* thread-group id (the leader's pid) */
	struct pid *thread_pid;
	int exit_code;			/* wait4 status word */
	int exit_signal;		/* SIGCHLD for processes, -1 for threads */
	struct task_struct *real_parent;
	struct task_struct *group_leader;
	struct list_head children;
	struct list_head sibling;
	struct list_head thread_node;	/* signal->thread_head */
	struct list_head run_list;	/* the run queue */
	struct list_head tasks;		/* every task */
	struct mm_struct *mm;
	struct files_struct *files;
	struct fs_struct *fs;
	struct sighand_struct *sighand;
	struct signal_struct *signal;
	struct completion *vfork_done;
	int cpu;			/* the CPU it runs on, or last ran on */
	int on_cpu;			/* running, or not yet switched out */
	/* set under its queue's lock while it runs on a CPU its new affinity
	 * excludes (sched_setaffinity): the switch away from it moves it */
	int migrating;
	u64 cpus_allowed;		/* affinity: bit n, CPU n (sched_setaffinity) */
	long probe_row;			/* fork probe log row of the call that made it, or -1 */
	u64 set_child_tid, clear_child_tid;	/* user addresses */
	u64 robust_list;		/* set_robust_list's head (stored, not walked) */
	struct thread_struct thread;
	char comm[TASK_COMM_LEN];
	/* padding up to tasksize= follows the struct in the same object */
};

static inline struct task_struct *get_current(void) { return this_cpu_read_stable(curr_task); }
#define current get_current()

static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)((char *)t->stack + KSTACK_SIZE) - 1;
}

extern struct list_head task_list;
extern struct task_struct *init_task_p;	/* pid 1, the reaper of orphans */

/* delay_group_leader - whether zombie @p leads a thread group some of whose
 * threads still run: it may not be reaped yet (Linux's rule). Reaping it
 * freed the task_struct its threads still use as group_leader: getppid in
 * such a thread read freed memory (found by the fuzzer: a kernel #PF). */
static inline bool delay_group_leader(struct task_struct *p)
{
	return p->group_leader == p && *(volatile int *)&p->signal->live > 0;
}
/* The idle task (pid 0) is padded like every task_struct, since fork copies
 * task_struct_size() bytes from its parent and pid 1 is forked from it. */
union idle_task_storage {
	struct task_struct task;
	u8 pad[TASKSIZE_MAX];
};
extern union idle_task_storage idle_storage;
#define idle_task (idle_storage.task)

void sched_init(void);
/* alloc_idle_task - the idle task of CPU @cpu (not the boot CPU), running
 * on the KSTACK_SIZE stack @stack; NULL without memory or stack. */
struct task_struct *alloc_idle_task(int cpu, struct page *stack);
/* cpu_idle - what a CPU does when it has nothing to run: halt until an
 * interrupt. Never returns. */
__noreturn void cpu_idle(void);
void wake_up_process(struct task_struct *t);
void wake_up_new_task(struct task_struct *t);
/* schedule - run the next runnable task; returns when current runs again. */
void schedule(void);
/* __switch_to_asm - save callee-saved state in *@prev_sp, resume at
 * @next_sp; returns the task that ran before the resumed one (x86/entry.S). */
struct task_struct *__switch_to_asm(u64 *prev_sp, u64 next_sp, struct task_struct *prev);
void ret_from_fork(void);
/* The switch frame __switch_to_asm pops, below a new task's pt_regs. */
struct inactive_task_frame {
	u64 r15, r14, r13, r12, rbx, rbp;
	u64 ret_addr;
};
void schedule_tail(struct task_struct *prev);

/* cpu_has_work - whether this CPU's queue holds a task waiting to run. */
bool cpu_has_work(void);
/* cpu_wait - halt with interrupts on until one arrives (an IPI, the tick). */
void cpu_wait(void);
/* sched_nr_active - tasks running or waiting to run on any CPU, idle
 * tasks not counted (exact at every instant). */
int sched_nr_active(void);
/* sched_rq_lock - CPU @cpu's run-queue lock (for its statistics). */
struct spinlock *sched_rq_lock(int cpu);
/* sched_setaffinity - @t may run only on the CPUs of @mask from now on
 * (current moves at once if it must); 0, or -EINVAL for no online CPU. */
int sched_setaffinity(struct task_struct *t, u64 mask);
/* sched_show_state - print this CPU's interrupted place (@regs) and, on
 * CPU 0, every run queue and task: what an NMI asks for. */
void sched_show_state(const struct pt_regs *regs);
/* smp_send_reschedule - make CPU @cpu look at its queue (an IPI). */
void smp_send_reschedule(int cpu);
/* kick_process - if @t runs on another CPU, interrupt it there (a
 * reschedule IPI), so that a task in user mode enters the kernel and sees
 * what was asked of it (Linux's kick_process). A hint: @t may have left
 * that CPU, or reach it just after, by then. */
void kick_process(struct task_struct *t);

void init_completion(struct completion *c);
void wait_for_completion(struct completion *c);
void complete(struct completion *c);


#endif
