/* core/pt_share.c - pt=share: On-demand-fork (Zhao, Gong, Fonseca,
 * EuroSys 2021). Fork copies the upper levels only; every last-level table
 * is shared, write-protected through its PD entry on both sides, with a
 * reference per sharer in the table's struct page. The first change under
 * a shared table (a write fault, a new mapping, an unmap) copies that one
 * table as pt=cow would have at fork; tables never written stay shared. */
#include "mm.h"
#include "pmm.h"

/* share_pmd - share the last-level table under @spmd with @dst (once,
 * however many VMAs it holds). */
static int share_pmd(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end)
{
	(void)start, (void)end;
	if (*dpmd & PTE_P)
		return 0;
	*spmd &= ~PTE_W;
	*dpmd = *spmd;
	get_page(virt_to_page(__va(*spmd & PTE_ADDR_MASK)));
	dst->pt_pages++;
	return 0;
}

static int share_copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	int ret = copy_page_tables(dst, src, share_pmd);

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
	put_page(page);
	mm->pt_pages--;				/* one reference traded for one table */
	flush_tlb_mm(mm);
	return new;
}

const struct pt_ops pt_share_ops = {
	.name = "share",
	.desc = "share last-level page tables, copy one on first write (On-demand-fork)",
	.copy_page_range = share_copy_page_range,
};
