/* core/mm/mm.c - the mm_struct: its cache, a new address space, the copy
 * fork makes (dup_mm: the VMAs here, the page tables by the pt= strategy),
 * and its tear-down (exit_mmap: every user page and table page back). */
#include "mm/pgtable.h"
#include "mm/kmem.h"
#include "kernel/failslab.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "x86/sections.h"

static struct kmem_cache *mm_cachep;	/* struct mm_struct */

/* mm_init - the mm_struct cache, from the allocator selected now. */
int mm_init(void)
{
	pmm_reclaim = pt_quicklists_reclaim;
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 64, NULL);
	if (!mm_cachep)
		return -ENOMEM;
	pte_flags_init();
	return 0;
}

u64 mm_live_objects(void)
{
	struct kmem_stats st;

	if (!mm_cachep)
		return 0;
	kmem_cache_stats(mm_cachep, &st);
	return st.live;
}

void mm_exit(void)
{
	pt_trees_drain();
	pt_quicklists_drain();
	if (mm_cachep)
		kmem_cache_destroy(mm_cachep);
	mm_cachep = NULL;
}

/* pgd_alloc - a PML4 whose kernel half is the boot tables' (the kernel
 * mappings never change after boot) and whose user half is empty. */
static u64 *pgd_alloc(struct mm_struct *mm)
{
	struct page *page;
	u64 *pgd;

	if (should_fail(FAIL_PGTABLE))
		return NULL;
	if (unlikely(pt_quicklist_mode == PT_QUICKLIST_TREES)) {
		pgd = pt_tree_pop(mm);
		if (pgd)
			return pgd;
	}
	page = quicklist_pop(&this_cpu_quicklists()->pgd);
	if (page) {
		mm->pt_pages++;
		return page_address(page);
	}
	page = alloc_page();
	if (!page)
		return NULL;
	pgd = page_address(page);
	memset(pgd, 0, USER_PGD_ENTRIES * sizeof(u64));
	memcpy(pgd + USER_PGD_ENTRIES, boot_pml4 + USER_PGD_ENTRIES,
	       (PTRS_PER_TABLE - USER_PGD_ENTRIES) * sizeof(u64));
	mm->pt_pages++;
	return pgd;
}

/* pgd_free - @mm's PML4, its user half cleared by exit_mmap. */
static void pgd_free(struct mm_struct *mm)
{
	struct page *page = virt_to_page(mm->pgd);

	mm->pt_pages--;
	if (!quicklist_push(&this_cpu_quicklists()->pgd, page))
		put_page(page);
}

struct mm_struct *mm_alloc(void)
{
	struct mm_struct *mm = should_fail(FAIL_MM) ? NULL : kmem_cache_alloc(mm_cachep);

	if (!mm)
		return NULL;
	memset(mm, 0, sizeof(*mm));
	mm->pgd = pgd_alloc(mm);
	if (!mm->pgd) {
		kmem_cache_free(mm_cachep, mm);
		return NULL;
	}
	mm->pgd_phys = __pa(mm->pgd);
	mm->vma = mm->vma_inline;
	mm->mm_users = 1;
	spin_lock_init(&mm->page_table_lock, "page_table_lock");
	mm->mmap_top = USER_MMAP_BASE;
	return mm;
}


/* __pd_entry - @mm's PD entry for @va, or NULL if no PD covers it. */
static inline u64 *__pd_entry(struct mm_struct *mm, u64 va)
{
	u64 *t = mm->pgd;

	for (int level = 3; level > 1; level--) {
		u64 e = t[(va >> (PAGE_SHIFT + 9 * level)) & 511];

		if (!(e & PTE_P))
			return NULL;
		t = __va(e & PTE_ADDR_MASK);
	}
	return &t[pmd_index(va)];
}

/* absent_end - where the missing upper-level entry that leaves @addr
 * without a PD ends (at most @end): a walk skips its whole span. Inline:
 * a call in exit_mmap's loop cost every exit 12 instructions of saved
 * registers. */
static __attribute__((always_inline)) inline u64
absent_end(struct mm_struct *mm, u64 addr, u64 end)
{
	u64 *t = mm->pgd;

	for (int level = 3; level > 1; level--) {
		const u64 size = 1UL << (PAGE_SHIFT + 9 * level);
		u64 e = t[(addr >> (PAGE_SHIFT + 9 * level)) & 511];

		if (!(e & PTE_P))
			return MIN(end, ALIGN_DOWN(addr, size) + size);
		t = __va(e & PTE_ADDR_MASK);
	}
	return MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
}

u64 *pd_entry(struct mm_struct *mm, u64 addr, u64 end, u64 *next)
{
	u64 *pde = __pd_entry(mm, addr);

	*next = pde ? MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE) : absent_end(mm, addr, end);
	return pde;
}

/* zap_range - drop and clear the pages @mm maps in [start, end) (Linux's
 * zap_pte_range); a last-level table shared with another mm (pt=share)
 * loses our reference instead (put_pte_table): its pages are the sharers'
 * until the last of them lets go.
 * User PTEs exist only inside VMAs (munmap and brk clear theirs), so the
 * VMAs are all that needs walking. */
