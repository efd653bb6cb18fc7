/* tests/host/host_shim.c - what the kernel modules expect from the kernel, for
 * the host unit tests: vprintk (under lib/printf.c's printk) to stdout, panic
 * to stderr and abort. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int vprintk(const char *fmt, va_list ap)
{
	return vprintf(fmt, ap);
}

void panic(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "PANIC: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

/* the per-CPU slots (core/kernel/sched.c in the kernel): mm/ keeps loaded_cr3 there */
#include "x86/percpu.h"
struct cpu_data cpu_data[NR_CPUS];

/* current, for the spinlocks the modules take: a task of its own (never
 * dereferenced), as the kernel's idle task is before anything runs */
static char host_task;

__attribute__((constructor)) static void host_current(void)
{
	cpu_data[0].curr_task = (struct task_struct *)&host_task;
}

/* One CPU (core/x86/smpboot.c in the kernel): nothing is ever sent to
 * another, so a call here is a bug. */
int nr_cpus_online = 1;

void smp_send_ipi(int cpu, unsigned char vector)
{
	fprintf(stderr, "PANIC: host tests have one CPU, yet an IPI %#x went to CPU %d\n",
		vector, cpu);
	abort();
}
