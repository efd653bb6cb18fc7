/* core/init/multiboot.h - what the bootloader told us, whichever protocol. */
#ifndef FORKLAB_MULTIBOOT_H
#define FORKLAB_MULTIBOOT_H

#include "init/memmap.h"

#define BOOT_CMDLINE_MAX	1024
#define BOOT_MODULES_MAX	16

struct boot_module {
	u64 start, end;			/* physical [start, end) */
	char cmdline[128];
};

struct boot_info {
	int protocol;			/* 1 or 2 */
	char loader[64];		/* bootloader name, if given */
	char cmdline[BOOT_CMDLINE_MAX];
	bool cmdline_truncated;
	struct memmap ram;		/* usable RAM as reported (not yet reserved) */
	u64 ram_reported;		/* bytes of usable RAM the loader reported */
	int nr_modules;
	struct boot_module modules[BOOT_MODULES_MAX];
	u64 info_start, info_end;	/* physical extent of the loader's structures */
	u64 rsdp;			/* a copy of the ACPI RSDP the loader gave (mb2), or 0 */
};

/* multiboot_parse - fill @bi from the loader's @magic and @info_phys (read
 * through the direct map). Returns 0 or -EINVAL for an unknown magic. */
int multiboot_parse(u32 magic, u64 info_phys, struct boot_info *bi);

/* What kmain parsed at boot (init/main.c), and the RAM left for the page
 * allocator after the kernel, the loader's data and the modules. */
extern struct boot_info boot_info_parsed;
extern struct memmap usable_ram;

#endif
