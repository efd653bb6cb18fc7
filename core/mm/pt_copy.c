/* core/mm/pt_copy.c - pt=copy: fork as Unix did before copy-on-write. Every
 * present user page is copied at fork; nothing is shared, so no COW faults
 * come later. The upper bound on fork cost, the lower bound on faults. */
#include "mm/pgtable.h"
#include "mm/pmm.h"
#include "lib/string.h"
#include "kernel/failslab.h"

/* copy_pmd_eager - @dst's last-level table, with fresh copies of the
 * pages in range. */
static int copy_pmd_eager(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end)
{
	u64 *spt = __va(*spmd & PTE_ADDR_MASK), *dpt = pmd_table(dst, dpmd, *spmd);
	int from, to;

	if (!dpt)
		return -ENOMEM;
	pte_index_range(start, end, &from, &to);
	for (int i = from; i < to; i++) {
		u64 e = spt[i];
		struct page *page;

		if (!(e & PTE_P))
			continue;
		page = should_fail(FAIL_COPY_PAGE) ? NULL : alloc_page();
		if (!page)
			return -ENOMEM;
		memcpy(page_address(page), __va(e & PTE_ADDR_MASK), PAGE_SIZE);
		/* a page still COW-shared in the parent is private here */
		if (e & PTE_COW)
			e = (e & ~PTE_COW) | PTE_W;
		dpt[i] = page_to_phys(page) | (e & ~PTE_ADDR_MASK);
		dst->rss_pages++;
	}
	return 0;
}

static int copy_pd_eager(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end)
{
	return copy_pmds(dst, dpd, spd, start, end, copy_pmd_eager);
}

static int copy_copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	return copy_page_tables(dst, src, copy_pd_eager);
}

const struct pt_ops pt_copy_ops = {
	.name = "copy",
	.desc = "copy every present user page at fork (pre-COW Unix)",
	.copy_page_range = copy_copy_page_range,
	.copy_huge_pmd = huge_pmd_copy,
};
