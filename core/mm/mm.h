/* core/mm.h - user address spaces: mm_struct, VMAs, page tables, faults,
 * and the page-table copy strategies (pt=). */
#ifndef FORKLAB_MM_H
#define FORKLAB_MM_H

#include "lib/types.h"
#include "x86/layout.h"
#include "x86/percpu.h"
#include "lib/registry.h"

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

#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4

/* #PF error code bits */
#define PF_PROT		(1 << 0)	/* 0: not present, 1: protection */
#define PF_WRITE	(1 << 1)
#define PF_USER		(1 << 2)

#define MM_MAX_VMAS	32
#define USER_STACK_TOP	0x00007ffffffff000UL
#define USER_STACK_SIZE	(1UL << 20)	/* grows on demand up to this (RLIMIT_STACK) */
#define USER_STACK_INIT	(128UL << 10)	/* the VMA at exec, as Linux's stack_expand */
#define USER_MMAP_BASE	0x00007f0000000000UL

struct vm_area {
	u64 start, end;			/* [start, end), page-aligned */
	u32 prot;			/* PROT_* */
	u32 flags;			/* VM_GROWSDOWN */
};
#define VM_GROWSDOWN	1		/* the stack: a fault below extends it (expand_stack) */

struct mm_struct {
	u64 *pgd;			/* the PML4, through the direct map */
	u64 pgd_phys;			/* its physical address: what CR3 holds */
	int mm_users;			/* tasks using this address space */
	int nr_vmas;
	struct vm_area vma[MM_MAX_VMAS];
	u64 start_brk, brk;
	u64 mmap_top;			/* next anonymous mmap ends here (top-down) */
	u64 rss_pages;			/* user pages mapped through tables this mm owns alone */
	u64 pt_pages;			/* page-table pages, PML4 included */
};

/* Page-table copy at fork: one ops table per strategy (pt=). */
struct pt_ops {
	STRATEGY_HEAD;
	/* copy_page_range - give @dst a copy of @src's user mappings.
	 * Returns 0 or -ENOMEM; on failure @dst holds what was copied so far
	 * and exit_mmap(@dst) releases it. */
	int (*copy_page_range)(struct mm_struct *dst, struct mm_struct *src);
};

extern const struct pt_ops *pt_ops_current;

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
/* copy_pmds - a copy_pd_fn body: @copy_pmd for each present PD entry. */
int copy_pmds(struct mm_struct *dst, u64 *dpd, u64 *spd, u64 start, u64 end,
	      copy_pmd_fn copy_pmd);
#define PMD_SIZE	(1UL << (PAGE_SHIFT + 9))	/* what one PD entry maps: 2 MiB */
static inline int pmd_index(u64 addr) { return (addr >> (PAGE_SHIFT + 9)) & (PTRS_PER_TABLE - 1); }
/* copy_pte_range - copy entries [from, to) of a last-level table, arming
 * COW on both sides (pt_cow.c); copy_pte_table_sparse does a whole,
 * mostly empty table and returns how many pages it mapped. */
void copy_pte_range(u64 *dpt, u64 *spt, int from, int to);
u64 copy_pte_table_sparse(u64 *dpt, u64 *spt);
/* pte_index_range - the entries of one last-level table that [start, end) covers. */
static inline void pte_index_range(u64 start, u64 end, int *from, int *to)
{
	*from = (start >> PAGE_SHIFT) & (PTRS_PER_TABLE - 1);
	*to = *from + (int)((end - start + PAGE_SIZE - 1) >> PAGE_SHIFT);
}
/* pmd_table - @dst's table under @dpmd, made if absent; NULL on OOM. */
u64 *pmd_table(struct mm_struct *dst, u64 *dpmd, u64 spmd);
/* pte_table_unshare - make the table under PD entry @pmd private to @mm
 * (pt=share); returns the table, or NULL when out of memory. */
