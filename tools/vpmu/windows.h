/* tools/vpmu/windows.h - measured windows, found from the instruction
 * stream as bench/vpmu_marker.h describes: counter snapshots at every
 * rdtsc, marks that keep or skip the last window, the timer pair's minimum
 * taken off, and at each configuration's end, for each of its result rows
 * (one, or two for calls timed to two ends), one "vpmu,stats" record per
 * scope (the call, and with kprobes= the kernel's phases and their total). */
#ifndef VPMU_WINDOWS_H
#define VPMU_WINDOWS_H

#include <stdint.h>
#include <stdio.h>
#include "counters.h"

#define VPMU_MAX_PROBES	16

enum vpmu_stream { STREAM_USER, STREAM_KERNEL, NR_STREAMS };

struct snap {
	uint64_t c[NR_VPMU_COUNTERS];
};

struct stream {
	struct snap older, prev, cur;	/* the last three snapshots: the last window is
					 * prev..cur, and with the one before it a call
					 * timed to two ends (VPMU_KEEP_TWO) */
	struct snap timer;		/* per counter, the least empty pair seen */
	int have_timer;
	uint64_t *samples;		/* per sample: flags (shift, row, no phases),
					 * then scopes x counters */
	size_t n, cap;
	unsigned int rows;		/* result rows the samples are for: 1, or 2 */
	uint64_t seq;			/* result rows flushed */
	uint64_t calls;			/* windows marked since the last flush */
};

struct windows {
	struct stream s[NR_STREAMS];
	int kprobes;			/* kernel snapshots in a user window that are probes */
	int nprobe, nlast, nlast2;	/* kernel snapshots in the open, the last and the
					 * one before the last user window */
	struct snap probe[VPMU_MAX_PROBES];
	struct snap *last, *last2;	/* into held: swapped at each user snapshot */
	struct snap held[2][VPMU_MAX_PROBES];
	int print_windows;		/* also one "vpmu,window" record per marked window */
	int cache;			/* the memory model runs: its counters are named too */
	FILE *out;
};

/* windows_init - no window yet; records go to @out. 0 or -1. */
int windows_init(struct windows *w, FILE *out, int kprobes, int print_windows, int cache);
/* windows_snapshot - an rdtsc of @stream with the counters at @now. */
void windows_snapshot(struct windows *w, enum vpmu_stream stream, const struct snap *now);
/* windows_mark - a mark of @stream with @code (VPMU_KEEP ...). */
void windows_mark(struct windows *w, enum vpmu_stream stream, uint32_t code);
/* windows_print_counts - ",name,value" for each counter of @c that runs. */
void windows_print_counts(const struct windows *w, const uint64_t *c);

#endif
