/* core/lib/spinlock.c - the slow paths of spinlocks (see spinlock.h). */
#include "lib/spinlock.h"
#include "lib/panic.h"
#include "lib/printk.h"

/* weak: a host test may link no static lock at all */
extern struct spinlock *const __start_spinlocks[] __attribute__((weak));
extern struct spinlock *const __stop_spinlocks[] __attribute__((weak));

void (*spin_wait_poll)(void);

void __spin_lock_wait(struct spinlock *l, struct task_struct *me)
{
	u64 spins = 0;

	if (l->owner == me)
		spin_bug(l, "taken twice by its holder");
	do {
		while (l->owner) {
			cpu_relax();
			if (spin_wait_poll)
				spin_wait_poll();
			spins++;
		}
	} while (!try_claim(l, me));
	l->contended++;
	l->spins += spins;
}

#ifndef FORKLAB_HOST
/* __spin_lock_wait_thunk - __spin_lock_wait(rdi, rsi) with every other
 * register kept (spin_lock's contended call; the kernel has no red zone). */
asm(".text\n"
    ".global __spin_lock_wait_thunk\n"
    "__spin_lock_wait_thunk:\n\t"
    "push %rax\n\tpush %rcx\n\tpush %rdx\n\tpush %rsi\n\tpush %rdi\n\t"
    "push %r8\n\tpush %r9\n\tpush %r10\n\tpush %r11\n\t"
    "call __spin_lock_wait\n\t"
    "pop %r11\n\tpop %r10\n\tpop %r9\n\tpop %r8\n\t"
    "pop %rdi\n\tpop %rsi\n\tpop %rdx\n\tpop %rcx\n\tpop %rax\n\t"
    "ret\n");
#endif

__noreturn void spin_bug(struct spinlock *l, const char *what)
{
	panic("spinlock %s: %s (CPU %u)", l->name, what, smp_processor_id());
}

void spinlock_for_each_static(void (*fn)(struct spinlock *l, void *arg), void *arg)
{
	for (struct spinlock *const *p = __start_spinlocks; p < __stop_spinlocks; p++)
		fn(*p, arg);
}

void spinlock_stats_clear(struct spinlock *l, void *unused)
{
	(void)unused;
	l->acquisitions = l->contended = l->spins = 0;
}
