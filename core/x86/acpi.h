/* core/x86/acpi.h - the CPUs the firmware describes: the ACPI MADT's local
 * APIC entries (the RSDP from the multiboot2 tag, else found by scanning
 * the EBDA and the BIOS area), else QEMU's fw_cfg CPU count. */
#ifndef FORKLAB_ACPI_H
#define FORKLAB_ACPI_H

#include "lib/types.h"

#define ACPI_MAX_CPUS	64

struct cpu_map {
	int nr;				/* CPUs found (enabled ones) */
	u32 apic_id[ACPI_MAX_CPUS];
	const char *source;		/* "ACPI MADT", "fw_cfg", "none" */
};

/* acpi_find_cpus - the enabled CPUs into @map; @rsdp is the physical
 * address of an RSDP the loader handed over, or 0 to search for one. */
void acpi_find_cpus(u64 rsdp, struct cpu_map *map);

#endif
