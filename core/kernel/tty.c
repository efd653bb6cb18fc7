/* core/kernel/tty.c - file descriptors 1 and 2 are the serial console:
 * write, writev, and ioctl (no terminal: -ENOTTY, so a libc buffers fully). */
#include "kernel/syscalls.h"
#include "x86/console.h"
#include "x86/uaccess.h"

#define WRITE_CHUNK	256
#define IOV_MAX		1024

long sys_write(u64 fd, u64 buf, u64 count, u64 a4, u64 a5, u64 a6)
{
	char chunk[WRITE_CHUNK];
	u64 done = 0;

	(void)a4, (void)a5, (void)a6;
	if (fd != 1 && fd != 2)
		return -EBADF;
	while (done < count) {
		u64 n = MIN(count - done, (u64)sizeof(chunk));

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

long sys_writev(u64 fd, u64 iov, u64 iovcnt, u64 a4, u64 a5, u64 a6)
{
	long total = 0;

	if (iovcnt > IOV_MAX)
		return -EINVAL;
	for (u64 i = 0; i < iovcnt; i++) {
		struct { u64 base, len; } v;
		long r;

		if (copy_from_user(&v, iov + i * sizeof(v), sizeof(v)))
			return -EFAULT;
		r = sys_write(fd, v.base, v.len, a4, a5, a6);
		if (r < 0)
			return total ? total : r;
		total += r;
	}
	return total;
}

long sys_ioctl(void)
{
	return -ENOTTY;
}
