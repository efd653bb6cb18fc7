/* core/mm/mm.h - user address spaces as the rest of the kernel sees them:
 * mm_struct and its VMAs (mm.c, mmap.c), page faults (memory.c), loading an
 * address space, and the page-table copy strategies (pt=, pt.c). What only
 * the mm code and the pt= strategies need is in mm/pgtable.h. */
#ifndef FORKLAB_MM_H
#define FORKLAB_MM_H

#include "lib/types.h"
#include "lib/registry.h"
#include "lib/spinlock.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "x86/percpu.h"

#define PROT_READ	1
#define PROT_WRITE	2
#define PROT_EXEC	4

/* #PF error code bits */
#define PF_PROT		(1 << 0)	/* 0: not present, 1: protection */
#define PF_WRITE	(1 << 1)
#define PF_USER		(1 << 2)
#define PF_INSTR	(1 << 4)	/* an instruction fetch */

#define MM_INLINE_VMAS	31		/* in the mm_struct (it stays 1 KiB); more in pages (mmap.c) */
#define MM_MAX_VMAS	16384		/* Linux's vm.max_map_count is 65 530 */
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
#define VM_HUGEPAGE	2		/* anonymous mmap under thp=always: 2 MiB pages where they fit */

struct mm_struct {
	u64 *pgd;			/* the PML4, through the direct map */
	u64 pgd_phys;			/* its physical address: what CR3 holds */
	int mm_users;			/* tasks using this address space */
	int nr_vmas, max_vmas;		/* in use; room at vma once grown, 0 while inline */
	struct vm_area *vma;		/* vma_inline, or pages of vma_grow's */
	struct vm_area vma_inline[MM_INLINE_VMAS];
	u64 start_brk, brk;
	u64 mmap_top;			/* next anonymous mmap ends here (top-down) */
	u64 rss_pages;			/* user pages mapped through tables this mm owns alone */
	u64 pt_pages;			/* page-table pages, PML4 included */
	u64 cpu_mask;			/* CPUs that have these tables loaded (mm/tlb.c) */
	/* page_table_lock - the VMAs and page tables, which the threads of
	 * this mm may change from several CPUs at once (faults, mmap, fork) */
	struct spinlock page_table_lock;
};

/* Page-table copy at fork: one ops table per strategy (pt=). */
struct pt_ops {
	STRATEGY_HEAD;
	/* copy_page_range - give @dst a copy of @src's user mappings.
	 * Returns 0 or -ENOMEM; on failure @dst holds what was copied so far
	 * and exit_mmap(@dst) releases it. */
	int (*copy_page_range)(struct mm_struct *dst, struct mm_struct *src);
	/* copy_huge_pmd - give @dst's empty PD entry @dpmd a copy of @src's
	 * huge one @spmd (2 MiB, thp=); 0 or -ENOMEM (mm/huge_memory.c). */
	int (*copy_huge_pmd)(struct mm_struct *dst, u64 *dpmd, u64 *spmd);
};

/* The family (pt=): its members in listing order, cow the default. */
extern const struct strategy_family pt_family;
static inline const struct pt_ops *pt_strategy(int i)
{
	return strategy_at(&pt_family, i, struct pt_ops);
}
/* the strategy dup_mm copies with; set with the strategy set */
extern const struct pt_ops *pt_ops_current;

/* quicklist= (params.c): what a dead mm's page-table pages wait in for
 * the next one - PT_QUICKLIST_PAGES, zeroed pages (pgtable.h), or
 * PT_QUICKLIST_TREES, whole trees (pt_tree.c). */
enum { PT_QUICKLIST_PAGES, PT_QUICKLIST_TREES };
extern u32 pt_quicklist_mode;
/* pt_trees_kept - how many trees wait now (for the tests). */
int pt_trees_kept(void);

/* thp= and thp_cow= (params.c, mm/huge_memory.c): whether anonymous mmaps
 * get 2 MiB pages (THP_NEVER, the default; THP_ALWAYS), and what the first
 * write to a huge page shared at fork does: THP_COW_COPY copies the 2 MiB,
 * THP_COW_SPLIT splits the PD entry into 512 PTEs and copies 4 KiB (Linux's
 * do_huge_pmd_wp_page). Read when a VMA is made and at each such fault. */
enum { THP_NEVER, THP_ALWAYS };
enum { THP_COW_COPY, THP_COW_SPLIT };
extern u32 thp_mode, thp_cow;
extern const char *const thp_mode_names[], *const thp_cow_names[];
/* What THP did (Linux's thp_* vmstat events), for the tests and the curious. */
struct thp_stats {
	u64 fault_alloc;		/* 2 MiB pages mapped at a fault */
	u64 fault_fallback;		/* faults that found no 2 MiB block free */
	u64 cow_copy;			/* first writes that copied 2 MiB */
	u64 split_pmd;			/* huge entries split into 512 PTEs */
};
extern struct thp_stats thp_stats;

/* tlb_ceiling= (params.c, mm/tlb.c): pages a fork flushes one by one in
 * the parent before it reloads CR3 instead; 0, the default, always reloads. */
#define TLB_CEILING_MAX	64
extern u64 tlb_ceiling;

/* mm_init/mm_exit - create/destroy the mm_struct cache (and drain the
 * page-table quicklists); 0 or -ENOMEM. */
