/* tests/guest/pt_tree_selftest.c - the shadow-paging cuts in the guest:
 * quicklist=trees (a dead mm's page-table tree kept whole for the next
 * one, mm/pt_tree.c) and tlb_ceiling= (INVLPG instead of a CR3 reload,
 * mm/tlb.c), both on, under every pt=: the semantics program (COW isolation
 * both ways, so a page the flush missed would show), trees kept where they
 * may be, and every page back when the set is torn down. */
#include "mm/kmem.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "init/params.h"
#include "pid/pid.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "kernel/task.h"
#include "x86/sections.h"

static void test_pt_trees(void)
{
	const char *argv[] = { "forklab-user", "semantics", NULL };
	const struct kmem_ops *a0 = kmem_current();
	const struct pt_ops *t0 = pt_ops_current;
	const struct pid_ops *p0 = pid_current();
	u32 mode0 = pt_quicklist_mode;
	u64 ceiling0 = tlb_ceiling;

	strategies_teardown();
	pt_quicklist_mode = PT_QUICKLIST_TREES;
	tlb_ceiling = 33;
	for (int t = 0; t < pt_family.nr; t++) {
		const struct pt_ops *pt = pt_strategy(t);
		u64 free0 = nr_free_pages();
		int status, kept;

		if (strategies_setup(a0, pt, p0, kparams.tasksize, kparams.pid_max)) {
			report(false, "quicklist=trees pt=%s: set up", pt->name);
			continue;
		}
		status = run_user_program(user_program_start, user_program_end - user_program_start,
					  argv);
		kept = pt_trees_kept();
		strategies_teardown();
		/* pt=share's trees may hold tables other mms share: none kept */
		report(status == 0 && (!strcmp(pt->name, "share") ? kept == 0 : kept > 0) &&
		       nr_free_pages() == free0,
		       "quicklist=trees tlb_ceiling=33 pt=%s: semantics pass (status 0x%x), %d trees "
		       "kept, %ld pages unaccounted after tear-down", pt->name, status, kept,
		       (long)(free0 - nr_free_pages()));
	}
	pt_quicklist_mode = mode0;
	tlb_ceiling = ceiling0;
	if (strategies_setup(a0, t0, p0, kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(pt_trees, test_pt_trees);
