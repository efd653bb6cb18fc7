/* core/mm/memory.c - faults on user addresses: demand-zero pages, breaking
 * copy-on-write, growing the stack; and new user pages for exec. */
#include "mm/pgtable.h"
#include "lib/string.h"

static u64 pte_nx;		/* PTE_NX when EFER.NXE is on, else 0 */

u8 empty_zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);
u64 zero_page_faults;

u64 zero_page_phys(void)
{
	return (u64)empty_zero_page - KERNEL_VMA;
}

void pte_flags_init(void)
{
	struct page *zero = phys_to_page(zero_page_phys());

	pte_nx = (rdmsr(MSR_EFER) & (1 << 11)) ? PTE_NX : 0;
	/* the kernel image's page (PG_reserved): never freed, its count held
	 * above 0 so that the last mapping's put_page leaves it */
	if (!zero->_refcount)
		zero->_refcount = 1;
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

int map_new_page_copy(struct mm_struct *mm, u64 va, u32 prot, const void *src, size_t off,
		      size_t n)
{
	u64 *pte = walk_pte(mm, va, true);
	struct page *page;
	u8 *k;

	if (!pte)
		return -ENOMEM;
	page = alloc_page();
	if (!page)
		return -ENOMEM;
	k = page_address(page);
	memset(k, 0, off);
	memcpy(k + off, src, n);
	memset(k + off + n, 0, PAGE_SIZE - off - n);
	*pte = page_to_phys(page) | pte_flags_for(prot);
	mm->rss_pages++;
	return 0;
}

/* do_anonymous_read - a read of never-touched anonymous memory at @pte:
 * the shared zero page, read-only and copy-on-write (do_anonymous_page's
 * zero-page case); the first write copies it like any shared page. */
static int do_anonymous_read(struct mm_struct *mm, u64 *pte, u32 prot)
{
	u64 pa = zero_page_phys();

	get_page(__phys_to_page(pa));
	zero_page_faults++;
	*pte = pa | ((pte_flags_for(prot) & ~PTE_W) | (prot & PROT_WRITE ? PTE_COW : 0));
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

/* handle_mm_fault_4k - the fault handler while no VMA is VM_HUGEPAGE
 * (handle_mm_fault_thp, huge_memory.c, calls it for the 4 KiB cases). */
int handle_mm_fault_4k(struct mm_struct *mm, u64 addr, u64 error_code)
{
	struct vm_area *vma = find_vma(mm, addr);
	u64 va = addr & PAGE_MASK, *pte;

	if (!vma)
		vma = expand_stack(mm, addr);
	if (!vma)
		return -EFAULT;
	if (fault_denied(vma, error_code))
		return -EFAULT;
	pte = walk_pte(mm, va, true);
	if (!pte)
		return -ENOMEM;
	/* (what mprotect left mapped of a PROT_NONE page is kernel-only: no
	 * U bit; the check above turned its faults away) */
	if (!(*pte & PTE_P))
		return error_code & PF_WRITE ? map_new_page(mm, va, vma->prot) :
		       do_anonymous_read(mm, pte, vma->prot);
	if ((error_code & PF_WRITE) && (*pte & PTE_COW))
		return do_wp_page(mm, va, pte);
	if (!(error_code & PF_WRITE) || (*pte & PTE_W)) {
		invlpg(va);	/* a stale TLB entry: the PTE already allows it */
		return 0;
	}
	return -EFAULT;
}

/* 4 KiB only until the first VM_HUGEPAGE VMA (thp_static_enable) */
int (*handle_mm_fault_fn)(struct mm_struct *mm, u64 addr, u64 error_code) = handle_mm_fault_4k;

int handle_mm_fault_locked(struct mm_struct *mm, u64 addr, u64 error_code)
{
	int r;

	spin_lock(&mm->page_table_lock);
	r = handle_mm_fault_fn(mm, addr, error_code);
	spin_unlock(&mm->page_table_lock);
	return r;
}

void *user_page_address(struct mm_struct *mm, u64 va)
{
	u64 *pmd = walk_pmd(mm, va, false), *pte;

	if (pmd && pmd_huge(*pmd))
		return __va((*pmd & PTE_ADDR_MASK) + (va & (PMD_SIZE - 1) & PAGE_MASK));
	pte = walk_pte(mm, va, false);

	return pte && (*pte & PTE_P) ? __va(*pte & PTE_ADDR_MASK) : NULL;
}
