/* core/x86/traps.h - CPU exceptions, the exception table and fault probes. */
#ifndef FORKLAB_TRAPS_H
#define FORKLAB_TRAPS_H

#include "x86/ptrace.h"

#define X86_TRAP_DE	0
#define X86_TRAP_NMI	2
#define X86_TRAP_UD	6
#define X86_TRAP_DF	8
#define X86_TRAP_GP	13
#define X86_TRAP_PF	14

/* An exception-table entry: a fault at @insn resumes at @fixup (Linux's
 * __ex_table). The fixup code sets an error and jumps back. */
struct exception_table_entry {
	u64 insn, fixup;
};

#define _ASM_EXTABLE(from, to)						\
	".pushsection __ex_table, \"a\"\n\t.balign 8\n\t"		\
	".quad " #from ", " #to "\n\t.popsection\n\t"

/* _ASM_EFAULT_FIXUP - follows an instruction labelled 1: a fault there
 * stores -EFAULT in operand %[ret] (operand %[efault] must be the
 * immediate -EFAULT) and resumes after it, at label 2. */
#define _ASM_EFAULT_FIXUP						\
	"2:\n"								\
	".pushsection .fixup, \"ax\"\n"				\
	"3:	movq %[efault], %[ret]\n"				\
	"	jmp 2b\n"						\
	".popsection\n"						\
	_ASM_EXTABLE(1b, 3b)

/* The last exception that a fixup absorbed, for tests. */
struct exception_record {
	u64 count, vector, error_code, rip, cr2;
};
extern struct exception_record last_fixed_exception;

void trap_init(void);
/* do_exception - C entry from x86/idt.S for vectors 0..31. */
void do_exception(struct pt_regs *regs);
/* show_regs - print the frame: vector, error code, RIP, CR2 and registers. */
void show_regs(const struct pt_regs *regs);

/* probe_call - call the code at @target (no arguments); what it returns in
 * rax, or -EFAULT if fetching it faulted (SMEP: a user page). For tests. */
long probe_call(u64 target);
/* probe_read_u64 - read *@addr; returns 0, or -EFAULT if the read faulted. */
long probe_read_u64(const void *addr, u64 *val);

#endif
