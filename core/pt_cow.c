/* core/pt_cow.c - pt=cow: Linux's fork. Copy every page-table level, share
 * the pages, write-protect writable ones on both sides and raise their
 * reference counts; the first write faults and copies (vm.c do_wp_page). */
#include "mm.h"
#include "pmm.h"

/* copy_pte_range - copy entries [from, to) of a last-level table, arming
 * COW on both sides: writable entries lose W and gain PTE_COW, every page
 * gains a reference. Also how pt=share unshares a table (pt_share.c). */
void copy_pte_range(struct mm_struct *dst, u64 *dpt, u64 *spt, int from, int to)
{
	for (int i = from; i < to; i++) {
		u64 e = spt[i];

		if (!(e & PTE_P))
			continue;
		if (e & PTE_W) {
			e = (e & ~PTE_W) | PTE_COW;
			spt[i] = e;
		}
		get_page(phys_to_page(e & PTE_ADDR_MASK));
		dpt[i] = e;
		dst->rss_pages++;
	}
}

/* cow_copy_pmd - @dst's last-level table, entries in range shared COW. */
static int cow_copy_pmd(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end)
{
	u64 *table = pmd_table(dst, dpmd, *spmd);
	int from, to;

	if (!table)
		return -ENOMEM;
	pte_index_range(start, end, &from, &to);
	copy_pte_range(dst, table, __va(*spmd & PTE_ADDR_MASK), from, to);
	return 0;
}

static int cow_copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	int ret = copy_page_tables(dst, src, cow_copy_pmd);

	/* the parent's writable PTEs just became read-only: flush its TLB */
	flush_tlb_mm(src);
	return ret;
}

const struct pt_ops pt_cow_ops = {
	.name = "cow",
	.desc = "copy every page-table level, share pages copy-on-write (Linux)",
	.copy_page_range = cow_copy_page_range,
};
