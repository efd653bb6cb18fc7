/* core/mm/huge_memory.c - transparent huge pages (thp=, thp_cow=), as
 * Linux's mm/huge_memory.c has them for anonymous memory: an aligned 2 MiB
 * of a VM_HUGEPAGE VMA gets one PD entry mapping an order-9 block at its
 * first touch; fork copies that one entry write-protected instead of 512
 * PTEs (or, under pt=copy, the 2 MiB); the first write then copies the
 * 2 MiB (thp_cow=copy) or splits the entry into 512 PTEs and lets the
 * 4 KiB path copy one page (thp_cow=split, do_huge_pmd_wp_page's fallback).
 * A huge entry's block is compound (one reference on the head per mapping)
 * until some mapper splits it: then it is 512 pages with a reference each
 * (pgtable.h). */
#include "mm/pgtable.h"
#include "kernel/failslab.h"
#include "lib/panic.h"
#include "lib/string.h"

u32 thp_mode = THP_NEVER, thp_cow = THP_COW_COPY;
struct thp_stats thp_stats;
const char *const thp_mode_names[] = { "never", "always", NULL };
const char *const thp_cow_names[] = { "copy", "split", NULL };

/* exit_mmap_thp - exit_mmap once THP is on: the huge entries of every
 * VM_HUGEPAGE VMA zapped (they lie whole inside it), then the 4 KiB rest. */
static void exit_mmap_thp(struct mm_struct *mm)
{
	for (int v = 0; v < mm->nr_vmas; v++)
		if (mm->vma[v].flags & VM_HUGEPAGE)
			thp_unmap_range(mm, mm->vma[v].start, mm->vma[v].end);
	exit_mmap_4k(mm);
}

/* handle_mm_fault_thp - handle_mm_fault once THP is on: a VM_HUGEPAGE
 * VMA's fault may be a huge one; the rest is the 4 KiB handler's. */
static int handle_mm_fault_thp(struct mm_struct *mm, u64 addr, u64 error_code)
{
	struct vm_area *vma = find_vma(mm, addr);

	/* only an access the VMA allows maps 2 MiB (the 4 KiB handler
	 * refuses the rest); an exec-only VMA stays in 4 KiB pages */
	if (vma && (vma->flags & VM_HUGEPAGE) && (vma->prot & (PROT_READ | PROT_WRITE)) &&
	    !fault_denied(vma, error_code)) {
		int r = do_huge_pmd_fault(mm, vma, addr & PAGE_MASK, error_code);

		if (r != THP_FALLBACK)
			return r;
	}
	return handle_mm_fault_4k(mm, addr, error_code);
}

void thp_static_enable(void)
{
	copy_pmds = copy_pmds_thp;
	pt_share_thp_enable();
	exit_mmap = exit_mmap_thp;
	handle_mm_fault_fn = handle_mm_fault_thp;
}

static inline bool huge_compound(const struct page *page)
{
	return page->order == HPAGE_PMD_ORDER;
}

/* get_huge, put_huge - take or drop one mapping's reference(s) to the 2 MiB
 * at @page: the head's while compound, else each page's. */
static void get_huge(struct page *page)
{
	if (huge_compound(page)) {
		get_page(page);
		return;
	}
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		get_page(page + i);
}

static void put_huge(struct page *page)
{
	if (!huge_compound(page)) {
		for (int i = 0; i < HPAGE_PMD_NR; i++)
			put_page(page + i);
		return;
	}
	if (page->_refcount <= 0)
		panic("put_huge: pfn %lx has refcount %d", page_to_pfn(page), page->_refcount);
	if (atomic_dec_and_test(&page->_refcount))
		__free_pages(page, HPAGE_PMD_ORDER);
}

static inline struct page *pmd_page(u64 pmd)
{
	return phys_to_page(pmd & PTE_ADDR_MASK);
}

/* set_huge_pmd - point empty-or-emptied @pmd of @mm at the 2 MiB block at
 * @phys with @flags; a last-level table left there by a kept tree
 * (quicklist=trees: all zero) is freed first. */
static void set_huge_pmd(struct mm_struct *mm, u64 *pmd, u64 phys, u64 flags)
{
	if ((*pmd & PTE_P) && !(*pmd & PTE_PS))
		pt_free_table(mm, __va(*pmd & PTE_ADDR_MASK));
	*pmd = phys | flags | PTE_PS;
	mm->rss_pages += HPAGE_PMD_NR;
}

/* alloc_huge_copy - a new 2 MiB block holding a copy of @src's; NULL on OOM. */
static struct page *alloc_huge_copy(struct page *src)
{
	struct page *page = alloc_pages(HPAGE_PMD_ORDER);

	if (page)
		memcpy(page_address(page), page_address(src), PMD_SIZE);
	return page;
}

int huge_pmd_share(struct mm_struct *dst, u64 *dpmd, u64 *spmd)
{
	u64 e = *spmd;
	struct page *page = __phys_to_page(e & PTE_ADDR_MASK);

	/* fork's hot loop with 2 MiB pages: one entry where 4 KiB pages take
	 * 512, so it stays short (the source written only when it changes) */
	if (e & PTE_W) {
		e = (e & ~PTE_W) | PTE_COW;
		*spmd = e;
	}
	if (likely(huge_compound(page)))
		atomic_inc(&page->_refcount);
	else
		get_huge(page);
	if (unlikely(*dpmd & PTE_P))	/* an empty table of a kept tree */
		pt_free_table(dst, __va(*dpmd & PTE_ADDR_MASK));
	*dpmd = e;
	dst->rss_pages += HPAGE_PMD_NR;
	return 0;
}

