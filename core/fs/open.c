/* core/fs/open.c - opening ramfs files (open, openat) and asking what a
 * path or descriptor is (stat, lstat, fstat, newfstatat). The file system
 * is read-only and answers as Linux does on a read-only mount: a write
 * access, O_TRUNC, or O_CREAT of a missing file -EROFS; O_CREAT|O_EXCL of
 * an existing one -EEXIST. */
#include "fs/fs.h"
#include "kernel/failslab.h"
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "lib/string.h"
#include "x86/uaccess.h"

#define PATH_MAX	4096

/* struct stat as x86-64 Linux lays it out (144 bytes) */
struct kstat {
	u64 st_dev, st_ino, st_nlink;
	u32 st_mode, st_uid, st_gid, __pad0;
	u64 st_rdev;
	s64 st_size, st_blksize, st_blocks;
	u64 st_atime, st_atime_nsec, st_mtime, st_mtime_nsec, st_ctime, st_ctime_nsec;
	s64 reserved[3];
};
_Static_assert(sizeof(struct kstat) == 144, "struct stat is 144 bytes on x86-64");

static long ramfs_read(struct file *f, u64 buf, u64 count)
{
	struct inode *in = f->f_inode;
	u64 n;

	if ((in->mode & S_IFMT) == S_IFDIR)
		return -EISDIR;
	if (f->f_pos >= in->size)
		return 0;
	n = MIN(count, in->size - f->f_pos);
	if (copy_to_user(buf, in->data + f->f_pos, n))
		return -EFAULT;
	f->f_pos += n;
	return (long)n;
}

const struct file_operations ramfs_fops = {
	.read = ramfs_read,
	.mode = S_IFREG,
};

/* getname - the path at user @upath into @buf (PATH_MAX bytes); 0, or
 * -EFAULT, -ENAMETOOLONG, -ENOENT (empty). */
static long getname(u64 upath, char *buf)
{
	long n = strncpy_from_user(buf, upath, PATH_MAX);

	if (n < 0)
		return n;
	if (n == PATH_MAX)
		return -ENAMETOOLONG;
	return n ? 0 : -ENOENT;
}

/* lookup_at - the inode of user path @upath; a relative one starts at
 * folder @dfd (AT_FDCWD: "/", every task's working directory). NULL with
 * -errno in *@err (-EBADF, -ENOTDIR for a bad @dfd). */
static struct inode *lookup_at(int dfd, u64 upath, int *err)
{
	char path[PATH_MAX];
	long r = getname(upath, path);
	struct file *dir;
	size_t dl;

	if (r) {
		*err = (int)r;
		return NULL;
	}
	if (path[0] == '/' || dfd == AT_FDCWD)
		return ramfs_lookup(path, err);
	dir = fget((unsigned int)dfd);
	*err = !dir ? -EBADF : !dir->f_inode || (dir->f_inode->mode & S_IFMT) != S_IFDIR ?
	       -ENOTDIR : 0;
	if (!*err) {
		dl = strlen(dir->f_inode->path);
		if (dl + 1 + strlen(path) >= PATH_MAX) {
			*err = -ENAMETOOLONG;
		} else {
			memmove(path + dl + 1, path, strlen(path) + 1);
			memcpy(path, dir->f_inode->path, dl);
			path[dl] = '/';
		}
	}
	if (dir)
		fput(dir);
	return *err ? NULL : ramfs_lookup(path, err);
}

static long do_open(int dfd, u64 upath, u64 flags)
{
	struct inode *in;
	struct file *f;
	int err = 0, fd;

	in = lookup_at(dfd, upath, &err);
	if (!in) {
		if (err == -ENOENT && (flags & O_CREAT))
			return -EROFS;
		return err;
	}
	if ((flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL))
		return -EEXIST;
	if ((flags & O_DIRECTORY) && (in->mode & S_IFMT) != S_IFDIR)
		return -ENOTDIR;
	if ((in->mode & S_IFMT) == S_IFDIR && (flags & O_ACCMODE) != O_RDONLY)
		return -EISDIR;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		return -EROFS;
	fork_fail_window(true);
	f = alloc_file(&ramfs_fops, (u32)flags & ~(u32)(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC));
	fork_fail_window(false);
	if (!f)
		return -ENOMEM;
	f->f_inode = in;
	fd = fd_install_lowest(f, flags & O_CLOEXEC);
	if (fd < 0)
		fput(f);
	return fd;
}

long sys_open(u64 upath, u64 flags, u64 mode)
{
	(void)mode;
	return do_open(AT_FDCWD, upath, flags);
}

long sys_openat(u64 dfd, u64 upath, u64 flags, u64 mode)
{
	(void)mode;
	return do_open((int)dfd, upath, flags);
}

/* put_stat - what fstat says about @in, or about an inode-less file of
 * type @mode (the console, a pipe). */
static long put_stat(const struct inode *in, u32 mode, u64 ustat)
{
	struct kstat st;

	memset(&st, 0, sizeof(st));
	st.st_dev = in ? 1 : 0;
	st.st_ino = in ? in->ino : 0;
	st.st_nlink = 1;
	st.st_mode = in ? in->mode : mode;
	st.st_size = in && (in->mode & S_IFMT) == S_IFREG ? (s64)in->size : 0;
	st.st_blksize = PAGE_SIZE;
	st.st_blocks = (st.st_size + 511) / 512;
	return copy_to_user(ustat, &st, sizeof(st));
}

long sys_fstat(u64 fd, u64 ustat)
{
	struct file *f = fget((unsigned int)fd);
	long r;

	if (!f)
		return -EBADF;
	r = put_stat(f->f_inode, f->f_op->mode, ustat);
	fput(f);
	return r;
}

long sys_stat(u64 upath, u64 ustat)
{
	int err = 0;
	struct inode *in = lookup_at(AT_FDCWD, upath, &err);

	return in ? put_stat(in, 0, ustat) : err;
}

long sys_newfstatat(u64 dfd, u64 upath, u64 ustat, u64 flags)
{
	if (flags & AT_EMPTY_PATH) {
		char c;

		if (copy_from_user(&c, upath, 1))
			return -EFAULT;
		if (!c)
			return sys_fstat(dfd, ustat);
	}
	if (flags & ~(u64)(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW))
		return -EINVAL;
	return sys_stat(upath, ustat);	/* no symlinks: lstat is stat */
}
