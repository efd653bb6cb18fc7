/* core/mm/pt_tree.c - quicklist=trees: a dead address space's whole
 * page-table tree, its last-level tables emptied by exit_mmap's zap and
 * everything above them kept, waits for the next mm_alloc. A fork into it
 * finds the PML4, PDPT and PD entries it needs already there (pt.c's walker
 * takes present entries as they are), so it allocates and writes no upper
 * level, and the exit that made the tree freed and cleared none.
 *
 * Why: under a shadow-paging hypervisor every table page is write-protected
 * while the hypervisor shadows it, and it keeps shadowing a dead child's
 * tables; each write into one (the next fork's, from the page quicklist,
 * or the tear-down's) is a #PF exit and an emulated instruction, and the
 * write into a recently loaded PML4 also makes KVM zap its shadow root.
 * A kept tree is written only in its last-level tables, which KVM lets go
 * unsynchronized after one exit. Any tree serves any mm: its user PTEs are
 * all zero, and entries no VMA of the new mm uses lead to empty tables. */
#include "mm/pgtable.h"
#include "lib/spinlock.h"

#define PT_TREES_MAX		8	/* trees kept */
#define PT_TREE_PAGES_MAX	1024	/* pages in all of them together: 4 MiB */

u32 pt_quicklist_mode;

static struct {
	u64 *pgd[PT_TREES_MAX];
	u64 pages[PT_TREES_MAX];	/* table pages under (and with) each PML4 */
	int nr;
	u64 total;
} trees;
static DEFINE_SPINLOCK(pt_trees_lock);	/* trees: exits and forks on every CPU */

bool pt_tree_push(struct mm_struct *mm)
{
	bool kept = false;

	/* under pt=share a tree may hold tables other mms share: not kept */
	if (pt_quicklist_mode != PT_QUICKLIST_TREES || pt_ops_current == &pt_share_ops)
		return false;
	spin_lock(&pt_trees_lock);
	if (trees.nr < PT_TREES_MAX && trees.total + mm->pt_pages <= PT_TREE_PAGES_MAX) {
		trees.pgd[trees.nr] = mm->pgd;
		trees.pages[trees.nr++] = mm->pt_pages;
		trees.total += mm->pt_pages;
		mm->pt_pages = 0;
		kept = true;
	}
	spin_unlock(&pt_trees_lock);
	return kept;
}

u64 *pt_tree_pop(struct mm_struct *mm)
{
	u64 *pgd = NULL;

	spin_lock(&pt_trees_lock);
	if (trees.nr) {
		trees.nr--;
		trees.total -= trees.pages[trees.nr];
		mm->pt_pages += trees.pages[trees.nr];
		pgd = trees.pgd[trees.nr];
	}
	spin_unlock(&pt_trees_lock);
	return pgd;
}

int pt_trees_kept(void)
{
	return trees.nr;
}

/* pt_trees_drain - at tear-down, with nothing running: no lock needed. */
void pt_trees_drain(void)
{
	while (trees.nr) {
		trees.nr--;
		trees.total -= trees.pages[trees.nr];
		pt_tree_free(trees.pgd[trees.nr], trees.pages[trees.nr]);
	}
}
