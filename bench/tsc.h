/* bench/tsc.h - the two timestamps around a measured region, shared by the
 * kernel (bench/timing.h) and the user program (bench/user/bench.c), so
 * both time with the same instructions. Under QEMU -icount the TSC counts
 * guest instructions. Only <stdint.h>: the user program is built without
 * the kernel's headers. Both stay static inline: a call inside a timed
 * window would be counted. */
#ifndef FORKLAB_TSC_H
#define FORKLAB_TSC_H

#include <stdint.h>

/* tsc_open - lfence;rdtsc;lfence: earlier instructions complete before the
 * read, later ones start after it. */
static inline uint64_t tsc_open(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

/* tsc_close - lfence;rdtsc;lfence. The design asked for rdtscp;lfence, but
 * RDTSCP hangs the vCPU on the development machines' nested KVM; an lfence
 * before rdtsc also waits for every earlier instruction to complete. */
static inline uint64_t tsc_close(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}

#endif
