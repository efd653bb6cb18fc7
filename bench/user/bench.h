/* bench/user/bench.h - the fork benchmark from user space (forklab-user
 * bench and benchall). */
#ifndef FORKLAB_USER_BENCH_H
#define FORKLAB_USER_BENCH_H

#include "types.h"

/* want_samples - non-zero: also print every sample ("sample," lines, in
 * call order) before each result line; main sets it from "samples". */
extern int want_samples;

/* want_windows - non-zero: also print each measured call's two TSC
 * readings ("window,OP,RSS,START,END" lines, between the calls), so that
 * what happened meanwhile (a hypervisor's VM exits) can be put in its
 * window; main sets it from "windows". */
extern int want_windows;

/* timer_overhead - what an empty tsc_open/tsc_close pair reads, min over
 * many pairs; each sample has it taken off (measure_timer sets it, once,
 * printing a "user_timer" line). */
extern u64 timer_overhead;
void measure_timer(void);

/* tsc_delta - @t1 - @t0 less the timer's own cost (never below 0); inline,
 * as everything a timed window calls. */
static inline u64 tsc_delta(u64 t0, u64 t1)
{
	u64 d = t1 - t0;

	return d > timer_overhead ? d - timer_overhead : 0;
}

/* print_stats - sort @v[0..@n) and print it as the line
 * "RECORD,OP,RSS[,LIVE],n,min,p50,p90,p99,max,mean,cycles" (no LIVE when
 * @live < 0: the "result" record). */
void print_stats(const char *record, const char *op, u64 rss_pages, long live, u64 *v, u64 n);

/* bench - time @op (a FORK_OP_TABLE name, or cow-write) @n times with
 * @rss_pages pages resident; prints a "user_timer" line on the first call
 * and one "result,OP,RSS,n,min,p50,p90,p99,max,mean,cycles" line.
 * 0, 1 if cow-write's child failed, 2 if the op or memory failed. */
int bench(const char *op, u64 n, u64 rss_pages);

/* bench_all - bench=fork's plan in one process: every op at one page, fork
 * and vfork at 4..@rss_max pages (powers of 4), cow-write at 4..@rss_max
 * (powers of 16), each after a config line naming @name for alloc, pt and
 * pid. 0 iff every configuration worked. */
int bench_all(u64 iters, u64 rss_max, const char *name);

#endif
