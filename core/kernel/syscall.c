/* core/syscall.c - the system-call table (Linux x86-64 numbers) and the
 * handlers that are not big enough for a file of their own. */
#include "kernel/syscall.h"
#include "x86/console.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "mm/mm.h"
#include "x86/uaccess.h"
#include "lib/printk.h"
#include "kernel/task.h"

#define NR_SYSCALLS	512
#define ARCH_SET_FS	0x1002
#define ARCH_GET_FS	0x1003
#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define EBADF		9
#define WRITE_CHUNK	256
#define IOV_MAX		1024
#define BRK_MAX		(1UL << 30)	/* heap limit */

typedef long (*syscall_fn)(u64, u64, u64, u64, u64, u64);

static u64 enosys_logged[NR_SYSCALLS / 64];

static long sys_write(u64 fd, u64 buf, u64 count, u64 a4, u64 a5, u64 a6)
{
	char chunk[WRITE_CHUNK];
	u64 done = 0;

	(void)a4, (void)a5, (void)a6;
	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < count) {
		u64 n = MIN(count - done, (u64)sizeof(chunk));

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

static long sys_writev(u64 fd, u64 iov, u64 iovcnt, u64 a4, u64 a5, u64 a6)
{
	long total = 0;

	if (iovcnt > IOV_MAX)
		return -EINVAL;
	for (u64 i = 0; i < iovcnt; i++) {
		struct { u64 base, len; } v;
		long r;

		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return -EFAULT;
		r = sys_write(fd, v.base, v.len, a4, a5, a6);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

static long sys_getpid(void) { return current->tgid; }
static long sys_gettid(void) { return current->pid; }
static long sys_getppid(void) { return current->group_leader->real_parent->tgid; }

static long sys_sched_yield(void)
{
	schedule();
	return 0;
}

static long sys_exit(u64 code)
{
	do_exit((code & 0xff) << 8);
}

static long sys_exit_group(u64 code)
{
	do_group_exit((code & 0xff) << 8);
}

static long sys_wait4(u64 pid, u64 status, u64 options)
{
	return do_wait4((int)pid, status, (int)options);
}

static long sys_fork(void)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

static long sys_vfork(void)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VFORK | CLONE_VM,
		.exit_signal = SIGCHLD,
	};

	return kernel_clone(&args);
}

/* clone(flags, newsp, parent_tidptr, child_tidptr, tls): the x86-64 order */
static long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
	struct kernel_clone_args args = {
		.flags = flags & ~CSIGNAL,
		.exit_signal = flags & CSIGNAL,
		.stack = newsp,
		.parent_tid = parent_tid,
		.child_tid = child_tid,
		.tls = tls,
	};

	return kernel_clone(&args);
}

static long sys_arch_prctl(u64 code, u64 addr)
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

static long sys_set_tid_address(u64 tidptr)
{
	current->clear_child_tid = tidptr;
	return current->pid;
}

/* sys_brk - move the end of the heap; returns the new break, or the old
 * one when the move is refused (Linux's convention). */
static long sys_brk(u64 brk)
{
	struct mm_struct *mm = current->mm;
	u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || brk > mm->start_brk + BRK_MAX)
		return mm->brk;
	if (new_end != old_end && vma_resize(mm, mm->start_brk, old_end, new_end))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

/* sys_mmap - private anonymous memory only, placed top-down. */
static long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off)
{
	struct mm_struct *mm = current->mm;
	u64 size = ALIGN_UP(len, PAGE_SIZE), start;
	int r;

	(void)off;
	if (!len || size < len || !(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE) ||
	    (long)fd != -1 || (prot & ~7UL))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		start = addr;
	} else {
		if (size > mm->mmap_top)
			return -ENOMEM;
		start = mm->mmap_top - size;
	}
	r = vma_add(mm, start, start + size, prot);
	if (r)
		return r == -EINVAL && !(flags & MAP_FIXED) ? -ENOMEM : r;
	if (!(flags & MAP_FIXED))
		mm->mmap_top = start;
	return start;
}

