/* core/mm/mmap.c - the VMAs of an address space and the system calls that
 * change them: brk, mmap (private anonymous memory) and munmap. */
#include "mm/pgtable.h"
#include "kernel/sched.h"

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
