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
 * before rdtsc also waits for every earlier instruction to complete. A
 * build with -DFORKLAB_TSC_CLOSE_RDTSCP (make build/rdtscp/forklab.elf)
 * closes with rdtscp;lfence: RDTSCP reads once every earlier instruction
 * has executed, the lfence keeps later ones from starting first. It runs
 * under a genuine KVM (forklab nested); the kernel refuses it on a CPU
 * whose CPUID has no RDTSCP. */
#ifdef FORKLAB_TSC_CLOSE_RDTSCP
#define TSC_CLOSE_NAME	"rdtscp;lfence"
static inline uint64_t tsc_close(void)
{
	uint32_t lo, hi, aux;

	__asm__ volatile("rdtscp\n\tlfence" : "=a"(lo), "=d"(hi), "=c"(aux) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}
#else
#define TSC_CLOSE_NAME	"lfence;rdtsc;lfence"
static inline uint64_t tsc_close(void)
{
	uint32_t lo, hi;

	__asm__ volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
	return ((uint64_t)hi << 32) | lo;
}
#endif

#endif
