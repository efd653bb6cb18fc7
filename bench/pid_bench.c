/* bench/pid_bench.c - bench=pid: with @live_tasks numbers held, time
 * alloc_pid + find_pid + free_pid triples. */
#include "pid_bench.h"
#include "kmem.h"
#include "pmm.h"
#include "printk.h"
#include "stats.h"
#include "timing.h"

#define WARMUP 100

void bench_pid_run(const struct pid_ops *ops, int live_tasks, u64 iters, int pid_max)
{
	unsigned int sorder = kmem_order_for(iters * sizeof(u64));
	unsigned int lorder = kmem_order_for(live_tasks * sizeof(struct pid *));
	struct page *sp = alloc_pages(sorder), *lp = alloc_pages(lorder);
	struct sample_stats st;
	struct pid **live;
	u64 *samples, n = 0;
	int held = 0;

	if (!sp || !lp || pid_select(ops, pid_max)) {
		printk("pid,error,%s,%d,out of memory\n", ops->name, live_tasks);
		goto out;
	}
	samples = page_address(sp);
	live = page_address(lp);
	for (; held < live_tasks; held++) {
		live[held] = alloc_pid();
		if (IS_ERR(live[held]))
			break;
	}
	for (u64 i = 0; i < iters + WARMUP; i++) {
		u64 t0 = tsc_open(), t1;
		struct pid *p = alloc_pid();

		if (IS_ERR(p))
			break;
		find_pid(p->nr);
		free_pid(p);
		t1 = tsc_close();
		if (i >= WARMUP)
			samples[n++] = t1 - t0 > timer_overhead() ? t1 - t0 - timer_overhead() : 0;
	}
	stats_compute(samples, n, &st);
	printk("pid,alloc+find+free,%s,%d,%lu,%lu,%lu,%lu,%lu,%lu,%lu,%lu,cycles\n", ops->name,
	       held, st.n, st.min, st.p50, st.p90, st.p99, st.max, st.mean, st.stddev);
	while (held--)
		free_pid(live[held]);
	pid_unselect();
out:
	if (sp)
		__free_pages(sp, sorder);
	if (lp)
		__free_pages(lp, lorder);
}
