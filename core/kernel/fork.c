/* core/kernel/fork.c - kernel_clone and copy_process, step by step as in Linux:
 * validate flags, dup_task_struct, copy or share files/fs/sighand/signal/mm,
 * copy_thread, alloc_pid, link the task in, wake_up_new_task. Every failure
 * unwinds through the ladder at the end of copy_process. */
#include "kernel/task.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "x86/uaccess.h"
#include "pid/pid.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "kernel/probe.h"
#include "kernel/failslab.h"
#include "lib/string.h"

#define FORK_PHASE_NAME(id, name, what)	[id] = name,
#define FORK_PHASE_DESC(id, name, what)	[id] = what,
const char *const fork_phase_names[NR_FORK_PROBES] = { FORK_PHASE_TABLE(FORK_PHASE_NAME) };
const char *const fork_phase_desc[NR_FORK_PROBES] = { FORK_PHASE_TABLE(FORK_PHASE_DESC) };
u64 fork_probe_scratch[NR_FORK_PROBES];
u64 *fork_probe_ts = fork_probe_scratch;
u64 fork_pmu_start[FORK_PMU_SLOTS];
struct fork_probe_log *fork_probe_log;

/* pages fork leaves free for page faults (pmm_min_free while kernel_clone
 * runs), so that a fork bomb ends in -ENOMEM instead of its parent failing a
 * copy-on-write fault on the very last page */
#define FORK_MIN_FREE_PAGES	256

static struct kmem_cache *task_struct_cachep;	/* task_struct + tasksize padding */
static struct kmem_cache *kstack_cachep;	/* KSTACK_SIZE kernel stacks */
static struct kmem_cache *files_cachep;		/* struct files_struct */
static struct kmem_cache *fs_cachep;		/* struct fs_struct */
static struct kmem_cache *sighand_cachep;	/* struct sighand_struct */
static struct kmem_cache *signal_cachep;	/* struct signal_struct */
static u32 task_size;

u32 task_struct_size(void)
{
	return task_size;
}

int nr_threads;			/* user tasks, zombies included */
int max_threads = MAX_THREADS;	/* fork fails with -EAGAIN beyond (set_max_threads) */

/* set_max_threads - Linux's default limit: task stacks may take at most an
 * eighth of @total_pages of RAM, and never fewer than MIN_THREADS tasks;
 * a non-zero @limit (max_threads=) replaces it. */
void set_max_threads(u64 total_pages, u64 limit)
{
	u64 threads = total_pages * PAGE_SIZE / (8 * KSTACK_SIZE);

	if (limit)
		threads = limit;
	max_threads = (int)MIN(MAX(threads, (u64)MIN_THREADS), (u64)MAX_THREADS);
}

int fork_init(u32 tasksize)
{
	/* whole quadwords, so that dup_task_struct copies with one rep movsq */
	task_size = ALIGN_UP(MAX(tasksize, (u32)sizeof(struct task_struct)), 8);
	task_struct_cachep = kmem_cache_create("task_struct", task_size, 64, NULL);
	kstack_cachep = kmem_cache_create("kernel_stack", KSTACK_SIZE, PAGE_SIZE, NULL);
	files_cachep = kmem_cache_create("files_cache", sizeof(struct files_struct), 64, NULL);
	fs_cachep = kmem_cache_create("fs_cache", sizeof(struct fs_struct), 64, NULL);
	sighand_cachep = kmem_cache_create("sighand_cache", sizeof(struct sighand_struct), 64, NULL);
	signal_cachep = kmem_cache_create("signal_cache", sizeof(struct signal_struct), 64, NULL);
	if (!task_struct_cachep || !kstack_cachep || !files_cachep || !fs_cachep ||
	    !sighand_cachep || !signal_cachep) {
		fork_exit();
		return -ENOMEM;
	}
	return 0;
}

/* fork_live_objects - objects allocated from the fork caches and not freed. */
u64 fork_live_objects(void)
{
	struct kmem_cache *caches[] = { task_struct_cachep, kstack_cachep, files_cachep,
					fs_cachep, sighand_cachep, signal_cachep };
	struct kmem_stats st;
	u64 live = 0;

	for (size_t i = 0; i < ARRAY_SIZE(caches); i++) {
		if (!caches[i])
			continue;
		kmem_cache_stats(caches[i], &st);
		live += st.live;
	}
	return live;
}

static void destroy_cache(struct kmem_cache **c)
{
	if (*c)
		kmem_cache_destroy(*c);
	*c = NULL;
}

void fork_exit(void)
{
	destroy_cache(&task_struct_cachep);
	destroy_cache(&kstack_cachep);
	destroy_cache(&files_cachep);
	destroy_cache(&fs_cachep);
	destroy_cache(&sighand_cachep);
	destroy_cache(&signal_cachep);
}

