/* core/mm/mmap.c - the VMAs of an address space and the system calls that
 * change them: brk, mmap (private anonymous memory), munmap and madvise
 * (mprotect is in mprotect.c). */
#include "mm/pgtable.h"
#include "kernel/sched.h"
#include "kernel/syscalls.h"
#include "mm/kmem.h"
#include "kernel/failslab.h"
#include "lib/string.h"

#define MAP_PRIVATE	0x02
#define MAP_FIXED	0x10
#define MAP_ANONYMOUS	0x20
#define BRK_MAX		(1UL << 30)	/* heap limit */
#define MADV_NORMAL	0
#define MADV_WILLNEED	3
#define MADV_DONTNEED	4
#define MADV_FREE	8

/* vma_order - the page order of an array of @max VMAs. */
static unsigned int vma_order(int max)
{
	return kmem_order_for(max * sizeof(struct vm_area));
}

int vma_grow(struct mm_struct *mm, int n)
{
	int max = vma_room(mm);
	struct page *page;

	if (n <= max)
		return 0;
	if (n > MM_MAX_VMAS)
		return -ENOMEM;
	while (max < n)
		max *= 2;
	max = MIN(max, MM_MAX_VMAS);
	page = should_fail(FAIL_MM) ? NULL : alloc_pages(vma_order(max));
	if (!page)
		return -ENOMEM;
	memcpy(page_address(page), mm->vma, mm->nr_vmas * sizeof(struct vm_area));
	vma_free(mm);
	mm->vma = page_address(page);
	/* what the pages hold, but no more than the limit (the same order) */
	mm->max_vmas = MIN((int)((PAGE_SIZE << vma_order(max)) / sizeof(struct vm_area)),
			   MM_MAX_VMAS);
	return 0;
}

void vma_free(struct mm_struct *mm)
{
	if (mm->max_vmas)
		__free_pages(virt_to_page(mm->vma), vma_order(mm->max_vmas));
	mm->vma = mm->vma_inline;
	mm->max_vmas = 0;
}

int vma_add(struct mm_struct *mm, u64 start, u64 end, u32 prot)
{
	if (!IS_ALIGNED(start | end, PAGE_SIZE) || end <= start || end > USER_SPACE_END)
		return -EINVAL;
	for (int i = 0; i < mm->nr_vmas; i++)
		if (start < mm->vma[i].end && end > mm->vma[i].start)
			return -EINVAL;
	if (mm->nr_vmas >= vma_room(mm) && vma_grow(mm, mm->nr_vmas + 1))
		return -ENOMEM;
	mm->vma[mm->nr_vmas++] = (struct vm_area){ start, end, prot, 0 };
	return 0;
}

/* unmap_range - drop the pages mapped in [start, end) of @vma's, visiting
 * only the last-level tables that exist (page by page, a 64 TiB munmap
 * took 2^34 walks: the fuzzer's hang); 0, or -ENOMEM when a huge page it
 * cuts cannot be split (the huge pages before it are unmapped then,
 * nothing else). */
static int unmap_range(struct mm_struct *mm, struct vm_area *vma, u64 start, u64 end)
{
	bool unmapped = false;

	if (unlikely(vma->flags & VM_HUGEPAGE) && thp_unmap_range(mm, start, end))
		return -ENOMEM;

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
	return 0;
}

int vma_split(struct mm_struct *mm, struct vm_area *vma, u64 addr)
{
	long idx = vma - mm->vma;

	if (addr <= vma->start || addr >= vma->end || !IS_ALIGNED(addr, PAGE_SIZE))
		return 0;
	if (mm->nr_vmas >= vma_room(mm) && vma_grow(mm, mm->nr_vmas + 1))
		return -ENOMEM;
	vma = &mm->vma[idx];	/* the array may have moved */
	mm->vma[mm->nr_vmas] = *vma;
	mm->vma[mm->nr_vmas++].start = addr;
	vma->end = addr;
	return 0;
}

