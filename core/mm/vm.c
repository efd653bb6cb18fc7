/* core/vm.c - user address spaces: mm_struct, VMAs, page-table walks,
 * demand-zero and copy-on-write faults, and tear-down. The page-table copy
 * at fork is delegated to the pt= strategy (pt_cow.c, ...). */
#include "mm/mm.h"
#include "x86/io.h"
#include "mm/kmem.h"
#include "lib/panic.h"
#include "mm/pmm.h"
#include "lib/string.h"
#include "kernel/failslab.h"
#include "x86/percpu.h"

extern u64 boot_pml4[];

#define BOOT_PGD_PHYS	((u64)boot_pml4 - KERNEL_VMA)	/* in the image, not the direct map */

static u64 *__walk_pte(struct mm_struct *mm, u64 va, bool alloc, bool modify);
static void pt_quicklists_drain(void);

static struct kmem_cache *mm_cachep;	/* struct mm_struct */
static u64 pte_nx;			/* PTE_NX when EFER.NXE is on, else 0 */

/* mm_init - the mm_struct cache, from the allocator selected now. */
int mm_init(void)
{
	mm_cachep = kmem_cache_create("mm_struct", sizeof(struct mm_struct), 64, NULL);
	if (!mm_cachep)
		return -ENOMEM;
	pte_nx = (rdmsr(MSR_EFER) & (1 << 11)) ? PTE_NX : 0;
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
	pt_quicklists_drain();
	if (mm_cachep)
		kmem_cache_destroy(mm_cachep);
	mm_cachep = NULL;
}

u64 pte_flags_for(u32 prot)
{
	u64 f = PTE_P | PTE_U;

	if (prot & PROT_WRITE)
		f |= PTE_W;
	if (!(prot & PROT_EXEC))
		f |= pte_nx;
	return f;
}

/*
 * Page-table page quicklists, as Linux 2.6 kept them (quicklist.h): tear-down
 * clears every entry it drops (zap_range, free_pgtables), so a freed table is
 * already zero and the next fork takes it without clearing 4 KiB; a freed
 * PML4 keeps its kernel half. Pages on a list stay allocated (refcount 1);
 * pt_quicklists_drain hands them back to the buddy allocator, checking that
 * each is what the list promises, when a strategy set is torn down.
 */
#define PT_QUICKLIST_MAX	1024	/* pages per list: 4 MiB */

struct pt_quicklist {
	struct page *head;		/* linked through page->freelist */
	u32 nr;
};
static struct pt_quicklist pt_quicklist, pgd_quicklist;

static struct page *quicklist_pop(struct pt_quicklist *q)
{
	struct page *page = q->head;

	if (page) {
		q->head = page->freelist;
		page->freelist = NULL;
		q->nr--;
	}
	return page;
}

/* quicklist_push - keep zeroed @page for the next fork; false when full. */
static bool quicklist_push(struct pt_quicklist *q, struct page *page)
{
	if (q->nr >= PT_QUICKLIST_MAX)
		return false;
	page->freelist = q->head;
	q->head = page;
	q->nr++;
	return true;
}

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

static void pt_quicklists_drain(void)
{
	quicklist_drain(&pt_quicklist, 0, PTRS_PER_TABLE, NULL);
	quicklist_drain(&pgd_quicklist, 0, USER_PGD_ENTRIES, boot_pml4);
}

/* pt_alloc_table - a zeroed page-table page charged to @mm; NULL on OOM. */
u64 *pt_alloc_table(struct mm_struct *mm)
{
	struct page *page;
	u64 *t;

	if (should_fail(FAIL_PGTABLE))
		return NULL;
	page = quicklist_pop(&pt_quicklist);
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
	if (page_count(page) == 1 && quicklist_push(&pt_quicklist, page))
		return;
	put_page(page);
}

/* pgd_alloc - a PML4 whose kernel half is the boot tables' (the kernel
 * mappings never change after boot) and whose user half is empty. */
static u64 *pgd_alloc(struct mm_struct *mm)
{
	struct page *page;
	u64 *pgd;

	if (should_fail(FAIL_PGTABLE))
		return NULL;
	page = quicklist_pop(&pgd_quicklist);
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
	if (!quicklist_push(&pgd_quicklist, page))
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
	mm->mm_users = 1;
	mm->mmap_top = USER_MMAP_BASE;
	return mm;
}

/* find_next_entry - the first non-zero entry of @t in [from, to), or @to:
 * one repe scasq, so an empty stretch costs one instruction an entry
 * under icount instead of a load, a test and a branch. */
static inline int find_next_entry(const u64 *t, int from, int to)
{
	const u64 *p = t + from;
	u64 n = to - from;
	bool zero;

	if (from >= to)
		return to;
	asm volatile("repe scasq" : "+D"(p), "+c"(n), "=@ccz"(zero) : "a"(0UL) : "memory");
	return zero ? to : (int)(p - 1 - t);
}

