/* tests/guest/fork_selftest.c - guest self-tests of the fork path with real user
 * processes: the semantics program, and fork/exit/wait cycles under every
 * strategy with every page and object accounted for afterwards. */
#include "mm/kmem.h"
#include "mm/mm.h"
#include "init/params.h"
#include "pid/pid.h"
#include "mm/pmm.h"
#include "lib/printk.h"
#include "lib/selftest.h"
#include "kernel/task.h"
#include "kernel/failslab.h"
#include "kernel/probe.h"
#include "x86/sections.h"
#include "fs/fs.h"
#include "guest/fork_selftest.h"


#define BUMP_STRESS_MAX	5000	/* fork/exit/wait cycles the bump allocator gets */

int run_embedded(const char *const *argv)
{
	return run_user_program(user_program_start, user_program_end - user_program_start, argv);
}

/* live_objects - what the fork path holds: tasks' objects (files and
 * pipes too), mms, pids. */
u64 live_objects(void)
{
	return fork_live_objects() + mm_live_objects() + pid_current()->nr_in_use();
}

static void test_semantics(void)
{
	const char *argv[] = { "forklab-user", "semantics", NULL };
	u64 objs = live_objects();
	int status = run_embedded(argv);

	report(status == 0, "the semantics program passes in user mode (wait status 0x%x)", status);
	report(live_objects() == objs, "every task, mm and pid is freed afterwards (%lu live)",
	       live_objects() - objs);
}
DEFINE_SELFTEST(user_semantics, test_semantics);

/* stress_one - kparams.stress fork/exit/wait cycles under one strategy set;
 * pages and objects must come back exactly. */
static void stress_one(const struct kmem_ops *a, const struct pt_ops *t, const struct pid_ops *p)
{
	char n[24];
	const char *argv[] = { "forklab-user", "stress", n, NULL };
	u64 free_before = nr_free_pages(), live, cycles = kparams.stress;
	int status;

	/* bump never frees: a 512 MiB guest runs out after ~15 000 cycles
	 * (fork then fails cleanly with -ENOMEM), so it gets fewer */
	if (a == &kmem_bump_ops)
		cycles = MIN(cycles, (u64)BUMP_STRESS_MAX);
	fl_snprintf(n, sizeof(n), "%lu", cycles);
	if (strategies_setup(a, t, p, kparams.tasksize, kparams.pid_max)) {
		report(false, "alloc=%s pt=%s pid=%s: set up", a->name, t->name, p->name);
		return;
	}
	status = run_embedded(argv);
	live = live_objects();
	strategies_teardown();
	report(status == 0 && live == 0 && nr_free_pages() == free_before,
	       "alloc=%s pt=%s pid=%s: %lu fork/exit/wait cycles, status 0x%x, %lu objects "
	       "and %ld pages unaccounted", a->name, t->name, p->name, cycles, status,
	       live, (long)(free_before - nr_free_pages()));
}

/* semantics_under - the semantics program with page-table strategy @t:
 * COW isolation both ways, vfork, threads, under every pt=. */
static void semantics_under(const struct kmem_ops *a, const struct pt_ops *t,
			    const struct pid_ops *p)
{
	const char *argv[] = { "forklab-user", "semantics", NULL };
	int status;

	if (strategies_setup(a, t, p, kparams.tasksize, kparams.pid_max)) {
		report(false, "pt=%s: set up", t->name);
		return;
	}
	status = run_embedded(argv);
	report(status == 0 && live_objects() == 0,
	       "pt=%s: the semantics program passes (status 0x%x)", t->name, status);
	strategies_teardown();
}

