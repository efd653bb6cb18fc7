/* core/x86/calling.h - the register save/restore shared by every kernel entry
 * (x86/idt.S, x86/entry.S): the general registers of a struct pt_regs
 * (x86/ptrace.h), rdi first pushed, r15 last. Assembly only. */
#ifndef FORKLAB_CALLING_H
#define FORKLAB_CALLING_H

	.macro PUSH_REGS
	push	%rdi
	push	%rsi
	push	%rdx
	push	%rcx
	push	%rax
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%rbx
	push	%rbp
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	.endm

	.macro POP_REGS
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbp
	pop	%rbx
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rax
	pop	%rcx
	pop	%rdx
	pop	%rsi
	pop	%rdi
	.endm

#endif
