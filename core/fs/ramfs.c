/* core/fs/ramfs.c - the read-only in-memory file system: a table of
 * inodes by absolute path, filled at boot from the boot modules and the
 * embedded program; the files' bytes stay where the loader put them.
 * Path look-up normalizes ".", ".." and repeated slashes; relative paths
 * start at "/" (every task's working directory). */
#include "fs/fs.h"
#include "init/multiboot.h"
#include "lib/printk.h"
#include "lib/spinlock.h"
#include "lib/string.h"
#include "mm/pmm.h"

#define RAMFS_MAX_INODES	512
#define PATH_MAX		4096
#define NAME_POOL		(32 << 10)	/* bytes of normalized paths */

static struct inode inodes[RAMFS_MAX_INODES];
static int nr_inodes;
static char name_pool[NAME_POOL];
static size_t pool_used;
static const char *first_program = EMBEDDED_PATH;
/* ramfs_lookup_lock - the look-up's buffer (the table is fixed after boot) */
static struct spinlock ramfs_lookup_lock = SPINLOCK_INIT("ramfs_lookup_lock");

int ramfs_nr_inodes(void)
{
	return nr_inodes;
}

struct inode *ramfs_inode(int i)
{
	return i >= 0 && i < nr_inodes ? &inodes[i] : NULL;
}

const char *ramfs_first_program(void)
{
	return first_program;
}

/* normalize - @path (@len bytes) as an absolute path without ".", ".."
 * or empty components into @out (PATH_MAX bytes); its length, or
 * -ENAMETOOLONG. */
