/* core/mm/tlb.c - loading an address space on this CPU, and keeping other
 * CPUs' TLBs honest (Linux's arch/x86/mm/tlb.c). Each mm records the CPUs
 * that have its tables loaded (cpu_mask: set when a CPU loads them, cleared
 * when it loads others or leaves); a CPU keeps the last mm loaded after its
 * task exits (lazy TLB). Changing an mm's mappings in a way other CPUs'
 * TLBs must see (write-protecting at fork, a COW copy, an unmap, freeing the
 * tables) sends those CPUs a shootdown IPI and waits until each has acted.
 *
 * The requests go through kernel/smp.c's smp_call_function_many. A fork
 * with tlb_ceiling= set flushes the pages it write-protected one by one
 * instead (flush_tlb_batch) when the parent runs on this CPU alone. */
#include "mm/pgtable.h"
#include "lib/atomic.h"
#include "lib/spinlock.h"
#include "kernel/sched.h"
#include "kernel/smp.h"
#include "x86/apic.h"
#include "x86/sections.h"
#include "x86/smp.h"

#define TLB_FLUSH_ALL	(~0ULL)

struct flush_req {
	struct mm_struct *mm;
	u64 va;				/* one page, or TLB_FLUSH_ALL */
	bool leave;			/* switch to the boot tables (the mm goes) */
};

static inline void mask_set(u64 *mask, int cpu)
{
	asm volatile("lock btsq %1, %0" : "+m"(*mask) : "r"((u64)cpu) : "memory", "cc");
}

static inline void mask_clear(u64 *mask, int cpu)
{
	asm volatile("lock btrq %1, %0" : "+m"(*mask) : "r"((u64)cpu) : "memory", "cc");
}

/* leave_mm - load the boot tables on this CPU and drop out of the mask of
 * the mm it had loaded. */
static void leave_mm(void)
{
	struct mm_struct *mm = this_cpu_read(loaded_mm);

	if (mm)
		mask_clear(&mm->cpu_mask, smp_processor_id());
	this_cpu_write(loaded_mm, (struct mm_struct *)NULL);
	load_cr3(BOOT_PGD_PHYS);
}

/* do_flush - on a CPU that got a request (smp_call_function_many). */
static void do_flush(void *arg)
{
	const struct flush_req *f = arg;

	if (this_cpu_read(loaded_mm) != f->mm)
		return;
	/* a CPU that only keeps the mm lazily leaves it altogether, so that
	 * later flushes of it do not interrupt this CPU again */
	if (f->leave || current->mm != f->mm)
		leave_mm();
	else if (f->va == TLB_FLUSH_ALL)
		write_cr3(this_cpu_read(loaded_cr3));
	else
		invlpg(f->va);
}

/* flush_others - have every other CPU in @mm's mask flush @va (or all),
 * or leave @mm; returns when each has. */
static void flush_others(struct mm_struct *mm, u64 va, bool leave)
{
	struct flush_req f = { mm, va, leave };
	u64 mask = mm->cpu_mask & ~(1ULL << smp_processor_id());

	if (mask)
		smp_call_function_many(mask, do_flush, &f);
}

void __switch_mm(struct mm_struct *mm)
{
	struct mm_struct *prev = this_cpu_read(loaded_mm);
	u64 cr3 = mm ? mm->pgd_phys : BOOT_PGD_PHYS;
	int me = smp_processor_id();

	if (this_cpu_read(loaded_cr3) == cr3)
		return;
	if (prev)
		mask_clear(&prev->cpu_mask, me);
	if (mm)
		mask_set(&mm->cpu_mask, me);
	this_cpu_write(loaded_mm, mm);
	load_cr3(cr3);
}

void flush_tlb_mm(struct mm_struct *mm)
{
	if (this_cpu_read(loaded_cr3) == mm->pgd_phys)
		write_cr3(mm->pgd_phys);
	flush_others(mm, TLB_FLUSH_ALL, false);
}

void flush_tlb_page(struct mm_struct *mm, u64 va)
{
	if (this_cpu_read(loaded_cr3) == mm->pgd_phys)
		invlpg(va);
	flush_others(mm, va, false);
}

void tlb_leave_everywhere(struct mm_struct *mm)
{
	flush_others(mm, 0, true);
	if (this_cpu_read(loaded_mm) == mm)
		leave_mm();
}

/* The pages a fork write-protected in the parent, noted when
 * tlb_ceiling= is set (pgtable.h's tlb_batch): one INVLPG each up to
 * tlb_ceiling= pages, else the whole TLB. Per CPU: forks on several CPUs
 * note at once. */
struct tlb_batch tlb_batches[NR_CPUS];
u64 tlb_ceiling;

void tlb_batch_pages(struct tlb_batch *b, u64 first, u64 va)
{
	for (u64 i = first; i < b->nr && i < TLB_BATCH_MAX; i++)
		b->va[i] = va + (b->va[i] << PAGE_SHIFT);
}

void flush_tlb_batch(struct mm_struct *mm)
{
	struct tlb_batch *b = this_cpu_tlb_batch();
	u64 n = b->nr;

	b->nr = 0;
	/* too many, or live on another CPU too: the whole TLB, everywhere */
	if (n > tlb_ceiling || n > TLB_BATCH_MAX ||
	    (mm->cpu_mask & ~(1ULL << smp_processor_id()))) {
		flush_tlb_mm(mm);
		return;
	}
	if (this_cpu_read(loaded_cr3) != mm->pgd_phys)
		return;			/* not loaded: nothing of it is cached */
	for (u64 i = 0; i < n; i++)
		invlpg(b->va[i]);
}
