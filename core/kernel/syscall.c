/* core/kernel/syscall.c - the system-call table (Linux x86-64 numbers), the
 * dispatcher, and the process-life calls (fork, vfork, clone, exit,
 * exit_group, wait4); the other handlers live with their subsystems and
 * are declared in kernel/syscalls.h. */
#include "kernel/syscall.h"
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "x86/sections.h"

#define NR_SYSCALLS	512

typedef long (*syscall_fn)(u64, u64, u64, u64, u64, u64);

static u64 enosys_logged[NR_SYSCALLS / 64];

long sys_exit(u64 code)
{
	do_exit((code & 0xff) << 8);
}

long sys_exit_group(u64 code)
{
	do_group_exit((code & 0xff) << 8);
}

long sys_wait4(u64 pid, u64 status, u64 options)
{
	return do_wait4((int)pid, status, (int)options);
}

long sys_fork(void)
{
	struct kernel_clone_args args = { .exit_signal = SIGCHLD };

	return kernel_clone(&args);
}

long sys_vfork(void)
{
	struct kernel_clone_args args = {
		.flags = CLONE_VFORK | CLONE_VM,
		.exit_signal = SIGCHLD,
	};

	return kernel_clone(&args);
}

/* clone(flags, newsp, parent_tidptr, child_tidptr, tls): the x86-64 order.
 * A TLS base outside user space is -EPERM, as Linux's set_new_tls: the
 * switch to the child would load it into FS_BASE, which #GPs on a
 * non-canonical address. CLONE_PARENT from pid 1 is -EINVAL, as Linux
 * refuses it for init: the child would be the idle task's, reaped only
 * when the CPU idles, so a busy pid 1 filled RLIMIT_NPROC with zombies.
 * (Both found by the fuzzer.) */
long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls)
{
	struct kernel_clone_args args = {
		.flags = flags & ~CSIGNAL,
		.exit_signal = flags & CSIGNAL,
		.stack = newsp,
		.parent_tid = parent_tid,
		.child_tid = child_tid,
		.tls = tls,
	};

	if ((flags & CLONE_SETTLS) && tls >= USER_SPACE_END)
		return -EPERM;
	if ((flags & CLONE_PARENT) && current == init_task_p)
		return -EINVAL;
	return kernel_clone(&args);
}

#define SC(nr, fn) [nr] = (syscall_fn)(void *)(fn)
static const syscall_fn syscall_table[NR_SYSCALLS] = {
	SC(__NR_read, sys_read),
	SC(__NR_write, sys_write),
	SC(__NR_open, sys_open),
	SC(__NR_close, sys_close),
	SC(__NR_stat, sys_stat),
	SC(__NR_fstat, sys_fstat),
	SC(__NR_lstat, sys_stat),
	SC(__NR_lseek, sys_lseek),
	SC(__NR_mmap, sys_mmap),
	SC(__NR_mprotect, sys_mprotect),
	SC(__NR_munmap, sys_munmap),
	SC(__NR_brk, sys_brk),
	SC(__NR_rt_sigaction, sys_rt_sigaction),
	SC(__NR_rt_sigprocmask, sys_rt_sigprocmask),
	SC(__NR_ioctl, sys_ioctl),
	SC(__NR_readv, sys_readv),
	SC(__NR_writev, sys_writev),
	SC(__NR_pipe, sys_pipe),
	SC(__NR_sched_yield, sys_sched_yield),
	SC(__NR_dup, sys_dup),
	SC(__NR_dup2, sys_dup2),
	SC(__NR_madvise, sys_madvise),
	SC(__NR_getpid, sys_getpid),
	SC(__NR_clone, sys_clone),
	SC(__NR_fork, sys_fork),
	SC(__NR_vfork, sys_vfork),
	SC(__NR_execve, sys_execve),
	SC(__NR_exit, sys_exit),
	SC(__NR_wait4, sys_wait4),
	SC(__NR_fcntl, sys_fcntl),
	SC(__NR_getrlimit, sys_getrlimit),
	SC(__NR_getppid, sys_getppid),
	SC(__NR_setrlimit, sys_setrlimit),
	SC(__NR_prlimit64, sys_prlimit64),
	SC(__NR_arch_prctl, sys_arch_prctl),
	SC(__NR_gettid, sys_gettid),
	SC(__NR_futex, sys_futex),
	SC(__NR_sched_setaffinity, sys_sched_setaffinity),
	SC(__NR_sched_getaffinity, sys_sched_getaffinity),
	SC(__NR_set_tid_address, sys_set_tid_address),
	SC(__NR_exit_group, sys_exit_group),
	SC(__NR_openat, sys_openat),
	SC(__NR_newfstatat, sys_newfstatat),
	SC(__NR_dup3, sys_dup3),
	SC(__NR_pipe2, sys_pipe2),
	SC(__NR_set_robust_list, sys_set_robust_list),
	SC(__NR_get_robust_list, sys_get_robust_list),
	SC(__NR_getcpu, sys_getcpu),
	SC(__NR_close_range, sys_close_range),
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
	exit_if_killed();
}

/* syscall_init - program the syscall MSRs (EFER.SCE is set at boot). */
void syscall_init(void)
{
	wrmsr(MSR_STAR, ((u64)USER32_CS << 48) | ((u64)KERNEL_CS << 32));
	wrmsr(MSR_LSTAR, (u64)entry_SYSCALL_64);
	wrmsr(MSR_SFMASK, 0x47700);	/* TF, DF, IF, NT, AC cleared on entry */
}
