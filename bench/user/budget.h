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

#endif
