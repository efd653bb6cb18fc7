/* core/x86/desc.c - the final GDT (kernel and user segments, TSS) and the IDT. */
#include "x86/desc.h"
#include "x86/layout.h"
#include "lib/string.h"
#include "x86/percpu.h"
#include "x86/sections.h"

#define INTERRUPT_STUB_SIZE	16
#define IST_STACK_SIZE		8192
#define GATE_INTERRUPT		0x8e	/* present, DPL 0, 64-bit interrupt gate */


struct idt_gate {
	u16 offset_low;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_high;
	u32 reserved;
} __packed;

struct desc_ptr {
	u16 limit;
	u64 base;
} __packed;

static struct idt_gate idt[256] __aligned(16);
/* Double faults and NMIs switch to their own stacks, so a broken kernel stack
 * still gets a register dump rather than a triple fault. */
static u8 ist_stacks[NR_CPUS][2][IST_STACK_SIZE] __aligned(16);

/* One GDT per CPU: the segments are the same, the TSS descriptor is each
 * CPU's own (loading TR marks it busy). */
static u64 gdt[NR_CPUS][8] __aligned(16);
static const u64 gdt_template[8] = {
	[0] = 0,
	[KERNEL_CS / 8] = 0x00af9a000000ffff,	/* kernel code, 64-bit */
	[KERNEL_DS / 8] = 0x00cf92000000ffff,	/* kernel data */
	[USER32_CS / 8] = 0x00cffa000000ffff,	/* user code, 32-bit (sysret base) */
	[USER_DS / 8] = 0x00cff2000000ffff,	/* user data */
	[USER_CS / 8] = 0x00affa000000ffff,	/* user code, 64-bit */
	/* TSS_SEL: 16-byte system descriptor filled in by set_tss_descriptor() */
};

/* set_tss_descriptor - CPU @cpu's TSS into its GDT. */
static void set_tss_descriptor(int cpu)
{
	u64 base = (u64)&cpu_data[cpu].tss, limit = sizeof(cpu_data[cpu].tss) - 1;

	gdt[cpu][TSS_SEL / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
				(0x89ULL << 40) |	/* present, 64-bit available TSS */
				(((limit >> 16) & 0xf) << 48) |
				(((base >> 24) & 0xff) << 56);
	gdt[cpu][TSS_SEL / 8 + 1] = base >> 32;
}

/* gdt_init - load CPU @cpu's GDT, reload every segment register, load TR. */
static void gdt_init(int cpu)
{
	struct desc_ptr p = { sizeof(gdt[cpu]) - 1, (u64)gdt[cpu] };

	memcpy(gdt[cpu], gdt_template, sizeof(gdt_template));
	cpu_data[cpu].tss.ist[IST_DOUBLE_FAULT - 1] = (u64)&ist_stacks[cpu][0][IST_STACK_SIZE];
	cpu_data[cpu].tss.ist[IST_NMI - 1] = (u64)&ist_stacks[cpu][1][IST_STACK_SIZE];
	cpu_data[cpu].tss.iomap_base = sizeof(cpu_data[cpu].tss);
	set_tss_descriptor(cpu);
	asm volatile("lgdt %0\n\t"
		     "pushq %1\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "mov %2, %%ds\n\t"
		     "mov %2, %%es\n\t"
		     "mov %2, %%ss\n\t"
		     "ltr %w3"
		     : : "m"(p), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(TSS_SEL)
		     : "rax", "memory");
}

/* set_intr_gate - point vector @v at its stub, on stack @ist (0: current). */
static void set_intr_gate(int v, int ist, u8 type_attr)
{
	u64 addr = (u64)interrupt_stubs + (u64)v * INTERRUPT_STUB_SIZE;

	idt[v] = (struct idt_gate){
		.offset_low = addr & 0xffff,
		.selector = KERNEL_CS,
		.ist = ist,
		.type_attr = type_attr,
		.offset_mid = (addr >> 16) & 0xffff,
		.offset_high = addr >> 32,
	};
}

/* idt_load - load the IDT (one, shared by every CPU). */
static void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };

	asm volatile("lidt %0" : : "m"(p));
}

/* idt_init - fill the IDT: every vector to its stub; #DF and NMI on their
 * own stacks. */
static void idt_init(void)
{
	for (int v = 0; v < 256; v++)
		set_intr_gate(v, 0, GATE_INTERRUPT);
	set_intr_gate(8, IST_DOUBLE_FAULT, GATE_INTERRUPT);
	set_intr_gate(2, IST_NMI, GATE_INTERRUPT);
}

void desc_init(void)
{
	gdt_init(0);
	idt_init();
	idt_load();
}

void desc_init_secondary(int cpu)
{
	gdt_init(cpu);
	idt_load();
}



/* idt_load_empty - load a zero-length IDT: the next exception triple-faults.
 * Used only by crash=triple to test the host's triple-fault decoding. */
void idt_load_empty(void)
{
	struct desc_ptr p = { 0, 0 };

	asm volatile("lidt %0" : : "m"(p));
}
