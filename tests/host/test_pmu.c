/* tests/host/test_pmu.c - host unit tests of bench/pmu.c against modelled CPUs
 * (tests/host/fakecpu/x86/io.h): no PMU (TCG, the development machines), a version
 * 1 PMU (general counters only, no global control), and a version 4 PMU
 * with three fixed counters. Checks which MSRs are written with what, that
 * nothing outside the model is touched, and how counts are read back. */
#include <string.h>
#include "lib/selftest.h"
#include "../../bench/pmu.c"

struct fake_cpu fake_cpu;

#define GLOBAL_CTRL	0x38f
#define FIXED_CTRL	0x38d

/* model - a CPU with CPUID leaf 0xA = @a..@d and the MSRs such a PMU has. */
static void model(u32 max_leaf, u32 version, u32 nr_gp, u32 width, u32 nr_fixed)
{
	memset(&fake_cpu, 0, sizeof(fake_cpu));
	memset(&info, 0, sizeof(info));
	detected = present = false;
	nr_programmed = 0;
	fake_cpu.max_leaf = max_leaf;
	fake_cpu.leaf_a[0] = version | nr_gp << 8 | width << 16;
	fake_cpu.leaf_a[3] = nr_fixed;
	for (u32 i = 0; version && i < nr_gp; i++) {
		fake_cpu.msr_nr[fake_cpu.nr_msrs++] = MSR_IA32_PERFEVTSEL0 + i;
		fake_cpu.msr_nr[fake_cpu.nr_msrs++] = MSR_IA32_PMC0 + i;
	}
	if (version >= 2) {
		fake_cpu.msr_nr[fake_cpu.nr_msrs++] = GLOBAL_CTRL;
		fake_cpu.msr_nr[fake_cpu.nr_msrs++] = FIXED_CTRL;
		for (u32 i = 0; i < nr_fixed; i++)
			fake_cpu.msr_nr[fake_cpu.nr_msrs++] = MSR_IA32_FIXED_CTR0 + i;
	}
}

static u64 msr(u32 nr)
{
	int i = fake_msr_slot(nr);

	return i < 0 ? ~0ULL : fake_cpu.msr_val[i];
}

static void set_msr(u32 nr, u64 v)
{
	int i = fake_msr_slot(nr);

	if (i >= 0)
		fake_cpu.msr_val[i] = v;
}

/* last_write - the index in the log of the last write to @nr, or -1. */
static int last_write(u32 nr)
{
	for (int i = fake_cpu.nr_log - 1; i >= 0; i--)
		if (fake_cpu.log[i].write && fake_cpu.log[i].msr == nr)
			return i;
	return -1;
}

static void test_no_pmu(void)
{
	static const u32 leaves[] = { 0xd, 0x7 };	/* TCG's leaf 0xA of zeros; no leaf 0xA */
	u64 ev[1] = { 0x5300c0 }, slots[PMU_FIXED + PMU_MAX_GP];
	struct pmu_counts c;

	for (int k = 0; k < 2; k++) {
		bool found;
		int started;

		model(leaves[k], 0, 0, 0, 0);
		found = pmu_detect(NULL);
		started = pmu_start(ev, 1);

		memset(&c, 0xff, sizeof(c));
		pmu_read(&c);
		pmu_read_slots(slots);
		pmu_stop();
		report(!found && started == -1 && fake_cpu.nr_log == 0 && c.fixed[0] == 0 &&
		       c.gp[3] == 0 && slots[0] == 0 && slots[6] == 0,
		       "max leaf 0x%x, no PMU: detected %d, start %d, %d MSR accesses, reads 0",
		       leaves[k], found, started, fake_cpu.nr_log);
	}
}

