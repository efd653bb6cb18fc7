/* core/x86/acpi.c - finding the CPUs (see acpi.h). The tables are read
 * through the direct map, which covers the first 4 GiB where firmware
 * keeps them. */
#include "x86/acpi.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "lib/string.h"

#define EBDA_SEGMENT_PTR	0x40e		/* BIOS data area: the EBDA's segment */
#define BIOS_AREA_START		0xe0000
#define BIOS_AREA_END		0x100000
#define MADT_LOCAL_APIC		0
#define MADT_LOCAL_X2APIC	9
#define MADT_ENABLED		1
#define FW_CFG_PORT_SEL		0x510
#define FW_CFG_PORT_DATA	0x511
#define FW_CFG_SIGNATURE	0x00
#define FW_CFG_NB_CPUS		0x05

struct acpi_rsdp {
	char signature[8];		/* "RSD PTR " */
	u8 checksum;
	char oem[6];
	u8 revision;			/* 0: ACPI 1.0 (RSDT only), 2: XSDT too */
	u32 rsdt;
	u32 length;
	u64 xsdt;
	u8 xchecksum, reserved[3];
} __packed;

struct acpi_header {
	char signature[4];
	u32 length;
	u8 revision, checksum;
	char oem[6], oem_table[8];
	u32 oem_revision, creator, creator_revision;
} __packed;

static const void *phys(u64 pa)
{
	return (const void *)(pa + PAGE_OFFSET);
}

static bool checksum_ok(const void *p, size_t n)
{
	u8 sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += ((const u8 *)p)[i];
	return sum == 0;
}

/* scan_rsdp - an RSDP with a good checksum on a 16-byte boundary in
 * [start, end), or 0. */
static u64 scan_rsdp(u64 start, u64 end)
{
	for (u64 pa = ALIGN_UP(start, 16); pa + 20 <= end; pa += 16)
		if (!memcmp(phys(pa), "RSD PTR ", 8) && checksum_ok(phys(pa), 20))
			return pa;
	return 0;
}

/* find_table - the table called @sig (4 bytes) listed by the RSDP at
 * @rsdp_pa, checksum checked; NULL if none. */
static const struct acpi_header *find_table(u64 rsdp_pa, const char *sig)
{
	const struct acpi_rsdp *rsdp = phys(rsdp_pa);
	bool x = rsdp->revision >= 2 && rsdp->xsdt;
	const struct acpi_header *root = phys(x ? rsdp->xsdt : rsdp->rsdt);
	int entry = x ? 8 : 4, n;

	if (!checksum_ok(root, root->length))
		return NULL;
	n = (root->length - sizeof(*root)) / entry;
	for (int i = 0; i < n; i++) {
		const u8 *e = (const u8 *)(root + 1) + i * entry;
		u64 pa = x ? *(const u64 *)e : *(const u32 *)e;
		const struct acpi_header *t = phys(pa);

		if (!memcmp(t->signature, sig, 4) && checksum_ok(t, t->length))
			return t;
	}
	return NULL;
}

/* madt_cpus - the enabled local APIC entries of @madt into @map. */
static void madt_cpus(const struct acpi_header *madt, struct cpu_map *map)
{
	const u8 *p = (const u8 *)(madt + 1) + 8, *end = (const u8 *)madt + madt->length;

	for (; p + 2 <= end && p[1] >= 2; p += p[1]) {
		u32 id, flags;

		if (p[0] == MADT_LOCAL_APIC && p[1] >= 8) {
			id = p[3];
			flags = *(const u32 *)(p + 4);
		} else if (p[0] == MADT_LOCAL_X2APIC && p[1] >= 16) {
			id = *(const u32 *)(p + 4);
			flags = *(const u32 *)(p + 8);
		} else {
			continue;
		}
		if ((flags & MADT_ENABLED) && map->nr < ACPI_MAX_CPUS)
			map->apic_id[map->nr++] = id;
	}
}

/* fw_cfg_cpus - QEMU's own count of CPUs (their APIC ids are 0..n-1 for
 * one thread per core), or 0 when there is no fw_cfg device. */
static int fw_cfg_cpus(void)
{
	char sig[4];
	u16 n;

	outw(FW_CFG_PORT_SEL, FW_CFG_SIGNATURE);
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_PORT_DATA);
	if (memcmp(sig, "QEMU", 4))
		return 0;
	outw(FW_CFG_PORT_SEL, FW_CFG_NB_CPUS);
	n = inb(FW_CFG_PORT_DATA);
	n |= (u16)inb(FW_CFG_PORT_DATA) << 8;
	return n;
}

void acpi_find_cpus(u64 rsdp, struct cpu_map *map)
{
	const struct acpi_header *madt;
	int n;

	map->nr = 0;
	if (!rsdp) {
		u64 ebda = (u64)*(const u16 *)phys(EBDA_SEGMENT_PTR) << 4;

		if (ebda && ebda < BIOS_AREA_START)
			rsdp = scan_rsdp(ebda, ebda + 1024);
		if (!rsdp)
			rsdp = scan_rsdp(BIOS_AREA_START, BIOS_AREA_END);
	}
	madt = rsdp ? find_table(rsdp, "APIC") : NULL;
	if (madt) {
		madt_cpus(madt, map);
		map->source = "ACPI MADT";
		if (map->nr)
			return;
	}
	n = MIN(fw_cfg_cpus(), ACPI_MAX_CPUS);
	for (int i = 0; i < n; i++)
		map->apic_id[i] = i;
	map->nr = n;
	map->source = n ? "fw_cfg" : "none";
}