void free_task(struct task_struct *p)
{
	if (*(u64 *)p->stack != STACK_END_MAGIC)
		printk("forklab: pid %d overran its kernel stack\n", p->pid);
	kmem_cache_free(kstack_cachep, p->stack);
	kmem_cache_free(task_struct_cachep, p);
}

/* dup_task_struct - a new task_struct and kernel stack, the task_struct a
 * byte copy of @orig's (padding included, as arch_dup_task_struct does). */
static struct task_struct *dup_task_struct(struct task_struct *orig)
{
	struct task_struct *tsk;
	void *stack;

	if (should_fail(FAIL_TASK_STRUCT))
		return NULL;
	tsk = kmem_cache_alloc(task_struct_cachep);
	if (!tsk)
		return NULL;
	stack = should_fail(FAIL_KERNEL_STACK) ? NULL : kmem_cache_alloc(kstack_cachep);
	if (!stack) {
		kmem_cache_free(task_struct_cachep, tsk);
		return NULL;
	}
	if (!(orig->flags & PF_KTHREAD))
		fpu_save(&orig->thread);	/* the child starts with our registers */
	memcpy_q(tsk, orig, task_size / 8);
	tsk->stack = stack;
	*(u64 *)stack = STACK_END_MAGIC;
	tsk->usage = 2;		/* one for the task, one for whoever reaps it */
	return tsk;
}

static int copy_files(u64 clone_flags, struct task_struct *tsk)
{
	struct files_struct *old = current->files, *new;

	if (clone_flags & CLONE_FILES) {
		atomic_inc(&old->count);
		return 0;
	}
	new = should_fail(FAIL_FILES) ? NULL : kmem_cache_alloc(files_cachep);
	if (!new)
		return -ENOMEM;
	memcpy_q(new, old, sizeof(*new) / 8);	/* dup_fd */
	new->count = 1;
	tsk->files = new;
	return 0;
}

void exit_files(struct task_struct *tsk)
{
	struct files_struct *files = tsk->files;

	tsk->files = NULL;
	if (files && atomic_dec_and_test(&files->count))
		kmem_cache_free(files_cachep, files);
}

static int copy_fs(u64 clone_flags, struct task_struct *tsk)
{
	struct fs_struct *new;

	if (clone_flags & CLONE_FS) {
		atomic_inc(&current->fs->users);
		return 0;
	}
	new = should_fail(FAIL_FS) ? NULL : kmem_cache_alloc(fs_cachep);
	if (!new)
		return -ENOMEM;
	memcpy_q(new, current->fs, sizeof(*new) / 8);
	new->users = 1;
	tsk->fs = new;
	return 0;
}

void exit_fs(struct task_struct *tsk)
{
	struct fs_struct *fs = tsk->fs;

	tsk->fs = NULL;
	if (fs && atomic_dec_and_test(&fs->users))
		kmem_cache_free(fs_cachep, fs);
}

static int copy_sighand(u64 clone_flags, struct task_struct *tsk)
{
	struct sighand_struct *sig;

	if (clone_flags & CLONE_SIGHAND) {
		atomic_inc(&current->sighand->count);
		return 0;
	}
	sig = should_fail(FAIL_SIGHAND) ? NULL : kmem_cache_alloc(sighand_cachep);
	if (!sig)
		return -ENOMEM;
	memcpy_q(sig->action, current->sighand->action, sizeof(sig->action) / 8);
	sig->count = 1;
	tsk->sighand = sig;
	return 0;
}

void put_sighand(struct sighand_struct *sh)
{
	if (sh && atomic_dec_and_test(&sh->count))
		kmem_cache_free(sighand_cachep, sh);
}

static int copy_signal(u64 clone_flags, struct task_struct *tsk)
{
	struct signal_struct *sig;

	if (clone_flags & CLONE_THREAD) {
		atomic_inc(&current->signal->sigcnt);
		return 0;
	}
	sig = should_fail(FAIL_SIGNAL) ? NULL : kmem_cache_alloc(signal_cachep);
	if (!sig)
		return -ENOMEM;
	/* zero what is not copied: rlim is the last member */
	memset_q(sig, 0, offsetof(struct signal_struct, rlim) / 8);
	memcpy_q(sig->rlim, current->signal->rlim, sizeof(sig->rlim) / 8);
	sig->sigcnt = 1;
	INIT_LIST_HEAD(&sig->thread_head);
	tsk->signal = sig;
	return 0;
}

void put_signal(struct signal_struct *sig)
{
	if (sig && atomic_dec_and_test(&sig->sigcnt))
		kmem_cache_free(signal_cachep, sig);
}

