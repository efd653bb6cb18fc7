/* bench/user/budget.h - how many calls one fork-benchmark configuration
 * makes, shared by the kernel (bench/bench.c, which skips the warm-up
 * calls in its phase log) and the user program (which makes them). */
#ifndef FORKLAB_BENCH_BUDGET_H
#define FORKLAB_BENCH_BUDGET_H

/* Unmeasured calls before the measured ones, for N measured. */
#define BENCH_WARMUP(n)		((n) / 10 + 1 < 3 ? (n) / 10 + 1 : 3)
/* TSC ticks one configuration may take, whole iterations (child reaping
 * included) counted: past it the measured calls stop, once there are
 * BENCH_MIN_SAMPLES (kvm-unit-tests' way of bounding a slow machine). */
#define BENCH_CYCLE_BUDGET	(200ULL << 20)
#define BENCH_MIN_SAMPLES	5

/* Rough TSC ticks one fork costs at @rss resident pages: for the budget only. */
#define BENCH_FORK_TICKS(rss)	(2000 + 300 * (rss))
/* Forks the cycle budget allows at @rss pages, but BENCH_MIN_SAMPLES at least. */
#define BENCH_FORK_BUDGET(rss)							\
	(BENCH_CYCLE_BUDGET / BENCH_FORK_TICKS(rss) > BENCH_MIN_SAMPLES ?	\
	 BENCH_CYCLE_BUDGET / BENCH_FORK_TICKS(rss) : BENCH_MIN_SAMPLES)
/* Measured forks of one configuration at @rss pages for @iters asked:
 * @iters, cut to BENCH_FORK_BUDGET(rss) (as kvm-unit-tests does), so big
 * resident sizes stay near the cycle budget. MIN(iters, MAX(budget, 5)):
 * an explicit @iters below 5 is kept (the kernel used to raise it to 5,
 * MAX(MIN(iters, budget), 5)); for @iters >= 5 the two are equal. */
#define BENCH_FORK_ITERS(iters, rss)						\
	((iters) < BENCH_FORK_BUDGET(rss) ? (iters) : BENCH_FORK_BUDGET(rss))

#endif
