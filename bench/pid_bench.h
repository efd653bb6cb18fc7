/* bench/pid_bench.h - bench=pid: pid allocation and lookup cost. */
#ifndef FORKLAB_PID_BENCH_H
#define FORKLAB_PID_BENCH_H

#include "pid/pid.h"

void bench_pid_run(const struct pid_ops *ops, int live_tasks, u64 iters, int pid_max);

#endif
