/* bench/timing.h - cycle timestamps around a measured region:
 * lfence;rdtsc;lfence to open and to close (see tsc_close). Under QEMU
 * -icount the TSC counts guest instructions. */
#ifndef FORKLAB_TIMING_H
#define FORKLAB_TIMING_H

#include "lib/types.h"

static inline u64 tsc_open(void)
{
	u32 lo, hi;

	asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* tsc_close - lfence;rdtsc;lfence. The design asked for rdtscp;lfence, but
 * RDTSCP hangs the vCPU on the development machines' nested KVM; an lfence
 * before rdtsc also waits for every earlier instruction to complete. */
static inline u64 tsc_close(void)
{
	u32 lo, hi;

	asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((u64)hi << 32) | lo;
}

/* timer_calibrate - measure the cost of an empty open/close pair (min and
 * p50 of TIMER_SAMPLES); the min is what timed regions subtract.
 * timer_overhead() calibrates on its first call if nobody did. */
void timer_calibrate(void);
u64 timer_overhead(void);
u64 timer_overhead_p50(void);

/* tsc_khz - TSC frequency and where it came from ("cpuid 0x15",
 * "hypervisor 0x40000010", "pit"); invariant TSC from CPUID 0x80000007. */
u64 tsc_khz(const char **source, bool *invariant);

#endif
