/* core/x86/layout.h - where things live in physical and virtual memory.
 * Shared by assembly and C: only #defines here. */
#ifndef FORKLAB_LAYOUT_H
#define FORKLAB_LAYOUT_H

/* Physical load address of the kernel image (the boot section comes first). */
#define KERNEL_PHYS		0x100000
/* The kernel image is linked in the top 2 GiB (-mcmodel=kernel), like Linux:
 * virtual KERNEL_VMA + x maps physical x for the first 1 GiB. */
#define KERNEL_VMA		0xffffffff80000000
/* Direct map of all RAM at a fixed offset (Linux's page_offset_base). */
#define PAGE_OFFSET		0xffff888000000000
/* How much RAM the boot page tables map in the direct map (2 MiB pages). */
#define BOOT_DIRECT_MAP_GB	4
/* User space: the lower canonical half. */
#define USER_SPACE_END		0x0000800000000000

#define KERNEL_CS		0x08
#define KERNEL_DS		0x10
#define USER32_CS		0x18	/* STAR base for sysret: user SS = +8, CS = +16 */
#define USER_DS			0x20
#define USER_CS			0x28
#define TSS_SEL			0x30

#define BOOT_STACK_SIZE		16384

/* Where a CPU started by INIT/SIPI begins, in real mode (x86/trampoline.S is
 * copied here): page-aligned, below 1 MiB, in memory the kernel never hands
 * out (the first MiB is reserved). */
#define TRAMPOLINE_PHYS		0x8000

#define MULTIBOOT1_MAGIC	0x2badb002	/* in eax from a multiboot1 loader */
#define MULTIBOOT2_MAGIC	0x36d76289	/* in eax from a multiboot2 loader */

#endif
