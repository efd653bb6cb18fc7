/* bench/bench.h - the in-kernel benchmark table (mode=bench). */
#ifndef FORKLAB_BENCH_H
#define FORKLAB_BENCH_H

#include "lib/types.h"

struct bench {
	const char *name;
	const char *desc;
	const char *varies;		/* which strategy families it compares, '/'-separated */
	void (*run)(void);
	int (*plan)(void);		/* the config lines run prints (0 for none) */
};

/* bench_main - run every benchmark selected with bench=; prints CSV rows. */
void bench_main(void);
/* bench_list - "bench,name,varies,desc" per benchmark, "op,name,nr,until,desc"
 * per fork op and "phase,name,desc" per fork phase (mode=list, and at the
 * start of mode=bench): the host's source of these names. */
void bench_list(void);
extern const struct bench benchmarks[];
extern const int nr_benchmarks;

#endif
