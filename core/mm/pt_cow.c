/* core/mm/pt_cow.c - pt=cow: Linux's fork. Copy every page-table level, share
 * the pages, write-protect writable ones on both sides and raise their
 * reference counts; the first write faults and copies (memory.c do_wp_page). */
#include "mm/pgtable.h"
#include "mm/pmm.h"

/* copy_pte_range - copy entries [from, to) of a last-level table, arming
 * COW on both sides: writable entries lose W and gain PTE_COW, every page
 * gains a reference. Also how pt=share unshares a table (pt_share.c).
 *
 * The hot loop of fork, eight instructions an entry once the parent's
 * entries are already write-protected (every fork after its first): no
 * branch for empty entries - a user PTE is present or 0, and 0 raises the
 * count of frame 0, which is never managed (pmm.h) - and no rss count
 * (the caller knows it). The count is raised with lock incl: other CPUs may
 * fork from the same pages (one instruction either way). The source is written only when it changes: on
 * a shadow-paging hypervisor each write to a live table traps. */
static __attribute__((always_inline)) inline void
__copy_pte_range(u64 *dpt, u64 *spt, int from, int to, struct tlb_batch *const note)
{
	const u64 refs = vmemmap_base + offsetof(struct page, _refcount);

#pragma GCC unroll 8
	for (int i = from; i < to; i++) {
		u64 e = spt[i];

		if (unlikely(e & PTE_W)) {
			e = (e & ~PTE_W) | PTE_COW;
			spt[i] = e;
			if (note)
				tlb_batch_add(note, i);
		}
		dpt[i] = e;
		atomic_inc((int *)(refs + ((e & PTE_ADDR_MASK) >> (PAGE_SHIFT - PAGE_STRUCT_SHIFT))));
	}
}

void copy_pte_range(u64 *dpt, u64 *spt, int from, int to)
{
	__copy_pte_range(dpt, spt, from, to, NULL);
}

/* copy_pte_range_noting - copy_pte_range noting the parent entries it
 * write-protects in this CPU's tlb_batch (tlb_ceiling=), as addresses. */
static void copy_pte_range_noting(u64 *dpt, u64 *spt, int from, int to, u64 va)
{
	struct tlb_batch *b = this_cpu_tlb_batch();
	u64 noted = b->nr;

	__copy_pte_range(dpt, spt, from, to, b);
	if (b->nr != noted)
		tlb_batch_pages(b, noted, va);
}

/* copy_pte_table_sparse - copy_pte_range over a whole table that is
 * mostly empty (pt=share unsharing a table), skipping empty entries
 * instead of counting them on frame 0; returns the pages it mapped. */
u64 copy_pte_table_sparse(u64 *dpt, u64 *spt)
{
	u64 rss = 0;

	for (int i = 0; i < PTRS_PER_TABLE; i++) {
		u64 e = spt[i];

		if (!e)
			continue;
		if (e & PTE_W) {
			e = (e & ~PTE_W) | PTE_COW;
			spt[i] = e;
		}
		dpt[i] = e;
		get_page(__phys_to_page(e & PTE_ADDR_MASK));
		rss++;
	}
	return rss;
}

/* cow_copy_pmd - @dst's last-level table, entries in range shared COW
 * (@note: the parent's entries it write-protects noted in tlb_batch). */
static __attribute__((always_inline)) inline int
__cow_copy_pmd(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end, const bool note)
{
	u64 *table = pmd_table(dst, dpmd, *spmd);
	int from, to;

	if (!table)
		return -ENOMEM;
	pte_index_range(start, end, &from, &to);
	if (note)
		copy_pte_range_noting(table, __va(*spmd & PTE_ADDR_MASK), from, to,
				      ALIGN_DOWN(start, PMD_SIZE));
	else
		copy_pte_range(table, __va(*spmd & PTE_ADDR_MASK), from, to);
	return 0;
}

static int cow_copy_pmd(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end)
{
	return __cow_copy_pmd(dst, dpmd, spmd, start, end, false);
}

static int cow_copy_pmd_noting(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end)
{
	return __cow_copy_pmd(dst, dpmd, spmd, start, end, true);
}

static int cow_copy_pd(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end)
{
	return copy_pmds(dst, dpd, spd, start, end, cow_copy_pmd);
}

static int cow_copy_pd_noting(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end)
{
	return copy_pmds(dst, dpd, spd, start, end, cow_copy_pmd_noting);
}

static int cow_copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	int ret;

	/* the parent's writable PTEs become read-only: with tlb_ceiling= they
	 * are noted and flushed one by one, else the whole TLB goes */
	if (unlikely(tlb_ceiling)) {
		ret = copy_page_tables(dst, src, cow_copy_pd_noting);
		flush_tlb_batch(src);
	} else {
		ret = copy_page_tables(dst, src, cow_copy_pd);
		flush_tlb_mm(src);
	}
	/* every present entry of every VMA was copied */
	dst->rss_pages = src->rss_pages;
	return ret;
}

const struct pt_ops pt_cow_ops = {
	.name = "cow",
	.desc = "copy every page-table level, share pages copy-on-write (Linux)",
	.copy_page_range = cow_copy_page_range,
	.copy_huge_pmd = huge_pmd_share,
};
