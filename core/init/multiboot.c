/* core/init/multiboot.c - read multiboot1 (QEMU -kernel) and multiboot2 (GRUB)
 * boot information into one struct boot_info. */
#include "init/multiboot.h"
#include "x86/layout.h"
#include "lib/string.h"

#define MB1_FLAG_CMDLINE	(1 << 2)
#define MB1_FLAG_MODS		(1 << 3)
#define MB1_FLAG_MMAP		(1 << 6)
#define MB1_FLAG_LOADER		(1 << 9)

#define MB2_TAG_END		0
#define MB2_TAG_CMDLINE		1
#define MB2_TAG_LOADER		2
#define MB2_TAG_MODULE		3
#define MB2_TAG_MMAP		6
#define MB2_TAG_ACPI_OLD	14	/* a copy of the ACPI 1.0 RSDP */
#define MB2_TAG_ACPI_NEW	15	/* a copy of the ACPI 2.0+ RSDP */

#define MB_MEMORY_AVAILABLE	1

struct mb1_info {
	u32 flags, mem_lower, mem_upper, boot_device, cmdline;
	u32 mods_count, mods_addr;
	u32 syms[4];
	u32 mmap_length, mmap_addr;
	u32 drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_mmap_entry {
	u32 size;
	u64 base, len;
	u32 type;
} __packed;

struct mb1_module {
	u32 start, end, cmdline, reserved;
} __packed;

struct mb2_tag {
	u32 type, size;
} __packed;

struct mb2_mmap_entry {
	u64 base, len;
	u32 type, reserved;
} __packed;

static void *phys_ptr(u64 pa)
{
	return (void *)(pa + PAGE_OFFSET);
}

/* copy_string - copy a loader string into @dst; true if it had to be cut. */
static bool copy_string(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);
	bool cut = n >= size;

	if (cut)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return cut;
}

/* skip_word - the string after its first word and the blanks that follow. */
static const char *skip_word(const char *s)
{
	while (*s && *s != ' ')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

static void add_ram(struct boot_info *bi, u64 base, u64 len, u32 type)
{
	if (type != MB_MEMORY_AVAILABLE || !len)
		return;
	bi->ram_reported += len;
	memmap_add(&bi->ram, base, base + len);
}

static void add_module(struct boot_info *bi, u64 start, u64 end, const char *cmdline)
{
	struct boot_module *m;

	if (bi->nr_modules >= BOOT_MODULES_MAX)
		return;
	m = &bi->modules[bi->nr_modules++];
	m->start = start;
	m->end = end;
	copy_string(m->cmdline, sizeof(m->cmdline), cmdline ? cmdline : "");
}

static void parse_mb1(u64 info_phys, struct boot_info *bi)
{
	const struct mb1_info *mb = phys_ptr(info_phys);

	bi->info_start = info_phys;
	bi->info_end = info_phys + sizeof(*mb);
	if (mb->flags & MB1_FLAG_CMDLINE)	/* "FILE args": QEMU puts the file first */
		bi->cmdline_truncated = copy_string(bi->cmdline, sizeof(bi->cmdline),
						    skip_word(phys_ptr(mb->cmdline)));
	if (mb->flags & MB1_FLAG_LOADER)
		copy_string(bi->loader, sizeof(bi->loader), phys_ptr(mb->boot_loader_name));
	if (mb->flags & MB1_FLAG_MMAP) {
		u64 p = mb->mmap_addr, end = p + mb->mmap_length;

		while (p + sizeof(struct mb1_mmap_entry) <= end) {
			const struct mb1_mmap_entry *e = phys_ptr(p);

			add_ram(bi, e->base, e->len, e->type);
			p += e->size + sizeof(e->size);
		}
	} else {
		add_ram(bi, 0, (u64)mb->mem_lower << 10, MB_MEMORY_AVAILABLE);
		add_ram(bi, 1 << 20, (u64)mb->mem_upper << 10, MB_MEMORY_AVAILABLE);
	}
	if (mb->flags & MB1_FLAG_MODS) {
		const struct mb1_module *mod = phys_ptr(mb->mods_addr);

		for (u32 i = 0; i < mb->mods_count; i++)
			add_module(bi, mod[i].start, mod[i].end,
				   mod[i].cmdline ? phys_ptr(mod[i].cmdline) : NULL);
	}
}

static void parse_mb2(u64 info_phys, struct boot_info *bi)
{
	u32 total = *(u32 *)phys_ptr(info_phys);
	u64 p = info_phys + 8, end = info_phys + total;

	bi->info_start = info_phys;
	bi->info_end = end;
	while (p + sizeof(struct mb2_tag) <= end) {
		const struct mb2_tag *tag = phys_ptr(p);
		const char *payload = (const char *)(tag + 1);

		if (tag->type == MB2_TAG_END || tag->size < sizeof(*tag))
			break;
		switch (tag->type) {
		case MB2_TAG_CMDLINE:
			bi->cmdline_truncated = copy_string(bi->cmdline, sizeof(bi->cmdline), payload);
			break;
		case MB2_TAG_LOADER:
			copy_string(bi->loader, sizeof(bi->loader), payload);
			break;
		case MB2_TAG_MODULE: {
			const u32 *mod = (const u32 *)payload;

			add_module(bi, mod[0], mod[1], (const char *)(mod + 2));
			break;
		}
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			if (!bi->rsdp || tag->type == MB2_TAG_ACPI_NEW)
				bi->rsdp = p + sizeof(*tag);
			break;
		case MB2_TAG_MMAP: {
			const u32 *hdr = (const u32 *)payload;
			u32 entry_size = hdr[0];
			u64 e = p + 16;

			while (entry_size && e + sizeof(struct mb2_mmap_entry) <= p + tag->size) {
				const struct mb2_mmap_entry *me = phys_ptr(e);

				add_ram(bi, me->base, me->len, me->type);
				e += entry_size;
			}
			break;
		}
		}
		p += ALIGN_UP((u64)tag->size, 8);
	}
}

int multiboot_parse(u32 magic, u64 info_phys, struct boot_info *bi)
{
	memset(bi, 0, sizeof(*bi));
	if (magic == MULTIBOOT1_MAGIC) {
		bi->protocol = 1;
		parse_mb1(info_phys, bi);
	} else if (magic == MULTIBOOT2_MAGIC) {
		bi->protocol = 2;
		parse_mb2(info_phys, bi);
	} else {
		return -EINVAL;
	}
	memmap_normalize(&bi->ram);
	return 0;
}
