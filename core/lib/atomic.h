/* core/lib/atomic.h - the atomic operations SMP needs (x86: a lock prefix
 * on the same one instruction, so under icount an atomic increment costs
 * what a plain one does), barriers and cpu_relax. */
#ifndef FORKLAB_ATOMIC_H
#define FORKLAB_ATOMIC_H

#include "lib/types.h"

#define barrier()	asm volatile("" ::: "memory")
/* smp_mb - a full barrier: stores before it are visible before loads after
 * it (x86 reorders only a later load ahead of an earlier store). */
#define smp_mb()	asm volatile("lock addl $0, -8(%%rsp)" ::: "memory", "cc")
/* cpu_relax - in a spin wait: pause (under QEMU's round-robin TCG, as with
 * icount, it also hands the host thread to the next vCPU). */
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }

static inline void atomic_inc(int *v) { asm volatile("lock incl %0" : "+m"(*v) : : "cc"); }
static inline void atomic_dec(int *v) { asm volatile("lock decl %0" : "+m"(*v) : : "cc"); }
static inline void atomic_add(int *v, int n) { asm volatile("lock addl %1, %0" : "+m"(*v) : "ir"(n) : "cc"); }
static inline void atomic64_inc(u64 *v) { asm volatile("lock incq %0" : "+m"(*v) : : "cc"); }
static inline void atomic64_add(u64 *v, long n) { asm volatile("lock addq %1, %0" : "+m"(*v) : "er"(n) : "cc"); }
/* atomic_dec_and_test - decrement; true when it reached 0. */
static inline bool atomic_dec_and_test(int *v)
{
	bool zero;

	asm volatile("lock decl %0" : "+m"(*v), "=@ccz"(zero) : : "memory");
	return zero;
}
/* xchg - store @new in *@p and return what was there, atomically. */
static inline u32 xchg_u32(volatile u32 *p, u32 new)
{
	asm volatile("xchgl %0, %1" : "+r"(new), "+m"(*p) : : "memory");
	return new;
}

#endif
