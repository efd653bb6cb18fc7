/* core/kernel/sys.c - the small system calls about the calling task: its
 * ids, yielding, its TLS base (arch_prctl), its clear-tid address, and the
 * thread group's resource limits (getrlimit, setrlimit, prlimit64), and
 * which CPUs it may run on (sched_setaffinity, sched_getaffinity) and which
 * it runs on (getcpu), and its robust-futex list (set/get_robust_list). */
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "pid/pid.h"
#include "x86/smp.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "x86/uaccess.h"
#include "uapi/futex.h"

#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003

long sys_getpid(void) { return current->tgid; }
long sys_gettid(void) { return current->pid; }
long sys_getppid(void) { return current->group_leader->real_parent->tgid; }

long sys_sched_yield(void)
{
	schedule();
	return 0;
}

long sys_arch_prctl(u64 code, u64 addr)
{
	switch (code) {
	case ARCH_SET_FS:
		if (addr >= USER_SPACE_END)
			return -EPERM;
		current->thread.fsbase = addr;
		wrmsr(MSR_FS_BASE, addr);
		return 0;
	case ARCH_GET_FS:
		return put_user_u64(current->thread.fsbase, addr);
	}
	return -EINVAL;
}

long sys_set_tid_address(u64 tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

/* do_prlimit - read and/or set one of the calling thread group's limits;
 * forklab has one user and lets it raise a hard limit (as root may). */
static long do_prlimit(unsigned int resource, u64 unew, u64 uold)
{
	struct rlimit *rlim, new;

	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	rlim = &current->signal->rlim[resource];
	if (unew) {
		if (copy_from_user(&new, unew, sizeof(new)))
			return -EFAULT;
		if (new.rlim_cur > new.rlim_max)
			return -EINVAL;
	}
	if (uold && copy_to_user(uold, rlim, sizeof(*rlim)))
		return -EFAULT;
	if (unew)
		*rlim = new;
	return 0;
}

long sys_getrlimit(u64 resource, u64 uold)
{
	return do_prlimit((unsigned int)resource, 0, uold);
}

long sys_setrlimit(u64 resource, u64 unew)
{
	return do_prlimit((unsigned int)resource, unew, 0);
}

long sys_prlimit64(u64 pid, u64 resource, u64 unew, u64 uold)
{
	if (pid && (int)pid != current->tgid)
		return -ESRCH;		/* no other process's limits */
	return do_prlimit((unsigned int)resource, unew, uold);
}

/* affinity_task - the task @pid names (0: the caller), or NULL. */
static struct task_struct *affinity_task(u64 pid)
{
	struct pid *p;

	if (!pid || (int)pid == current->pid)
		return current;
	p = find_pid((int)pid);
	return p ? p->task : NULL;
}

/* sys_sched_setaffinity - @pid may run only on the CPUs of the mask at
 * @umask (@len bytes, at least 8: CPU n is bit n); 0, -EFAULT, -EINVAL (no
 * online CPU in it), -ESRCH. */
long sys_sched_setaffinity(u64 pid, u64 len, u64 umask)
{
	struct task_struct *t = affinity_task(pid);
	u64 mask;

	if (!t)
		return -ESRCH;
	if (len < sizeof(mask))
		return -EINVAL;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	return sched_setaffinity(t, mask);
}

/* sys_sched_getaffinity - the mask into @umask; the bytes written (8), or
 * -EFAULT, -EINVAL (@len < 8), -ESRCH. */
long sys_sched_getaffinity(u64 pid, u64 len, u64 umask)
{
	struct task_struct *t = affinity_task(pid);
	u64 online = nr_cpus_online >= 64 ? ~0ULL : (1ULL << nr_cpus_online) - 1;
	u64 mask;

	if (!t)
		return -ESRCH;
	if (len < sizeof(mask))
		return -EINVAL;
	mask = t->cpus_allowed & online;
	return copy_to_user(umask, &mask, sizeof(mask)) ? -EFAULT : (long)sizeof(mask);
}

/* sys_getcpu - the CPU the caller runs on into @ucpu, node 0 into @unode
 * (either may be 0: not wanted); 0 or -EFAULT. */
long sys_getcpu(u64 ucpu, u64 unode, u64 unused)
{
	(void)unused;
	if (ucpu && put_user_u32(smp_processor_id(), ucpu))
		return -EFAULT;
	if (unode && put_user_u32(0, unode))
		return -EFAULT;
	return 0;
}

/* sys_set_robust_list - remember the caller's robust-futex list head;
 * 0, or -EINVAL for a size that is not the x86-64 head's. The list is not
 * walked at exit (musl walks its own in pthread_exit; a process killed with
 * robust mutexes held leaves their owners' bits set). */
long sys_set_robust_list(u64 head, u64 len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	current->robust_list = head;
	return 0;
}

/* sys_get_robust_list - the head of @pid's list (0: the caller) into
 * *@uhead and its size into *@ulen; 0, -ESRCH, -EFAULT. */
long sys_get_robust_list(u64 pid, u64 uhead, u64 ulen)
{
	struct task_struct *t = affinity_task(pid);

	if (!t)
		return -ESRCH;
	if (put_user_u64(t->robust_list, uhead) || put_user_u64(ROBUST_LIST_HEAD_SIZE, ulen))
		return -EFAULT;
	return 0;
}
