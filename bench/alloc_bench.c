/* bench/alloc_bench.c - bench=alloc: for each object size, hot pairs (free
 * right after alloc: the fast paths) and cold ones (allocate N, then free
 * N: refills and slab growth; the batch is timed as a whole and divided by
 * N), with the timer overhead subtracted. One CSV row per (op, strategy,
 * size): bench,op,alloc,size,n,min,p50,p90,p99,max,mean,stddev,unit, e.g.
 * alloc,hot,slub,64,10000,...,cycles. Sample buffers come from the buddy
 * allocator and go back after. */
#include "alloc_bench.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "stats.h"
#include "timing.h"
#include "vpmu_marker.h"

#define WARMUP		100
#define COLD_BATCH	256

static const size_t sizes[] = { 64, 256, 1024, 4096, 16384 };

void bench_alloc_header(void)
{
	printk("bench,op,alloc,size,n,min,p50,p90,p99,max,mean,stddev,unit\n");
}

static void print_row(const char *mode, const struct kmem_ops *ops, size_t size,
		      u64 *samples, u64 n)
{
	struct sample_stats st;

	vpmu_mark(VPMU_FLUSH);		/* the virtual PMU's record of the same pairs */
	stats_compute(samples, n, &st);
	printk("alloc,%s,%s,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,cycles\n", mode, ops->name, size,
	       st.n, st.min, st.p50, st.p90, st.p99, st.max, st.mean, st.stddev);
}

static u64 elapsed(u64 t0, u64 t1)
{
	u64 d = t1 - t0;

	return d > timer_overhead() ? d - timer_overhead() : 0;
}

static void bench_size(const struct kmem_ops *ops, size_t size, u64 iters, u64 *samples,
		       void **objs)
{
	struct kmem_cache *c = ops->cache_create("bench", size, size >= PAGE_SIZE ? PAGE_SIZE : 8,
						 NULL);
	u64 n = 0;

	if (!c) {
		printk("alloc,error,%s,%lu,cache_create failed\n", ops->name, size);
		return;
	}
	for (u64 i = 0; i < iters + WARMUP; i++) {
		u64 t0 = tsc_open(), t1;
		void *o = kmem_cache_alloc(c);

		if (unlikely(!o))
			break;
		kmem_cache_free(c, o);
		t1 = tsc_close();
		if (i >= WARMUP) {
			samples[n++] = elapsed(t0, t1);
			vpmu_mark(VPMU_KEEP);
		}
	}
	print_row("hot", ops, size, samples, n);

	/* cold: ceil(iters / COLD_BATCH) samples of COLD_BATCH pairs each, so
	 * about iters objects pass through (bump never gets them back) */
	n = 0;
	for (u64 done = 0; done < iters; done += COLD_BATCH) {
		u64 got = 0, t0, t1;

		t0 = tsc_open();
		for (; got < COLD_BATCH; got++) {
			objs[got] = kmem_cache_alloc(c);
			if (unlikely(!objs[got]))
				break;
		}
		for (u64 i = 0; i < got; i++)
			kmem_cache_free(c, objs[i]);
		t1 = tsc_close();
		if (got < COLD_BATCH) {
			printk("alloc,error,%s,%lu,out of memory after %lu cold samples\n",
			       ops->name, size, n);
			break;
		}
		samples[n++] = elapsed(t0, t1) / COLD_BATCH;
		vpmu_mark(VPMU_KEEP_PER(COLD_BATCH));
	}
	print_row("cold", ops, size, samples, n);
	kmem_cache_destroy(c);
}

void bench_alloc_run(const struct kmem_ops *ops, u64 iters)
{
	unsigned int order = kmem_order_for(iters * sizeof(u64));
	struct page *sp = alloc_pages(order), *op = alloc_pages(0);

	if (!sp || !op) {
		printk("alloc,error,%s,0,no memory for %lu samples\n", ops->name, iters);
		if (sp)
			__free_pages(sp, order);
		if (op)
			__free_page(op);
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++)
		bench_size(ops, sizes[i], iters, page_address(sp), page_address(op));
	__free_pages(sp, order);
	__free_page(op);
}