#define for_each_entry(i, t, from, to) \
	for (int i = find_next_entry(t, from, to); i < (to); i = find_next_entry(t, i + 1, to))

/* pd_entry - @mm's PD entry for @va, or NULL if no PD covers it. */
static u64 *pd_entry(struct mm_struct *mm, u64 va)
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

/* zap_range - drop and clear the pages @mm maps in [start, end) (Linux's
 * zap_pte_range); last-level tables shared with another mm (pt=share) are
 * left alone: their pages are the sharers' until one of them owns the table.
 * User PTEs exist only inside VMAs (munmap and brk clear theirs), so the
 * VMAs are all that needs walking. */
static void zap_range(struct mm_struct *mm, u64 start, u64 end)
{
	for (u64 addr = start, next; addr < end; addr = next) {
		u64 *pde = pd_entry(mm, addr), *pt;
		int from, to;

		next = MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
		if (!pde || !(*pde & PTE_P))
			continue;
		pt = __va(*pde & PTE_ADDR_MASK);
		if (page_count(virt_to_page(pt)) > 1)
			continue;
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
static void free_pgtables(struct mm_struct *mm)
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

void exit_mmap(struct mm_struct *mm)
{
	for (int v = 0; v < mm->nr_vmas; v++)
		zap_range(mm, mm->vma[v].start, mm->vma[v].end);
	free_pgtables(mm);
	if (this_cpu()->loaded_cr3 == mm->pgd_phys)
		load_cr3(BOOT_PGD_PHYS);	/* a lazily kept mm goes: leave it */
	pgd_free(mm);
	if (mm->pt_pages)
		panic("exit_mmap: %lu page-table pages unaccounted", mm->pt_pages);
	kmem_cache_free(mm_cachep, mm);
}

void mmput(struct mm_struct *mm)
{
	if (--mm->mm_users == 0)
		exit_mmap(mm);
}

struct mm_struct *dup_mm(struct mm_struct *old)
{
	struct mm_struct *mm = mm_alloc();

	if (!mm)
		return NULL;
	memcpy(mm->vma, old->vma, old->nr_vmas * sizeof(mm->vma[0]));
	mm->nr_vmas = old->nr_vmas;
	mm->start_brk = old->start_brk;
	mm->brk = old->brk;
	mm->mmap_top = old->mmap_top;
	if (pt_ops_current->copy_page_range(mm, old)) {
		exit_mmap(mm);
		return NULL;
	}
	return mm;
}

/* load_cr3 - write CR3 and remember what it holds, so that nobody has to
 * read it back (a CR3 read exits to the hypervisor under shadow paging). */
void load_cr3(u64 cr3)
{
	this_cpu()->loaded_cr3 = cr3;
	write_cr3(cr3);
}

void __switch_mm(struct mm_struct *mm)
{
	u64 cr3 = mm ? mm->pgd_phys : BOOT_PGD_PHYS;

	if (this_cpu()->loaded_cr3 != cr3)
		load_cr3(cr3);
}

int vma_add(struct mm_struct *mm, u64 start, u64 end, u32 prot)
{
	if (!IS_ALIGNED(start | end, PAGE_SIZE) || end <= start || end > USER_SPACE_END)
		return -EINVAL;
	for (int i = 0; i < mm->nr_vmas; i++)
		if (start < mm->vma[i].end && end > mm->vma[i].start)
			return -EINVAL;
	if (mm->nr_vmas >= MM_MAX_VMAS)
		return -ENOMEM;
	mm->vma[mm->nr_vmas++] = (struct vm_area){ start, end, prot, 0 };
	return 0;
}

struct vm_area *find_vma(struct mm_struct *mm, u64 addr)
{
	for (int i = 0; i < mm->nr_vmas; i++)
		if (addr >= mm->vma[i].start && addr < mm->vma[i].end)
			return &mm->vma[i];
	return NULL;
}

/* unmap_range - drop the pages mapped in [start, end). */
static void unmap_range(struct mm_struct *mm, u64 start, u64 end)
{
	for (u64 va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = __walk_pte(mm, va, false, true);

		if (!pte || !(*pte & PTE_P))
			continue;
		put_page(phys_to_page(*pte & PTE_ADDR_MASK));
		mm->rss_pages--;
		*pte = 0;
		invlpg(va);
	}
}

int vma_remove(struct mm_struct *mm, u64 start, u64 end)
{
	for (int i = 0; i < mm->nr_vmas; i++) {
		if (mm->vma[i].start != start || mm->vma[i].end != end)
			continue;
		unmap_range(mm, start, end);
		mm->vma[i] = mm->vma[--mm->nr_vmas];
		return 0;
	}
	return -EINVAL;
}

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

/* __walk_pte - the last-level entry for @va; @alloc creates missing tables,
 * @modify unshares a shared last-level table first. */
static u64 *__walk_pte(struct mm_struct *mm, u64 va, bool alloc, bool modify)
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

u64 *walk_pte(struct mm_struct *mm, u64 va, bool alloc)
{
	return __walk_pte(mm, va, alloc, alloc);
}

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

int copy_pmds(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
	      copy_pmd_fn copy_pmd)
{
	for (u64 addr = start, next; addr < end; addr = next) {
		int i = pmd_index(addr), r;

		next = MIN(end, ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE);
		if (!(spd[i] & PTE_P))
			continue;
		r = copy_pmd(dst, &dpd[i], &spd[i], addr, next);
		if (r)
			return r;
	}
	return 0;
}

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

int map_new_page(struct mm_struct *mm, u64 va, u32 prot)
{
	u64 *pte = walk_pte(mm, va, true);
	struct page *page;

	if (!pte)
		return -ENOMEM;
	page = alloc_page();
	if (!page)
		return -ENOMEM;
	memset(page_address(page), 0, PAGE_SIZE);
	*pte = page_to_phys(page) | pte_flags_for(prot);
	mm->rss_pages++;
	return 0;
}

/* do_wp_page - break COW at @va: reuse the page if we hold the only
 * reference, else copy it. */
static int do_wp_page(u64 va, u64 *pte)
{
	struct page *old = phys_to_page(*pte & PTE_ADDR_MASK), *new;
	u64 flags = (*pte & ~PTE_ADDR_MASK & ~PTE_COW) | PTE_W;

	if (page_count(old) == 1) {
		*pte = (*pte & PTE_ADDR_MASK) | flags;
		invlpg(va);
		return 0;
	}
	new = alloc_page();
	if (!new)
		return -ENOMEM;
	memcpy(page_address(new), page_address(old), PAGE_SIZE);
	*pte = page_to_phys(new) | flags;
	invlpg(va);
	put_page(old);
	return 0;
}

/* expand_stack - the VM_GROWSDOWN VMA extended down to cover @addr, if
 * @addr is within USER_STACK_SIZE of its top and no other VMA is in the
 * way (Linux's expand_downwards); NULL otherwise. */
static struct vm_area *expand_stack(struct mm_struct *mm, u64 addr)
{
	u64 va = addr & PAGE_MASK;

	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area *vma = &mm->vma[i];

		if (!(vma->flags & VM_GROWSDOWN) || va >= vma->start ||
		    vma->end - va > USER_STACK_SIZE)
			continue;
		for (int j = 0; j < mm->nr_vmas; j++)
			if (j != i && mm->vma[j].end > va && mm->vma[j].start < vma->start)
				return NULL;
		vma->start = va;
		return vma;
	}
	return NULL;
}

int handle_mm_fault(struct mm_struct *mm, u64 addr, u64 error_code)
{
	struct vm_area *vma = find_vma(mm, addr);
	u64 va = addr & PAGE_MASK, *pte;

	if (!vma)
		vma = expand_stack(mm, addr);
	if (!vma)
		return -EFAULT;
	if ((error_code & PF_WRITE) && !(vma->prot & PROT_WRITE))
		return -EFAULT;
	pte = walk_pte(mm, va, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & PTE_P))
		return map_new_page(mm, va, vma->prot);
	if ((error_code & PF_WRITE) && (*pte & PTE_COW))
		return do_wp_page(va, pte);
	if (!(error_code & PF_WRITE) || (*pte & PTE_W)) {
		invlpg(va);	/* a stale TLB entry: the PTE already allows it */
		return 0;
	}
	return -EFAULT;
}

