/* core/x86/traps.c - exception handling: fixups through the exception table,
 * otherwise a register dump and an exit with FL_EXIT_EXCEPTION. */
#include "x86/timer.h"
#include "x86/traps.h"
#include "x86/fault.h"
#include "x86/io.h"
#include "lib/printk.h"
#include "lib/panic.h"
#include "lib/qemu_exit.h"
#include "x86/sections.h"
#include "x86/apic.h"
#include "x86/console.h"
#include "kernel/task.h"
#include "mm/mm.h"
#include "kernel/smp.h"
#include "x86/smap.h"
#include "x86/layout.h"

#define NR_EXCEPTIONS 32

struct exception_record last_fixed_exception;

static const char *const exception_names[NR_EXCEPTIONS] = {
	"divide error", "debug", "NMI", "breakpoint", "overflow", "bound range",
	"invalid opcode", "device not available", "double fault",
	"coprocessor segment overrun", "invalid TSS", "segment not present",
	"stack fault", "general protection fault", "page fault", "reserved",
	"x87 floating point", "alignment check", "machine check",
	"SIMD floating point", "virtualization", "control protection",
};

static const char *exception_name(u64 v)
{
	if (v < NR_EXCEPTIONS && exception_names[v])
		return exception_names[v];
	return "reserved exception";
}

