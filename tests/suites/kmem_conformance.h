/* tests/suites/kmem_conformance.h - one suite every allocator must pass, run on the
 * host (ASan/UBSan) and in the guest (mode=test). */
#ifndef FORKLAB_KMEM_CONFORMANCE_H
#define FORKLAB_KMEM_CONFORMANCE_H

#include "mm/kmem.h"

/* kmem_conformance - every check for one strategy, under its name as the
 * report prefix; leaves nr_free_pages() as it found it. */
void kmem_conformance(const struct kmem_ops *ops);

#endif
