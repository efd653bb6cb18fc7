/* core/x86/fault.c - page faults and user-mode exceptions. A fault on a user
 * address is resolved against the VMAs (demand-zero, COW); what cannot be
 * resolved kills a user task, or goes to the exception table / oops for
 * the kernel. */
#include "x86/fault.h"
#include "x86/io.h"
#include "mm/mm.h"
#include "lib/printk.h"
#include "kernel/syscall.h"
#include "kernel/task.h"
#include "x86/traps.h"
#include "x86/sections.h"
#include "x86/smap.h"

/* signal_for_trap - the signal Linux sends for a user-mode trap. */
static int signal_for_trap(u64 vector)
{
	switch (vector) {
	case X86_TRAP_DE:
		return SIGFPE;
	case X86_TRAP_UD:
		return SIGILL;
	case 3:
		return SIGTRAP;
	case 17:
		return SIGBUS;
	default:
		return SIGSEGV;
	}
}

/* kill_current - the task took a fatal trap: report it and end its whole
 * thread group as if killed by the signal (wait status = signal number),
 * as a fatal signal's default action does on Linux. */
__noreturn void kill_current(struct pt_regs *regs, u64 addr)
{
	int sig = signal_for_trap(regs->vector);

	printk("forklab: pid %d killed by signal %d: trap %lu at rip %lx, addr %lx, error 0x%lx\n",
	       current->pid, sig, regs->vector, regs->rip, addr, regs->error_code);
	do_group_exit(sig);
}

u64 syscalls_via_fault;

/*
 * syscall_arrived_as_fault - on the development machines' nested KVM a
 * `syscall` from ring 3 reaches us as a #PF on the fetch at LSTAR, with the
 * user's CS still in the frame: the hypervisor performed the register part
 * of SYSCALL (rcx = return rip, r11 = rflags, RFLAGS masked) but not the
 * privilege change. The frame sits where entry_SYSCALL_64 would have built
 * it, so finish the system call here. Counted, and reported by the
 * benchmarks, because every such call pays a VM exit and a fault.
 */
static bool syscall_arrived_as_fault(struct pt_regs *regs, u64 addr)
{
	if (!user_mode(regs) || regs->rip != (u64)entry_SYSCALL_64 || addr != regs->rip)
		return false;
	syscalls_via_fault++;
	regs->rip = regs->rcx;
	regs->rflags = (regs->r11 & ~0x13000UL) | 0x2;	/* no IOPL, no RF */
	regs->vector = regs->rax;
	regs->error_code = 0;
	do_syscall_64(regs);
	return true;
}

/* kernel_user_violation - a fault of the kernel itself on a user address
 * that must not be resolved: an instruction fetch (SMEP, or a jump into
 * user memory without it) or a data access outside stac/clac (SMAP).
 * Linux's the same: such a fault goes to the exception table or oopses. */
static bool kernel_user_violation(const struct pt_regs *regs)
{
	if (regs->error_code & PF_USER)
		return false;
	return (regs->error_code & PF_INSTR) || (smap_enabled && !(regs->rflags & X86_EFLAGS_AC));
}

bool do_page_fault(struct pt_regs *regs)
{
	u64 addr = read_cr2();
	struct mm_struct *mm = current->mm;

	if (syscall_arrived_as_fault(regs, addr))
		return true;

	if (addr < USER_SPACE_END && mm && !kernel_user_violation(regs) &&
	    handle_mm_fault(mm, addr, regs->error_code) == 0)
		return true;
	if (user_mode(regs))
		kill_current(regs, addr);
	return false;
}
