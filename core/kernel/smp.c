/* core/kernel/smp.c - running a function on other CPUs and waiting for it
 * (Linux's smp_call_function_many): one request at a time, sent by IPI.
 * The kernel runs with interrupts off, so a CPU that spins - for this, or
 * for any spinlock - also serves a request aimed at it (smp_call_poll), or
 * two CPUs could wait for each other forever. TLB shootdowns (mm/tlb.c)
 * and draining other CPUs' caches when memory runs out go through here. */
#include "kernel/smp.h"
#include "lib/atomic.h"
#include "lib/spinlock.h"
#include "x86/apic.h"
#include "x86/smp.h"

static struct {
	void (*fn)(void *arg);
	void *arg;
	volatile u64 pending;		/* CPUs yet to run fn */
} req;
static volatile u32 call_lock;
u64 nr_smp_calls;			/* requests sent (each to one or more CPUs) */

static inline void mask_clear(volatile u64 *mask, int cpu)
{
	asm volatile("lock btrq %1, %0" : "+m"(*mask) : "r"((u64)cpu) : "memory", "cc");
}

void smp_call_poll(void)
{
	int me = smp_processor_id();

	/* not again from inside fn (it may spin on a lock and poll) */
	if (!(req.pending >> me & 1) || this_cpu_read(in_smp_call))
		return;
	this_cpu_write(in_smp_call, 1);
	req.fn(req.arg);
	this_cpu_write(in_smp_call, 0);
	mask_clear(&req.pending, me);
}

void smp_call_function_many(u64 mask, void (*fn)(void *arg), void *arg)
{
	mask &= ~(1ULL << smp_processor_id());
	if (!mask)
		return;
	while (xchg_u32(&call_lock, 1))
		smp_call_poll();
	req.fn = fn;
	req.arg = arg;
	smp_mb();
	req.pending = mask;
	nr_smp_calls++;
	for (int cpu = 0; mask >> cpu; cpu++)
		if (mask >> cpu & 1)
			smp_send_ipi(cpu, CALL_FUNCTION_VECTOR);
	while (req.pending)
		cpu_relax();
	barrier();
	call_lock = 0;
}

void smp_call_function_others(void (*fn)(void *arg), void *arg)
{
	if (nr_cpus_online > 1)
		smp_call_function_many(nr_cpus_online >= 64 ? ~0ULL : (1ULL << nr_cpus_online) - 1,
				       fn, arg);
}
