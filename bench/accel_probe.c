/* bench/accel_probe.c - mode=probe: three instructions that cost a few
 * cycles (rdtsc) to a few hundred (invlpg, a CR3 load) on hardware and under
 * a hardware-assisted KVM (EPT/NPT), but trap to the hypervisor under a
 * software or shadow-paging one (PVM, KVM's shadow MMU), where each costs
 * thousands of TSC ticks. The host turns the minima into a mode
 * (tools/forklablib/accel.py holds the thresholds). */
#include "accel_probe.h"
#include "lib/printk.h"
#include "mm/mm.h"
#include "timing.h"
#include "x86/sections.h"

#define ACCEL_PROBE_SAMPLES	64	/* minimum of this many: the first ones warm caches and TLBs */

/* the PML4 entry the probe rewrites: the last of the user half, which no
 * process uses in mode=probe (the boot tables are loaded, every user slot 0) */
#define PROBE_PGD_SLOT		255

/* min_rdtsc_pair - ticks of an empty open/close pair, minimum. */
static u64 min_rdtsc_pair(void)
{
	u64 best = UINT64_MAX;

	for (int i = 0; i < ACCEL_PROBE_SAMPLES; i++) {
		u64 t0 = tsc_open();

		best = MIN(best, tsc_close() - t0);
	}
	return best;
}

/* min_pte_write - ticks of writing an entry of the live PML4 (its own value
 * back: nothing changes, but a shadow-paging hypervisor write-protects every
 * table it shadows and must trap to see that) and an invlpg, minimum, less
 * the empty pair. */
static u64 min_pte_write(u64 pair)
{
	volatile u64 *slot = &boot_pml4[PROBE_PGD_SLOT];
	u64 best = UINT64_MAX;

	for (int i = 0; i < ACCEL_PROBE_SAMPLES; i++) {
		u64 v = *slot, t0 = tsc_open();

		*slot = v;
		asm volatile("invlpg (%0)" : : "r"(&boot_pml4[PROBE_PGD_SLOT]) : "memory");
		best = MIN(best, tsc_close() - t0);
	}
	return best > pair ? best - pair : 0;
}

/* min_cr3_reload - ticks of loading the boot tables' CR3 again, minimum,
 * less the empty pair. */
static u64 min_cr3_reload(u64 pair)
{
	u64 best = UINT64_MAX;

	for (int i = 0; i < ACCEL_PROBE_SAMPLES; i++) {
		u64 t0 = tsc_open();

		load_cr3(BOOT_PGD_PHYS);
		best = MIN(best, tsc_close() - t0);
	}
	return best > pair ? best - pair : 0;
}

void accel_probe(void)
{
	u64 pair = min_rdtsc_pair();

	printk("accel,rdtsc,%lu,pte_write,%lu,cr3,%lu,cycles\n", pair, min_pte_write(pair),
	       min_cr3_reload(pair));
}
