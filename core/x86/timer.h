/* core/x86/timer.h - the periodic tick, preempting user mode (the kernel
 * itself runs with interrupts off): the PIT on IRQ 0 through the 8259 PIC on
 * the boot CPU, each other CPU's local APIC timer at the same rate. */
#ifndef FORKLAB_TIMER_H
#define FORKLAB_TIMER_H

#include "lib/types.h"
#include "x86/ptrace.h"

#define TIMER_VECTOR	0x20	/* IRQ 0 after the PIC is remapped */
#define HZ_DEFAULT	100
#define HZ_AUTO		(~0ULL)	/* hz= not given: HZ_DEFAULT, but 0 for mode=bench */

extern u64 jiffies;		/* ticks since timer_init (the boot CPU's) */
extern u64 nr_preemptions;	/* ticks that switched a user task out (every CPU) */

/* timer_init - remap the PICs above the exceptions, mask all but IRQ 0 and
 * start the PIT at @hz (1..1000); @hz 0 leaves every IRQ masked
 * (cooperative scheduling only). */
void timer_init(u32 hz);
/* timer_interrupt - IRQ 0: count it and, if it interrupted user mode and
 * another task is runnable, switch (round robin). */
void timer_interrupt(struct pt_regs *regs);
/* timer_init_secondary - start this (non-boot) CPU's local APIC timer at
 * the rate timer_init was given; nothing when that was 0. */
void timer_init_secondary(void);
/* lapic_timer_interrupt - the APIC timer's tick: preempt as IRQ 0 does. */
void lapic_timer_interrupt(struct pt_regs *regs);

#endif
