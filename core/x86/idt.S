/* core/x86/idt.S - the 256 interrupt entry stubs and the common path that builds
 * a struct pt_regs (x86/ptrace.h) and calls the C handler. */
#include "x86/calling.h"
#include "x86/smap.h"

	.text
	.code64

/* Each stub is 16-byte aligned and shorter than 16 bytes, so the stub for
 * vector v is at interrupt_stubs + 16 * v (INTERRUPT_STUB_SIZE in C). The
 * vectors whose exceptions push an error code themselves skip the dummy 0. */
	.macro vector_stub v
	.align 16
	.if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
	pushq	$0
	.endif
	pushq	$\v
	jmp	interrupt_common
	.endm

	.global interrupt_stubs
interrupt_stubs:
	.set v, 0
	.rept 256
	vector_stub v
	.set v, v + 1
	.endr

/* Frame on entry: vector, error code, rip, cs, rflags, rsp, ss. From user
 * mode (CS RPL 3) GS is swapped so the kernel finds its per-CPU data. */
interrupt_common:
	cld
	ASM_CLAC		/* a fault inside a user copy: the handler runs without AC */
	testb	$3, 24(%rsp)
	jz	1f
	swapgs
1:	PUSH_REGS
	mov	%rsp, %rdi
	call	do_interrupt
/* common_interrupt_return - unwind a struct pt_regs at %rsp and iretq;
 * also the way back to user mode for system calls and new tasks. */
	.global common_interrupt_return
common_interrupt_return:
	POP_REGS
	add	$16, %rsp		/* vector and error code */
	testb	$3, 8(%rsp)
	jz	2f
	swapgs
2:	iretq

