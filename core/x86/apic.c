/* core/x86/apic.c - the local APIC (see apic.h). */
#include "x86/apic.h"
#include "x86/io.h"
#include "mm/pmm.h"

#define MSR_APIC_BASE		0x1b
#define APIC_BASE_ENABLE	(1 << 11)
#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define APIC_ICR_LOW		0x300
#define APIC_ICR_HIGH		0x310
#define APIC_LVT_TIMER		0x320
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_DIVIDE	0x3e0
#define APIC_TIMER_PERIODIC	0x20000
#define APIC_DIVIDE_BY_1	0xb
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_SVR_ENABLE		0x100
#define APIC_DM_EXTINT		0x700
#define APIC_DM_NMI		0x400
#define APIC_DM_INIT		0x500
#define APIC_DM_STARTUP		0x600
#define APIC_LEVEL_ASSERT	0x4000
#define APIC_ICR_BUSY		0x1000
#define APIC_MASKED		0x10000
/* STARTUP is sent twice, as the MP specification asks; each wait is a
 * bounded spin (icount counts it as instructions, so it is short there) */
#define APIC_SIPI_SPINS		100000

static volatile u32 *apic;		/* the registers, through the direct map */

static inline u32 apic_read(u32 reg) { return apic[reg / 4]; }
static inline void apic_write(u32 reg, u32 v) { apic[reg / 4] = v; }

bool lapic_init(bool bsp)
{
	u64 base = rdmsr(MSR_APIC_BASE);
	u32 a, b, c, d;

	cpuid_count(1, 0, &a, &b, &c, &d);
	if (!(d & (1 << 9)) || !(base & APIC_BASE_ENABLE))
		return false;
	apic = __va(base & 0xfffff000);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_SVR, APIC_SVR_ENABLE | SPURIOUS_VECTOR);
	/* the 8259 (the PIT tick) reaches the CPU as ExtINT through LINT0 on
	 * the boot CPU only, as in virtual wire mode; NMI through LINT1 */
	apic_write(APIC_LVT_LINT0, bsp ? APIC_DM_EXTINT : APIC_MASKED);
	apic_write(APIC_LVT_LINT1, APIC_DM_NMI);
	return true;
}

bool lapic_present(void)
{
	return apic != NULL;
}

u32 lapic_id(void)
{
	return apic ? apic_read(APIC_ID) >> 24 : 0;
}

void lapic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

void lapic_timer_start(u32 hz)
{
	apic_write(APIC_TIMER_DIVIDE, APIC_DIVIDE_BY_1);
	apic_write(APIC_LVT_TIMER, APIC_TIMER_PERIODIC | LAPIC_TIMER_VECTOR);
	apic_write(APIC_TIMER_INIT, (u32)(LAPIC_TIMER_HZ / hz));
}

/* icr_send - write the ICR (destination first) and wait until it is sent. */
static void icr_send(u32 apic_id, u32 low)
{
	apic_write(APIC_ICR_HIGH, apic_id << 24);
	apic_write(APIC_ICR_LOW, low);
	while (apic_read(APIC_ICR_LOW) & APIC_ICR_BUSY)
		asm volatile("pause");
}

void lapic_send_ipi(u32 apic_id, u8 vector)
{
	icr_send(apic_id, vector);
}

void lapic_start_cpu(u32 apic_id, u64 trampoline)
{
	icr_send(apic_id, APIC_DM_INIT | APIC_LEVEL_ASSERT);
	for (int i = 0; i < 2; i++) {
		for (volatile int spin = 0; spin < APIC_SIPI_SPINS; spin++)
			;
		icr_send(apic_id, APIC_DM_STARTUP | (u32)(trampoline >> 12));
	}
}