int mm_init(void);
void mm_exit(void);
u64 mm_live_objects(void);
/* mm_alloc - a new, empty address space sharing the kernel half; NULL on OOM. */
struct mm_struct *mm_alloc(void);
/* dup_mm - a copy of @old for fork (VMAs, brk, page tables by pt_ops); NULL on OOM. */
struct mm_struct *dup_mm(struct mm_struct *old);
/* mmput - drop one user; the last one tears everything down. */
void mmput(struct mm_struct *mm);
/* exit_mmap - free every user page and page-table page, and the mm. */
extern void (*exit_mmap)(struct mm_struct *mm);

/* load_cr3 - write CR3 and remember what it holds, so that nobody has to
 * read it back (a CR3 read exits to the hypervisor under shadow paging). */
static inline void load_cr3(u64 cr3)
{
	this_cpu_write(loaded_cr3, cr3);
	write_cr3(cr3);
}
/* __switch_mm - switch_mm's slow path: load @mm's tables (NULL: the boot
 * tables) and move this CPU into its cpu_mask (mm/tlb.c). */
void __switch_mm(struct mm_struct *mm);
/* switch_mm - load @mm's page tables (NULL: the boot tables), if not loaded;
 * inline, since every context switch asks and the answer is mostly "loaded". */
static inline void switch_mm(struct mm_struct *mm)
{
	if (!mm || this_cpu_read(loaded_cr3) != mm->pgd_phys)
		__switch_mm(mm);
}


/* mm_shared - whether another task uses @mm too. A task alone in its mm
 * is its only writer (only its own clone could add a user meanwhile), so
 * a single-threaded process's faults and forks skip the page_table_lock
 * and pay a compare (the system calls that change VMAs always lock). */
static inline bool mm_shared(const struct mm_struct *mm)
{
	return *(const volatile int *)&mm->mm_users != 1;
}

/* vma_grow - room for @n VMAs in @mm (an array of pages once past
 * MM_INLINE_VMAS); 0, or -ENOMEM (beyond MM_MAX_VMAS too). vma_free -
 * that array back (exit_mmap). */
int vma_grow(struct mm_struct *mm, int n);
static inline int vma_room(const struct mm_struct *mm)
{
	return mm->max_vmas ? mm->max_vmas : MM_INLINE_VMAS;
}
void vma_free(struct mm_struct *mm);
/* vma_add - add [start, end) with @prot; returns 0, -EINVAL or -ENOMEM. */
int vma_add(struct mm_struct *mm, u64 start, u64 end, u32 prot);
/* vma_resize - move the end of the VMA at @start from @old_end to @new_end
 * (creating it if @old_end == @start, removing it if @new_end == @start);
 * 0, -EINVAL (overlap) or -ENOMEM. */
int vma_resize(struct mm_struct *mm, u64 start, u64 old_end, u64 new_end);
/* vma_split - cut @vma in two at @addr (the upper part a new VMA): 0
 * (also when @addr is not inside it), or -ENOMEM when no slot is left.
 * The array may move (vma_grow): @vma is stale afterwards. */
int vma_split(struct mm_struct *mm, struct vm_area *vma, u64 addr);
/* vma_remove - unmap [start, end), whole VMAs and parts of them, holes
 * included (munmap); returns 0, -EINVAL (a bad range) or -ENOMEM. */
int vma_remove(struct mm_struct *mm, u64 start, u64 end);
/* find_vma - the VMA holding @addr, or NULL. Inline: the fault path asks. */
static inline struct vm_area *find_vma(struct mm_struct *mm, u64 addr)
{
	for (int i = 0; i < mm->nr_vmas; i++)
		if (addr >= mm->vma[i].start && addr < mm->vma[i].end)
			return &mm->vma[i];
	return NULL;
}

/* map_new_page - back @va with a new zeroed page; 0 or -ENOMEM. */
int map_new_page(struct mm_struct *mm, u64 va, u32 prot);
/* map_new_page_copy - back @va with a new page holding @n bytes of @src
 * from offset @off and zeroes around them (exec: each byte written once);
 * 0 or -ENOMEM. */
int map_new_page_copy(struct mm_struct *mm, u64 va, u32 prot, const void *src, size_t off,
		      size_t n);
/* user_page_address - the kernel's address of the page mapped at @va, or NULL. */
void *user_page_address(struct mm_struct *mm, u64 va);
/* handle_mm_fault - resolve a user-address fault; 0, or -EFAULT/-ENOMEM. */
extern int (*handle_mm_fault_fn)(struct mm_struct *mm, u64 addr, u64 error_code);
/* handle_mm_fault_locked - handle_mm_fault_fn under @mm's page_table_lock. */
int handle_mm_fault_locked(struct mm_struct *mm, u64 addr, u64 error_code);
/* handle_mm_fault - under @mm's page_table_lock when @mm has several users
 * (mm_shared): its threads fault, map and unmap on several CPUs. */
static inline int handle_mm_fault(struct mm_struct *mm, u64 addr, u64 error_code)
{
	if (unlikely(mm_shared(mm)))
		return handle_mm_fault_locked(mm, addr, error_code);
	return handle_mm_fault_fn(mm, addr, error_code);	/* 4 KiB only, or THP too */
}

#endif
