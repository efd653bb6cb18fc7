/* bench/alloc_bench.h - bench=alloc: alloc+free pairs per allocator. */
#ifndef FORKLAB_ALLOC_BENCH_H
#define FORKLAB_ALLOC_BENCH_H

#include "mm/kmem.h"

/* bench_alloc_header - the CSV header line of the rows below. */
void bench_alloc_header(void);
/* bench_alloc_run - hot and cold rows for sizes 64..16384 of @ops, @iters
 * samples each (@iters * 8 bytes must fit an order-10 block); prints an
 * "alloc,error,..." line instead when memory is short. */
void bench_alloc_run(const struct kmem_ops *ops, u64 iters);

#endif