int huge_pmd_copy(struct mm_struct *dst, u64 *dpmd, u64 *spmd)
{
	u64 e = *spmd;
	struct page *page = should_fail(FAIL_COPY_PAGE) ? NULL : alloc_huge_copy(pmd_page(e));

	if (!page)
		return -ENOMEM;
	if (e & PTE_COW)		/* still shared in the parent: private here */
		e = (e & ~PTE_COW) | PTE_W;
	set_huge_pmd(dst, dpmd, page_to_phys(page), e & ~PTE_ADDR_MASK & ~PTE_PS);
	return 0;
}

void zap_huge_pmd(struct mm_struct *mm, u64 *pmd)
{
	put_huge(pmd_page(*pmd));
	*pmd = 0;
	mm->rss_pages -= HPAGE_PMD_NR;
}

int split_huge_pmd(struct mm_struct *mm, u64 *pmd, u64 haddr)
{
	u64 e = *pmd, flags = e & ~PTE_ADDR_MASK & ~PTE_PS, phys = e & PTE_ADDR_MASK;
	struct page *page = pmd_page(e);
	u64 *table = pt_alloc_table(mm);

	if (!table)
		return -ENOMEM;
	/* every mapper's reference becomes one on each of the 512 pages */
	if (huge_compound(page))
		split_page(page, HPAGE_PMD_ORDER);
	thp_stats.split_pmd++;
	for (int i = 0; i < HPAGE_PMD_NR; i++)
		table[i] = (phys + ((u64)i << PAGE_SHIFT)) | flags;
	*pmd = __pa(table) | PTE_P | PTE_W | PTE_U;
	/* the 2 MiB TLB entry goes, here and on the other CPUs running @mm */
	flush_tlb_page(mm, haddr);
	return 0;
}

int thp_unmap_range(struct mm_struct *mm, u64 start, u64 end)
{
	for (u64 addr = start, next; addr < end; addr = next) {
		u64 haddr = ALIGN_DOWN(addr, PMD_SIZE), *pmd = walk_pmd(mm, addr, false);

		next = MIN(end, haddr + PMD_SIZE);
		if (!pmd || !pmd_huge(*pmd))
			continue;
		if (addr == haddr && next == haddr + PMD_SIZE) {
			zap_huge_pmd(mm, pmd);
			flush_tlb_page(mm, haddr);
		} else if (split_huge_pmd(mm, pmd, haddr)) {
			return -ENOMEM;
		}
	}
	return 0;
}

int thp_split_range(struct mm_struct *mm, u64 start, u64 end)
{
	for (u64 addr = ALIGN_DOWN(start, PMD_SIZE); addr < end; addr += PMD_SIZE) {
		u64 *pmd = walk_pmd(mm, addr, false);

		if (pmd && pmd_huge(*pmd) && split_huge_pmd(mm, pmd, addr))
			return -ENOMEM;
	}
	return 0;
}

/* do_huge_pmd_wp_page - a write to the huge page at @pmd, shared
 * copy-on-write: reuse it when this mapping is its only one, else copy
 * the 2 MiB (thp_cow=copy) or split (thp_cow=split, or no 2 MiB block
 * free) and leave the 4 KiB copy to the caller (THP_FALLBACK). */
static int do_huge_pmd_wp_page(struct mm_struct *mm, u64 *pmd, u64 haddr)
{
	u64 e = *pmd, flags = (e & ~PTE_ADDR_MASK & ~PTE_COW) | PTE_W;
	struct page *old = pmd_page(e), *new;

	if (huge_compound(old) && page_count(old) == 1) {
		*pmd = (e & PTE_ADDR_MASK) | flags;
		invlpg(haddr);
		return 0;
	}
	new = thp_cow == THP_COW_COPY ? alloc_huge_copy(old) : NULL;
	if (!new) {
		int r = split_huge_pmd(mm, pmd, haddr);

		return r ? r : THP_FALLBACK;
	}
	*pmd = page_to_phys(new) | flags;
	thp_stats.cow_copy++;
	flush_tlb_page(mm, haddr);	/* other CPUs may still map the old block */
	put_huge(old);
	return 0;
}

int do_huge_pmd_fault(struct mm_struct *mm, struct vm_area *vma, u64 va, u64 error_code)
{
	u64 haddr = ALIGN_DOWN(va, PMD_SIZE), *pmd = walk_pmd(mm, va, true);
	struct page *page;

	if (!pmd)
		return -ENOMEM;
	if (!(*pmd & PTE_P)) {
		if (haddr < vma->start || haddr + PMD_SIZE > vma->end)
			return THP_FALLBACK;
		page = alloc_pages(HPAGE_PMD_ORDER);
		if (!page) {
			thp_stats.fault_fallback++;
			return THP_FALLBACK;	/* no 2 MiB free: 4 KiB pages, as Linux */
		}
		thp_stats.fault_alloc++;
		memset(page_address(page), 0, PMD_SIZE);
		set_huge_pmd(mm, pmd, page_to_phys(page), pte_flags_for(vma->prot));
		return 0;
	}
	if (!(*pmd & PTE_PS))
		return THP_FALLBACK;
	if ((error_code & PF_WRITE) && (*pmd & PTE_COW))
		return do_huge_pmd_wp_page(mm, pmd, haddr);
	if (!(error_code & PF_WRITE) || (*pmd & PTE_W)) {
		invlpg(va);	/* a stale TLB entry */
		return 0;
	}
	return -EFAULT;
}
