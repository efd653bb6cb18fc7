/* core/kernel/signal.c - signals are not modelled: handlers and masks are
 * accepted and ignored, which is what a program that never receives a
 * signal can tell (musl's startup and posix_spawn ask for them). */
#include "kernel/syscalls.h"
#include "x86/uaccess.h"

long sys_rt_sigaction(u64 sig, u64 act, u64 oact, u64 size)
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

long sys_rt_sigprocmask(u64 how, u64 set, u64 oset, u64 size)
{
	(void)set;
	if (how > 2 || size != 8)
		return -EINVAL;
	return oset ? put_user_u64(0, oset) : 0;
}
