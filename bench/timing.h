/* bench/timing.h - cycle timestamps around a measured region: tsc_open and
 * tsc_close (bench/tsc.h, shared with the user program), the cost of an
 * empty pair, and the TSC frequency. */
#ifndef FORKLAB_TIMING_H
#define FORKLAB_TIMING_H

#include "lib/types.h"
#include "tsc.h"

/* timer_calibrate - measure the cost of an empty open/close pair (min and
 * p50 of TIMER_SAMPLES); the min is what timed regions subtract.
 * timer_overhead() calibrates on its first call if nobody did. */
void timer_calibrate(void);
u64 timer_overhead(void);
u64 timer_overhead_p50(void);

/* tsc_khz - TSC frequency and where it came from ("cpuid 0x15",
 * "hypervisor 0x40000010", "pit"); invariant TSC from CPUID 0x80000007. */
u64 tsc_khz(const char **source, bool *invariant);
/* cpu_has_rdtscp - CPUID 0x80000001 EDX bit 27. */
bool cpu_has_rdtscp(void);

#endif
