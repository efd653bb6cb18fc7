/* core/mm/mprotect.c - mprotect(2) (Linux's mm/mprotect.c): new protection
 * for the VMAs of a range, split where the range cuts one, and for the
 * pages already mapped there, flushed from every CPU that runs the mm.
 * musl's pthread_create maps a thread's stack PROT_NONE and then opens all
 * but its guard page with this. */
#include "mm/pgtable.h"
#include "kernel/sched.h"
#include "kernel/syscalls.h"

/* range_mapped - whether the VMAs cover [start, end) without a hole. */
static bool range_mapped(struct mm_struct *mm, u64 start, u64 end)
{
	u64 va = start;

	while (va < end) {
		struct vm_area *vma = find_vma(mm, va);

		if (!vma)
			return false;
		va = vma->end;
	}
	return true;
}

/* change_pte - the entry of a mapped page under new protection @prot. The
 * frame stays mapped for PROT_NONE but only for the kernel (no U bit: a
 * user PTE is present or 0, so fork's copy and exit's zap need no other
 * case). Write permission comes back as PTE_COW, never as W: the page may
 * be shared since a fork, and the first write decides (do_wp_page). */
static u64 change_pte(u64 e, u32 prot)
{
	u64 f = pte_flags_for(prot) & ~PTE_W;

	if (!prot)
		f &= ~PTE_U;
	if ((prot & PROT_WRITE) && !(e & PTE_W))
		f |= PTE_COW;
	if ((prot & PROT_WRITE) && (e & PTE_W))
		f |= PTE_W;
	return (e & (PTE_ADDR_MASK | PTE_A | PTE_D)) | f;
}

/* change_protection - @prot for the pages mapped in [start, end); whether
 * any entry changed, or -ENOMEM (pt=share could not unshare a table). */
static int change_protection(struct mm_struct *mm, u64 start, u64 end, u32 prot)
{
	int changed = 0;

	for (u64 va = start; va < end; va += PAGE_SIZE) {
		u64 *pte = __walk_pte(mm, va, false, false), e;

		if (!pte || !(*pte & PTE_P) || change_pte(*pte, prot) == *pte)
			continue;
		pte = __walk_pte(mm, va, false, true);	/* our own table (pt=share) */
		if (!pte)
			return -ENOMEM;
		e = change_pte(*pte, prot);
		if (e != *pte) {
			*pte = e;
			changed = 1;
		}
	}
	return changed;
}

/* do_mprotect - with the lock held: split at both ends, then give each VMA
 * inside and its pages @prot; 0 or -errno. */
static long do_mprotect(struct mm_struct *mm, u64 start, u64 end, u32 prot)
{
	int r, flush = 0;

	if (!range_mapped(mm, start, end))
		return -ENOMEM;
	for (int i = 0; i < mm->nr_vmas; i++) {
		r = vma_split(mm, &mm->vma[i], start);
		if (!r)
			r = vma_split(mm, &mm->vma[i], end);
		if (r)
			return r;
	}
	for (int i = 0; i < mm->nr_vmas; i++) {
		struct vm_area *vma = &mm->vma[i];

		if (vma->start < start || vma->end > end)
			continue;
		/* 2 MiB entries become 512 PTEs first (Linux would change the
		 * huge entry whole where the range covers it; rare enough) */
		if (unlikely(vma->flags & VM_HUGEPAGE) && thp_split_range(mm, vma->start, vma->end))
			return -ENOMEM;
		vma->prot = prot;
		r = change_protection(mm, vma->start, vma->end, prot);
		if (r < 0)
			return r;
		flush |= r;
	}
	if (flush)
		flush_tlb_mm(mm);	/* here and on every CPU running this mm */
	return 0;
}

/* sys_mprotect - 0; -EINVAL (unaligned start, unknown bits), -ENOMEM (a
 * hole in the range, or no VMA slot left for a split), as Linux. */
long sys_mprotect(u64 start, u64 len, u64 prot)
{
	struct mm_struct *mm = current->mm;
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	long r;

	if (!IS_ALIGNED(start, PAGE_SIZE) || (prot & ~(u64)(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (!len)
		return 0;
	if (end <= start || end > USER_SPACE_END)
		return -ENOMEM;
	spin_lock(&mm->page_table_lock);
	r = do_mprotect(mm, start, end, (u32)prot);
	spin_unlock(&mm->page_table_lock);
	return r;
}
