/* core/mm/pt.c - the pt= family, and the walker every strategy's fork copy
 * runs: it visits the upper levels of each VMA's range, as Linux walks VMA
 * by VMA, and hands each PD table's part to the strategy. */
#include "mm/pgtable.h"

/* The pt= strategies; adding one means adding its ops table here. */
DEFINE_STRATEGY_FAMILY(pt_family, "pt", "page-table copy at fork", &pt_cow_ops.strategy,
		       &pt_cow_ops.strategy, &pt_copy_ops.strategy, &pt_share_ops.strategy);
const struct pt_ops *pt_ops_current;

static int copy_pdpt_range(struct mm_struct *dst, u64 *dt, u64 *st, u64 start, u64 end,
			   copy_pd_fn copy_pd);

/* copy_range - copy the tables of [start, end) below table @st (@level 3 =
 * PML4, 2 = PDPT) into @dt, handing each PD table's part to @copy_pd;
 * only entries inside the range are visited, as Linux walks VMA by VMA
 * rather than scanning whole tables. Inlined into one function per level,
 * so that the shifts and sizes are constants. */
static __attribute__((always_inline)) inline int
copy_range(struct mm_struct *dst, u64 *dt, u64 *st, const int level, u64 start, u64 end,
	   copy_pd_fn copy_pd)
{
	const u64 size = 1UL << (PAGE_SHIFT + 9 * level);

	for (u64 addr = start; addr < end;) {
		int i = (addr >> (PAGE_SHIFT + 9 * level)) & (PTRS_PER_TABLE - 1);
		u64 next = MIN(end, ALIGN_DOWN(addr, size) + size);
		u64 *child;
		int r;

		if (!(st[i] & PTE_P)) {
			addr = next;
			continue;
		}
		if (!(dt[i] & PTE_P)) {
			child = pt_alloc_table(dst);
			if (!child)
				return -ENOMEM;
			dt[i] = __pa(child) | (st[i] & ~PTE_ADDR_MASK);
		}
		child = __va(dt[i] & PTE_ADDR_MASK);
		if (level == 2)
			r = copy_pd(dst, child, __va(st[i] & PTE_ADDR_MASK), addr, next);
		else
			r = copy_pdpt_range(dst, child, __va(st[i] & PTE_ADDR_MASK), addr, next,
					    copy_pd);
		if (r)
			return r;
		addr = next;
	}
	return 0;
}

static int copy_pdpt_range(struct mm_struct *dst, u64 *dt, u64 *st, u64 start, u64 end,
			   copy_pd_fn copy_pd)
{
	return copy_range(dst, dt, st, 2, start, end, copy_pd);
}

static int copy_pml4_range(struct mm_struct *dst, u64 *dt, u64 *st, u64 start, u64 end,
			   copy_pd_fn copy_pd)
{
	return copy_range(dst, dt, st, 3, start, end, copy_pd);
}

/* __copy_pmds - copy_pmds' body; @thp: huge entries are copied by the
 * strategy's copy_huge_pmd (a constant: two functions, below). */
static __attribute__((always_inline)) inline int
__copy_pmds(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
	    copy_pmd_fn copy_pmd, const bool thp)
{
	for (u64 addr = start, next; addr < end; addr = next) {
		int i = pmd_index(addr), r;

		next = MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
		if (!(spd[i] & PTE_P))
			continue;
		if (thp && (spd[i] & PTE_PS))
			r = pt_ops_current->copy_huge_pmd(dst, &dpd[i], &spd[i]);
		else
			r = copy_pmd(dst, &dpd[i], &spd[i], addr, next);
		if (r)
			return r;
	}
	return 0;
}

static int copy_pmds_4k(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
			copy_pmd_fn copy_pmd)
{
	return __copy_pmds(dst, dpd, spd, start, end, copy_pmd, false);
}

int copy_pmds_thp(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
		  copy_pmd_fn copy_pmd)
{
	return __copy_pmds(dst, dpd, spd, start, end, copy_pmd, true);
}

/* Until the first VM_HUGEPAGE VMA no PD entry is huge, and fork's walk
 * does not ask (thp_static_enable; an indirect call costs what a direct
 * one does). */
int (*copy_pmds)(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
		 copy_pmd_fn copy_pmd) = copy_pmds_4k;

u64 *pmd_table(struct mm_struct *dst, u64 *dpmd, u64 spmd)
{
	u64 *table;

	if (*dpmd & PTE_P)
		return __va(*dpmd & PTE_ADDR_MASK);
	table = pt_alloc_table(dst);
	if (table)
		*dpmd = __pa(table) | (spmd & ~PTE_ADDR_MASK);
	return table;
}

int copy_page_tables(struct mm_struct *dst, struct mm_struct *src, copy_pd_fn copy_pd)
{
	for (int v = 0; v < src->nr_vmas; v++) {
		int r = copy_pml4_range(dst, dst->pgd, src->pgd, src->vma[v].start,
					src->vma[v].end, copy_pd);

		if (r)
			return r;
	}
	return 0;
}
