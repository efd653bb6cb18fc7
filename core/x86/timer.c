/* core/x86/timer.c - the periodic tick. The PIT (8253/8254 channel 0, rate
 * generator) drives IRQ 0 through the 8259 PICs, remapped to vectors
 * 0x20-0x2f; the boot CPU's local APIC passes them on as ExtINT through
 * LINT0 (lapic_init, since a minimal firmware such as qboot may leave LINT0
 * masked).
 * User mode runs with IF set and the kernel with it clear, so a tick only
 * ever interrupts user code: preemption needs no kernel locking. Under
 * QEMU's icount mode the PIT runs on instruction time, so ticks land at
 * the same instructions in every run. */
#include "x86/timer.h"
#include "x86/io.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "kernel/task.h"
#include "lib/atomic.h"
#include "x86/apic.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182

u64 jiffies;
u64 nr_preemptions;
static u32 tick_hz;		/* what timer_init was given */

void timer_init(u32 hz)
{
	u16 divisor;

	tick_hz = hz;
	/* ICW1..ICW4: edge-triggered, cascade, vectors 0x20 / 0x28, 8086 mode */
	outb(PIC1_CMD, 0x11);
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, TIMER_VECTOR);
	outb(PIC2_DATA, TIMER_VECTOR + 8);
	outb(PIC1_DATA, 4);
	outb(PIC2_DATA, 2);
	outb(PIC1_DATA, 1);
	outb(PIC2_DATA, 1);
	outb(PIC2_DATA, 0xff);
	if (!hz) {
		outb(PIC1_DATA, 0xff);
		return;
	}
	divisor = (u16)(PIT_HZ / hz);
	outb(PIT_CMD, 0x34);		/* channel 0, lobyte/hibyte, mode 2 */
	outb(PIT_CH0, divisor & 0xff);
	outb(PIT_CH0, divisor >> 8);
	outb(PIC1_DATA, 0xfe);		/* IRQ 0 only */
}

/* preempt - a tick cut into @regs: switch if it was user mode and another
 * task waits here; a task whose group is being killed exits instead (a
 * thread spinning in user mode makes no system call that would end it). */
static void preempt(struct pt_regs *regs)
{
	if (irqentry_exit_to_user_mode(regs))
		atomic64_inc(&nr_preemptions);
}

void timer_interrupt(struct pt_regs *regs)
{
	outb(PIC1_CMD, PIC_EOI);
	jiffies++;
	preempt(regs);
}

void timer_init_secondary(void)
{
	if (tick_hz)
		lapic_timer_start(tick_hz);
}

void lapic_timer_interrupt(struct pt_regs *regs)
{
	lapic_eoi();
	preempt(regs);
}
