/* core/x86/smp.h - the CPUs: bringing up every CPU the firmware lists
 * (x86/smpboot.c), and which of them are online. */
#ifndef FORKLAB_SMP_H
#define FORKLAB_SMP_H

#include "lib/types.h"
#include "x86/percpu.h"

struct boot_info;

extern int nr_cpus_online;		/* CPUs 0 .. nr_cpus_online-1 run */
extern int nr_cpus_present;		/* CPUs the firmware listed */

/* smp_boot_cpus - start every CPU the firmware lists, up to @max (and
 * NR_CPUS): each runs start_secondary and then its idle loop. Prints one
 * line saying how many came up and where the list came from. */
void smp_boot_cpus(const struct boot_info *bi, int max);
/* smp_send_ipi - interrupt CPU @cpu with @vector. */
void smp_send_ipi(int cpu, u8 vector);
/* start_secondary - C entry of a started CPU (x86/trampoline.S). */
__noreturn void start_secondary(void);

#endif
