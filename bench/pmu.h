/* bench/pmu.h - the architectural PMU (CPUID leaf 0xA): fixed counters
 * (instructions, core cycles, reference cycles) and general counters
 * programmed from raw IA32_PERFEVTSELx codes (pmu=0x...,0x...). Detection
 * is by CPUID only: no MSR is touched when the leaf says there is no PMU
 * (TCG ignores the MSRs and rdpmc raises #UD there). */
#ifndef FORKLAB_PMU_H
#define FORKLAB_PMU_H

#include "lib/types.h"

#define PMU_MAX_GP	4
#define PMU_FIXED	3

struct pmu_counts {
	u64 fixed[PMU_FIXED];
	u64 gp[PMU_MAX_GP];
};

struct pmu_info {
	u32 version;		/* 0: no PMU */
	u32 nr_gp, gp_width, nr_fixed;
};

/* pmu_detect - read CPUID 0xA into @info; true if there is a usable PMU. */
bool pmu_detect(struct pmu_info *info);
/* pmu_start - program the fixed counters and @nr raw event codes; returns
 * the number of general counters programmed, or -1 without a PMU. */
int pmu_start(const u64 *events, int nr);
void pmu_read(struct pmu_counts *c);
/* pmu_read_slots - pmu_read as a flat array: fixed[0..2], then gp[0..3]
 * (the fork probe log's per-call hook). */
void pmu_read_slots(u64 vals[PMU_FIXED + PMU_MAX_GP]);
void pmu_stop(void);
/* pmu_describe - one "pmu,..." line: what the guest found. */
void pmu_describe(void);

#endif
