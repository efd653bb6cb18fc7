/* core/x86/sections.h - what the linker script (boot/kernel.ld) and the
 * assembly files define for C: the image's bounds, the boot page tables and
 * stack (boot/boot.S), the entry points (x86/idt.S, x86/entry.S), the
 * tables collected from sections, and the embedded user program
 * (bench/embed.S). The one place C declares them. */
#ifndef FORKLAB_SECTIONS_H
#define FORKLAB_SECTIONS_H

#include "lib/selftest.h"
#include "x86/layout.h"
#include "x86/traps.h"

extern char _end_phys[];			/* physical end of the image, .bss included */
extern u64 boot_pml4[];				/* the boot page tables' PML4 (kernel half shared) */
extern char boot_stack_bottom[];		/* the boot stack: the idle task's */
extern char interrupt_stubs[];			/* 256 stubs, INTERRUPT_STUB_SIZE apart */
extern char entry_SYSCALL_64[];			/* the syscall instruction's target */
extern const struct exception_table_entry __ex_table_start[], __ex_table_end[];
extern const struct selftest __selftests_start[], __selftests_end[];
extern const u8 user_program_start[], user_program_end[];
extern const u8 parent_program_start[], parent_program_end[];	/* forklab-parent */

/* the boot PML4's physical address (it is in the image, not the direct map) */
#define BOOT_PGD_PHYS	((u64)boot_pml4 - KERNEL_VMA)

#endif
