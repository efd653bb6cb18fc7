/* core/mm/tlb.c - flushing the pages a fork write-protected in the parent
 * (see tlb_batch in pgtable.h): one INVLPG each up to tlb_ceiling= pages,
 * else one CR3 reload. */
#include "mm/pgtable.h"

struct tlb_batch tlb_batch;
u64 tlb_ceiling;

void tlb_batch_pages(u64 first, u64 va)
{
	for (u64 i = first; i < tlb_batch.nr && i < TLB_BATCH_MAX; i++)
		tlb_batch.va[i] = va + (tlb_batch.va[i] << PAGE_SHIFT);
}

void flush_tlb_batch(struct mm_struct *mm)
{
	u64 n = tlb_batch.nr;

	tlb_batch.nr = 0;
	if (n > tlb_ceiling || n > TLB_BATCH_MAX) {
		flush_tlb_mm(mm);
		return;
	}
	if (this_cpu()->loaded_cr3 != mm->pgd_phys)
		return;			/* not loaded: nothing of it is cached */
	for (u64 i = 0; i < n; i++)
		invlpg(tlb_batch.va[i]);
}
