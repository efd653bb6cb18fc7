/* core/x86/apic.h - the local APIC (xAPIC, memory-mapped through the
 * direct map): this CPU's id, end of interrupt, inter-processor interrupts
 * and the INIT/SIPI sequence that starts another CPU. */
#ifndef FORKLAB_APIC_H
#define FORKLAB_APIC_H

#include "lib/types.h"

#define APIC_DEFAULT_PHYS	0xfee00000UL
#define SPURIOUS_VECTOR		0xff	/* what the APIC delivers for a lost interrupt */
#define RESCHEDULE_VECTOR	0xf0	/* IPI: look at your run queue */
#define LAPIC_TIMER_VECTOR	0xef	/* the local APIC timer's tick */
#define CALL_FUNCTION_VECTOR	0xf1	/* IPI: run the function asked for (kernel/smp.c) */
/* The APIC timer's input clock: QEMU's APIC (TCG) and KVM's in-kernel one
 * both count a 1 GHz bus (one tick a nanosecond of guest time). */
#define LAPIC_TIMER_HZ		1000000000ULL

/* lapic_init - software-enable this CPU's local APIC (all priorities
 * accepted); @bsp also routes the 8259 through LINT0 (virtual wire), which
 * the PIT tick uses. False when the CPU has no (enabled) APIC. */
bool lapic_init(bool bsp);
/* lapic_present - whether lapic_init found an APIC. */
bool lapic_present(void);
/* lapic_id - this CPU's APIC id (0 without an APIC). */
u32 lapic_id(void);
/* lapic_eoi - end of interrupt for an APIC-delivered vector. */
void lapic_eoi(void);
/* lapic_timer_start - this CPU's APIC timer, periodic at @hz (1..1000),
 * on LAPIC_TIMER_VECTOR. */
void lapic_timer_start(u32 hz);
/* lapic_send_ipi - fixed-delivery @vector to the CPU with APIC id @apic_id;
 * returns when the APIC has sent it. */
void lapic_send_ipi(u32 apic_id, u8 vector);
/* lapic_start_cpu - INIT, then two STARTUPs that start the CPU @apic_id in
 * real mode at physical @trampoline (page-aligned, below 1 MiB). */
void lapic_start_cpu(u32 apic_id, u64 trampoline);

#endif