static void test_v4(void)
{
	u64 ev[2] = { 0x5300c0, 0x53003c }, slots[PMU_FIXED + PMU_MAX_GP];
	struct pmu_info pi;
	struct pmu_counts c;
	bool found;
	int n;

	model(0x1f, 4, 4, 48, 3);
	memset(&pi, 0, sizeof(pi));
	found = pmu_detect(&pi);	/* before report(): argument order is unspecified */
	report(found && pi.version == 4 && pi.nr_gp == 4 && pi.gp_width == 48 &&
	       pi.nr_fixed == 3, "v4: CPUID 0xA read as version %u, %u x %u-bit general, %u fixed",
	       pi.version, pi.nr_gp, pi.gp_width, pi.nr_fixed);
	n = pmu_start(ev, 2);
	report(n == 2 && fake_cpu.faults == 0, "v4: two events programmed (%d), no MSR outside "
	       "the model touched (%d)", n, fake_cpu.faults);
	report(fake_cpu.log[0].write && fake_cpu.log[0].msr == GLOBAL_CTRL &&
	       fake_cpu.log[0].val == 0 && last_write(GLOBAL_CTRL) == fake_cpu.nr_log - 1,
	       "v4: counting is off while counters are programmed, on by the last write");
	report(msr(GLOBAL_CTRL) == (0x7ULL << 32 | 0x3), "v4: IA32_PERF_GLOBAL_CTRL enables "
	       "fixed 0-2 and PMC0-1: 0x%lx", msr(GLOBAL_CTRL));
	report(msr(FIXED_CTRL) == 0x333, "v4: IA32_FIXED_CTR_CTRL counts rings 0 and 3 on all "
	       "three: 0x%lx", msr(FIXED_CTRL));
	report(msr(MSR_IA32_PERFEVTSEL0) == (0x5300c0 | EVTSEL_EN) &&
	       msr(MSR_IA32_PERFEVTSEL0 + 1) == (0x53003c | EVTSEL_EN) &&
	       msr(MSR_IA32_PERFEVTSEL0 + 2) == 0,
	       "v4: PERFEVTSEL0/1 hold the raw codes with EN (bit 22), PERFEVTSEL2 untouched");
	report(last_write(MSR_IA32_PMC0) >= 0 && last_write(MSR_IA32_FIXED_CTR0 + 2) >= 0 &&
	       msr(MSR_IA32_PMC0) == 0 && msr(MSR_IA32_FIXED_CTR0 + 2) == 0,
	       "v4: the counters start from zero");
	for (int i = 0; i < 3; i++)
		set_msr(MSR_IA32_FIXED_CTR0 + i, 1000 + i);
	set_msr(MSR_IA32_PMC0, 77);
	set_msr(MSR_IA32_PMC0 + 1, 88);
	set_msr(MSR_IA32_PMC0 + 2, 99);	/* not programmed: must not be read */
	pmu_read(&c);
	pmu_read_slots(slots);
	report(c.fixed[0] == 1000 && c.fixed[2] == 1002 && c.gp[0] == 77 && c.gp[1] == 88 &&
	       c.gp[2] == 0 && slots[0] == 1000 && slots[2] == 1002 && slots[3] == 77 &&
	       slots[4] == 88 && slots[5] == 0, "v4: reads fixed[0..2] and the programmed PMCs "
	       "only; slots are fixed then general");
	pmu_stop();
	report(msr(GLOBAL_CTRL) == 0 && fake_cpu.faults == 0, "v4: pmu_stop turns counting off");
}

static void test_limits(void)
{
	u64 ev[6] = { 1, 2, 3, 4, 5, 6 };
	int n;

	model(0x1f, 4, 8, 48, 4);
	n = pmu_start(ev, 6);
	report(n == PMU_MAX_GP && fake_cpu.faults == 0 && msr(MSR_IA32_PERFEVTSEL0 + 3) ==
	       (4 | EVTSEL_EN) && msr(MSR_IA32_PERFEVTSEL0 + 4) == 0 && msr(FIXED_CTRL) == 0x333,
	       "8 general and 4 fixed counters: at most %d events and 3 fixed used (%d)",
	       PMU_MAX_GP, n);
	model(0x1f, 3, 2, 48, 3);
	n = pmu_start(ev, 6);
	report(n == 2 && fake_cpu.faults == 0 && msr(GLOBAL_CTRL) == (0x7ULL << 32 | 0x3),
	       "2 general counters: 6 events asked, %d programmed", n);
}

static void test_v1(void)
{
	u64 ev[2] = { 0x4300c0, 0x43003c };
	struct pmu_counts c;
	int n;

	/* version 1: general counters only; EDX's fixed-counter field is not
	 * defined, and there is no IA32_PERF_GLOBAL_CTRL or fixed control */
	model(0xd, 1, 2, 40, 3);
	n = pmu_start(ev, 2);
	report(present && n == 2 && fake_cpu.faults == 0,
	       "v1: two events, no access to MSRs a version 1 PMU lacks (%d faults)",
	       fake_cpu.faults);
	report(msr(MSR_IA32_PERFEVTSEL0 + 1) == (0x43003c | EVTSEL_EN),
	       "v1: PERFEVTSEL1 enabled by its own EN bit");
	set_msr(MSR_IA32_PMC0 + 1, 5);
	pmu_read(&c);
	pmu_stop();
	report(c.gp[1] == 5 && c.fixed[0] == 0 && fake_cpu.faults == 0 &&
	       msr(MSR_IA32_PERFEVTSEL0) == 0, "v1: reads its PMCs; stop clears the event selects");
}

int main(void)
{
	report_prefix_push("pmu");
	test_no_pmu();
	test_v4();
	test_limits();
	test_v1();
	report_prefix_pop();
	return report_summary() ? 1 : 0;
}
