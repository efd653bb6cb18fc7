/* core/kernel/syscall.h - the system-call entry (numbers: uapi/unistd.h). */
#ifndef FORKLAB_SYSCALL_H
#define FORKLAB_SYSCALL_H

#include "x86/ptrace.h"
#include "uapi/unistd.h"


void syscall_init(void);
void do_syscall_64(struct pt_regs *regs);

#endif
