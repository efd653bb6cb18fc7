/* bench/timing.c - timer overhead and TSC frequency. */
#include "timing.h"
#include "x86/io.h"
#include "stats.h"
#include "vpmu_marker.h"

#define TIMER_SAMPLES		1001
#define PIT_HZ			1193182
#define TSC_CALIBRATE_MS	2	/* short: under icount 1 ms of PIT time is 1 M instructions of spinning */
#define PIT_SPIN_MAX		1000000	/* port reads before giving up on the PIT */

static u64 overhead_min, overhead_p50;
static bool calibrated;

/* timer_calibrate - min and p50 of TIMER_SAMPLES empty open/close pairs. */
void timer_calibrate(void)
{
	static u64 samples[TIMER_SAMPLES];
	struct sample_stats st;

	for (int i = 0; i < TIMER_SAMPLES; i++) {
		u64 t0 = tsc_open();

		samples[i] = tsc_close() - t0;
		vpmu_mark(VPMU_TIMER);
	}
	stats_compute(samples, TIMER_SAMPLES, &st);
	overhead_min = st.min;
	overhead_p50 = st.p50;
	calibrated = true;
}

/* timer_overhead - what a timed region subtracts (calibrates on first use). */
u64 timer_overhead(void)
{
	if (unlikely(!calibrated))
		timer_calibrate();
	return overhead_min;
}

u64 timer_overhead_p50(void)
{
	if (unlikely(!calibrated))
		timer_calibrate();
	return overhead_p50;
}

/* pit_calibrate - TSC ticks across TSC_CALIBRATE_MS of PIT channel 2. */
static u64 pit_calibrate(void)
{
	u32 count = PIT_HZ * TSC_CALIBRATE_MS / 1000;
	u64 t0, t1;

	outb(0x61, (inb(0x61) & ~0x02) | 0x01);	/* gate on, speaker off */
	outb(0x43, 0xb0);			/* channel 2, lobyte/hibyte, mode 0 */
	outb(0x42, count & 0xff);
	outb(0x42, count >> 8);
	t0 = tsc_open();
	for (u64 spins = 0; !(inb(0x61) & 0x20); spins++)
		if (spins > PIT_SPIN_MAX)
			return 0;	/* no PIT output: frequency unknown */
	t1 = tsc_close();
	return (t1 - t0) / TSC_CALIBRATE_MS;
}

bool cpu_has_rdtscp(void)
{
	u32 a, b, c, d;

	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	if (a < 0x80000001)
		return false;
	cpuid_count(0x80000001, 0, &a, &b, &c, &d);
	return d & (1U << 27);
}

u64 tsc_khz(const char **source, bool *invariant)
{
	u32 a, b, c, d, max, hv_max;
	u64 khz;

	cpuid_count(0x80000000, 0, &a, &b, &c, &d);
	*invariant = false;
	if (a >= 0x80000007) {
		cpuid_count(0x80000007, 0, &a, &b, &c, &d);
		*invariant = d & (1 << 8);
	}
	cpuid_count(0, 0, &max, &b, &c, &d);
	if (max >= 0x15) {
		cpuid_count(0x15, 0, &a, &b, &c, &d);
		if (a && b && c) {
			*source = "cpuid 0x15";
			return (u64)c * b / a / 1000;
		}
	}
	cpuid_count(1, 0, &a, &b, &c, &d);
	if (c & (1U << 31)) {			/* running under a hypervisor */
		cpuid_count(0x40000000, 0, &hv_max, &b, &c, &d);
		if (hv_max >= 0x40000010) {
			cpuid_count(0x40000010, 0, &a, &b, &c, &d);
			if (a) {
				*source = "hypervisor 0x40000010";
				return a;
			}
		}
	}
	khz = pit_calibrate();
	*source = khz ? "pit" : "unknown (no cpuid leaf, PIT silent)";
	return khz;
}
