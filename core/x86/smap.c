/* core/x86/smap.c - SMEP and SMAP on every CPU that has them (CPUID 7 EBX
 * bits 7 and 20), unless smep=off / smap=off: CR4 bits 20 and 21, and the
 * stac/clac sites of x86/smap.h patched in. */
#include "x86/smap.h"
#include "x86/io.h"
#include "lib/printk.h"
#include "init/params.h"

extern const struct smap_site __start_smap_sites[], __stop_smap_sites[];

bool smep_enabled, smap_enabled;

static u64 cr4_bits;		/* what every CPU sets */

static void write_cr4(u64 v)
{
	asm volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

/* patch_sites - every noted NOP becomes stac (0f 01 cb) or clac (0f 01 ca);
 * the kernel text is mapped writable, and no other CPU runs yet. */
static int patch_sites(void)
{
	int n = 0;

	for (const struct smap_site *s = __start_smap_sites; s < __stop_smap_sites; s++, n++) {
		u8 *p = (u8 *)s->addr;

		p[0] = 0x0f;
		p[1] = 0x01;
		p[2] = s->kind == SMAP_SITE_STAC ? 0xcb : 0xca;
	}
	return n;
}

void smap_init(void)
{
	u32 a, b = 0, c, d, max;
	int sites = 0;

	cpuid_count(0, 0, &max, &a, &c, &d);
	if (max >= 7)
		cpuid_count(7, 0, &a, &b, &c, &d);
	smep_enabled = kparams.smep == SMAP_KEY_ON && (b & CPUID7_EBX_SMEP);
	smap_enabled = kparams.smap == SMAP_KEY_ON && (b & CPUID7_EBX_SMAP);
	if (smap_enabled)
		sites = patch_sites();
	cr4_bits = (smep_enabled ? X86_CR4_SMEP : 0) | (smap_enabled ? X86_CR4_SMAP : 0);
	printk("forklab: SMEP %s, SMAP %s (%d stac/clac sites)\n",
	       smep_enabled ? "on" : b & CPUID7_EBX_SMEP ? "off (smep=off)" : "off (not in the CPU)",
	       smap_enabled ? "on" : b & CPUID7_EBX_SMAP ? "off (smap=off)" : "off (not in the CPU)",
	       sites);
	smap_init_secondary();
}

void smap_init_secondary(void)
{
	if (cr4_bits)
		write_cr4(read_cr4() | cr4_bits);
}
