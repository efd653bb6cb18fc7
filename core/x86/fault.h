/* core/x86/fault.h - page faults and user-mode traps. */
#ifndef FORKLAB_FAULT_H
#define FORKLAB_FAULT_H

#include "x86/ptrace.h"

/* do_page_fault - true if the fault was resolved (or the user task was
 * killed and never returns here); false for a kernel fault to fix up. */
bool do_page_fault(struct pt_regs *regs);
/* system calls that arrived as page faults (nested-KVM quirk, fault.c) */
extern u64 syscalls_via_fault;
__noreturn void kill_current(struct pt_regs *regs, u64 addr);

#endif
