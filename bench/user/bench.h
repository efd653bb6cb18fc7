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
 * many pairs (the first bench_prepare measures it); each sample has it
 * taken off. */
extern u64 timer_overhead;
/* measure_timer - set timer_overhead, once, printing a "user_timer" line
 * (bench_prepare calls it; a program that times without it calls it). */
void measure_timer(void);

/* tsc_delta - @t1 - @t0 less the timer's own cost (never below 0).
 * Inline: it is called inside the timed windows. */
static inline u64 tsc_delta(u64 t0, u64 t1)
{
	u64 d = t1 - t0;

	return d > timer_overhead ? d - timer_overhead : 0;
}

/* bench_prepare - make @rss_pages pages of anonymous memory resident (each
 * written once: dirty), and measure the timer on the first call ("user_timer"
 * line). 0, or 2 after a line saying the memory could not be had. */
int bench_prepare(u64 rss_pages);

/* bench_release - unmap what bench_prepare mapped and put the heap back
 * to @brk0 (samples included). */
void bench_release(long brk0);

/* map_samples - grow the heap by room for @n samples (whole pages); its
 * start, or NULL if brk fails. */
u64 *map_samples(u64 n);

/* print_stats - sort @v[0..@n) and print it as the line
 * "RECORD,OPSUFFIX,RSS[,LIVE],n,min,p50,p90,p99,max,mean,cycles" (@op, then
 * @suffix; no LIVE when @live < 0: the "result" record). */
void print_stats(const char *record, const char *op, const char *suffix, u64 rss_pages, long live,
		 u64 *v, u64 n);

/* put_config - the "config" line forklab's kernel prints before each
 * configuration, so that one parser reads both: op, then @set's alloc, pt
 * and pid names, then the resident size. */
void put_config(const char *op, const char *const set[3], u64 rss);

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
