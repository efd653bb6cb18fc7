/* core/x86/desc.h - descriptor tables (x86/desc.c). */
#ifndef FORKLAB_DESC_H
#define FORKLAB_DESC_H

#include "lib/types.h"
#include "x86/percpu.h"

#define IST_DOUBLE_FAULT	1
#define IST_NMI			2

/* desc_init - the boot CPU's GDT and TSS, and the IDT every CPU shares.
 * Interrupts stay off. */
void desc_init(void);
/* desc_init_secondary - CPU @cpu's own GDT and TSS, and the shared IDT
 * (percpu_init(@cpu) first). */
void desc_init_secondary(int cpu);
/* tss_set_rsp0 - the kernel stack this CPU switches to on a trap from ring 3. */
static inline void tss_set_rsp0(u64 rsp0)
{
	this_cpu_write(tss.rsp[0], rsp0);
}
void idt_load_empty(void);

#endif
