/* core/x86/percpu.h - per-CPU data. forklab runs on one CPU today, but per-CPU
 * state lives in real per-CPU slots indexed by smp_processor_id(), and the
 * system-call entry finds its slot through GS, so an SMP port changes only
 * smp_processor_id() and the bring-up code. */
#ifndef FORKLAB_PERCPU_H
#define FORKLAB_PERCPU_H

#define NR_CPUS 8

/* Offsets into struct cpu_data used by x86/entry.S (checked at build time). */
#define CPU_KERNEL_RSP	0
#define CPU_USER_RSP	8

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct task_struct;

struct cpu_data {
	u64 kernel_rsp;			/* top of current's kernel stack */
	u64 user_rsp;			/* scratch for the syscall entry */
	struct task_struct *curr_task;
	u64 loaded_cr3;			/* what CR3 holds (reading CR3 traps under shadow paging) */
	int cpu;
};

extern struct cpu_data cpu_data[NR_CPUS];

static inline unsigned int smp_processor_id(void) { return 0; }
static inline struct cpu_data *this_cpu(void) { return &cpu_data[smp_processor_id()]; }
#endif

#endif
