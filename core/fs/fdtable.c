/* core/fs/fdtable.c - the file-descriptor table: fork's copy (dup_fd),
 * close-on-exec, and the calls that move descriptors: close, dup, dup2,
 * dup3, fcntl, close_range (Linux's fs/file.c). Only fd[0 .. max_fds) is
 * ever read, so a small table is a small copy. */
#include "fs/fs.h"
#include "kernel/syscalls.h"
#include "kernel/task.h"

void dup_fd(struct files_struct *new, struct files_struct *old)
{
	bool shared = old->count > 1;	/* else only we can change it, and we fork */
	int n;

	if (shared)
		spin_lock(&old->file_lock);
	n = old->max_fds;
	new->count = 1;
	new->max_fds = n;
	new->close_on_exec = old->close_on_exec;
	spin_lock_init(&new->file_lock, "file_lock");
	for (int i = 0; i < n; i++) {
		struct file *f = old->fd[i];

		new->fd[i] = f;
		if (f)
			get_file(f);
	}
	if (shared)
		spin_unlock(&old->file_lock);
}

void close_files(struct files_struct *files)
{
	for (int i = 0; i < files->max_fds; i++)
		if (files->fd[i])
			fput(files->fd[i]);
	files->max_fds = 0;
}

/* __fd_take - empty slot @fd of @files (locked); the file it held or NULL. */
static struct file *__fd_take(struct files_struct *files, unsigned int fd)
{
	struct file *f;

	if (fd >= (unsigned int)files->max_fds || !files->fd[fd])
		return NULL;
	f = files->fd[fd];
	files->fd[fd] = NULL;
	files->close_on_exec &= ~(1UL << fd);
	while (files->max_fds && !files->fd[files->max_fds - 1])
		files->max_fds--;
	return f;
}

/* __fd_install - @f at @fd (free, < NR_OPEN_DEFAULT) of @files (locked). */
static void __fd_install(struct files_struct *files, unsigned int fd, struct file *f,
			 bool cloexec)
{
	while ((unsigned int)files->max_fds <= fd)
		files->fd[files->max_fds++] = NULL;
	files->fd[fd] = f;
	if (cloexec)
		files->close_on_exec |= 1UL << fd;
	else
		files->close_on_exec &= ~(1UL << fd);
}

/* __lowest_free - the lowest free descriptor of @files from @from, or -EMFILE. */
static int __lowest_free(struct files_struct *files, unsigned int from)
{
	for (unsigned int fd = from; fd < NR_OPEN_DEFAULT; fd++)
		if (fd >= (unsigned int)files->max_fds || !files->fd[fd])
			return (int)fd;
	return -EMFILE;
}

/* fd_install_from - @f at the lowest free fd >= @from; the fd or -EMFILE. */
static int fd_install_from(struct file *f, unsigned int from, bool cloexec)
{
	struct files_struct *files = current->files;
	int fd;

	spin_lock(&files->file_lock);
	fd = __lowest_free(files, from);
	if (fd >= 0)
		__fd_install(files, fd, f, cloexec);
	spin_unlock(&files->file_lock);
	return fd;
}

int fd_install_lowest(struct file *f, bool cloexec)
{
	return fd_install_from(f, 0, cloexec);
}

void do_close_on_exec(struct files_struct *files)
{
	while (files->close_on_exec) {
		unsigned int fd = __builtin_ctzll(files->close_on_exec);
		struct file *f;

		spin_lock(&files->file_lock);
		f = __fd_take(files, fd);
		files->close_on_exec &= ~(1UL << fd);
		spin_unlock(&files->file_lock);
		if (f)
			fput(f);
	}
}