u64 *pte_table_unshare(struct mm_struct *mm, u64 *pmd);
/* The family (pt=): its members in listing order, cow the default. */
extern const struct strategy_family pt_family;
static inline const struct pt_ops *pt_strategy(int i)
{
	return strategy_at(&pt_family, i, struct pt_ops);
}

/* mm_init/mm_exit - create/destroy the mm_struct cache; 0 or -ENOMEM. */
int mm_init(void);
void mm_exit(void);
u64 mm_live_objects(void);
/* mm_alloc - a new, empty address space sharing the kernel half; NULL on OOM. */
struct mm_struct *mm_alloc(void);
/* dup_mm - a copy of @old for fork (VMAs, brk, page tables by pt_ops). */
struct mm_struct *dup_mm(struct mm_struct *old);
/* mmput - drop one user; the last one tears everything down. */
void mmput(struct mm_struct *mm);
/* exit_mmap - free every user page and page-table page, and the mm. */
void exit_mmap(struct mm_struct *mm);
/* load_cr3 - write CR3, remembering the value (this_cpu()->loaded_cr3). */
void load_cr3(u64 cr3);
/* __switch_mm - switch_mm's slow path: load @mm's tables (NULL: the boot tables). */
void __switch_mm(struct mm_struct *mm);
/* switch_mm - load @mm's page tables (NULL: the boot tables), if not loaded;
 * inline, since every context switch asks and the answer is mostly "loaded". */
static inline void switch_mm(struct mm_struct *mm)
{
	if (!mm || this_cpu()->loaded_cr3 != mm->pgd_phys)
		__switch_mm(mm);
}

/* vma_add - add [start, end) with @prot; returns 0, -EINVAL or -ENOMEM. */
int vma_add(struct mm_struct *mm, u64 start, u64 end, u32 prot);
/* vma_resize - move the end of the VMA at @start from @old_end to @new_end
 * (creating it if @old_end == @start, removing it if @new_end == @start);
 * 0, -EINVAL (overlap) or -ENOMEM. */
int vma_resize(struct mm_struct *mm, u64 start, u64 old_end, u64 new_end);
struct vm_area *find_vma(struct mm_struct *mm, u64 addr);
/* vma_remove - unmap [start, end) (whole VMAs only); returns 0 or -EINVAL. */
int vma_remove(struct mm_struct *mm, u64 start, u64 end);

/* walk_pte - the last-level entry for @va, allocating tables if @alloc;
 * NULL when absent (or out of memory with @alloc). */
u64 *walk_pte(struct mm_struct *mm, u64 va, bool alloc);
/* map_zero_page - back @va with a new zeroed page; 0 or -ENOMEM. */
int map_new_page(struct mm_struct *mm, u64 va, u32 prot);
/* handle_mm_fault - resolve a user-address fault; 0, or -EFAULT/-ENOMEM. */
int handle_mm_fault(struct mm_struct *mm, u64 addr, u64 error_code);
/* pte_flags_for - leaf PTE bits for VMA protection @prot. */
u64 pte_flags_for(u32 prot);

/* page-table page accounting, used by the strategies */
u64 *pt_alloc_table(struct mm_struct *mm);
void pt_free_table(struct mm_struct *mm, u64 *table);

static inline void invlpg(u64 va) { asm volatile("invlpg (%0)" : : "r"(va) : "memory"); }

#endif

void flush_tlb_mm(struct mm_struct *mm);

/* User memory access from the kernel (core/uaccess.c). The fault handler
 * resolves demand-zero and COW faults on user addresses first; what it
 * cannot resolve lands on an exception-table fixup. */
long copy_to_user(u64 dst, const void *src, size_t n);		/* 0 or -EFAULT */
long copy_from_user(void *dst, u64 src, size_t n);		/* 0 or -EFAULT */
static inline long put_user_u32(u32 v, u64 uaddr) { return copy_to_user(uaddr, &v, sizeof(v)); }
static inline long put_user_u64(u64 v, u64 uaddr) { return copy_to_user(uaddr, &v, sizeof(v)); }
