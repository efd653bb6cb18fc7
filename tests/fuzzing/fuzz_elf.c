/* tests/fuzzing/fuzz_elf.c - libFuzzer target: any bytes as a boot-module
 * ELF. The copy is exactly @size bytes, so ASan catches any read past the
 * file; on success the description must be one the loader can map safely:
 * segments inside the file and inside user space, no two sharing a page,
 * the entry point in an executable one. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "kernel/elf.h"

#define USER_END	0x0000800000000000UL


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	void *copy = malloc(size ? size : 1);
	struct elf_image img;
	char err[160];
	bool entry_ok = false;
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(err, 0x55, sizeof(err));
	r = elf_parse(copy, size, &img, err, sizeof(err));
	if (r != 0) {
		if (r != -ENOEXEC || !has_nul(err, sizeof(err)) || !err[0])
			abort();
		free(copy);
		return 0;
	}
	if (img.nr_segments < 1 || img.nr_segments > ELF_MAX_SEGMENTS)
		abort();
	for (int i = 0; i < img.nr_segments; i++) {
		const struct elf_segment *s = &img.seg[i];

		if (s->file_offset > size || s->filesz > size - s->file_offset ||
		    s->filesz > s->memsz || !s->vaddr || s->vaddr >= USER_END ||
		    s->memsz > USER_END - s->vaddr)
			abort();
		for (int j = 0; j < i; j++) {
			const struct elf_segment *o = &img.seg[j];
			u64 a0 = s->vaddr & ~4095UL, a1 = (s->vaddr + s->memsz + 4095) & ~4095UL;
			u64 b0 = o->vaddr & ~4095UL, b1 = (o->vaddr + o->memsz + 4095) & ~4095UL;

			if (a0 < b1 && b0 < a1)
				abort();
		}
		if ((s->prot & 4) && img.entry >= s->vaddr && img.entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		abort();
	free(copy);
	return 0;
}
