/* core/mm/pt_share.c - pt=share: On-demand-fork (Zhao, Gong, Fonseca,
 * EuroSys 2021). Fork copies the upper levels only; every last-level table
 * is shared, write-protected through its PD entry on both sides, with a
 * reference per sharer in the table's struct page. The first change under
 * a shared table (a write fault, a new mapping, an unmap) copies that one
 * table as pt=cow would have at fork; tables never written stay shared. */
#include "mm/pgtable.h"
#include "mm/pmm.h"

/* share_pd - share every last-level table of [start, end) under one PD
 * with @dst (once each, however many VMAs it holds): the PD entry loses W
 * on both sides (the parent's is written only if it changes) and the
 * table's struct page gains a reference per sharer. */
static __attribute__((always_inline)) inline int
__share_pd(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end, const bool thp)
{
	int from = pmd_index(start), to = pmd_index(end - 1) + 1;
	u64 shared = 0;

	for (int i = from; i < to; i++) {
		u64 e = spd[i];

		if (!(e & PTE_P) || (dpd[i] & PTE_P))
			continue;
		if (thp && (e & PTE_PS)) {	/* no table to share: the 2 MiB, COW */
			huge_pmd_share(dst, &dpd[i], &spd[i]);
			continue;
		}
		if (e & PTE_W) {
			e &= ~PTE_W;
			spd[i] = e;
		}
		dpd[i] = e;
		get_page(__phys_to_page(e & PTE_ADDR_MASK));
		shared++;
	}
	dst->pt_pages += shared;
	return 0;
}

static int share_pd_4k(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end)
{
	return __share_pd(dst, dpd, spd, start, end, false);
}

static int share_pd_thp(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end)
{
	return __share_pd(dst, dpd, spd, start, end, true);
}

/* huge entries are looked for once thp_static_enable has run */
static copy_pd_fn share_pd = share_pd_4k;

void pt_share_thp_enable(void)
{
	share_pd = share_pd_thp;
}

static int share_copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	int ret = copy_page_tables(dst, src, share_pd);

	flush_tlb_mm(src);	/* the parent's PD entries lost W */
	return ret;
}

u64 *pte_table_unshare(struct mm_struct *mm, u64 *pmd)
{
	u64 *old = __va(*pmd & PTE_ADDR_MASK), *new;
	struct page *page = virt_to_page(old);

	if (page_count(page) == 1) {
		/* the other sharers copied theirs: this one is ours again; its
		 * entries were COW-armed by their copies */
		*pmd |= PTE_W;
		flush_tlb_mm(mm);
		return old;
	}
	new = pt_alloc_table(mm);
	if (!new)
		return NULL;
	mm->rss_pages += copy_pte_table_sparse(new, old);	/* arms COW in both */
	*pmd = __pa(new) | (*pmd & ~PTE_ADDR_MASK) | PTE_W;
	put_pte_table(old);
	mm->pt_pages--;				/* one reference traded for one table */
	flush_tlb_mm(mm);
	return new;
}

const struct pt_ops pt_share_ops = {
	.name = "share",
	.desc = "share last-level page tables, copy one on first write (On-demand-fork)",
	.copy_page_range = share_copy_page_range,
	.copy_huge_pmd = huge_pmd_share,
};