static long sys_munmap(u64 addr, u64 len)
{
	return vma_remove(current->mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
}

/* Signals are not modelled: handlers and masks are accepted and ignored,
 * which is what a program that never receives a signal can tell. */
static long sys_rt_sigaction(u64 sig, u64 act, u64 oact, u64 size)
{
	(void)act;
	if (sig == 0 || sig > 64 || size != 8)
		return -EINVAL;
	if (oact) {
		u64 zero[4] = { 0 };

		return copy_to_user(oact, zero, sizeof(zero));
	}
	return 0;
}

static long sys_rt_sigprocmask(u64 how, u64 set, u64 oset, u64 size)
{
	(void)set;
	if (how > 2 || size != 8)
		return -EINVAL;
	return oset ? put_user_u64(0, oset) : 0;
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

static long sys_getrlimit(u64 resource, u64 uold)
{
	return do_prlimit((unsigned int)resource, 0, uold);
}

static long sys_setrlimit(u64 resource, u64 unew)
{
	return do_prlimit((unsigned int)resource, unew, 0);
}

static long sys_prlimit64(u64 pid, u64 resource, u64 unew, u64 uold)
{
	if (pid && (int)pid != current->tgid)
		return -ESRCH;		/* no other process's limits */
	return do_prlimit((unsigned int)resource, unew, uold);
}

static long sys_ioctl(void)
{
	return -ENOTTY;
}

#define SC(nr, fn) [nr] = (syscall_fn)(void *)(fn)
static const syscall_fn syscall_table[NR_SYSCALLS] = {
	SC(__NR_write, sys_write),
	SC(__NR_mmap, sys_mmap),
	SC(__NR_munmap, sys_munmap),
	SC(__NR_brk, sys_brk),
	SC(__NR_rt_sigaction, sys_rt_sigaction),
	SC(__NR_rt_sigprocmask, sys_rt_sigprocmask),
	SC(__NR_ioctl, sys_ioctl),
	SC(__NR_writev, sys_writev),
	SC(__NR_sched_yield, sys_sched_yield),
	SC(__NR_getpid, sys_getpid),
	SC(__NR_clone, sys_clone),
	SC(__NR_fork, sys_fork),
	SC(__NR_vfork, sys_vfork),
	SC(__NR_exit, sys_exit),
	SC(__NR_wait4, sys_wait4),
	SC(__NR_getrlimit, sys_getrlimit),
	SC(__NR_getppid, sys_getppid),
	SC(__NR_setrlimit, sys_setrlimit),
	SC(__NR_prlimit64, sys_prlimit64),
	SC(__NR_arch_prctl, sys_arch_prctl),
	SC(__NR_gettid, sys_gettid),
	SC(__NR_set_tid_address, sys_set_tid_address),
	SC(__NR_exit_group, sys_exit_group),
};

/* do_syscall_64 - dispatch; unknown numbers get -ENOSYS, logged once each. */
void do_syscall_64(struct pt_regs *regs)
{
	u64 nr = regs->vector;
	syscall_fn fn = nr < NR_SYSCALLS ? syscall_table[nr] : NULL;

	if (fn) {
		regs->rax = fn(regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8, regs->r9);
	} else {
		if (nr >= NR_SYSCALLS || !(enosys_logged[nr / 64] & (1UL << (nr % 64)))) {
			printk("forklab: pid %d: syscall %lu not implemented (-ENOSYS)\n",
			       current->pid, nr);
			if (nr < NR_SYSCALLS)
				enosys_logged[nr / 64] |= 1UL << (nr % 64);
		}
		regs->rax = -ENOSYS;
	}
	if (current->flags & PF_GROUP_KILL)
		do_exit(current->signal->group_exit_code);
}

/* syscall_init - program the syscall MSRs (EFER.SCE is set at boot). */
void syscall_init(void)
{
	extern char entry_SYSCALL_64[];

	wrmsr(MSR_STAR, ((u64)USER32_CS << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SFMASK, 0x47700);	/* TF, DF, IF, NT, AC cleared on entry */
}
