/* core/mm/pgtable.c - page-table pages: the quicklists of zeroed tables
 * (see pgtable.h), allocating and freeing table pages for an mm, walking to
 * a last-level entry, and loading and flushing an address space. */
#include "mm/pgtable.h"
#include "kernel/failslab.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "x86/sections.h"
#include "kernel/smp.h"

struct pt_quicklists pt_quicklists[NR_CPUS];

/* quicklist_drain - free every page of @q; entries [@from, @to) of each
 * must be zero and the rest equal to @tail (the kernel half of a PML4). */
static void quicklist_drain(struct pt_quicklist *q, int from, int to, const u64 *tail)
{
	struct page *page;

	while ((page = quicklist_pop(q))) {
		u64 *t = page_address(page);

		for (int i = 0; i < PTRS_PER_TABLE; i++)
			if (i >= from && i < to ? t[i] != 0 : t[i] != tail[i])
				panic("pt quicklist: pfn %lx entry %d is %lx, not clean",
				      page_to_pfn(page), i, t[i]);
		put_page(page);
	}
}

/* quicklists_trim - this CPU's quicklists back to the buddy allocator. */
static void quicklists_trim(void *unused)
{
	struct pt_quicklists *q = this_cpu_quicklists();

	(void)unused;
	quicklist_drain(&q->pt, 0, PTRS_PER_TABLE, NULL);
	quicklist_drain(&q->pgd, 0, USER_PGD_ENTRIES, boot_pml4);
}

void pt_quicklists_reclaim(void)
{
	quicklists_trim(NULL);
	smp_call_function_others(quicklists_trim, NULL);
}

void pt_quicklists_drain(void)
{
	for (int cpu = 0; cpu < NR_CPUS; cpu++) {
		quicklist_drain(&pt_quicklists[cpu].pt, 0, PTRS_PER_TABLE, NULL);
		quicklist_drain(&pt_quicklists[cpu].pgd, 0, USER_PGD_ENTRIES, boot_pml4);
	}
}

/* pt_alloc_table - a zeroed page-table page charged to @mm; NULL on OOM. */
u64 *pt_alloc_table(struct mm_struct *mm)
{
	struct page *page;
	u64 *t;

	if (should_fail(FAIL_PGTABLE))
		return NULL;
	page = quicklist_pop(&this_cpu_quicklists()->pt);
	if (page) {
		t = page_address(page);
	} else {
		page = alloc_page();
		if (!page)
			return NULL;
		t = page_address(page);
		memset(t, 0, PAGE_SIZE);
	}
	mm->pt_pages++;
	return t;
}

/* pt_free_table - drop @mm's reference to @table. A table shared with
 * another mm (pt=share) only loses a reference; one that is ours alone
 * must be all zero by now and goes to the quicklist. */
void pt_free_table(struct mm_struct *mm, u64 *table)
{
	struct page *page = virt_to_page(table);

	mm->pt_pages--;
	if (page_count(page) == 1 && quicklist_push(&this_cpu_quicklists()->pt, page))
		return;
	put_page(page);
}

void put_pte_table(u64 *table)
{
	struct page *page = virt_to_page(table);

	if (!atomic_dec_and_test(&page->_refcount))
		return;
	for_each_entry(i, table, 0, PTRS_PER_TABLE) {
		put_page(__phys_to_page(table[i] & PTE_ADDR_MASK));
		table[i] = 0;
	}
	page->_refcount = 1;		/* ours alone, and zero again */
	if (!quicklist_push(&this_cpu_quicklists()->pt, page))
		put_page(page);
}

/* next_table - the table @entry points to; with @alloc one is made if
 * absent, with @modify a shared last-level table is made private first;
 * NULL when absent (or out of memory). */
static u64 *next_table(struct mm_struct *mm, u64 *entry, bool alloc, bool modify)
{
	/* a write-protected PD entry is a last-level table shared at fork
	 * (pt=share): changing anything under it needs a private copy */
	if (modify && (*entry & (PTE_P | PTE_W)) == PTE_P)
		return pte_table_unshare(mm, entry);
	if (!(*entry & PTE_P)) {
		u64 *t;

		if (!alloc)
			return NULL;
		t = pt_alloc_table(mm);
		if (!t)
			return NULL;
		*entry = __pa(t) | PTE_P | PTE_W | PTE_U;
	}
	return __va(*entry & PTE_ADDR_MASK);
}

u64 *walk_pmd(struct mm_struct *mm, u64 va, bool alloc)
{
	u64 *t = mm->pgd;

	for (int level = 3; level > 1; level--) {
		t = next_table(mm, &t[(va >> (PAGE_SHIFT + 9 * level)) & 511], alloc, false);
		if (!t)
			return NULL;
	}
	return &t[pmd_index(va)];
}

u64 *__walk_pte(struct mm_struct *mm, u64 va, bool alloc, bool modify)
{
	u64 *t = mm->pgd;

	for (int level = 3; level > 0; level--) {
		t = next_table(mm, &t[(va >> (PAGE_SHIFT + 9 * level)) & 511], alloc,
			       modify && level == 1);
		if (!t)
			return NULL;
	}
	return &t[(va >> PAGE_SHIFT) & 511];
}
