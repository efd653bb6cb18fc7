/* core/lib/spinlock.h - spinlocks with statistics and owner checks. The
 * lock word is the holder (current; NULL: free), taken with one cmpxchg,
 * so the owner checks cost a compare: taking a lock twice and releasing
 * one that is not ours are caught, each with a panic naming the lock. The
 * kernel runs with interrupts off, so a lock is never taken from an
 * interrupt that cut into its holder: no irqsave variants. Each lock counts
 * acquisitions, the ones that had to wait, and the spins they waited
 * (spinlock_for_each_static visits the static ones). Waiting spins with pause, which
 * under QEMU's round-robin TCG (icount) lets the holder's vCPU run, and
 * services cross-CPU requests meanwhile (spin_wait_poll). */
#ifndef FORKLAB_SPINLOCK_H
#define FORKLAB_SPINLOCK_H

#include "lib/atomic.h"
#include "x86/percpu.h"

struct spinlock {
	struct task_struct *volatile owner;	/* the holder; NULL: free */
	const char *name;
	u64 acquisitions;		/* times taken */
	u64 contended;			/* times it had to wait */
	u64 spins;			/* pause loops spent waiting */
};

#define SPINLOCK_INIT(lockname)	{ .owner = NULL, .name = lockname }
/* DEFINE_SPINLOCK - a static lock, one spinlock_for_each_static visits. */
#define DEFINE_SPINLOCK(var)						\
	struct spinlock var = SPINLOCK_INIT(#var);			\
	static struct spinlock *const __spinlock_##var __used		\
	__section("spinlocks") __aligned(8) = &var

/* spin_lock_init - a lock made at run time (a cache's, a runqueue's). */
static inline void spin_lock_init(struct spinlock *l, const char *name)
{
	*l = (struct spinlock)SPINLOCK_INIT(name);
}

/* spin_lock_owner - who takes a lock: current, which is never NULL in the
 * kernel (each CPU's idle task from its first instruction of C). */
static inline struct task_struct *spin_lock_owner(void)
{
	return this_cpu_read_stable(curr_task);
}

/* held_by_current - whether @l's owner is current: one compare against
 * %gs (host tests: CPU 0's current). */
static __attribute__((always_inline)) inline bool held_by_current(const struct spinlock *l)
{
#ifdef FORKLAB_HOST
	return l->owner == cpu_data[0].curr_task;
#else
	bool same;

	asm("cmp %%gs:%c2, %1" : "=@ccz"(same)
	    : "r"(l->owner), "i"(offsetof(struct cpu_data, curr_task)));
	return same;
#endif
}

/* spin_wait_poll - called in every spin of a contended lock, when set: the
 * kernel services cross-CPU requests there (kernel/smp.c's smp_call_poll), since a
 * waiting CPU has interrupts off. */
extern void (*spin_wait_poll)(void);
/* __spin_lock_wait - the contended path: spin until @l is @me's. */
void __spin_lock_wait(struct spinlock *l, struct task_struct *me);
/* spin_bug - panic naming @l and what went wrong. */
__noreturn void spin_bug(struct spinlock *l, const char *what);

/* try_claim - @l from NULL to @me, atomically; true if it was free. */
static __attribute__((always_inline)) inline bool try_claim(struct spinlock *l,
							     struct task_struct *me)
{
	struct task_struct *old = NULL;
	bool ok;

	asm volatile("lock cmpxchgq %3, %1" : "+a"(old), "+m"(l->owner), "=@ccz"(ok)
		     : "r"(me) : "memory");
	return ok;
}

/* spin_lock - take @l (a lock its holder takes again is busy, so that
 * check is on the contended path). */
static __attribute__((always_inline)) inline void spin_lock(struct spinlock *l)
{
	struct task_struct *me = spin_lock_owner();

	if (unlikely(!try_claim(l, me))) {
#ifdef FORKLAB_HOST
		__spin_lock_wait(l, me);
#else
		/* through a thunk that saves every register it uses, as
		 * Linux's callee-save paravirt calls do: the fast path then
		 * keeps nothing in callee-saved registers for it */
		asm volatile("call __spin_lock_wait_thunk"
			     : : "D"(l), "S"(me) : "memory", "cc");
#endif
	}
	l->acquisitions++;
}

/* spin_trylock - take @l if it is free; true if taken. */
static __attribute__((always_inline)) inline bool spin_trylock(struct spinlock *l)
{
	if (l->owner || !try_claim(l, spin_lock_owner()))
		return false;
	l->acquisitions++;
	return true;
}

/* spin_unlock - release @l (panics unless the caller holds it). */
static __attribute__((always_inline)) inline void spin_unlock(struct spinlock *l)
{
	if (unlikely(!held_by_current(l)))
		spin_bug(l, "released by a task that does not hold it");
	barrier();
	l->owner = NULL;
}

/* spin_lock_handoff - @l, held by current, is released by @next (the
 * context switch: the runqueue lock is dropped by the task switched to). */
static inline void spin_lock_handoff(struct spinlock *l, struct task_struct *next)
{
	l->owner = next;
}

/* spin_is_locked - whether someone holds @l (for assertions). */
static inline bool spin_is_locked(const struct spinlock *l)
{
	return l->owner != NULL;
}

/* spinlock_for_each_static - @fn(lock, @arg) for every DEFINE_SPINLOCK lock
 * (the dynamic ones - run queues, caches - their owners list). */
void spinlock_for_each_static(void (*fn)(struct spinlock *l, void *arg), void *arg);
/* spinlock_stats_clear - zero @l's counters (fits spinlock_for_each_static;
 * for a run that reports its own, with nothing else running). */
void spinlock_stats_clear(struct spinlock *l, void *unused);

#endif
