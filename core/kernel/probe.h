/* core/kernel/probe.h - phase probes on the fork path. Each probe stores a TSC
 * reading for the current copy_process call; fork_probe_commit() hands the
 * call's readings to whoever records them (the benchmark engine). Built
 * with -DFORKLAB_NO_PROBES the probes compile to nothing. */
#ifndef FORKLAB_PROBE_H
#define FORKLAB_PROBE_H

#include "lib/types.h"

/* The probes in call order: X(id, name, what a phase ending here covers).
 * The names are the ones mode=list prints and the host's phase_* columns. */
#define FORK_PHASE_TABLE(X)						\
	X(PH_ENTRY, "entry", "kernel_clone entered")			\
	X(PH_FLAGS, "flags", "clone flags validated")			\
	X(PH_DUP, "dup_task_struct", "task_struct and kernel stack allocated and copied") \
	X(PH_SHARE, "copy_files..signal", "files, fs, sighand and signal copied or shared") \
	X(PH_MM, "copy_mm", "the address space copied (pt= strategy) or shared") \
	X(PH_THREAD, "copy_thread", "the child's registers and switch frame")	\
	X(PH_ALLOC_PID, "alloc_pid", "a pid number (pid= strategy)")	\
	X(PH_ATTACH, "attach_pid", "pid attached, the task linked into its lists") \
	X(PH_WAKE, "wake_up_new_task", "the child on the run queue")

#define FORK_PHASE_ENUM(id, name, what)	id,
enum fork_phase {
	FORK_PHASE_TABLE(FORK_PHASE_ENUM)
	NR_FORK_PROBES
};

extern const char *const fork_phase_names[NR_FORK_PROBES];
extern const char *const fork_phase_desc[NR_FORK_PROBES];

#define FORK_PMU_SLOTS	7	/* 3 fixed counters, then up to 4 general ones */

/* Where committed calls go: @n rows of NR_FORK_PROBES timestamps and,
 * when @pmu_read is set (a PMU is there), of the counters' increase over
 * the call, kernel_clone entry to its last probe. */
struct fork_probe_log {
	u64 (*rows)[NR_FORK_PROBES];
	u64 (*pmu_rows)[FORK_PMU_SLOTS];
	void (*pmu_read)(u64 vals[FORK_PMU_SLOTS]);
	u64 *child_run;			/* TSC at the child's first return to user, or 0 */
	u64 capacity;
	u64 n;
	u64 dropped;
};

/* Where the probes of the current call write: the log's next free row, or
 * a scratch row when nothing is logged (or the log is full). Writing in
 * place keeps a commit to a few stores instead of copying the row. */
extern u64 *fork_probe_ts;
extern u64 fork_probe_scratch[NR_FORK_PROBES];
extern u64 fork_pmu_start[FORK_PMU_SLOTS];
extern struct fork_probe_log *fork_probe_log;

static inline u64 probe_rdtsc(void)
{
	u32 lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* fork_probe_row - where the probes write next: @log's row @n, or the
 * scratch row when there is no log or it is full. */
static inline u64 *fork_probe_row(struct fork_probe_log *log, u64 n)
{
	return log && n < log->capacity ? log->rows[n] : fork_probe_scratch;
}

/* fork_probe_attach - log the calls from now on into @log (NULL: stop). */
static inline void fork_probe_attach(struct fork_probe_log *log)
{
	fork_probe_log = log;
	fork_probe_ts = fork_probe_row(log, log ? log->n : 0);
}

#ifdef FORKLAB_NO_PROBES
#define fork_probe(ph)		do { } while (0)
#define fork_probe_pmu_begin()	do { } while (0)
#define fork_probe_commit()	do { } while (0)
#define fork_probe_reserve()	(-1L)
#define fork_probe_child_run(row) do { (void)(row); } while (0)
#else
#define fork_probe(ph)		(fork_probe_ts[ph] = probe_rdtsc())
/* fork_probe_pmu_begin - the counters at kernel_clone entry, if logged. */
static inline void fork_probe_pmu_begin(void)
{
	if (fork_probe_log && fork_probe_log->pmu_read)
		fork_probe_log->pmu_read(fork_pmu_start);
}
/* fork_probe_reserve - the row this call's probes fill, its child-run
 * slot cleared, for the child to log its first run into (it is told before
 * it is woken: on another CPU it may run at once); -1 when nothing is
 * logged or the log is full. */
static inline long fork_probe_reserve(void)
{
	struct fork_probe_log *log = fork_probe_log;

	if (!log || fork_probe_ts == fork_probe_scratch)
		return -1;
	log->child_run[log->n] = 0;
	return log->n;
}

/* fork_probe_commit - keep this call's row (the probes wrote it in place;
 * fork_probe_reserve named it) and point the probes at the next one; a
 * full log counts the call as dropped. */
static inline void fork_probe_commit(void)
{
	struct fork_probe_log *log = fork_probe_log;
	u64 n;

	if (!log)
		return;
	if (fork_probe_ts == fork_probe_scratch) {
		log->dropped++;
		return;
	}
	n = log->n;
	if (log->pmu_read) {
		u64 now[FORK_PMU_SLOTS];

		log->pmu_read(now);
		for (int i = 0; i < FORK_PMU_SLOTS; i++)
			log->pmu_rows[n][i] = now[i] - fork_pmu_start[i];
	}
	log->n = n + 1;
	fork_probe_ts = fork_probe_row(log, n + 1);
}

/* fork_probe_child_run - a new task's first return to user mode: when
 * it left kernel_clone's row @row, log the time (child-first-run latency). */
static inline void fork_probe_child_run(long row)
{
	struct fork_probe_log *log = fork_probe_log;

	if (row >= 0 && log && (u64)row < log->capacity)
		log->child_run[row] = probe_rdtsc();
}
#endif

#endif
