/* core/x86/percpu.h - per-CPU data: one struct cpu_data per CPU, found
 * through GS (GS_BASE holds this CPU's slot while in the kernel; the
 * system-call and interrupt entries swapgs from user mode), as Linux's
 * this_cpu_* accessors do. A field read is one %gs-relative load, so the
 * single-CPU fast paths pay nothing for it. Host unit tests (FORKLAB_HOST)
 * have no GS: they see CPU 0's slot. */
#ifndef FORKLAB_PERCPU_H
#define FORKLAB_PERCPU_H

#define NR_CPUS 8
#define SMP_CACHE_BYTES	64	/* a cache line: the stride of per-CPU array slots */

/* Offsets into struct cpu_data used by x86/entry.S (checked at build time). */
#define CPU_KERNEL_RSP	0
#define CPU_USER_RSP	8

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct task_struct;
struct runqueue;
struct mm_struct;

struct cpu_data {
	u64 kernel_rsp;			/* top of current's kernel stack */
	u64 user_rsp;			/* scratch for the syscall entry */
	struct task_struct *curr_task;
	u64 loaded_cr3;			/* what CR3 holds (reading CR3 traps under shadow paging) */
	struct mm_struct *loaded_mm;	/* the mm whose tables those are, or NULL */
	struct cpu_data *self;		/* this slot's address (this_cpu) */
	int cpu;			/* its index: smp_processor_id() */
	u32 apic_id;			/* its local APIC's id */
	u64 slot_offset;		/* cpu * SMP_CACHE_BYTES (this_cpu_slot) */
	struct runqueue *rq;		/* its run queue (kernel/sched.c) */
	u64 pmm_min_free;		/* alloc_pages' floor (pmm_set_min_free) */
	int in_smp_call;		/* running a request of kernel/smp.c */
	/* its TSS (x86/desc.c): the rsp0 a trap from ring 3 switches to is
	 * one %gs-relative store away (tss_set_rsp0) */
	struct tss {
		u32 reserved0;
		u64 rsp[3];
		u64 reserved1;
		u64 ist[7];
		u64 reserved2;
		u16 reserved3;
		u16 iomap_base;
	} __packed tss __aligned(16);
};

extern struct cpu_data cpu_data[NR_CPUS];

#ifdef FORKLAB_HOST
static inline unsigned int smp_processor_id(void) { return 0; }
static inline struct cpu_data *this_cpu(void) { return &cpu_data[0]; }
#define this_cpu_read(field)		(cpu_data[0].field)
#define this_cpu_read_stable(field)	(cpu_data[0].field)
#define this_cpu_write(field, v)	(cpu_data[0].field = (v))
#else
/* this_cpu_read/this_cpu_write - one field of this CPU's slot, by GS. */
#define this_cpu_read(field) ({						\
	__typeof__(((struct cpu_data *)0)->field) __v;			\
	_Static_assert(sizeof(__v) == 8 || sizeof(__v) == 4, "percpu field size"); \
	asm volatile("mov %%gs:%c1, %0" : "=r"(__v)			\
		     : "i"(offsetof(struct cpu_data, field)));		\
	__v; })
/* this_cpu_read_stable - the same for a field that is the same whenever
 * the running task reads it (curr_task: a task is always current to
 * itself, whichever CPU it runs on), so the compiler may keep it. */
#define this_cpu_read_stable(field) ({					\
	__typeof__(((struct cpu_data *)0)->field) __v;			\
	asm("mov %%gs:%c1, %0" : "=r"(__v) : "i"(offsetof(struct cpu_data, field))); \
	__v; })
#define this_cpu_write(field, v) do {					\
	__typeof__(((struct cpu_data *)0)->field) __v = (v);		\
	asm volatile("mov %0, %%gs:%c1" : : "r"(__v),			\
		     "i"(offsetof(struct cpu_data, field)) : "memory");	\
	} while (0)
static inline unsigned int smp_processor_id(void) { return this_cpu_read(cpu); }
static inline struct cpu_data *this_cpu(void) { return this_cpu_read(self); }
#endif

/* this_cpu_slot - this CPU's element of @arr, an array [NR_CPUS] of
 * cache-line-sized elements (one %gs load: the offset is kept multiplied).
 * The load is not volatile, so the compiler may reuse it within a function:
 * only for code that cannot sleep between uses (the allocators' paths),
 * since a task that sleeps may wake on another CPU. */
#define this_cpu_slot(arr) ({						\
	_Static_assert(sizeof((arr)[0]) == SMP_CACHE_BYTES, "per-CPU slot size"); \
	(__typeof__(&(arr)[0]))((char *)(arr) + this_cpu_read_stable(slot_offset)); })

/* percpu_init - point GS at CPU @cpu's slot (which records its APIC id). */
void percpu_init(int cpu, u32 apic_id);
#endif

#endif
