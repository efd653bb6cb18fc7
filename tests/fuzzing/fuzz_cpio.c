/* tests/fuzzing/fuzz_cpio.c - libFuzzer target: any bytes as a boot module
 * that claims to be a cpio newc archive, unpacked into an empty ramfs. The
 * copy is exactly @size bytes, so ASan catches any read past the archive;
 * afterwards every file and folder must be one the kernel can serve: an
 * absolute, normalized path that look-up finds again, its folder a folder,
 * a file's bytes inside the archive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz.h"
#include "fs/fs.h"

u64 direct_map_base;		/* mm/pmm.c's in the kernel; ramfs_init's __va (not run here) */

/* normalized - absolute, no empty, "." or ".." component, no trailing '/' */
static bool normalized(const char *p)
{
	if (p[0] != '/')
		return false;
	if (!p[1])
		return true;
	for (const char *c = p; *c; c++) {
		if (*c != '/')
			continue;
		if (c[1] == '/' || !c[1] || (c[1] == '.' && (c[2] == '/' || !c[2])) ||
		    (c[1] == '.' && c[2] == '.' && (c[3] == '/' || !c[3])))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1);
	char err[160];
	int r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	memset(err, 0x55, sizeof(err));
	ramfs_reset();
	r = cpio_unpack(copy, size, err, sizeof(err));
	if (r && (!has_nul(err, sizeof(err)) || !err[0]))
		abort();
	for (int i = 0; i < ramfs_nr_inodes(); i++) {
		struct inode *in = ramfs_inode(i), *found, *dir;
		char parent[4096];
		const char *slash;
		int e = 0;

		if (!normalized(in->path) || strlen(in->path) >= sizeof(parent))
			abort();
		found = ramfs_lookup(in->path, &e);
		if (found != in)
			abort();
		if ((in->mode & S_IFMT) == S_IFREG &&
		    (in->data < copy || in->size > size || in->data - copy > (long)(size - in->size)))
			abort();
		if ((in->mode & S_IFMT) != S_IFREG && (in->mode & S_IFMT) != S_IFDIR)
			abort();
		if (i == 0)
			continue;
		slash = strrchr(in->path, '/');
		if (slash == in->path)
			slash++;		/* a file in "/" */
		memcpy(parent, in->path, slash - in->path);
		parent[slash - in->path] = '\0';
		dir = ramfs_lookup(parent, &e);
		if (!dir || (dir->mode & S_IFMT) != S_IFDIR)
			abort();
	}
	free(copy);
	return 0;
}
