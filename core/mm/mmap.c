/* core/mm/mmap.c - the VMAs of an address space and the system calls that
 * change them: brk, mmap (private anonymous memory) and munmap. */
#include "mm/pgtable.h"
#include "kernel/sched.h"
#include "kernel/syscalls.h"

#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define BRK_MAX		(1UL << 30)	/* heap limit */

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

/* unmap_range - drop the pages mapped in [start, end), visiting only the
 * last-level tables that exist (page by page, a 64 TiB munmap took 2^34
 * walks: the fuzzer's hang). */
static void unmap_range(struct mm_struct *mm, u64 start, u64 end)
{
	bool unmapped = false;

	for (u64 va = start, next; va < end; va = next) {
		u64 *pde = pd_entry(mm, va, end, &next);

		if (!pde || !(*pde & PTE_P))
			continue;
		for (u64 pva = va; pva < next; pva += PAGE_SIZE) {
			u64 *pte = __walk_pte(mm, pva, false, true);

			if (!pte || !(*pte & PTE_P))
				continue;
			put_page(phys_to_page(*pte & PTE_ADDR_MASK));
			mm->rss_pages--;
			*pte = 0;
			invlpg(pva);
			unmapped = true;
		}
	}
	if (unmapped)
		flush_tlb_mm(mm);	/* the other CPUs running this mm */
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

/* sys_brk - move the end of the heap; returns the new break, or the old
 * one when the move is refused (Linux's convention). */
long sys_brk(u64 brk)
{
	struct mm_struct *mm = current->mm;
	u64 old_end = ALIGN_UP(mm->brk, PAGE_SIZE), new_end = ALIGN_UP(brk, PAGE_SIZE);

	if (brk < mm->start_brk || brk > mm->start_brk + BRK_MAX)
		return mm->brk;
	if (new_end != old_end && vma_resize(mm, mm->start_brk, old_end, new_end))
		return mm->brk;
	mm->brk = brk;
	return brk;
}

/* sys_mmap - private anonymous memory only, placed top-down. */
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off)
{
	struct mm_struct *mm = current->mm;
	u64 size = ALIGN_UP(len, PAGE_SIZE), start;
	int r;

	(void)off;
	if (!len || size < len || !(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE) ||
	    (long)fd != -1 || (prot & ~7UL))
		return -EINVAL;
	if (flags & MAP_FIXED) {
		start = addr;
	} else {
		if (size > mm->mmap_top)
			return -ENOMEM;
		start = mm->mmap_top - size;
	}
	r = vma_add(mm, start, start + size, prot);
	if (r)
		return r == -EINVAL && !(flags & MAP_FIXED) ? -ENOMEM : r;
	if (!(flags & MAP_FIXED))
		mm->mmap_top = start;
	return start;
}

long sys_munmap(u64 addr, u64 len)
{
#ifdef FORKLAB_INJECT_LEAK
	/* make check proves the fuzzer catches a leak: this build flag loses a
	 * page in every munmap that works */
	if (!vma_remove(current->mm, addr, addr + ALIGN_UP(len, PAGE_SIZE)))
		return alloc_page() ? 0 : 0;
	return -EINVAL;
#endif
	return vma_remove(current->mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));
}
