/* core/x86/smpboot.c - bringing up the other CPUs: each is sent INIT and
 * STARTUP with the trampoline's address, runs x86/trampoline.S into long
 * mode on a stack the boot CPU gave it, sets up its own GDT/TSS, FPU,
 * syscall MSRs and local APIC, says it is online and goes idle. */
#include "x86/smp.h"
#include "x86/smap.h"
#include "x86/acpi.h"
#include "x86/apic.h"
#include "x86/desc.h"
#include "x86/io.h"
#include "x86/processor.h"
#include "x86/timer.h"
#include "x86/sections.h"
#include "init/multiboot.h"
#include "kernel/sched.h"
#include "kernel/syscall.h"
#include "kernel/smp.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "lib/spinlock.h"
#include "mm/mm.h"
#include "mm/pmm.h"

#define MSR_EFER		0xc0000080
#define EFER_SCE		(1 << 0)
#define EFER_LME		(1 << 8)
#define EFER_NXE		(1 << 11)
#define ONLINE_WAIT_SPINS	10000000	/* pause-spins before a CPU counts as lost */

/* What the trampoline reads at its end (trampoline.S, trampoline_params). */
struct trampoline_params {
	u32 cr3;			/* the trampoline page tables, below 4 GiB */
	u32 efer;			/* EFER bits to set */
	u64 stack;			/* the new CPU's stack top */
	u64 entry;			/* secondary_startup_64 */
} __packed;

extern const u8 trampoline_start[], trampoline_end[], trampoline_params[];
extern char secondary_startup_64[];

struct cpu_data cpu_data[NR_CPUS];
int nr_cpus_online = 1;
int nr_cpus_present = 1;

/* the kernel's tables plus an identity map of the first GiB, which the
 * trampoline runs from while paging comes on (in the image: below 4 GiB) */
static u64 trampoline_pml4[512] __aligned(PAGE_SIZE);
static volatile int booting_cpu;	/* the CPU start_secondary sets up */
static volatile int cpu_started;	/* set by it when it is online */

void percpu_init(int cpu, u32 apic_id)
{
	struct cpu_data *c = &cpu_data[cpu];

	c->self = c;
	c->cpu = cpu;
	c->apic_id = apic_id;
	c->slot_offset = (u64)cpu * SMP_CACHE_BYTES;
	wrmsr(MSR_GS_BASE, (u64)c);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}

/* start_cpu - start CPU @cpu (APIC id @apic_id) and wait for it; true
 * when it came online. Its stack and idle task come from the buddy
 * allocator and live as long as the CPU. */
static bool start_cpu(int cpu, u32 apic_id, struct trampoline_params *tp)
{
	struct page *stack = alloc_pages(KSTACK_ORDER);
	struct task_struct *idle = alloc_idle_task(cpu, stack);

	if (!stack || !idle)
		return false;
	tp->stack = (u64)page_address(stack) + KSTACK_SIZE;
	booting_cpu = cpu;
	cpu_started = 0;
	cpu_data[cpu].curr_task = idle;
	cpu_data[cpu].kernel_rsp = tp->stack;
	lapic_start_cpu(apic_id, TRAMPOLINE_PHYS);
	for (int i = 0; i < ONLINE_WAIT_SPINS && !cpu_started; i++)
		asm volatile("pause" ::: "memory");
	return cpu_started;
}

void smp_boot_cpus(const struct boot_info *bi, int max)
{
	struct trampoline_params *tp;
	struct cpu_map map;
	u32 self = lapic_id();
	int lost = 0;

	acpi_find_cpus(bi->rsdp, &map);
	nr_cpus_present = MAX(map.nr, 1);
	if (!lapic_present() || map.nr <= 1 || max <= 1) {
		printk("forklab: 1 CPU online (%d listed by %s)\n", map.nr, map.source);
		return;
	}
	spin_wait_poll = smp_call_poll;	/* a CPU spinning on a lock still serves IPIs' work */
	memcpy(__va(TRAMPOLINE_PHYS), trampoline_start, trampoline_end - trampoline_start);
	tp = __va(TRAMPOLINE_PHYS + (trampoline_params - trampoline_start));
	memcpy(trampoline_pml4, boot_pml4, sizeof(trampoline_pml4));
	/* the direct map's PML4 entry maps 0..4 GiB from 0: identity there */
	trampoline_pml4[0] = boot_pml4[(PAGE_OFFSET >> 39) & 511];
	tp->cr3 = (u32)((u64)trampoline_pml4 - KERNEL_VMA);
	tp->efer = (u32)(rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_NXE));
	tp->entry = (u64)secondary_startup_64;
	for (int i = 0; i < map.nr; i++) {
		if (map.apic_id[i] == self)
			continue;
		if (nr_cpus_online >= MIN(max, NR_CPUS))
			break;
		if (start_cpu(nr_cpus_online, map.apic_id[i], tp))
			nr_cpus_online++;
		else
			lost++;
	}
	printk("forklab: %d CPUs online (%d listed by %s%s)", nr_cpus_online, map.nr,
	       map.source, lost ? "; some did not start" : "");
	printk("\n");
}

void smp_send_ipi(int cpu, u8 vector)
{
	lapic_send_ipi(cpu_data[cpu].apic_id, vector);
}

void smp_send_reschedule(int cpu)
{
	smp_send_ipi(cpu, RESCHEDULE_VECTOR);
}

__noreturn void start_secondary(void)
{
	int cpu = booting_cpu;

	percpu_init(cpu, lapic_id());
	load_cr3(BOOT_PGD_PHYS);	/* leave the trampoline's identity map */
	desc_init_secondary(cpu);
	fpu_enable();
	smap_init_secondary();
	syscall_init();
	lapic_init(false);
	timer_init_secondary();
	cpu_started = 1;
	cpu_idle();
}