long sys_close(u64 fd)
{
	struct files_struct *files = current->files;
	struct file *f;

	spin_lock(&files->file_lock);
	f = __fd_take(files, (unsigned int)fd);
	spin_unlock(&files->file_lock);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

long sys_dup(u64 oldfd)
{
	struct file *f = fget((unsigned int)oldfd);
	int fd;

	if (!f)
		return -EBADF;
	fd = fd_install_lowest(f, false);
	if (fd < 0)
		fput(f);
	return fd;
}

/* do_dup2 - @oldfd also as @newfd (whatever @newfd held is closed). Like
 * every descriptor argument, both are unsigned int, as Linux takes them. */
static long do_dup2(unsigned int oldfd, unsigned int newfd, bool cloexec)
{
	struct files_struct *files = current->files;
	struct file *f, *old = NULL;

	if (newfd >= NR_OPEN_DEFAULT)
		return -EBADF;
	f = fget(oldfd);
	if (!f)
		return -EBADF;
	spin_lock(&files->file_lock);
	if (newfd < (unsigned int)files->max_fds)
		old = files->fd[newfd];
	__fd_install(files, newfd, f, cloexec);
	spin_unlock(&files->file_lock);
	if (old)
		fput(old);
	return (long)newfd;
}

long sys_dup2(u64 oldfd, u64 newfd)
{
	if ((unsigned int)oldfd == (unsigned int)newfd) {
		struct file *f = fget((unsigned int)oldfd);

		if (!f)
			return -EBADF;
		fput(f);
		return (unsigned int)newfd;
	}
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, false);
}

long sys_dup3(u64 oldfd, u64 newfd, u64 flags)
{
	if ((flags & ~(u64)O_CLOEXEC) || (unsigned int)oldfd == (unsigned int)newfd)
		return -EINVAL;
	return do_dup2((unsigned int)oldfd, (unsigned int)newfd, flags & O_CLOEXEC);
}

long sys_fcntl(u64 fd, u64 cmd, u64 arg)
{
	struct files_struct *files = current->files;
	struct file *f = fget((unsigned int)fd);
	long r = 0;

	if (!f)
		return -EBADF;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (arg >= NR_OPEN_DEFAULT) {
			r = -EINVAL;
			break;
		}
		r = fd_install_from(get_file(f), (unsigned int)arg, cmd == F_DUPFD_CLOEXEC);
		if (r < 0)
			fput(f);
		break;
	case F_GETFD:
		r = (files->close_on_exec >> fd) & 1 ? FD_CLOEXEC : 0;
		break;
	case F_SETFD:
		spin_lock(&files->file_lock);
		if (fd < (u64)files->max_fds && files->fd[fd] == f) {
			if (arg & FD_CLOEXEC)
				files->close_on_exec |= 1UL << fd;
			else
				files->close_on_exec &= ~(1UL << fd);
		}
		spin_unlock(&files->file_lock);
		break;
	case F_GETFL:
		r = f->f_flags & ~(u32)O_CLOEXEC;
		break;
	case F_SETFL:		/* only O_APPEND and O_NONBLOCK change, as Linux */
		f->f_flags = (f->f_flags & ~(u32)(O_APPEND | O_NONBLOCK)) |
			     ((u32)arg & (O_APPEND | O_NONBLOCK));
		break;
	default:
		r = -EINVAL;
	}
	fput(f);
	return r;
}

/* sys_close_range - close (or, with CLOSE_RANGE_CLOEXEC, mark) every
 * descriptor from @first to @last; CLOSE_RANGE_UNSHARE is accepted (the
 * table is unshared only by exec here). */
long sys_close_range(u64 ufirst, u64 ulast, u64 flags)
{
	struct files_struct *files = current->files;
	unsigned int first = (unsigned int)ufirst, last = (unsigned int)ulast;

	if (flags & ~(u64)(CLOSE_RANGE_UNSHARE | CLOSE_RANGE_CLOEXEC) || first > last)
		return -EINVAL;
	for (u64 fd = first; fd <= last && fd < NR_OPEN_DEFAULT; fd++) {
		struct file *f = NULL;

		spin_lock(&files->file_lock);
		if (flags & CLOSE_RANGE_CLOEXEC) {
			if (fd < (u64)files->max_fds && files->fd[fd])
				files->close_on_exec |= 1UL << fd;
		} else {
			f = __fd_take(files, (unsigned int)fd);
		}
		spin_unlock(&files->file_lock);
		if (f)
			fput(f);
	}
	return 0;
}
