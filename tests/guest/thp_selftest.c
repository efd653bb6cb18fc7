/* tests/guest/thp_selftest.c - transparent huge pages (thp=, thp_cow=) and
 * the zero page through fork, in the guest: forklab-parent's semantics
 * (bench/user/parent.c: the child sees the parent's data, writes private
 * both ways, munmap of part of a 2 MiB page, pages only read are zero)
 * under every pt= with thp=always and each thp_cow=, and with thp=never;
 * THP's counters show the huge paths ran; every page comes back when the
 * set is torn down, and the zero page's count returns to what it was. */
#include "mm/kmem.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "mm/pgtable.h"
#include "init/params.h"
#include "pid/pid.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "kernel/task.h"
#include "x86/sections.h"

/* thp_case - forklab-parent semantics under @pt with @mode and @cow. */
static void thp_case(const struct pt_ops *pt, u32 mode, u32 cow)
{
	const char *argv[] = { "forklab-parent", "semantics", NULL };
	const struct page *zero = phys_to_page(zero_page_phys());
	struct thp_stats st0 = thp_stats;
	u64 free0 = nr_free_pages(), zf0 = zero_page_faults;
	int zero0 = page_count(zero), status;
	bool huge_ran;

	if (strategies_setup(kmem_current(), pt, pid_current(), kparams.tasksize, kparams.pid_max)) {
		report(false, "thp pt=%s: set up", pt->name);
		return;
	}
	thp_mode = mode;
	thp_cow = cow;
	status = run_user_program(parent_program_start, parent_program_end - parent_program_start,
				  argv);
	thp_mode = THP_NEVER;
	thp_cow = THP_COW_COPY;
	strategies_teardown();
	if (mode == THP_NEVER)
		huge_ran = thp_stats.fault_alloc == st0.fault_alloc;
	else		/* faults, first writes that copied 2 MiB, splits */
		huge_ran = thp_stats.fault_alloc > st0.fault_alloc &&
			   thp_stats.split_pmd > st0.split_pmd &&
			   (pt == &pt_copy_ops || cow == THP_COW_SPLIT ||
			    thp_stats.cow_copy > st0.cow_copy);
	/* the 64 pages only read map the zero page (4 KiB VMAs either way) */
	report(status == 0 && huge_ran && zero_page_faults - zf0 >= 64 &&
	       nr_free_pages() == free0 && page_count(zero) == zero0,
	       "thp=%s thp_cow=%s pt=%s: semantics pass (status 0x%x); 2 MiB faults +%lu, "
	       "copied +%lu, split +%lu; zero-page faults +%lu; %ld pages unaccounted, zero "
	       "page count %d -> %d", thp_mode_names[mode], thp_cow_names[cow],
	       pt->name, status, thp_stats.fault_alloc - st0.fault_alloc,
	       thp_stats.cow_copy - st0.cow_copy,
	       thp_stats.split_pmd - st0.split_pmd, zero_page_faults - zf0,
	       (long)(free0 - nr_free_pages()), zero0, page_count(zero));
}

static void test_thp(void)
{
	const struct pt_ops *t0 = pt_ops_current;

	strategies_teardown();
	for (int t = 0; t < pt_family.nr; t++) {
		thp_case(pt_strategy(t), THP_NEVER, THP_COW_COPY);
		thp_case(pt_strategy(t), THP_ALWAYS, THP_COW_COPY);
		thp_case(pt_strategy(t), THP_ALWAYS, THP_COW_SPLIT);
	}
	if (strategies_setup(kmem_current(), t0, pid_current(), kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(thp, test_thp);
