/* bench/embed.S - the user programs (bench/user/) embedded in the kernel
 * image; pid 1 runs it unless a boot module replaces it. */
	.section .rodata
	.balign 16
	.global user_program_start, user_program_end
user_program_start:
	.incbin USER_PROGRAM
user_program_end:
	.balign 16
	.global parent_program_start, parent_program_end
parent_program_start:		/* forklab-parent: bench=parent and its self-test */
	.incbin PARENT_PROGRAM
parent_program_end:
