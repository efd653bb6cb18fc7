/* tests/host/fakecpu/x86/io.h - core/x86/io.h for host tests of code that programs the
 * CPU (bench/pmu.c): CPUID answers and MSRs come from a model the test
 * sets up, every MSR access is logged, and an access the model does not
 * have is counted as a fault (#GP on hardware, #UD/ignored under TCG). */
#ifndef FORKLAB_IO_H
#define FORKLAB_IO_H

#include "lib/types.h"

#define FAKE_MSRS	32
#define FAKE_LOG	64

struct fake_cpu {
	u32 max_leaf;			/* CPUID leaf 0 eax */
	u32 leaf_a[4];			/* CPUID leaf 0xA eax..edx */
	u32 msr_nr[FAKE_MSRS];		/* the MSRs this model has */
	u64 msr_val[FAKE_MSRS];
	int nr_msrs;
	struct { u32 msr; u64 val; bool write; } log[FAKE_LOG];
	int nr_log;
	int faults;			/* accesses to an MSR the model lacks */
};

extern struct fake_cpu fake_cpu;

static inline int fake_msr_slot(u32 msr)
{
	for (int i = 0; i < fake_cpu.nr_msrs; i++)
		if (fake_cpu.msr_nr[i] == msr)
			return i;
	return -1;
}

static inline void fake_log(u32 msr, u64 val, bool write)
{
	if (fake_cpu.nr_log < FAKE_LOG) {
		fake_cpu.log[fake_cpu.nr_log].msr = msr;
		fake_cpu.log[fake_cpu.nr_log].val = val;
		fake_cpu.log[fake_cpu.nr_log].write = write;
		fake_cpu.nr_log++;
	}
}

static inline u64 rdmsr(u32 msr)
{
	int i = fake_msr_slot(msr);

	fake_log(msr, 0, false);
	if (i < 0) {
		fake_cpu.faults++;
		return 0;
	}
	return fake_cpu.msr_val[i];
}

static inline void wrmsr(u32 msr, u64 v)
{
	int i = fake_msr_slot(msr);

	fake_log(msr, v, true);
	if (i < 0)
		fake_cpu.faults++;
	else
		fake_cpu.msr_val[i] = v;
}

static inline void cpuid_count(u32 leaf, u32 sub, u32 *a, u32 *b, u32 *c, u32 *d)
{
	(void)sub;
	*a = *b = *c = *d = 0;
	if (leaf == 0)
		*a = fake_cpu.max_leaf;
	else if (leaf == 0xa && leaf <= fake_cpu.max_leaf) {
		*a = fake_cpu.leaf_a[0];
		*b = fake_cpu.leaf_a[1];
		*c = fake_cpu.leaf_a[2];
		*d = fake_cpu.leaf_a[3];
	}
}

#endif