/* search_exception_table - the fixup for a fault at @rip, or 0. */
static u64 search_exception_table(u64 rip)
{
	for (const struct exception_table_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e->fixup;
	return 0;
}

/* trap_init - mask the legacy 8259 PICs until timer_init remaps them: the
 * BIOS leaves the PIT on IRQ 0, which the PIC would deliver as vector 8
 * (#DF) if interrupts were on. */
void trap_init(void)
{
	outb(0x21, 0xff);
	outb(0xa1, 0xff);
}

void show_regs(const struct pt_regs *regs)
{
	printk("vector %lu (%s) error code 0x%lx\n", regs->vector,
	       exception_name(regs->vector), regs->error_code);
	printk("RIP: %04lx:%016lx RFLAGS: %08lx CR2: %016lx\n",
	       regs->cs, regs->rip, regs->rflags, read_cr2());
	printk("RSP: %04lx:%016lx CR3: %016lx\n", regs->ss, regs->rsp, read_cr3());
	printk("RAX: %016lx RBX: %016lx RCX: %016lx\n", regs->rax, regs->rbx, regs->rcx);
	printk("RDX: %016lx RSI: %016lx RDI: %016lx\n", regs->rdx, regs->rsi, regs->rdi);
	printk("RBP: %016lx R08: %016lx R09: %016lx\n", regs->rbp, regs->r8, regs->r9);
	printk("R10: %016lx R11: %016lx R12: %016lx\n", regs->r10, regs->r11, regs->r12);
	printk("R13: %016lx R14: %016lx R15: %016lx\n", regs->r13, regs->r14, regs->r15);
	if (!user_mode(regs)) {
		u64 fp = regs->rbp, ret, next;

		printk("CPU %u, backtrace: %lx", smp_processor_id(), regs->rip);
		for (int depth = 0; depth < 16 && fp > 0xffff800000000000; depth++) {
			if (probe_read_u64((void *)(fp + 8), &ret) || probe_read_u64((void *)fp, &next))
				break;
			printk(" %lx", ret);
			fp = next;
		}
		printk("\n");
	}
}

/* call_fixup - a kernel instruction fetch that faulted where a guarded
 * call (probe_call) went: its exception-table entry is keyed by the call's
 * return address, on the stack; the fixup runs as if the call returned
 * there. 0 if the fault is no such call's. */
static u64 call_fixup(struct pt_regs *regs)
{
	u64 ret, fixup;

	if (regs->vector != X86_TRAP_PF || !(regs->error_code & PF_INSTR) ||
	    probe_read_u64((void *)regs->rsp, &ret))
		return 0;
	fixup = search_exception_table(ret);
	if (fixup)
		regs->rsp += 8;
	return fixup;
}

void do_exception(struct pt_regs *regs)
{
	u64 fixup;

	if (regs->vector == X86_TRAP_PF && do_page_fault(regs))
		return;
	if (user_mode(regs))
		kill_current(regs, read_cr2());
	fixup = search_exception_table(regs->rip);
	if (!fixup)
		fixup = call_fixup(regs);

	if (fixup) {
		last_fixed_exception = (struct exception_record){
			.count = last_fixed_exception.count + 1,
			.vector = regs->vector,
			.error_code = regs->error_code,
			.rip = regs->rip,
			.cr2 = read_cr2(),
		};
		regs->rip = fixup;
		return;
	}
	oops_begin();
	if (regs->vector == X86_TRAP_PF && read_cr2() < USER_SPACE_END)
		printk("\nforklab: the kernel %s user address %lx (%s)",
		       regs->error_code & PF_INSTR ? "ran code at" : "touched", read_cr2(),
		       regs->error_code & PF_INSTR ? "SMEP" :
		       smap_enabled && !(regs->rflags & X86_EFLAGS_AC) ? "SMAP: outside stac/clac" :
		       "no mapping");
	printk("\nEXCEPTION in %s mode: ", user_mode(regs) ? "user" : "kernel");
	show_regs(regs);
	qemu_exit(FL_EXIT_EXCEPTION);
}

/* do_interrupt - C entry for every vector (x86/idt.S). */
void do_interrupt(struct pt_regs *regs)
{
	if (regs->vector == X86_TRAP_NMI) {
		/* an NMI from outside (QEMU's monitor: nmi) asks what every
		 * CPU is doing: the run queues and tasks, then carry on */
		sched_show_state(regs);
		return;
	}
	if (regs->vector < NR_EXCEPTIONS) {
		do_exception(regs);
		return;
	}
	if (regs->vector == TIMER_VECTOR) {
		timer_interrupt(regs);
		return;
	}
	if (regs->vector == LAPIC_TIMER_VECTOR) {
		lapic_timer_interrupt(regs);
		return;
	}
	if (regs->vector == CALL_FUNCTION_VECTOR) {
		lapic_eoi();
		smp_call_poll();
		return;
	}
	if (regs->vector == RESCHEDULE_VECTOR) {
		/* another CPU queued a task here, or kicks the task that runs
		 * here to exit: both now if this cut into user mode (an idle
		 * CPU's loop looks by itself) */
		lapic_eoi();
		irqentry_exit_to_user_mode(regs);
		return;
	}
	if (regs->vector == TIMER_VECTOR + 7 || regs->vector == TIMER_VECTOR + 15 ||
	    regs->vector == SPURIOUS_VECTOR)
		return;		/* a spurious PIC (IRQ 7 / 15) or APIC interrupt: no EOI */
	printk("forklab: unexpected interrupt vector %lu ignored\n", regs->vector);
}

long probe_call(u64 target)
{
	long ret;

	/* the fixup is keyed by the return address (call_fixup); the
	 * callee may clobber what the ABI lets it */
	asm volatile("call *%[target]\n"
		     "1:\n"
		     ".pushsection .fixup, \"ax\"\n"
		     "3:	movq %[efault], %%rax\n"
		     "	jmp 1b\n"
		     ".popsection\n"
		     _ASM_EXTABLE(1b, 3b)
		     : "=a"(ret)
		     : [target] "r"(target), [efault] "i"(-EFAULT)
		     : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "memory", "cc");
	return ret;
}

long probe_read_u64(const void *addr, u64 *val)
{
	long ret = 0;
	u64 v = 0;

	asm volatile("1:	movq (%[addr]), %[v]\n"
		     _ASM_EFAULT_FIXUP
		     : [ret] "+r"(ret), [v] "+r"(v)
		     : [addr] "r"(addr), [efault] "i"(-EFAULT)
		     : "memory");
	*val = v;
	return ret;
}
