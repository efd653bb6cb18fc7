/* core/x86/timer.c - the periodic tick. The PIT (8253/8254 channel 0, rate
 * generator) drives IRQ 0 through the 8259 PICs, remapped to vectors
 * 0x20-0x2f; the local APIC passes them on as ExtINT through LINT0 (set
 * here, since a minimal firmware such as qboot may leave LINT0 masked).
 * User mode runs with IF set and the kernel with it clear, so a tick only
 * ever interrupts user code: preemption needs no kernel locking. Under
 * QEMU's icount mode the PIT runs on instruction time, so ticks land at
 * the same instructions in every run. */
#include "x86/timer.h"
#include "x86/io.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "kernel/sched.h"

#define PIC1_CMD	0x20
#define PIC1_DATA	0x21
#define PIC2_CMD	0xa0
#define PIC2_DATA	0xa1
#define PIC_EOI		0x20
#define PIT_CH0		0x40
#define PIT_CMD		0x43
#define PIT_HZ		1193182
#define MSR_APIC_BASE	0x1b
#define APIC_LVT_LINT0	0x350
#define APIC_SVR	0x0f0
#define APIC_EXTINT	0x700

u64 jiffies;
u64 nr_preemptions;

/* lapic_pass_extint - route the PIC through LINT0 (virtual wire mode). */
static void lapic_pass_extint(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	volatile u32 *apic;

	if (!(base & (1 << 11)))
		return;			/* APIC disabled: the PIC drives INTR directly */
	apic = __va(base & 0xfffff000);
	apic[APIC_SVR / 4] |= 0x100;	/* software-enable */
	apic[APIC_LVT_LINT0 / 4] = APIC_EXTINT;
}

void timer_init(u32 hz)
{
	u16 divisor;

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
	lapic_pass_extint();
	outb(PIC1_DATA, 0xfe);		/* IRQ 0 only */
}

void timer_interrupt(struct pt_regs *regs)
{
	outb(PIC1_CMD, PIC_EOI);
	jiffies++;
	if (user_mode(regs) && nr_running() > 0) {
		nr_preemptions++;
		schedule();
	}
}
