/* core/kernel/elf.c - ELF64 checks for the program loader: only what a static,
 * non-PIE x86-64 Linux executable needs, and every offset and size checked
 * before use. */
#include "kernel/elf.h"
#include "lib/printk.h"
#include "lib/string.h"

#define EI_NIDENT	16
#define ELFCLASS64	2
#define ELFDATA2LSB	1
#define ET_EXEC		2
#define ET_DYN		3
#define EM_X86_64	62
#define PT_LOAD		1
#define PT_INTERP	3
#define PT_PHDR		6
#define PF_X		1
#define PF_W		2
#define PF_R		4
#define USER_LIMIT	0x0000800000000000UL
#define PAGE_4K		4096UL

struct elf64_ehdr {
	u8 e_ident[EI_NIDENT];
	u16 e_type, e_machine;
	u32 e_version;
	u64 e_entry, e_phoff, e_shoff;
	u32 e_flags;
	u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};

struct elf64_phdr {
	u32 p_type, p_flags;
	u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};

static int fail(char *err, size_t errlen, const char *what)
{
	fl_snprintf(err, errlen, "not a loadable static x86-64 ELF: %s", what);
	return -ENOEXEC;
}

/* check_load - one PT_LOAD against the file and the user address space. */
static const char *check_load(const struct elf64_phdr *ph, u64 size)
{
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
		return "a segment's file range is outside the file";
	if (ph->p_filesz > ph->p_memsz)
		return "a segment's file size exceeds its memory size";
	if (!ph->p_vaddr || ph->p_memsz == 0)
		return "a segment is empty or at address 0";
	if (ph->p_vaddr >= USER_LIMIT || ph->p_memsz > USER_LIMIT - ph->p_vaddr)
		return "a segment lies outside user space";
	return NULL;
}

int elf_parse(const void *image, u64 size, struct elf_image *out, char *err, size_t errlen)
{
	const u8 *bytes = image;
	struct elf64_ehdr eh;
	bool entry_ok = false;

	memset(out, 0, sizeof(*out));
	if (size < sizeof(eh))
		return fail(err, errlen, "shorter than an ELF header");
	memcpy(&eh, bytes, sizeof(eh));
	if (memcmp(eh.e_ident, "\177ELF", 4))
		return fail(err, errlen, "bad magic (not an ELF file)");
	if (eh.e_ident[4] != ELFCLASS64)
		return fail(err, errlen, "not 64-bit (ELFCLASS64 required)");
	if (eh.e_ident[5] != ELFDATA2LSB)
		return fail(err, errlen, "not little-endian");
	if (eh.e_machine != EM_X86_64)
		return fail(err, errlen, "not for x86-64 (EM_X86_64 required)");
	if (eh.e_type == ET_DYN)
		return fail(err, errlen, "PIE/dynamic executables are not supported; "
			    "link with -static -no-pie");
	if (eh.e_type != ET_EXEC)
		return fail(err, errlen, "not an executable (ET_EXEC required)");
	if (eh.e_phentsize != sizeof(struct elf64_phdr))
		return fail(err, errlen, "unexpected program header size");
	if (eh.e_phnum == 0)
		return fail(err, errlen, "no program headers");
	if (eh.e_phoff > size || (u64)eh.e_phnum * sizeof(struct elf64_phdr) > size - eh.e_phoff)
		return fail(err, errlen, "program headers outside the file");
	out->entry = eh.e_entry;
	out->phnum = eh.e_phnum;
	out->phentsize = eh.e_phentsize;

	for (u32 i = 0; i < eh.e_phnum; i++) {
		struct elf64_phdr ph;
		struct elf_segment *s;
		const char *why;

		memcpy(&ph, bytes + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_INTERP)
			return fail(err, errlen, "dynamically linked (has PT_INTERP); link with -static");
		if (ph.p_type == PT_PHDR)
			out->phdr_vaddr = ph.p_vaddr;
		if (ph.p_type != PT_LOAD)
			continue;
		why = check_load(&ph, size);
		if (why)
			return fail(err, errlen, why);
		if (out->nr_segments == ELF_MAX_SEGMENTS)
			return fail(err, errlen, "too many PT_LOAD segments");
		for (int j = 0; j < out->nr_segments; j++) {
			const struct elf_segment *o = &out->seg[j];

			if (ALIGN_DOWN(ph.p_vaddr, PAGE_4K) < ALIGN_UP(o->vaddr + o->memsz, PAGE_4K) &&
			    ALIGN_DOWN(o->vaddr, PAGE_4K) < ALIGN_UP(ph.p_vaddr + ph.p_memsz, PAGE_4K))
				return fail(err, errlen, "two segments share a page");
		}
		s = &out->seg[out->nr_segments++];
		s->vaddr = ph.p_vaddr;
		s->memsz = ph.p_memsz;
		s->file_offset = ph.p_offset;
		s->filesz = ph.p_filesz;
		s->prot = ((ph.p_flags & PF_R) ? 1 : 0) | ((ph.p_flags & PF_W) ? 2 : 0) |
			  ((ph.p_flags & PF_X) ? 4 : 0);
		if ((ph.p_flags & PF_X) && eh.e_entry >= ph.p_vaddr &&
		    eh.e_entry < ph.p_vaddr + ph.p_memsz)
			entry_ok = true;
		/* AT_PHDR: the headers are mapped if a segment covers them in the file */
		if (!out->phdr_vaddr && eh.e_phoff >= ph.p_offset &&
		    eh.e_phoff < ph.p_offset + ph.p_filesz)
			out->phdr_vaddr = ph.p_vaddr + (eh.e_phoff - ph.p_offset);
	}
	if (!out->nr_segments)
		return fail(err, errlen, "no PT_LOAD segment");
	if (!entry_ok)
		return fail(err, errlen, "the entry point is not in an executable segment");
	return 0;
}
