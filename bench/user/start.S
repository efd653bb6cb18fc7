/* bench/user/start.S - process entry and the thread trampoline. */
	.text
	.global _start
_start:
	xor	%ebp, %ebp
	mov	(%rsp), %rdi		/* argc */
	lea	8(%rsp), %rsi		/* argv */
	and	$-16, %rsp
	call	main
	mov	%eax, %edi
	mov	$231, %eax		/* exit_group */
	syscall
	hlt

/* long clone_thread(flags, stack, ptid, ctid, tls, fn, arg): raw clone;
 * the child calls fn(arg) on its new stack, then exit(60) with its result. */
	.global clone_thread
clone_thread:
	mov	%rcx, %r10		/* ctid */
	mov	8(%rsp), %r11		/* arg (7th argument) */
	mov	%r9, %rcx		/* fn */
	sub	$16, %rsi		/* the child's stack: fn and arg */
	mov	%rcx, (%rsi)
	mov	%r11, 8(%rsi)
	mov	$56, %eax
	syscall
	test	%rax, %rax
	jnz	1f
	pop	%rax			/* fn */
	pop	%rdi			/* arg */
	and	$-16, %rsp
	call	*%rax
	mov	%eax, %edi
	mov	$60, %eax		/* exit: this thread only */
	syscall
	hlt
1:	ret

	.section .note.GNU-stack, "", @progbits
