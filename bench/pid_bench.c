/* bench/pid_bench.c - bench=pid: with @live_tasks numbers held, time
 * alloc_pid + find_pid + free_pid triples (the number the fork path takes,
 * a lookup of it as kill()/wait4() would do, and its release), with the
 * timer overhead subtracted. One CSV row per (strategy, live count):
 * pid,alloc+find+free,<strategy>,<live>,n,min,p50,p90,p99,max,mean,stddev,cycles.
 * The cursor moves on at every triple, so the numbers wrap around pid_max
 * and pass the held block as they would on a busy machine. */
#include "pid_bench.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "stats.h"
#include "timing.h"
#include "vpmu_marker.h"

#define WARMUP 100

/* bench_pid_run - select @ops with @pid_max, hold @live_tasks pids, time
 * @iters triples and print one row; everything is given back after. It
 * replaces the current pid table, so no pid may be live when it runs. */
void bench_pid_run(const struct pid_ops *ops, int live_tasks, u64 iters, int pid_max)
{
	unsigned int sorder = kmem_order_for(iters * sizeof(u64));
	unsigned int lorder = kmem_order_for(live_tasks * sizeof(struct pid *));
	struct page *sp = alloc_pages(sorder), *lp = alloc_pages(lorder);
	u64 overhead = timer_overhead(), *samples, n = 0;
	struct sample_stats st;
	struct pid **live;
	int held = 0;
	bool wrong = false;

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
		struct pid *p = alloc_pid(), *found;

		if (unlikely(IS_ERR(p)))
			break;
		found = find_pid(p->nr);
		free_pid(p);
		t1 = tsc_close();
		wrong |= found != p;
		if (i >= WARMUP) {
			samples[n++] = t1 - t0 > overhead ? t1 - t0 - overhead : 0;
			vpmu_mark(VPMU_KEEP);
		}
	}
	if (wrong)
		printk("pid,error,%s,%d,find_pid missed a live pid\n", ops->name, held);
	vpmu_mark(VPMU_FLUSH);		/* the virtual PMU's record of the same triples */
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