static void zap_range(struct mm_struct *mm, u64 start, u64 end)
{
	for (u64 addr = start, next; addr < end; addr = next) {
		u64 *pde = __pd_entry(mm, addr), *pt;
		int from, to;

		next = MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
		if (!pde || !(*pde & PTE_P)) {
			/* a huge, mostly empty VMA: skip what has no tables (2^25
			 * PD slots of a 64 TiB mapping took seconds an exit) */
			if (!pde)
				next = absent_end(mm, addr, end);
			continue;
		}
		pt = __va(*pde & PTE_ADDR_MASK);
		if (page_count(virt_to_page(pt)) > 1) {
			/* shared (pt=share): drop our reference; the last
			 * sharer to drop one puts the pages it maps */
			*pde = 0;
			mm->pt_pages--;
			put_pte_table(pt);
			continue;
		}
		pte_index_range(addr, next, &from, &to);
		for_each_entry(i, pt, from, to) {
			put_page(__phys_to_page(pt[i] & PTE_ADDR_MASK));
			pt[i] = 0;
			mm->rss_pages--;
		}
	}
}

/* free_pgtables - free every page-table page below the PML4, clearing the
 * entries that pointed to them: each table reaches the quicklist zero (a
 * shared last-level table only loses @mm's reference). */
static __attribute__((always_inline)) inline void free_pgtables(struct mm_struct *mm)
{
	u64 *pgd = mm->pgd;

	for_each_entry(i, pgd, 0, USER_PGD_ENTRIES) {
		u64 *pdpt = __va(pgd[i] & PTE_ADDR_MASK);

		for_each_entry(j, pdpt, 0, PTRS_PER_TABLE) {
			u64 *pd = __va(pdpt[j] & PTE_ADDR_MASK);

			for_each_entry(k, pd, 0, PTRS_PER_TABLE) {
				pt_free_table(mm, __va(pd[k] & PTE_ADDR_MASK));
				pd[k] = 0;
			}
			pt_free_table(mm, pd);
			pdpt[j] = 0;
		}
		pt_free_table(mm, pdpt);
		pgd[i] = 0;
	}
}

/* exit_mmap_4k - exit_mmap while no VMA is VM_HUGEPAGE (exit_mmap_thp,
 * huge_memory.c, zaps the huge entries and then calls it). */
void exit_mmap_4k(struct mm_struct *mm)
{
	/* CPUs that keep it loaded lazily (this one too) leave it first */
	if (mm->cpu_mask)
		tlb_leave_everywhere(mm);
	for (const struct vm_area *vma = mm->vma, *end = vma + mm->nr_vmas; vma < end; vma++)
		zap_range(mm, vma->start, vma->end);
	/* quicklist=trees: the tree may wait whole for the next mm */
	if (likely(pt_quicklist_mode != PT_QUICKLIST_TREES) || !pt_tree_push(mm)) {
		free_pgtables(mm);
		pgd_free(mm);
	}
	if (mm->pt_pages)
		panic("exit_mmap: %lu page-table pages unaccounted", mm->pt_pages);
	if (unlikely(mm->max_vmas))
		vma_free(mm);
	kmem_cache_free(mm_cachep, mm);
}

/* 4 KiB only until the first VM_HUGEPAGE VMA (thp_static_enable): a
 * tail call through a pointer costs what a direct one does */
void (*exit_mmap)(struct mm_struct *mm) = exit_mmap_4k;

void pt_tree_free(u64 *pgd, u64 pages)
{
	struct mm_struct mm = { .pgd = pgd, .pt_pages = pages };

	free_pgtables(&mm);
	pgd_free(&mm);
	if (mm.pt_pages)
		panic("pt_tree_free: %lu page-table pages unaccounted", mm.pt_pages);
}

void mmput(struct mm_struct *mm)
{
	if (atomic_dec_and_test(&mm->mm_users))
		exit_mmap(mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();
	int r;

	if (!mm)
		return NULL;
	/* the parent's other threads, if any, wait (see mm_shared) */
	if (unlikely(mm_shared(old)))
		spin_lock(&old->page_table_lock);
	r = unlikely(old->nr_vmas > MM_INLINE_VMAS) ? vma_grow(mm, old->nr_vmas) : 0;
	if (likely(!r)) {
		memcpy(mm->vma, old->vma, old->nr_vmas * sizeof(mm->vma[0]));
		mm->nr_vmas = old->nr_vmas;
		mm->start_brk = old->start_brk;
		mm->brk = old->brk;
		mm->mmap_top = old->mmap_top;
		r = pt_ops_current->copy_page_range(mm, old);
	}
	if (unlikely(held_by_current(&old->page_table_lock)))
		spin_unlock(&old->page_table_lock);
	if (r) {
		exit_mmap(mm);
		return NULL;
	}
	return mm;
}
