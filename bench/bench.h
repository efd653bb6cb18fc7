/* bench/bench.h - the in-kernel benchmark table (mode=bench). */
#ifndef FORKLAB_BENCH_H
#define FORKLAB_BENCH_H

#include "types.h"

struct bench {
	const char *name;
	const char *desc;
	const char *varies;		/* which strategy families it compares */
	void (*run)(void);
};

/* bench_main - run every benchmark selected with bench=; prints CSV rows. */
void bench_main(void);
/* bench_list - one "bench,name,varies,desc" line per benchmark. */
void bench_list(void);
extern const struct bench benchmarks[];
extern const int nr_benchmarks;

#endif
