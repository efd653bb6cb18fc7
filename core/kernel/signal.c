/* core/kernel/signal.c - signals are not delivered: handlers are recorded
 * (so that oldact reads back, exec resets caught ones, and a pipe write
 * with no reader knows whether SIGPIPE is ignored) and masks are accepted
 * and ignored, which is what a program that never receives a signal can
 * tell (musl's startup and posix_spawn ask for them). */
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "x86/uaccess.h"

long sys_rt_sigaction(u64 sig, u64 act, u64 oact, u64 size)
{
	struct k_sigaction *k, new;

	if (sig == 0 || sig > _NSIG || size != 8)
		return -EINVAL;
	if (act && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (act && copy_from_user(&new, act, sizeof(new)))
		return -EFAULT;
	k = &current->sighand->action[sig - 1];
	if (oact && copy_to_user(oact, k, sizeof(*k)))
		return -EFAULT;
	if (act)
		*k = new;
	return 0;
}

long sys_rt_sigprocmask(u64 how, u64 set, u64 oset, u64 size)
{
	(void)set;
	if (how > 2 || size != 8)
		return -EINVAL;
	return oset ? put_user_u64(0, oset) : 0;
}
