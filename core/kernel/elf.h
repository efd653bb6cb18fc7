/* core/kernel/elf.h - checking and describing a static x86-64 ELF executable.
 * Pure logic: the host fuzzes it. */
#ifndef FORKLAB_ELF_H
#define FORKLAB_ELF_H

#include "lib/types.h"

#ifndef ENOEXEC
#define ENOEXEC		8
#endif
#define ELF_MAX_SEGMENTS 16

struct elf_segment {
	u64 vaddr, memsz, file_offset, filesz;
	u32 prot;			/* PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4 */
};

struct elf_image {
	u64 entry;
	u64 phdr_vaddr;			/* where the program headers are mapped, for AT_PHDR; 0 if not */
	u16 phnum, phentsize;
	int nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* elf_parse - check @image (@size bytes) and describe its PT_LOAD segments.
 * Returns 0, or -ENOEXEC with one line in @err saying what is wrong. */
int elf_parse(const void *image, u64 size, struct elf_image *out, char *err, size_t errlen);

#endif
