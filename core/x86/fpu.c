/* core/x86/fpu.c - the x87/SSE unit for user mode. */
#include "x86/processor.h"

struct thread_struct fpu_init_state;

void fpu_enable(void)
{
	u64 cr0, cr4;

	asm volatile("mov %%cr0, %0" : "=r"(cr0));
	cr0 = (cr0 & ~(1UL << 2)) | (1UL << 1);		/* EM off, MP on */
	asm volatile("mov %0, %%cr0" : : "r"(cr0));
	asm volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= (1UL << 9) | (1UL << 10);		/* OSFXSR, OSXMMEXCPT */
	asm volatile("mov %0, %%cr4" : : "r"(cr4));
	asm volatile("fninit");
}

void fpu_init(void)
{
	fpu_enable();
	fpu_save(&fpu_init_state);
	*(u32 *)&fpu_init_state.fxstate[24] = 0x1f80;	/* MXCSR: exceptions masked */
	fpu_restore(&fpu_init_state);
}
