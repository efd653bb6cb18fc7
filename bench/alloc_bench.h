/* bench/alloc_bench.h - bench=alloc: alloc+free pairs per allocator. */
#ifndef FORKLAB_ALLOC_BENCH_H
#define FORKLAB_ALLOC_BENCH_H

#include "kmem.h"

void bench_alloc_header(void);
void bench_alloc_run(const struct kmem_ops *ops, u64 iters);

#endif