static void test_stress(void)
{
	const struct kmem_ops *a0 = kmem_current();
	const struct pt_ops *t0 = pt_ops_current;
	const struct pid_ops *p0 = pid_current();

	strategies_teardown();
	for (int t = 0; t < pt_family.nr; t++)
		semantics_under(a0, pt_strategy(t), p0);
	/* every combination of allocator, page-table and pid strategy */
	for (int a = 0; a < kmem_family.nr; a++)
		for (int t = 0; t < pt_family.nr; t++)
			for (int p = 0; p < pid_family.nr; p++)
				stress_one(kmem_strategy(a), pt_strategy(t), pid_strategy(p));
	if (strategies_setup(a0, t0, p0, kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(fork_stress, test_stress);

#define FAIL_NTH_MAX	16	/* deepest allocation count walked per site */

bool inject_one(const char *prog, enum fail_site site, u64 nth, bool thp, int *bad, int *leaks)
{
	const char *argv[] = { thp ? "forklab-parent" : EMBEDDED_PATH, prog, NULL };
	u64 live0 = live_objects();
	int status, want = site == FAIL_PID ? EAGAIN : ENOMEM;
	bool fired;

	fail_arm(site, nth);
	thp_mode = thp ? THP_ALWAYS : THP_NEVER;
	status = thp ? run_user_program(parent_program_start,
					parent_program_end - parent_program_start, argv) :
		       run_embedded(argv);
	thp_mode = THP_NEVER;
	fired = fail_fired();
	fail_arm(FAIL_NONE, 0);
	/* objects must all be back now; pages may sit in the caches until the
	 * strategy set is torn down (checked by the caller) */
	if (live_objects() != live0)
		(*leaks)++;
	if (status != (fired ? want : 107) << 8) {
		printk("%s with fail=%s:%lu: status 0x%x\n", prog, fail_site_names[site], nth, status);
		(*bad)++;
	}
	return fired;
}

/* test_fault_injection - every allocation site of the fork path, every
 * allocation there, under every allocator and page-table strategy: fork
 * returns -ENOMEM (-EAGAIN for pids), the parent goes on, nothing leaks;
 * then the same with 2 MiB pages and an array of VMAs (thp=always). */
static void test_fault_injection(void)
{
	const struct kmem_ops *a0 = kmem_current();
	const struct pt_ops *t0 = pt_ops_current;
	const struct pid_ops *p0 = pid_current();

	strategies_teardown();
	for (int a = 0; a < kmem_family.nr; a++) {
		for (int t = 0; t < pt_family.nr; t++) {
			for (int thp = 0; thp < 2; thp++) {
				int injected = 0, bad = 0, leaks = 0;
				u64 free0 = nr_free_pages();

				if (strategies_setup(kmem_strategy(a), pt_strategy(t), p0,
						     kparams.tasksize, kparams.pid_max)) {
					report(false, "alloc=%s pt=%s: set up", kmem_strategy(a)->name,
					       pt_strategy(t)->name);
					continue;
				}
				for (int site = FAIL_NONE + 1; site < NR_FAIL_SITES; site++)
					for (u64 nth = 1; nth <= FAIL_NTH_MAX &&
					     inject_one("fork-once", site, nth, thp, &bad, &leaks); nth++)
						injected++;
				strategies_teardown();
				report(injected > 0 && !bad && !leaks && nr_free_pages() == free0,
				       "alloc=%s pt=%s%s: %d injected failures across the fork path: "
				       "%d wrong results, %d object leaks, %ld pages missing after "
				       "teardown", kmem_strategy(a)->name, pt_strategy(t)->name,
				       thp ? " thp=always, 64 more VMAs" : "", injected, bad, leaks,
				       (long)(free0 - nr_free_pages()));
			}
		}
	}
	if (strategies_setup(a0, t0, p0, kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(fault_injection, test_fault_injection);

/* bomb_one - a fork bomb (unreaped children until fork fails) under one
 * limit and strategy set: fork must fail with -EAGAIN or -ENOMEM, the
 * program must reap everything and fork again, and every page and object
 * must be back once the set is torn down. @nproc: RLIMIT_NPROC or NULL;
 * @threads: max_threads for the run, 0 for none in the way. */
static void bomb_one(const char *limit, const struct kmem_ops *a, const char *nproc,
		     int threads, u64 pid_max)
{
	const char *argv[] = { "forklab-user", "forkbomb", "1000000", nproc, NULL };
	int saved = max_threads, threads0 = nr_threads, status;
	u64 free0 = nr_free_pages(), live;

	if (strategies_setup(a, pt_ops_current, pid_current(), kparams.tasksize, pid_max)) {
		report(false, "fork bomb (%s), alloc=%s: set up", limit, a->name);
		return;
	}
	max_threads = threads ? threads : MAX_THREADS;
	status = run_embedded(argv);
	max_threads = saved;
	live = live_objects();
	strategies_teardown();
	report(status == 0 && live == 0 && nr_free_pages() == free0 && nr_threads == threads0,
	       "fork bomb stopped by %s, alloc=%s: program status 0x%x, %lu objects, %ld "
	       "pages and %d tasks unaccounted after the children are reaped", limit, a->name,
	       status, live, (long)(free0 - nr_free_pages()), nr_threads - threads0);
}

/* test_fork_bomb - exhaustion: RLIMIT_NPROC, max_threads and pid_max stop
 * a bomb with -EAGAIN; with none of them in the way memory runs out
 * (-ENOMEM) under every allocator that frees (alloc=bump never does). */
static void test_fork_bomb(void)
{
	const struct kmem_ops *a0 = kmem_current();
	const struct pt_ops *t0 = pt_ops_current;
	const struct pid_ops *p0 = pid_current();

	strategies_teardown();
	bomb_one("RLIMIT_NPROC=32", a0, "32", 0, kparams.pid_max);
	bomb_one("max_threads=50", a0, NULL, 50, kparams.pid_max);
	bomb_one("pid_max=400", a0, NULL, 0, PID_MAX_MIN);
	for (int a = 0; a < kmem_family.nr; a++)
		if (kmem_strategy(a) != &kmem_bump_ops)
			bomb_one("memory", kmem_strategy(a), NULL, 0, kparams.pid_max);
	if (strategies_setup(a0, t0, p0, kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(fork_bomb, test_fork_bomb);

/* The probe log's per-call PMU hook, fed by a stand-in: slot 0 the TSC,
 * slot 1 how many times it was read. With no PMU on these machines this is
 * how the per-call plumbing (begin at kernel_clone entry, difference at the
 * commit, one row per call) is checked. */
static u64 fake_pmu_reads;

static void fake_pmu_read(u64 vals[FORK_PMU_SLOTS])
{
	for (int i = 0; i < FORK_PMU_SLOTS; i++)
		vals[i] = 0;
	vals[0] = probe_rdtsc();
	vals[1] = ++fake_pmu_reads;
}

/* test_probe_log - one fork-once program = one kernel_clone = one row:
 * phase timestamps in order, the PMU hook's difference spanning the call,
 * the child's first run after entry; a full log drops and counts. */
static void test_probe_log(void)
{
	static u64 rows[2][NR_FORK_PROBES], pmu_rows[2][FORK_PMU_SLOTS], child_run[2];
	const char *argv[] = { "forklab-user", "fork-once", NULL };
	struct fork_probe_log log = { .rows = rows, .pmu_rows = pmu_rows, .pmu_read = fake_pmu_read,
				      .child_run = child_run, .capacity = 1 };
	bool ordered = true;
	u64 span, pmu_span;
	int status;

	fork_probe_attach(&log);
	status = run_embedded(argv);
	fork_probe_attach(NULL);
#ifdef FORKLAB_NO_PROBES
	report(status == 107 << 8 && log.n == 0, "probes compiled out: nothing logged");
	return;
#endif
	for (int ph = 1; ph < NR_FORK_PROBES; ph++)
		ordered &= rows[0][ph] >= rows[0][ph - 1];
	span = rows[0][PH_WAKE] - rows[0][PH_ENTRY];
	pmu_span = pmu_rows[0][0];
	report(status == 107 << 8 && log.n == 1 && log.dropped == 0 && ordered && span > 0,
	       "one fork, one row of %d timestamps in phase order (entry to wake %lu)",
	       NR_FORK_PROBES, span);
	/* (spans are time: under MTTCG another CPU or the host may cut in
	 * anywhere, so only the read count is compared exactly) */
	report(pmu_rows[0][1] == 1 && pmu_span > 0, "the PMU hook is read at entry and at the "
	       "commit: %lu reads apart, spanning %lu (phases: %lu)", pmu_rows[0][1], pmu_span,
	       span);
	report(child_run[0] > rows[0][PH_ENTRY], "the child's first return to user is logged "
	       "after entry (+%lu)", child_run[0] - rows[0][PH_ENTRY]);
	fork_probe_attach(&log);		/* full now: the next call is dropped */
	status = run_embedded(argv);
	fork_probe_attach(NULL);
	report(status == 107 << 8 && log.n == 1 && log.dropped == 1,
	       "a full log keeps its rows and counts the dropped call (%lu)", log.dropped);
}
DEFINE_SELFTEST(probe_log, test_probe_log);