void flush_tlb_mm(struct mm_struct *mm)
{
	if (this_cpu()->loaded_cr3 == mm->pgd_phys)
		write_cr3(__pa(mm->pgd));
}

/* The pt= strategies; adding one means adding its ops table here. */
extern const struct pt_ops pt_cow_ops, pt_copy_ops, pt_share_ops;
DEFINE_STRATEGY_FAMILY(pt_family, "pt", "page-table copy at fork", &pt_cow_ops.strategy,
		       &pt_cow_ops.strategy, &pt_copy_ops.strategy, &pt_share_ops.strategy);
const struct pt_ops *pt_ops_current;	/* set with the strategy set (strategies_setup) */

int vma_resize(struct mm_struct *mm, u64 start, u64 old_end, u64 new_end)
{
	struct vm_area *vma;

	if (old_end == start)
		return vma_add(mm, start, new_end, PROT_READ | PROT_WRITE);
	if (new_end == start)
		return vma_remove(mm, start, old_end);
	vma = find_vma(mm, start);
	if (!vma || vma->start != start || vma->end != old_end)
		return -EINVAL;
	if (new_end < old_end) {
		unmap_range(mm, new_end, old_end);
	} else {
		for (int i = 0; i < mm->nr_vmas; i++)
			if (&mm->vma[i] != vma && mm->vma[i].start < new_end &&
			    mm->vma[i].end > old_end)
				return -EINVAL;
	}
	vma->end = new_end;
	return 0;
}
