/* core/mm/pgtable.h - page tables, for the mm code and the pt= strategies
 * only (Linux keeps such things in mm/internal.h): entry bits, the
 * quicklists of zeroed table pages, walks, and the fork copy walker the
 * strategies fill in. */
#ifndef FORKLAB_PGTABLE_H
#define FORKLAB_PGTABLE_H

#include "mm/mm.h"
#include "mm/pmm.h"

/* x86-64 page-table entry bits */
#define PTE_P		(1UL << 0)
#define PTE_W		(1UL << 1)
#define PTE_U		(1UL << 2)
#define PTE_A		(1UL << 5)
#define PTE_D		(1UL << 6)
#define PTE_PS		(1UL << 7)
#define PTE_COW		(1UL << 9)	/* software: writable, write-protected for COW */
#define PTE_NX		(1UL << 63)
#define PTE_ADDR_MASK	0x000ffffffffff000UL
#define PTRS_PER_TABLE	512
#define USER_PGD_ENTRIES 256		/* the lower half of the PML4 */
#define PMD_SIZE	(1UL << (PAGE_SHIFT + 9))	/* what one PD entry maps: 2 MiB */

static inline int pmd_index(u64 addr) { return (addr >> (PAGE_SHIFT + 9)) & (PTRS_PER_TABLE - 1); }
/* pte_index_range - the entries of one last-level table that [start, end) covers. */
static inline void pte_index_range(u64 start, u64 end, int *from, int *to)
{
	*from = (start >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	*to = *from + (int)((end - start + PAGE_SIZE - 1) >> PAGE_SHIFT);
}
static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

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
/* Per CPU, as Linux's were: a fork takes its tables from its own CPU's
 * lists without a lock (the kernel is not preempted). */
struct pt_quicklists {
	struct pt_quicklist pt, pgd;
} __aligned(SMP_CACHE_BYTES);
extern struct pt_quicklists pt_quicklists[NR_CPUS];

/* this_cpu_quicklists - this CPU's lists. */
static inline struct pt_quicklists *this_cpu_quicklists(void)
{
	return this_cpu_slot(pt_quicklists);
}

/* quicklist_pop - a zeroed page from @q, or NULL when it is empty. */
static inline struct page *quicklist_pop(struct pt_quicklist *q)
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
static inline bool quicklist_push(struct pt_quicklist *q, struct page *page)
{
	if (q->nr >= PT_QUICKLIST_MAX)
		return false;
	page->freelist = q->head;
	q->head = page;
	q->nr++;
	return true;
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

/* pt_quicklists_reclaim - every CPU gives its quicklist pages back (the
 * buddy ran dry: tables freed on one CPU would otherwise sit idle there
 * while another CPU's fork fails; pmm_reclaim). */
void pt_quicklists_reclaim(void);
/* pt_quicklists_drain - give every CPU's quicklist pages back (panics on a
 * dirty one; no fork may run meanwhile). */
void pt_quicklists_drain(void);

/* quicklist=trees (pt_tree.c): pt_tree_push - keep @mm's tree, its user
 * PTEs already zapped, for the next mm; false (nothing done) when trees
 * are off, full, or the tree may hold shared tables. pt_tree_pop - a kept
 * tree's PML4 for @mm, its pages charged to @mm; NULL if none.
 * pt_trees_drain - free every kept tree (mm_exit). */
bool pt_tree_push(struct mm_struct *mm);
u64 *pt_tree_pop(struct mm_struct *mm);
void pt_trees_drain(void);
/* pt_tree_free - free a tree: @pgd and the @pages table pages in all
 * (mm.c, as exit_mmap frees an mm's). */
void pt_tree_free(u64 *pgd, u64 pages);
/* pt_alloc_table - a zeroed page-table page charged to @mm; NULL on OOM. */
u64 *pt_alloc_table(struct mm_struct *mm);
/* pt_free_table - drop @mm's reference to @table (see pgtable.c). */
void pt_free_table(struct mm_struct *mm, u64 *table);

/* pd_entry - @mm's PD entry for @addr, or NULL when no PD covers it; *@next
 * becomes the end (at most @end) of what was found: the entry's 2 MiB, or
 * the whole span of the missing upper-level entry, so that a walk over a
 * huge, mostly empty range skips it level by level (mm.c). */
u64 *pd_entry(struct mm_struct *mm, u64 addr, u64 end, u64 *next);
/* __walk_pte - the last-level entry for @va, NULL when absent; @alloc
 * creates missing tables (NULL then means out of memory), @modify unshares
 * a shared last-level table (pt=share) first. */
u64 *__walk_pte(struct mm_struct *mm, u64 va, bool alloc, bool modify);
/* walk_pte - __walk_pte allocating and unsharing, or neither. */
static inline u64 *walk_pte(struct mm_struct *mm, u64 va, bool alloc)
{
	return __walk_pte(mm, va, alloc, alloc);
}
/* flush_tlb_mm - drop @mm's TLB entries on every CPU that has it loaded
 * (mm/tlb.c; other CPUs by a shootdown IPI, waited for). */
void flush_tlb_mm(struct mm_struct *mm);
/* flush_tlb_page - the same for the one page at @va. */
void flush_tlb_page(struct mm_struct *mm, u64 va);
/* tlb_leave_everywhere - every CPU that has @mm loaded (lazily: its task
 * is gone) loads the boot tables instead: before @mm's tables are freed. */
void tlb_leave_everywhere(struct mm_struct *mm);

/* The pages whose entries a fork write-protected in the parent (tlb.c):
 * flush_tlb_batch drops them from the TLB one by one (INVLPG) when there
 * are at most tlb_ceiling= of them, as Linux's flush_tlb_range does up to
 * tlb_single_page_flush_ceiling, else the whole TLB (a CR3 reload; always
 * with tlb_ceiling=0, the default). Under shadow paging a CR3 write makes
 * KVM resynchronize every unsynced table; an INVLPG, one entry. */
#define TLB_BATCH_MAX	TLB_CEILING_MAX
struct tlb_batch {
	u64 nr;				/* entries noted, also past TLB_BATCH_MAX */
	u64 va[TLB_BATCH_MAX];		/* each entry's index in its table, then its page */
};
extern struct tlb_batch tlb_batches[NR_CPUS];
/* this_cpu_tlb_batch - this CPU's batch (a fork runs on one CPU). */
static inline struct tlb_batch *this_cpu_tlb_batch(void)
{
	return &tlb_batches[smp_processor_id()];
}
/* tlb_batch_add - note entry @i of the table being copied in @b: no branch
 * in the copy loop (a slot is reused past TLB_BATCH_MAX: the flush is whole
 * then), and an index, so that the loop keeps one counter. */
static inline void tlb_batch_add(struct tlb_batch *b, int i)
{
	b->va[b->nr++ % TLB_BATCH_MAX] = i;
}
/* tlb_batch_pages - the entries of @b noted since @first, all of one table
 * that maps from @va up, turned into the addresses they map. */
void tlb_batch_pages(struct tlb_batch *b, u64 first, u64 va);
/* flush_tlb_batch - flush what this CPU's batch holds for @mm (the whole
 * TLB, and other CPUs', when @mm is live elsewhere too), and empty it. */
void flush_tlb_batch(struct mm_struct *mm);

/* The strategies' ops tables (pt_cow.c, pt_copy.c, pt_share.c). */
extern const struct pt_ops pt_cow_ops, pt_copy_ops, pt_share_ops;

/* The fork copy walker (pt.c) that the strategies fill in. */
/* copy_pd_fn - fill @dst's PD table @dpd for the addresses [start, end),
 * all under one PD, from @src's PD table @spd (called once per VMA that
 * overlaps it, so entries may already be present); 0 or -ENOMEM. */
typedef int (*copy_pd_fn)(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end);
/* copy_pmd_fn - the same for one present PD entry @spmd and its [start, end). */
typedef int (*copy_pmd_fn)(struct mm_struct *dst, u64 *dpmd, u64 *spmd, u64 start, u64 end);
/* copy_page_tables - give @dst the upper levels (PML4, PDPT, PD) of @src's
 * VMAs and call @copy_pd for each PD table's part of each VMA; 0 or the
 * first error. */
int copy_page_tables(struct mm_struct *dst, struct mm_struct *src, copy_pd_fn copy_pd);
/* copy_pmds - a copy_pd_fn body: @copy_pmd for each present PD entry, and
 * (copy_pmds_thp, once thp_static_enable has run) the strategy's
 * copy_huge_pmd for each huge one. */
extern int (*copy_pmds)(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
			copy_pmd_fn copy_pmd);
int copy_pmds_thp(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
		  copy_pmd_fn copy_pmd);
/* pmd_table - @dst's table under @dpmd, made if absent; NULL on OOM. */
u64 *pmd_table(struct mm_struct *dst, u64 *dpmd, u64 spmd);
/* copy_pte_range - copy entries [from, to) of a last-level table, arming
 * COW on both sides (pt_cow.c); copy_pte_table_sparse does a whole,
 * mostly empty table and returns how many pages it mapped. */
void copy_pte_range(u64 *dpt, u64 *spt, int from, int to);
u64 copy_pte_table_sparse(u64 *dpt, u64 *spt);
/* put_pte_table - drop one sharer's reference to the last-level @table
 * (pt=share); the last reference puts every page the table maps and frees
 * it: atomic, as sharers on two CPUs may let go at once. */
void put_pte_table(u64 *table);
/* pte_table_unshare - make the table under PD entry @pmd private to @mm
 * (pt=share); returns the table, or NULL when out of memory. */
u64 *pte_table_unshare(struct mm_struct *mm, u64 *pmd);

/* Transparent huge pages (huge_memory.c): a PD entry with PTE_PS maps 2 MiB
 * of anonymous memory, either one compound block of order HPAGE_PMD_ORDER
 * (one reference on its head page per mapping) or, once split_page has cut
 * it (a split by another mapper), 512 order-0 pages (one reference on each). */
#define HPAGE_PMD_ORDER	9
#define HPAGE_PMD_NR	(1 << HPAGE_PMD_ORDER)
static inline bool pmd_huge(u64 pmd) { return (pmd & (PTE_P | PTE_PS)) == (PTE_P | PTE_PS); }
/* THP_FALLBACK - do_huge_pmd_fault's "not a huge case: map 4 KiB". */
#define THP_FALLBACK	1
/* fault_denied - whether @vma refuses the access a fault's @error_code
 * describes: a write without PROT_WRITE; PROT_NONE (the PTE would allow
 * reading: x86 maps no page unreadable); a fetch without PROT_EXEC (a
 * present NX page would be taken for a stale TLB entry, for ever). Both
 * fault handlers, 4 KiB and 2 MiB, ask it first. */
static inline bool fault_denied(const struct vm_area *vma, u64 error_code)
{
	return ((error_code & PF_WRITE) && !(vma->prot & PROT_WRITE)) ||
	       unlikely(!(vma->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
			((error_code & PF_INSTR) && !(vma->prot & PROT_EXEC)));
}
/* do_huge_pmd_fault - a fault at @va in @vma (VM_HUGEPAGE): a new 2 MiB page
 * where the aligned 2 MiB lies inside the VMA and nothing is mapped there,
 * or a write to a huge page shared copy-on-write; 0, -ENOMEM, -EFAULT, or
 * THP_FALLBACK (the 4 KiB path is to handle it). */
int do_huge_pmd_fault(struct mm_struct *mm, struct vm_area *vma, u64 va, u64 error_code);
/* huge_pmd_share, huge_pmd_copy - the pt= strategies' copy_huge_pmd: the
 * 2 MiB shared copy-on-write (cow, share), or copied at fork (copy). */
int huge_pmd_share(struct mm_struct *dst, u64 *dpmd, u64 *spmd);
int huge_pmd_copy(struct mm_struct *dst, u64 *dpmd, u64 *spmd);
/* zap_huge_pmd - drop @mm's huge mapping at PD entry @pmd and clear it. */
void zap_huge_pmd(struct mm_struct *mm, u64 *pmd);
/* split_huge_pmd - turn @mm's huge PD entry @pmd (mapping from @haddr) into
 * a last-level table of 512 PTEs with the same rights; 0 or -ENOMEM. */
int split_huge_pmd(struct mm_struct *mm, u64 *pmd, u64 haddr);
/* thp_unmap_range - before [start, end) of @mm is unmapped page by page:
 * huge mappings it covers whole are zapped, those it cuts are split; 0 or
 * -ENOMEM (a split's table). */
int thp_unmap_range(struct mm_struct *mm, u64 start, u64 end);
/* thp_split_range - every huge mapping of @mm that [start, end) touches
 * split into 512 PTEs (mprotect then changes 4 KiB entries); 0 or -ENOMEM. */
int thp_split_range(struct mm_struct *mm, u64 start, u64 end);
/* thp_static_enable - before the first VM_HUGEPAGE VMA (mmap.c): fork's
 * walk, exit and the fault handler switch, once and for good, to their
 * variants that look for huge entries (copy_pmds_thp, exit_mmap_thp,
 * handle_mm_fault_fn = handle_mm_fault_thp), as a Linux static key would; until then the
 * default kernel's paths are what they were without THP, instruction for
 * instruction. */
void thp_static_enable(void);
/* pt_share_thp_enable - pt=share's part of thp_static_enable. */
void pt_share_thp_enable(void);
void exit_mmap_4k(struct mm_struct *mm);
int handle_mm_fault_4k(struct mm_struct *mm, u64 addr, u64 error_code);
/* walk_pmd - @mm's PD entry for @va, the tables above made with @alloc;
 * NULL when absent or out of memory. */
u64 *walk_pmd(struct mm_struct *mm, u64 va, bool alloc);

/* The shared zero page (memory.c): a read fault on anonymous memory maps it
 * read-only and copy-on-write, as Linux does; its struct page counts the
 * mappings (plus one that is never dropped). */
extern u8 empty_zero_page[PAGE_SIZE];
extern u64 zero_page_faults;		/* read faults it served (for the tests) */
u64 zero_page_phys(void);

/* pte_flags_init - note whether the CPU has NX (mm_init); pte_flags_for -
 * the leaf PTE bits for VMA protection @prot (memory.c). */
void pte_flags_init(void);
u64 pte_flags_for(u32 prot);

#endif
