/* tests/guest/kmem_selftest.c - the allocator suites in the guest (mode=test):
 * the same tests/suites/kmem_conformance.c the host runs under ASan. */
#include "mm/kmem.h"
#include "lib/selftest.h"
#include "suites/kmem_conformance.h"
#include "suites/pmm_conformance.h"

static void test_kmem(void)
{
	for (int i = 0; i < kmem_family.nr; i++)
		kmem_conformance(kmem_strategy(i));
}
DEFINE_SELFTEST(kmem, test_kmem);

static void test_buddy(void)
{
	pmm_conformance();
}
DEFINE_SELFTEST(buddy, test_buddy);
