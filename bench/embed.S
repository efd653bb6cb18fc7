/* bench/embed.S - the user program (bench/user/) embedded in the kernel
 * image; pid 1 runs it unless a boot module replaces it. */
	.section .rodata
	.balign 16
	.global user_program_start, user_program_end
user_program_start:
	.incbin USER_PROGRAM
user_program_end:
