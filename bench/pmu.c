/* bench/pmu.c - architectural performance counters (Intel SDM vol. 3B,
 * chapter 20), used only when CPUID leaf 0xA reports them. */
#include "pmu.h"
#include "x86/io.h"
#include "lib/printk.h"
#include "lib/string.h"

#define MSR_IA32_PERFEVTSEL0		0x186
#define MSR_IA32_PMC0			0x0c1
#define MSR_IA32_FIXED_CTR0		0x309
#define MSR_IA32_FIXED_CTR_CTRL		0x38d
#define MSR_IA32_PERF_GLOBAL_CTRL	0x38f
#define EVTSEL_EN			(1ULL << 22)
#define FIXED_CTRL_OS_USR		0x3	/* count in rings 0 and 3 */

static struct pmu_info info;
static bool detected, present;
static int nr_programmed;

bool pmu_detect(struct pmu_info *out)
{
	u32 a, b, c, d, max;

	if (!detected) {
		cpuid_count(0, 0, &max, &b, &c, &d);
		if (max >= 0xa) {
			cpuid_count(0xa, 0, &a, &b, &c, &d);
			info.version = a & 0xff;
			info.nr_gp = (a >> 8) & 0xff;
			info.gp_width = (a >> 16) & 0xff;
			info.nr_fixed = info.version >= 2 ? (d & 0x1f) : 0;
		}
		present = info.version > 0 && (info.nr_gp > 0 || info.nr_fixed > 0);
		detected = true;
	}
	if (out)
		*out = info;
	return present;
}

void pmu_describe(void)
{
	if (!pmu_detect(NULL)) {
		printk("pmu,unavailable,cpuid 0xa reports version %u with %u general and %u fixed "
		       "counters\n", info.version, info.nr_gp, info.nr_fixed);
		return;
	}
	printk("pmu,available,version,%u,general,%u,width,%u,fixed,%u\n", info.version,
	       info.nr_gp, info.gp_width, info.nr_fixed);
}

/* has_global_ctrl - IA32_PERF_GLOBAL_CTRL and the fixed counters came with
 * version 2; a version 1 PMU has only PERFEVTSELx/PMCx, each enabled by
 * its own EN bit (writing an MSR it lacks raises #GP). */
static bool has_global_ctrl(void)
{
	return info.version >= 2;
}

int pmu_start(const u64 *events, int nr)
{
	u64 global = 0, fixed_ctrl = 0;
	int fixed = 0;

	if (!pmu_detect(NULL))
		return -1;
	fixed = MIN((int)info.nr_fixed, PMU_FIXED);
	nr_programmed = MIN(nr, MIN((int)info.nr_gp, PMU_MAX_GP));
	if (has_global_ctrl())
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);	/* nothing counts while we program */
	for (int i = 0; i < fixed; i++) {
		wrmsr(MSR_IA32_FIXED_CTR0 + i, 0);
		fixed_ctrl |= (u64)FIXED_CTRL_OS_USR << (4 * i);
		global |= 1ULL << (32 + i);
	}
	for (int i = 0; i < nr_programmed; i++) {
		wrmsr(MSR_IA32_PMC0 + i, 0);		/* zeroed before EN can start it */
		wrmsr(MSR_IA32_PERFEVTSEL0 + i, events[i] | EVTSEL_EN);
		global |= 1ULL << i;
	}
	if (has_global_ctrl()) {
		wrmsr(MSR_IA32_FIXED_CTR_CTRL, fixed_ctrl);
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, global);
	}
	return nr_programmed;
}

void pmu_read(struct pmu_counts *c)
{
	memset(c, 0, sizeof(*c));
	if (!present)
		return;
	for (int i = 0; i < MIN((int)info.nr_fixed, PMU_FIXED); i++)
		c->fixed[i] = rdmsr(MSR_IA32_FIXED_CTR0 + i);
	for (int i = 0; i < nr_programmed; i++)
		c->gp[i] = rdmsr(MSR_IA32_PMC0 + i);
}

void pmu_read_slots(u64 vals[PMU_FIXED + PMU_MAX_GP])
{
	struct pmu_counts c;

	pmu_read(&c);
	memcpy(vals, c.fixed, sizeof(c.fixed));
	memcpy(vals + PMU_FIXED, c.gp, sizeof(c.gp));
}

void pmu_stop(void)
{
	if (!present)
		return;
	if (has_global_ctrl())
		wrmsr(MSR_IA32_PERF_GLOBAL_CTRL, 0);
	else
		for (int i = 0; i < nr_programmed; i++)
			wrmsr(MSR_IA32_PERFEVTSEL0 + i, 0);
}
