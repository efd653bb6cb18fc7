/* core/fs/read_write.c - read, write, readv, writev and lseek through the
 * descriptor table, to whatever the file is (ramfs file, console, pipe). */
#include "fs/fs.h"
#include "kernel/syscalls.h"
#include "x86/uaccess.h"

#define IOV_MAX		1024

long sys_read(u64 fd, u64 buf, u64 count)
{
	struct file *f = fget((unsigned int)fd);
	long r;

	if (!f)
		return -EBADF;
	if ((f->f_flags & O_ACCMODE) == O_WRONLY || !f->f_op->read)
		r = -EBADF;
	else
		r = f->f_op->read(f, buf, count);
	fput(f);
	return r;
}

long sys_write(u64 fd, u64 buf, u64 count)
{
	struct file *f = fget((unsigned int)fd);
	long r;

	if (!f)
		return -EBADF;
	if ((f->f_flags & O_ACCMODE) == O_RDONLY || !f->f_op->write)
		r = -EBADF;
	else
		r = f->f_op->write(f, buf, count);
	fput(f);
	return r;
}

/* do_iov - @fn (sys_read or sys_write) over each of @iovcnt iovecs at @iov;
 * stops at a short transfer, as Linux's readv and writev return. */
static long do_iov(long (*fn)(u64, u64, u64), u64 fd, u64 iov, u64 iovcnt)
{
	long total = 0;

	if (iovcnt > IOV_MAX)
		return -EINVAL;
	for (u64 i = 0; i < iovcnt; i++) {
		struct { u64 base, len; } v;
		long r;

		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return total ? total : -EFAULT;
		if (!v.len)
			continue;
		r = fn(fd, v.base, v.len);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((u64)r < v.len)
			break;
	}
	return total;
}

long sys_readv(u64 fd, u64 iov, u64 iovcnt)
{
	return do_iov(sys_read, fd, iov, iovcnt);
}

long sys_writev(u64 fd, u64 iov, u64 iovcnt)
{
	return do_iov(sys_write, fd, iov, iovcnt);
}

long sys_lseek(u64 fd, u64 offset, u64 whence)
{
	struct file *f = fget((unsigned int)fd);
	u64 base;
	s64 pos;

	if (!f)
		return -EBADF;
	if (!f->f_inode) {
		fput(f);
		return -ESPIPE;		/* the console and pipes */
	}
	base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? f->f_pos : f->f_inode->size;
	pos = (s64)(base + offset);	/* unsigned: wraps instead of overflowing */
	/* a negative or wrapped position: -EINVAL, as Linux */
	if (whence > SEEK_END || pos < 0 || ((s64)offset > 0 && (u64)pos < base)) {
		fput(f);
		return -EINVAL;
	}
	f->f_pos = (u64)pos;
	fput(f);
	return pos;
}
