/* core/kernel/tty.c - the serial console as a file: every task's fds 0, 1
 * and 2 at first (one open file, as Linux's /dev/console for init). It
 * writes to COM1, reads end of file at once (no input), and its ioctl says
 * it is no terminal (-ENOTTY, so a libc buffers fully). */
#include "fs/fs.h"
#include "kernel/syscalls.h"
#include "x86/console.h"
#include "x86/uaccess.h"

#define WRITE_CHUNK	256

static long console_fwrite(struct file *f, u64 buf, u64 count)
{
	char chunk[WRITE_CHUNK];
	u64 done = 0;

	(void)f;
	while (done < count) {
		u64 n = MIN(count - done, (u64)sizeof(chunk));

		if (copy_from_user(chunk, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_write(chunk, n);
		done += n;
	}
	return done;
}

static long console_fread(struct file *f, u64 buf, u64 count)
{
	(void)f, (void)buf, (void)count;
	return 0;
}

static const struct file_operations console_fops = {
	.read = console_fread,
	.write = console_fwrite,
	.mode = S_IFCHR | 0600,
};

/* one reference of its own (never released) and one per descriptor of
 * the idle task's table, which every task's is copied from */
struct file console_file = { .f_count = 4, .f_flags = O_RDWR, .f_op = &console_fops };

long sys_ioctl(void)
{
	return -ENOTTY;
}
