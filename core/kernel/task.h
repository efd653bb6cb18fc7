/* core/kernel/task.h - process life cycle: fork (fork.c), exit and wait
 * (exit.c), exec (exec.c), the first user process (init_task.c). */
#ifndef FORKLAB_TASK_H
#define FORKLAB_TASK_H

#include "kernel/sched.h"
#include "uapi/sched.h"
#include "uapi/signal.h"


struct kernel_clone_args {
	u64 flags;
	int exit_signal;
	u64 stack;		/* new user stack pointer, 0: same as parent */
	u64 parent_tid;		/* user addresses for the *_SETTID/CLEARTID flags */
	u64 child_tid;
	u64 tls;
};

/* fork_init - create the object caches with the current allocator;
 * @tasksize is the task_struct object size (padding included). 0 or -ENOMEM. */
int fork_init(u32 tasksize);
#define MIN_THREADS	20
#define MAX_THREADS	(1 << 22)
extern int nr_threads, max_threads;
/* tasklist_lock - the task list, parent/child and thread-group linkage,
 * nr_threads, and the exit states a parent waits for (kernel/exit.c). */
extern struct spinlock tasklist_lock;
void set_max_threads(u64 total_pages, u64 limit);
/* fork_exit - destroy the caches (every task but idle must be gone). */
void fork_exit(void);
u64 fork_live_objects(void);
u32 task_struct_size(void);

long kernel_clone(struct kernel_clone_args *args);
struct task_struct *copy_process(struct kernel_clone_args *args);

__noreturn void do_exit(int code);
__noreturn void do_group_exit(int exit_code);
/* group_kill - the group exits with @exit_code at its threads' next return
 * to user mode, the caller's included (a fatal signal's effect). */
void group_kill(int exit_code);
/* signal_wake_up - @t (not current), marked PF_GROUP_KILL (then smp_mb),
 * is woken where it sleeps and interrupted where it runs on another CPU:
 * a task that sets its state and then looks at its flags misses neither.
 * Under tasklist_lock. */
void signal_wake_up(struct task_struct *t);

/* exit_killed - current's group is being killed: exit with the group's
 * code; a thread that another thread's execve ends first gives its
 * children to that thread. */
__noreturn void exit_killed(void);
/* exit_if_killed - exit here if current's group is being killed
 * (PF_GROUP_KILL: exit_group, a fatal trap, another thread's execve):
 * every way back to user mode that can meet a marked task asks. */
static inline void exit_if_killed(void)
{
	if (current->flags & PF_GROUP_KILL)
		exit_killed();
}

/* irqentry_exit_to_user_mode - an interrupt (the tick, a reschedule IPI)
 * that cut into user mode at @regs returns there: the task exits instead
 * if its group is being killed - a thread spinning in user mode makes no
 * system call that would notice - and lets a task waiting on this CPU run
 * first (true if it did). Nothing for an interrupted kernel. */
bool irqentry_exit_to_user_mode(const struct pt_regs *regs);
/* de_thread - at execve's point of no return, for a caller with other
 * threads: end each of them and wait until they are gone; a caller that
 * is not the leader takes the leader's pid, parent and place, and the
 * leader is released unreported (Linux's de_thread; kernel/de_thread.c).
 * 0, or -EAGAIN when the group is exiting already (the caller is marked
 * and exits with it on its way out of the call). A caller alone keeps its
 * exit signal (Linux makes it SIGCHLD; forklab reads only its sign). */
int de_thread(struct task_struct *tsk);
long do_wait4(int pid, u64 ustatus, int options);
/* release_task - free a dead task: pid, lists, stack, task_struct. */
void release_task(struct task_struct *p);
/* reap_zombie - release_task for a zombie child seen under tasklist_lock:
 * first waits until it is off its CPU (with SMP its parent can see it a
 * zombie while it still runs on another CPU, on its way into schedule()
 * on the stack release_task frees). */
void reap_zombie(struct task_struct *p);
/* free_task - give back a task's kernel stack and task_struct. */
void free_task(struct task_struct *p);
void exit_files(struct task_struct *tsk);
/* put_files_struct - drop one user of @files; the last closes its files. */
void put_files_struct(struct files_struct *files);
/* unshare_files - give current a table of its own if it shares one (exec);
 * the shared one in *@displaced (for put_files_struct), or NULL. 0 or -ENOMEM. */
int unshare_files(struct files_struct **displaced);
/* mm_release - a vfork parent is released, a CLONE_CHILD_CLEARTID word
 * cleared: @tsk is done with the memory it shared (exit and exec). */
void mm_release(struct task_struct *tsk);
void exit_fs(struct task_struct *tsk);
void put_sighand(struct sighand_struct *sh);
void put_signal(struct signal_struct *sig);

/* task_init_idle_objects - the idle task's files, fs, sighand and signal,
 * which pid 1 copies at fork (init_task.c). */
void task_init_idle_objects(void);
/* exec_into - give @p (not running) a new address space with the static
 * ELF @image of @size bytes loaded, registers set to enter it with @argv
 * (argv[0] its path) and an empty environment; 0 or -errno (-ENOEXEC for
 * a bad ELF, message printed). */
int exec_into(struct task_struct *p, const void *image, u64 size, const char *const *argv);

/* run_user_program - create pid 1 from the ELF @image with @argv, run until
 * every user task is gone; returns the wait status of pid 1, or -errno if
 * it could not start (message printed). */
int run_user_program(const void *image, u64 size, const char *const *argv);

#endif
