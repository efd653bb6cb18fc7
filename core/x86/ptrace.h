/* core/x86/ptrace.h - the register frame every trap, interrupt and system call
 * saves on the kernel stack (lowest address first). */
#ifndef FORKLAB_PTRACE_H
#define FORKLAB_PTRACE_H

#include "lib/types.h"

struct pt_regs {
	u64 r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	u64 rax, rcx, rdx, rsi, rdi;
	u64 vector;		/* trap number; for syscalls, the syscall number */
	u64 error_code;
	/* pushed by the CPU */
	u64 rip, cs, rflags, rsp, ss;
};

static inline bool user_mode(const struct pt_regs *regs) { return (regs->cs & 3) == 3; }

#endif