int vma_remove(struct mm_struct *mm, u64 start, u64 end)
{
	if (!IS_ALIGNED(start | end, PAGE_SIZE) || end <= start || end > USER_SPACE_END)
		return -EINVAL;
	for (int i = 0; i < mm->nr_vmas;) {
		struct vm_area *vma = &mm->vma[i];
		u64 lo = MAX(start, vma->start), hi = MIN(end, vma->end);
		int r;

		if (lo >= hi) {
			i++;
			continue;
		}
		/* a hole in the middle needs a second VMA for the part above it */
		if (lo > vma->start && hi < vma->end && mm->nr_vmas >= vma_room(mm)) {
			if (vma_grow(mm, mm->nr_vmas + 1))
				return -ENOMEM;
			vma = &mm->vma[i];	/* the array may have moved */
		}
		r = unmap_range(mm, vma, lo, hi);
		if (r)
			return r;
		if (lo > vma->start && hi < vma->end) {
			mm->vma[mm->nr_vmas] = *vma;
			mm->vma[mm->nr_vmas++].start = hi;
			vma->end = lo;
		} else if (lo > vma->start) {
			vma->end = lo;
		} else if (hi < vma->end) {
			vma->start = hi;
		} else {
			*vma = mm->vma[--mm->nr_vmas];
			continue;	/* another VMA is at @i now */
		}
		i++;
	}
	return 0;
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
		int r = unmap_range(mm, vma, new_end, old_end);

		if (r)
			return r;
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
 * one when the move is refused (Linux's convention). The system calls here
 * hold the mm's page_table_lock: its other threads may fault meanwhile. */
long sys_brk(u64 brk)
{
	struct mm_struct *mm = current->mm;
	u64 old_end, new_end;
	long r = brk;

	spin_lock(&mm->page_table_lock);
	old_end = ALIGN_UP(mm->brk, PAGE_SIZE);
	new_end = ALIGN_UP(brk, PAGE_SIZE);
	if (brk < mm->start_brk || brk > mm->start_brk + BRK_MAX ||
	    (new_end != old_end && vma_resize(mm, mm->start_brk, old_end, new_end)))
		r = mm->brk;
	mm->brk = r;
	spin_unlock(&mm->page_table_lock);
	return r;
}

/* __mmap - sys_mmap's placement with the lock held. */
static long __mmap(struct mm_struct *mm, u64 addr, u64 size, u64 prot, u64 flags)
{
	u64 start;
	int r;

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
	if (thp_mode == THP_ALWAYS) {
		thp_static_enable();
		mm->vma[mm->nr_vmas - 1].flags |= VM_HUGEPAGE;
	}
	if (!(flags & MAP_FIXED))
		mm->mmap_top = start;
	return start;
}

/* sys_mmap - private anonymous memory only, placed top-down. */
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off)
{
	struct mm_struct *mm = current->mm;
	u64 size = ALIGN_UP(len, PAGE_SIZE);
	long r;

	(void)off;
	if (!len || size < len || !(flags & MAP_ANONYMOUS) || !(flags & MAP_PRIVATE) ||
	    (long)fd != -1 || (prot & ~7UL))
		return -EINVAL;
	spin_lock(&mm->page_table_lock);
	r = __mmap(mm, addr, size, prot, flags);
	spin_unlock(&mm->page_table_lock);
	return r;
}

/* sys_munmap - unmap [addr, addr + len) whatever it covers (a thread's
 * guard page and stack in one call, or part of one mapping); 0, -EINVAL
 * (unaligned, empty, outside user space), -ENOMEM (no VMA slot to split,
 * or a huge page it cuts could not be split). */
long sys_munmap(u64 addr, u64 len)
{
	struct mm_struct *mm = current->mm;
	int r;

	spin_lock(&mm->page_table_lock);
	r = vma_remove(mm, addr, addr + ALIGN_UP(len, PAGE_SIZE));	/* it checks the range */
	spin_unlock(&mm->page_table_lock);
#ifdef FORKLAB_INJECT_LEAK
	/* make check proves the fuzzer catches a leak: this build flag loses a
	 * page in every munmap that works */
	if (!r && !alloc_page())
		return -ENOMEM;
#endif
	return r;
}

/* sys_madvise - MADV_NORMAL..MADV_WILLNEED are hints (0); MADV_DONTNEED
 * and MADV_FREE (musl's free of a large chunk) drop the pages of the range
 * now: anonymous memory reads back as zeros, which both allow. 0, -EINVAL
 * (unaligned, unknown advice), -ENOMEM (a hole in the range). */
long sys_madvise(u64 start, u64 len, u64 advice)
{
	struct mm_struct *mm = current->mm;
	u64 end = start + ALIGN_UP(len, PAGE_SIZE);
	long r = 0;

	if (!IS_ALIGNED(start, PAGE_SIZE) || end < start || end > USER_SPACE_END)
		return -EINVAL;
	if (advice <= MADV_WILLNEED)
		return 0;
	if (advice != MADV_DONTNEED && advice != MADV_FREE)
		return -EINVAL;
	spin_lock(&mm->page_table_lock);
	for (u64 va = start; va < end && !r;) {
		struct vm_area *vma = find_vma(mm, va);

		if (!vma) {
			r = -ENOMEM;
			break;
		}
		r = unmap_range(mm, vma, va, MIN(end, vma->end));
		va = vma->end;
	}
	spin_unlock(&mm->page_table_lock);
	return r;
}
