/* core/mm/memory.c - faults on user addresses: demand-zero pages, breaking
 * copy-on-write, growing the stack; and new user pages for exec. */
#include "mm/pgtable.h"
#include "lib/string.h"

static u64 pte_nx;		/* PTE_NX when EFER.NXE is on, else 0 */

void pte_flags_init(void)
{
	pte_nx = (rdmsr(MSR_EFER) & (1 << 11)) ? PTE_NX : 0;
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
static int do_wp_page(struct mm_struct *mm, u64 va, u64 *pte)
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
	/* another CPU running this mm may still map the old page */
	flush_tlb_page(mm, va);
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
	/* PROT_NONE, or a fetch from memory without PROT_EXEC: the PTE would
	 * allow reading it (x86 maps no page unreadable), and a fetch from a
	 * present NX page was taken for a stale TLB entry, for ever */
	if (unlikely(!(vma->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
		     ((error_code & PF_INSTR) && !(vma->prot & PROT_EXEC))))
		return -EFAULT;
	pte = walk_pte(mm, va, true);
	if (!pte)
		return -ENOMEM;
	if (!(*pte & PTE_P))
		return map_new_page(mm, va, vma->prot);
	if ((error_code & PF_WRITE) && (*pte & PTE_COW))
		return do_wp_page(mm, va, pte);
	if (!(error_code & PF_WRITE) || (*pte & PTE_W)) {
		invlpg(va);	/* a stale TLB entry: the PTE already allows it */
		return 0;
	}
	return -EFAULT;
}

void *user_page_address(struct mm_struct *mm, u64 va)
{
	u64 *pte = walk_pte(mm, va, false);

	return pte && (*pte & PTE_P) ? __va(*pte & PTE_ADDR_MASK) : NULL;
}