static int copy_mm(u64 clone_flags, struct task_struct *tsk)
{
	struct mm_struct *mm;

	if (!current->mm)
		return 0;
	if (clone_flags & CLONE_VM) {
		atomic_inc(&current->mm->mm_users);
		return 0;
	}
	mm = dup_mm(current->mm);
	if (!mm)
		return -ENOMEM;
	tsk->mm = mm;
	return 0;
}

/* copy_thread - the child's registers: the parent's syscall frame with
 * rax = 0, a new stack and TLS if asked; below them a switch frame whose
 * return address is ret_from_fork. */
static void copy_thread(struct task_struct *p, struct kernel_clone_args *args)
{
	struct pt_regs *childregs = task_pt_regs(p);
	struct inactive_task_frame *frame = (struct inactive_task_frame *)childregs - 1;

	*childregs = *task_pt_regs(current);
	childregs->rax = 0;
	if (args->stack)
		childregs->rsp = args->stack;
	if (args->flags & CLONE_SETTLS)
		p->thread.fsbase = args->tls;
	*frame = (struct inactive_task_frame){ .ret_addr = (u64)ret_from_fork };
	p->thread.sp = (u64)frame;
}

/* check_clone_flags - Linux's rules; 0 or -EINVAL. */
static int check_clone_flags(u64 clone_flags)
{
	static bool ns_warned;

	if ((clone_flags & (CLONE_NEWNS | CLONE_FS)) == (CLONE_NEWNS | CLONE_FS))
		return -EINVAL;
	if ((clone_flags & (CLONE_NEWUSER | CLONE_FS)) == (CLONE_NEWUSER | CLONE_FS))
		return -EINVAL;
	/* thread groups share signal handlers; shared handlers imply shared VM */
	if ((clone_flags & CLONE_THREAD) && !(clone_flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((clone_flags & CLONE_SIGHAND) && !(clone_flags & CLONE_VM))
		return -EINVAL;
	if ((clone_flags & (CLONE_NEWUSER | CLONE_NEWPID)) &&
	    (clone_flags & (CLONE_THREAD | CLONE_PARENT)))
		return -EINVAL;
	if (clone_flags & CLONE_NAMESPACES) {
		if (!ns_warned)
			printk("forklab: namespaces are not modelled; clone with CLONE_NEW* "
			       "returns -EINVAL\n");
		ns_warned = true;
		return -EINVAL;
	}
	return 0;
}

/* the fixed-size copies above are whole quadwords (memcpy_q) */
_Static_assert(sizeof(struct files_struct) % 8 == 0, "files_struct in quadwords");
_Static_assert(sizeof(struct fs_struct) % 8 == 0, "fs_struct in quadwords");
_Static_assert(sizeof(((struct sighand_struct *)0)->action) % 8 == 0, "sigactions in quadwords");
_Static_assert(offsetof(struct signal_struct, rlim) % 8 == 0 &&
	       offsetof(struct signal_struct, rlim) + sizeof(((struct signal_struct *)0)->rlim) ==
	       sizeof(struct signal_struct), "signal_struct: rlim last, on a quadword");

struct task_struct *copy_process(struct kernel_clone_args *args)
{
	u64 clone_flags = args->flags;
	struct task_struct *p, *parent;
	struct pid *pid;
	int retval;

	retval = check_clone_flags(clone_flags);
	if (retval)
		return ERR_PTR(retval);
#ifdef FORKLAB_INJECT_SLOWDOWN
	/* make check proves the regression gate can fail: this build flag adds
	 * FORKLAB_INJECT_SLOWDOWN loop iterations to every copy_process */
	for (volatile int i = 0; i < FORKLAB_INJECT_SLOWDOWN; i++)
		;
#endif
	fork_probe(PH_FLAGS);

	p = dup_task_struct(current);
	if (!p)
		return ERR_PTR(-ENOMEM);
	/* a fork bomb stops here: the caller's RLIMIT_NPROC (one user, so all
	 * tasks count, zombies included), then the system-wide max_threads */
	retval = -EAGAIN;
	if ((u64)nr_threads >= current->signal->rlim[RLIMIT_NPROC].rlim_cur)
		goto bad_fork_free;
	if (nr_threads >= max_threads)
		goto bad_fork_free;
	fork_probe(PH_DUP);
	p->flags &= ~(PF_EXITING | PF_IDLE);	/* pid 1 is forked from an idle task */
	p->vfork_done = NULL;
	p->probe_row = -1;
	INIT_LIST_HEAD(&p->children);
	INIT_LIST_HEAD(&p->sibling);
	INIT_LIST_HEAD(&p->run_list);
	INIT_LIST_HEAD(&p->thread_node);
	p->set_child_tid = (clone_flags & CLONE_CHILD_SETTID) ? args->child_tid : 0;
	p->clear_child_tid = (clone_flags & CLONE_CHILD_CLEARTID) ? args->child_tid : 0;

	retval = copy_files(clone_flags, p);
	if (retval)
		goto bad_fork_free;
	retval = copy_fs(clone_flags, p);
	if (retval)
		goto bad_fork_cleanup_files;
	retval = copy_sighand(clone_flags, p);
	if (retval)
		goto bad_fork_cleanup_fs;
	retval = copy_signal(clone_flags, p);
	if (retval)
		goto bad_fork_cleanup_sighand;
	fork_probe(PH_SHARE);
	retval = copy_mm(clone_flags, p);
	if (retval)
		goto bad_fork_cleanup_signal;
	fork_probe(PH_MM);
	copy_thread(p, args);
	fork_probe(PH_THREAD);

	pid = should_fail(FAIL_PID) ? ERR_PTR(-EAGAIN) : alloc_pid();
	if (IS_ERR(pid)) {
		retval = PTR_ERR(pid);
		goto bad_fork_cleanup_mm;
	}
	fork_probe(PH_ALLOC_PID);
	p->thread_pid = pid;
	p->pid = pid->nr;
	if (clone_flags & CLONE_THREAD) {
		p->exit_signal = -1;
		p->group_leader = current->group_leader;
		p->tgid = current->tgid;
	} else {
		p->exit_signal = args->exit_signal;
		p->group_leader = p;
		p->tgid = p->pid;
	}

	/* CLONE_PARENT re-uses the old parent, as do threads */
	spin_lock(&tasklist_lock);
	parent = (clone_flags & (CLONE_PARENT | CLONE_THREAD)) ? current->real_parent : current;
	p->real_parent = parent;
	if (p == p->group_leader) {
		list_add_tail(&p->sibling, &parent->children);
		p->signal->nr_threads = 1;
		p->signal->live = 1;
		list_add_tail(&p->thread_node, &p->signal->thread_head);
	} else {
		current->signal->nr_threads++;
		atomic_inc(&current->signal->live);
		list_add_tail(&p->thread_node, &p->signal->thread_head);
	}
	list_add_tail(&p->tasks, &task_list);
	atomic_inc(&nr_threads);	/* atomic: release_task drops it unlocked */
	attach_pid(p);
	spin_unlock(&tasklist_lock);
	p->state = TASK_INTERRUPTIBLE;	/* not runnable until wake_up_new_task */
	fork_probe(PH_ATTACH);
	return p;

bad_fork_cleanup_mm:
	if (p->mm)
		mmput(p->mm);
bad_fork_cleanup_signal:
	if (!(clone_flags & CLONE_THREAD))
		put_signal(p->signal);
	else
		atomic_dec(&current->signal->sigcnt);
bad_fork_cleanup_sighand:
	put_sighand(p->sighand);
bad_fork_cleanup_fs:
	exit_fs(p);
bad_fork_cleanup_files:
	exit_files(p);
bad_fork_free:
	free_task(p);
	return ERR_PTR(retval);
}

long kernel_clone(struct kernel_clone_args *args)
{
	u64 clone_flags = args->flags;
	struct completion vfork;
	struct task_struct *p;
	int nr;

	fork_probe(PH_ENTRY);
	fork_probe_pmu_begin();
	fork_fail_window(true);
	pmm_set_min_free(FORK_MIN_FREE_PAGES);
	p = copy_process(args);
	pmm_set_min_free(0);
	fork_fail_window(false);
	if (IS_ERR(p))
		return PTR_ERR(p);
	nr = p->pid;
	if (clone_flags & CLONE_PARENT_SETTID)
		put_user_u32(nr, args->parent_tid);
	if (p->set_child_tid) {
		/* the child's own memory (for CLONE_VM the same as ours), used
		 * as Linux's kthread_use_mm does: current->mm too, since the
		 * fault handler resolves a copy-on-write or demand-zero fault
		 * in current->mm (it looped on the parent's otherwise: hung) */
		struct mm_struct *saved = current->mm;

		current->mm = p->mm;
		switch_mm(p->mm);
		put_user_u32(nr, p->set_child_tid);
		switch_mm(saved);
		current->mm = saved;
	}
	if (clone_flags & CLONE_VFORK) {
		p->vfork_done = &vfork;
		init_completion(&vfork);
	}
	p->probe_row = fork_probe_reserve();
	wake_up_new_task(p);
	fork_probe(PH_WAKE);
	fork_probe_commit();
	if (clone_flags & CLONE_VFORK)
		wait_for_completion(&vfork);
	return nr;
}
