/* core/x86/entry.S - the syscall instruction's entry, ret_from_fork and the
 * context switch. The frame built here is the same struct pt_regs as the
 * interrupt path's (x86/idt.S), so both leave through common_interrupt_return. */
#include "x86/layout.h"
#include "x86/percpu.h"
#include "x86/calling.h"

	.text
	.code64

/* entry_SYSCALL_64 - rcx = user rip, r11 = user rflags, rax = number,
 * args in rdi rsi rdx r10 r8 r9. Interrupts are off (SFMASK clears IF). */
	.global entry_SYSCALL_64
entry_SYSCALL_64:
	swapgs
	mov	%rsp, %gs:CPU_USER_RSP
	mov	%gs:CPU_KERNEL_RSP, %rsp
	pushq	$(USER_DS | 3)		/* ss */
	pushq	%gs:CPU_USER_RSP	/* rsp */
	pushq	%r11			/* rflags */
	pushq	$(USER_CS | 3)		/* cs */
	pushq	%rcx			/* rip */
	pushq	$0			/* error code */
	pushq	%rax			/* vector: the syscall number */
	PUSH_REGS
	mov	%rsp, %rdi
	call	do_syscall_64
	jmp	common_interrupt_return

/* ret_from_fork - where a new task's first switch_to returns: rax = the
 * task switched away from. Finish the switch, then go to user mode through
 * the struct pt_regs that copy_thread put at the top of the stack. */
	.global ret_from_fork
ret_from_fork:
	mov	%rax, %rdi
	call	schedule_tail
	jmp	common_interrupt_return

/* __switch_to_asm(u64 *prev_sp, u64 next_sp, struct task_struct *prev):
 * save the callee-saved registers on this stack, store rsp in *prev_sp,
 * continue on next_sp. Returns prev (in the resumed task's context: the
 * task that ran before it). */
	.global __switch_to_asm
__switch_to_asm:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, (%rdi)
	mov	%rsi, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	mov	%rdx, %rax
	ret