static long normalize(const char *path, size_t len, char *out)
{
	size_t o = 0, i = 0;

	out[o++] = '/';
	while (i < len) {
		size_t start, n;

		while (i < len && path[i] == '/')
			i++;
		start = i;
		while (i < len && path[i] != '/')
			i++;
		n = i - start;
		if (n == 0 || (n == 1 && path[start] == '.'))
			continue;
		if (n == 2 && path[start] == '.' && path[start + 1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--;
			continue;
		}
		if (o + (o > 1) + n >= PATH_MAX)
			return -ENAMETOOLONG;
		if (o > 1)
			out[o++] = '/';
		memcpy(out + o, path + start, n);
		o += n;
	}
	out[o] = '\0';
	return (long)o;
}

static struct inode *find(const char *norm)
{
	for (int i = 0; i < nr_inodes; i++)
		if (!strcmp(inodes[i].path, norm))
			return &inodes[i];
	return NULL;
}

/* parent_err - why @norm is missing: -ENOTDIR if a folder on its way is a
 * file, else -ENOENT. */
static int parent_err(char *norm)
{
	for (char *s = norm + 1; *s; s++) {
		struct inode *in;

		if (*s != '/')
			continue;
		*s = '\0';
		in = find(norm);
		*s = '/';
		if (in && (in->mode & S_IFMT) != S_IFDIR)
			return -ENOTDIR;
		if (!in)
			return -ENOENT;
	}
	return -ENOENT;
}

struct inode *ramfs_lookup(const char *path, int *err)
{
	static char norm[PATH_MAX];	/* under ramfs_lookup_lock */
	size_t len = strlen(path);
	struct inode *in = NULL;
	long n;

	if (!len) {
		*err = -ENOENT;
		return NULL;
	}
	spin_lock(&ramfs_lookup_lock);
	n = normalize(path, len, norm);
	if (n < 0) {
		*err = (int)n;
	} else {
		in = find(norm);
		/* "file/" names a folder */
		if (in && path[len - 1] == '/' && (in->mode & S_IFMT) != S_IFDIR) {
			*err = -ENOTDIR;
			in = NULL;
		} else if (!in) {
			*err = parent_err(norm);
		}
	}
	spin_unlock(&ramfs_lookup_lock);
	return in;
}

/* add_one - the inode @norm (normalized, @n bytes), copied into the pool. */
static int add_one(const char *norm, size_t n, u32 mode, const u8 *data, u64 size)
{
	struct inode *in = find(norm);

	if (in) {
		if ((in->mode & S_IFMT) == S_IFDIR && (mode & S_IFMT) == S_IFDIR)
			return 0;		/* a folder named twice */
		if ((in->mode & S_IFMT) == S_IFDIR || (mode & S_IFMT) == S_IFDIR)
			return -EEXIST;
		in->mode = mode;		/* a later file replaces an earlier one, as initramfs does */
		in->data = data;
		in->size = size;
		return 0;
	}
	if (nr_inodes == RAMFS_MAX_INODES || pool_used + n + 1 > NAME_POOL)
		return -ENOSPC;
	in = &inodes[nr_inodes];
	memcpy(name_pool + pool_used, norm, n + 1);
	*in = (struct inode){ .path = name_pool + pool_used, .mode = mode, .ino = nr_inodes + 1,
			      .data = data, .size = size };
	pool_used += n + 1;
	nr_inodes++;
	return 0;
}

int ramfs_add(const char *path, size_t len, u32 mode, const u8 *data, u64 size)
{
	static char norm[PATH_MAX];	/* boot only */
	long n = normalize(path, len, norm);
	int r;

	if (n < 0)
		return (int)n;
	if (n == 1)
		return (mode & S_IFMT) == S_IFDIR ? 0 : -EINVAL;	/* "/" itself */
	for (long i = 1; i < n; i++) {
		if (norm[i] != '/')
			continue;
		norm[i] = '\0';
		r = add_one(norm, i, S_IFDIR | 0755, NULL, 0);
		norm[i] = '/';
		if (r)
			return r;
	}
	return add_one(norm, n, mode, data, size);
}

/* module_name - the base name of the first word of a module's command
 * line (QEMU's -initrd gives the host path), into @out. */
static size_t module_name(const char *cmdline, char *out, size_t outlen)
{
	const char *start = cmdline, *end = cmdline;

	while (*end && *end != ' ')
		end++;
	for (const char *s = cmdline; s < end; s++)
		if (*s == '/')
			start = s + 1;
	if ((size_t)(end - start) + 2 > outlen)
		end = start + outlen - 2;
	out[0] = '/';
	memcpy(out + 1, start, end - start);
	out[end - start + 1] = '\0';
	return end - start + 1;
}

void ramfs_reset(void)
{
	nr_inodes = 0;
	pool_used = 0;
	first_program = EMBEDDED_PATH;
	add_one("/", 1, S_IFDIR | 0755, NULL, 0);
}

void ramfs_init(const struct boot_info *bi, const u8 *embedded, u64 embedded_size)
{
	static char names[BOOT_MODULES_MAX][128];
	char err[120];

	ramfs_reset();
	if (ramfs_add(EMBEDDED_PATH, strlen(EMBEDDED_PATH), S_IFREG | 0755, embedded,
		      embedded_size))
		printk("forklab: ramfs: cannot add %s\n", EMBEDDED_PATH);
	for (int i = 0; i < bi->nr_modules; i++) {
		const u8 *data = __va(bi->modules[i].start);
		u64 size = bi->modules[i].end - bi->modules[i].start;
		size_t n;
		int r;

		if (cpio_is_archive(data, size)) {
			r = cpio_unpack(data, size, err, sizeof(err));
			if (r)
				printk("forklab: module %d: %s\n", i, err);
			if (i == 0)
				first_program = "/init";
			continue;
		}
		n = module_name(bi->modules[i].cmdline, names[i], sizeof(names[i]));
		if (n <= 1)
			fl_snprintf(names[i], sizeof(names[i]), "/module%d", i);
		r = ramfs_add(names[i], strlen(names[i]), S_IFREG | 0755, data, size);
		if (r)
			printk("forklab: module %d: cannot add %s (error %d)\n", i, names[i], r);
		if (i == 0)
			first_program = find(names[i]) ? find(names[i])->path : EMBEDDED_PATH;
	}
}
