/* core/x86/trampoline.S - where a CPU started by INIT/SIPI begins. The
 * bytes between trampoline_start and trampoline_end are copied to
 * TRAMPOLINE_PHYS (below 1 MiB) and run there: real mode, protected mode,
 * then long mode on the trampoline page tables (the kernel's, plus an
 * identity map of the low memory this code runs from), and a jump to
 * secondary_startup_64 in the kernel proper with the stack smp_boot_cpus
 * left in the parameters at the end (struct trampoline_params). */
#include "x86/layout.h"

#define T(x)		(TRAMPOLINE_PHYS + ((x) - trampoline_start))
#define MSR_EFER	0xc0000080
#define TR_CODE32	0x08
#define TR_DATA		0x10
#define TR_CODE64	0x18

	.section .rodata
	.balign 16
	.global trampoline_start, trampoline_end, trampoline_params
	.code16
trampoline_start:
	cli
	cld
	mov	%cs, %ax
	mov	%ax, %ds
	lgdtl	tr_gdt_ptr - trampoline_start
	mov	%cr0, %eax
	or	$1, %eax			/* PE */
	mov	%eax, %cr0
	ljmpl	$TR_CODE32, $T(tr_protected)

	.code32
tr_protected:
	mov	$TR_DATA, %ax
	mov	%ax, %ds
	mov	%ax, %es
	mov	%ax, %ss
	mov	%cr4, %eax
	or	$(1 << 5), %eax			/* PAE */
	mov	%eax, %cr4
	mov	T(tr_cr3), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	T(tr_efer), %eax		/* LME, SCE, NXE as the boot CPU has them */
	wrmsr
	mov	%cr0, %eax
	or	$((1 << 31) | (1 << 16)), %eax	/* PG, WP */
	mov	%eax, %cr0
	ljmpl	$TR_CODE64, $T(tr_long)

	.code64
tr_long:
	mov	$TR_DATA, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	mov	T(tr_stack), %rsp
	mov	T(tr_entry), %rax
	jmp	*%rax

	.balign 8
tr_gdt:
	.quad	0
	.quad	0x00cf9a000000ffff		/* TR_CODE32 */
	.quad	0x00cf92000000ffff		/* TR_DATA */
	.quad	0x00af9a000000ffff		/* TR_CODE64 */
tr_gdt_ptr:
	.word	tr_gdt_ptr - tr_gdt - 1
	.long	T(tr_gdt)

	.balign 8
trampoline_params:				/* struct trampoline_params */
tr_cr3:		.long	0
tr_efer:	.long	0
tr_stack:	.quad	0
tr_entry:	.quad	0
trampoline_end:

/* secondary_startup_64 - the kernel side: on the stack the trampoline
 * loaded, into C. */
	.text
	.global secondary_startup_64
secondary_startup_64:
	xor	%ebp, %ebp
	call	start_secondary
1:	cli
	hlt
	jmp	1b
