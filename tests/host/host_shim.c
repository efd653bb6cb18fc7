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
