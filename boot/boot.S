/* boot/boot.S - multiboot1 + multiboot2 headers and the 32-bit entry that
 * switches to long mode and jumps to the higher-half kernel.
 *
 * Entered in 32-bit protected mode, paging off, with eax = bootloader magic
 * and ebx = physical address of the boot information (multiboot1 from QEMU
 * -kernel, multiboot2 from GRUB). This code runs at its physical address. */
#include "x86/layout.h"
#include "lib/exit_status.h"

#define MB1_HEADER_MAGIC	0x1badb002
#define MB1_FLAGS		((1 << 1) | (1 << 16))	/* memory info, a.out kludge addresses */
#define MB2_HEADER_MAGIC	0xe85250d6

#define PTE_P		0x001
#define PTE_W		0x002
#define PTE_PS		0x080
#define MSR_EFER	0xc0000080
#define EFER_SCE	(1 << 0)
#define EFER_LME	(1 << 8)
#define EFER_NXE	(1 << 11)
#define COM1		0x3f8

#define PHYS(sym)	((sym) - KERNEL_VMA)

	.section .multiboot, "a"
	.align 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAGS
	.long -(MB1_HEADER_MAGIC + MB1_FLAGS)
	.long mb1_header		/* header_addr */
	.long KERNEL_PHYS		/* load_addr */
	.long _edata_phys		/* load_end_addr */
	.long _end_phys			/* bss_end_addr */
	.long _start32			/* entry_addr */

	.align 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + (mb2_header_end - mb2_header))
	/* entry address tag: start at _start32 whatever the ELF says */
	.align 8
	.word 3, 0
	.long 12
	.long _start32
	.align 8
	.word 0, 0			/* end tag */
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.global _start32
_start32:
	cli
	cld
	/* Zero .bss first (boot page tables and stack live there); keep
	 * eax/ebx in ebp/edx-safe registers meanwhile. */
	mov	%eax, %ebp
	mov	%ebx, %esi
	mov	$_bss_start_phys, %edi
	mov	$_end_phys, %ecx
	sub	%edi, %ecx
	shr	$2, %ecx
	xor	%eax, %eax
	rep stosl
	mov	%ebp, PHYS(boot_magic)
	mov	%esi, PHYS(boot_info)
	mov	$PHYS(boot_stack_top), %esp

	/* Long mode available? (CPUID 0x80000001 EDX bit 29) */
	mov	$0x80000000, %eax
	cpuid
	cmp	$0x80000001, %eax
	jb	no_long_mode
	mov	$0x80000001, %eax
	cpuid
	bt	$29, %edx
	jnc	no_long_mode
	mov	%edx, %ebx		/* keep feature bits: NX is bit 20 */

	/* PML4[0] and PML4[273] -> pdpt_low (identity + direct map of 0..4 GiB),
	 * PML4[511] -> pdpt_high, whose entry 510 maps KERNEL_VMA -> 0..1 GiB. */
	mov	$PHYS(boot_pdpt_low) + PTE_P + PTE_W, %eax
	mov	%eax, PHYS(boot_pml4)
	mov	%eax, PHYS(boot_pml4) + 273 * 8
	mov	$PHYS(boot_pdpt_high) + PTE_P + PTE_W, %eax
	mov	%eax, PHYS(boot_pml4) + 511 * 8
	mov	$PHYS(boot_pd) + PTE_P + PTE_W, %eax
	mov	%eax, PHYS(boot_pdpt_high) + 510 * 8
	xor	%ecx, %ecx
1:	mov	%eax, PHYS(boot_pdpt_low)(,%ecx,8)
	add	$4096, %eax
	inc	%ecx
	cmp	$BOOT_DIRECT_MAP_GB, %ecx
	jb	1b
	/* 512 * BOOT_DIRECT_MAP_GB 2 MiB pages; the high dword holds bits 32+. */
	xor	%ecx, %ecx
2:	mov	%ecx, %eax
	shl	$21, %eax
	or	$PTE_P + PTE_W + PTE_PS, %eax
	mov	%eax, PHYS(boot_pd)(,%ecx,8)
	mov	%ecx, %eax
	shr	$11, %eax
	mov	%eax, PHYS(boot_pd) + 4(,%ecx,8)
	inc	%ecx
	cmp	$512 * BOOT_DIRECT_MAP_GB, %ecx
	jb	2b

	mov	%cr4, %eax
	or	$(1 << 5), %eax		/* PAE */
	mov	%eax, %cr4
	mov	$PHYS(boot_pml4), %eax
	mov	%eax, %cr3
	mov	$MSR_EFER, %ecx
	rdmsr
	or	$EFER_LME | EFER_SCE, %eax
	bt	$20, %ebx
	jnc	3f
	or	$EFER_NXE, %eax
3:	wrmsr
	mov	%cr0, %eax
	or	$(1 << 31) | (1 << 16), %eax	/* PG, WP */
	mov	%eax, %cr0

	lgdt	boot_gdt_ptr
	ljmp	$KERNEL_CS, $start64_low

no_long_mode:
	mov	$no_lm_msg, %esi
4:	lodsb
	test	%al, %al
	jz	5f
	mov	$COM1, %dx
	out	%al, %dx
	jmp	4b
5:	mov	$FL_EXIT_BADBOOT, %eax
	mov	$FL_DEBUG_EXIT_PORT, %dx
	out	%eax, %dx
6:	hlt
	jmp	6b

	.code64
start64_low:
	mov	$KERNEL_DS, %eax
	mov	%eax, %ds
	mov	%eax, %es
	mov	%eax, %ss
	xor	%eax, %eax
	mov	%eax, %fs
	mov	%eax, %gs
	movabs	$start64, %rax
	jmp	*%rax

	.section .boot.rodata, "a"
no_lm_msg:
	.asciz	"forklab: this CPU has no long mode (x86-64); cannot boot\n"
	.align 16
boot_gdt:
	.quad	0
	.quad	0x00af9a000000ffff	/* 0x08 kernel code, 64-bit */
	.quad	0x00cf92000000ffff	/* 0x10 kernel data */
boot_gdt_end:
boot_gdt_ptr:
	.word	boot_gdt_end - boot_gdt - 1
	.long	boot_gdt

	.text
	.code64
start64:
	movabs	$boot_stack_top, %rsp
	xor	%ebp, %ebp
	mov	boot_magic(%rip), %edi
	mov	boot_info(%rip), %esi
	call	kmain
7:	cli
	hlt
	jmp	7b

	.bss
	.align 4096
	.global boot_pml4
boot_pml4:	.skip 4096
boot_pdpt_low:	.skip 4096
boot_pdpt_high:	.skip 4096
boot_pd:	.skip 4096 * BOOT_DIRECT_MAP_GB
	.align 16
	.global boot_stack_bottom
boot_stack_bottom:
	.skip BOOT_STACK_SIZE
boot_stack_top:
	.align 4
	.global boot_magic, boot_info
boot_magic:	.long 0
boot_info:	.long 0
