/* core/x86/processor.h - a task's CPU state outside its kernel stack: the
 * saved kernel stack pointer, the TLS base, and the user's x87/SSE
 * registers (fxsave; the kernel itself never touches them). */
#ifndef FORKLAB_PROCESSOR_H
#define FORKLAB_PROCESSOR_H

#include "lib/types.h"

#define FXSAVE_SIZE		512

struct thread_struct {
	u64 sp;				/* saved kernel rsp (switch_to) */
	u64 fsbase;			/* arch_prctl(ARCH_SET_FS) */
	/* the user's x87/SSE registers while the task is switched out (the
	 * kernel itself never touches them: -mgeneral-regs-only) */
	u8 fxstate[FXSAVE_SIZE] __aligned(16);
};

static inline void fpu_save(struct thread_struct *t)
{
	asm volatile("fxsave64 %0" : "=m"(t->fxstate));
}

static inline void fpu_restore(struct thread_struct *t)
{
	asm volatile("fxrstor64 %0" : : "m"(t->fxstate));
}

/* fpu_enable - let user mode use x87/SSE on this CPU (CR0, CR4). */
void fpu_enable(void);
/* fpu_init - fpu_enable on the boot CPU, and record the clean register
 * state every new program starts with. */
void fpu_init(void);
extern struct thread_struct fpu_init_state;

#endif
