/* tests/guest/kmem_selftest.c - the allocator suites in the guest (mode=test):
 * the same tests/suites conformance suites the host runs under ASan. They
 * test each allocator alone, so the fork path's page reclaim (its
 * quicklists giving pages back when the buddy runs dry) is off meanwhile:
 * it would change the page counts the suites check. */
#include "mm/kmem.h"
#include "lib/selftest.h"
#include "suites/kmem_conformance.h"
#include "suites/pmm_conformance.h"

static void test_kmem(void)
{
	void (*reclaim)(void) = pmm_reclaim;

	pmm_reclaim = NULL;
	for (int i = 0; i < kmem_family.nr; i++)
		kmem_conformance(kmem_strategy(i));
	pmm_reclaim = reclaim;
}
DEFINE_SELFTEST(kmem, test_kmem);

static void test_buddy(void)
{
	void (*reclaim)(void) = pmm_reclaim;

	pmm_reclaim = NULL;
	pmm_conformance();
	pmm_reclaim = reclaim;
}
DEFINE_SELFTEST(buddy, test_buddy);
