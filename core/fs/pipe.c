/* core/fs/pipe.c - pipes: a one-page ring between a read end and a write
 * end (Linux's fs/pipe.c with one buffer page, so PIPE_BUF = the pipe's
 * size). A reader blocks while the ring is empty and writers remain (EOF
 * when none do); a writer blocks until its whole write fits (writes of up
 * to PIPE_BUF bytes are atomic), and gets -EPIPE - and SIGPIPE, which
 * kills it unless ignored or caught - once no reader remains. */
#include "fs/fs.h"
#include "kernel/failslab.h"
#include "kernel/syscalls.h"
#include "kernel/task.h"
#include "kernel/wait.h"
#include "mm/kmem.h"
#include "mm/pmm.h"
#include "x86/uaccess.h"

#define PIPE_SIZE	PAGE_SIZE

struct pipe_inode_info {
	struct spinlock lock;		/* everything below */
	u8 *buf;			/* PIPE_SIZE bytes */
	u32 head, tail;			/* bytes written and read so far (mod 2^32) */
	int readers, writers;
	struct list_head rd_wait, wr_wait;
};

static struct kmem_cache *pipe_cachep;	/* struct pipe_inode_info */

int pipe_caches_init(void)
{
	pipe_cachep = kmem_cache_create("pipe_inode_info", sizeof(struct pipe_inode_info), 64,
					NULL);
	return pipe_cachep ? 0 : -ENOMEM;
}

void pipe_caches_exit(void)
{
	if (pipe_cachep)
		kmem_cache_destroy(pipe_cachep);
	pipe_cachep = NULL;
}

u64 pipe_live_objects(void)
{
	return kmem_cache_live(pipe_cachep);
}

/* interrupted - another thread called exit_group: leave the wait. */
static bool interrupted(void)
{
	return current->flags & PF_GROUP_KILL;
}

/* ring_copy - @n bytes between user @ubuf and the ring at @pos; 0 or -EFAULT. */
static long ring_copy(struct pipe_inode_info *p, u32 pos, u64 ubuf, u32 n, bool to_user)
{
	u32 at = pos % PIPE_SIZE, first = MIN(n, (u32)PIPE_SIZE - at);
	long r;

	r = to_user ? copy_to_user(ubuf, p->buf + at, first)
		    : copy_from_user(p->buf + at, ubuf, first);
	if (r || first == n)
		return r;
	return to_user ? copy_to_user(ubuf + first, p->buf, n - first)
		       : copy_from_user(p->buf, ubuf + first, n - first);
}

static long pipe_read(struct file *f, u64 ubuf, u64 count)
{
	struct pipe_inode_info *p = f->private_data;
	struct wait_queue_entry w;
	long r;

	if (!count)
		return 0;
	spin_lock(&p->lock);
	for (;;) {
		u32 avail = p->head - p->tail;

		if (avail) {
			u32 n = (u32)MIN((u64)avail, count);

			r = ring_copy(p, p->tail, ubuf, n, true);
			if (!r) {
				p->tail += n;
				r = n;
				wake_up_all(&p->wr_wait);
			}
			break;
		}
		r = 0;			/* EOF */
		if (!p->writers)
			break;
		r = (f->f_flags & O_NONBLOCK) ? -EAGAIN : -EINTR;
		if ((f->f_flags & O_NONBLOCK) || interrupted())
			break;
		prepare_to_wait(&p->rd_wait, &w);
		spin_unlock(&p->lock);
		schedule();
		spin_lock(&p->lock);
		finish_wait(&w);
	}
	spin_unlock(&p->lock);
	return r;
}

/* broken_pipe - a write with no reader gets -EPIPE; SIGPIPE's default
 * also kills the group on its way back to user mode (as the signal would);
 * ignored or caught (not delivered here), only -EPIPE. */
static long broken_pipe(void)
{
	if (current->sighand->action[SIGPIPE - 1].handler == SIG_DFL)
		group_kill(SIGPIPE);
	return -EPIPE;
}

static long pipe_write(struct file *f, u64 ubuf, u64 count)
{
	struct pipe_inode_info *p = f->private_data;
	struct wait_queue_entry w;
	u64 done = 0;
	long r = 0;

	if (!count)
		return 0;
	spin_lock(&p->lock);
	for (;;) {
		u32 space = PIPE_SIZE - (p->head - p->tail);

		if (!p->readers) {
			spin_unlock(&p->lock);
			return done ? (long)done : broken_pipe();
		}
		/* up to PIPE_BUF bytes go in at once or not at all */
		if (space && (count > PIPE_BUF || space >= count)) {
			u32 n = (u32)MIN((u64)space, count - done);

			r = ring_copy(p, p->head, ubuf + done, n, false);
			if (r)
				break;
			p->head += n;
			done += n;
			wake_up_all(&p->rd_wait);
			if (done == count)
				break;
		}
		r = (f->f_flags & O_NONBLOCK) ? -EAGAIN : -EINTR;
		if ((f->f_flags & O_NONBLOCK) || interrupted())
			break;
		prepare_to_wait(&p->wr_wait, &w);
		spin_unlock(&p->lock);
		schedule();
		spin_lock(&p->lock);
		finish_wait(&w);
	}
	spin_unlock(&p->lock);
	return done ? (long)done : r;
}

static void free_pipe_info(struct pipe_inode_info *p)
{
	if (p->buf)
		__free_page(virt_to_page(p->buf));
	kmem_cache_free(pipe_cachep, p);
}

static void pipe_release(struct file *f)
{
	struct pipe_inode_info *p = f->private_data;
	bool last;

	if (!p)
		return;
	spin_lock(&p->lock);
	if ((f->f_flags & O_ACCMODE) == O_RDONLY)
		p->readers--;
	else
		p->writers--;
	wake_up_all(&p->rd_wait);
	wake_up_all(&p->wr_wait);
	last = !p->readers && !p->writers;
	spin_unlock(&p->lock);
	if (last)
		free_pipe_info(p);
}

static const struct file_operations pipe_fops = {
	.read = pipe_read,
	.write = pipe_write,
	.release = pipe_release,
	.mode = S_IFIFO | 0600,
};

/* alloc_pipe_info - the ring and its page; NULL (failslab: "pipe"). */
static struct pipe_inode_info *alloc_pipe_info(void)
{
	struct pipe_inode_info *p = should_fail(FAIL_PIPE) ? NULL : kmem_cache_alloc(pipe_cachep);
	struct page *page;

	if (!p)
		return NULL;
	page = should_fail(FAIL_PIPE) ? NULL : alloc_page();
	if (!page) {
		kmem_cache_free(pipe_cachep, p);
		return NULL;
	}
	*p = (struct pipe_inode_info){ .buf = page_address(page), .readers = 1, .writers = 1 };
	spin_lock_init(&p->lock, "pipe");
	INIT_LIST_HEAD(&p->rd_wait);
	INIT_LIST_HEAD(&p->wr_wait);
	return p;
}

int do_pipe(struct file **rd, struct file **wr, u32 flags)
{
	struct pipe_inode_info *p = alloc_pipe_info();
	u32 nb = flags & O_NONBLOCK;

	if (!p)
		return -ENOMEM;
	*rd = alloc_file(&pipe_fops, O_RDONLY | nb);
	if (!*rd)
		goto out_pipe;
	*wr = alloc_file(&pipe_fops, O_WRONLY | nb);
	if (!*wr)
		goto out_rd;
	(*rd)->private_data = p;
	(*wr)->private_data = p;
	return 0;

out_rd:
	fput(*rd);		/* not attached yet: its release does nothing */
out_pipe:
	free_pipe_info(p);
	return -ENOMEM;
}

long sys_pipe2(u64 ufds, u64 flags)
{
	struct file *rd, *wr;
	int fd[2], r;

	if (flags & ~(u64)(O_CLOEXEC | O_NONBLOCK))
		return -EINVAL;
	fork_fail_window(true);
	r = do_pipe(&rd, &wr, (u32)flags);
	fork_fail_window(false);
	if (r)
		return r;
	fd[0] = fd_install_lowest(rd, flags & O_CLOEXEC);
	fd[1] = fd[0] < 0 ? -EMFILE : fd_install_lowest(wr, flags & O_CLOEXEC);
	if (fd[1] < 0) {
		if (fd[0] >= 0)
			sys_close(fd[0]);
		else
			fput(rd);
		fput(wr);
		return -EMFILE;
	}
	if (copy_to_user(ufds, fd, sizeof(fd))) {
		sys_close(fd[0]);
		sys_close(fd[1]);
		return -EFAULT;
	}
	return 0;
}

long sys_pipe(u64 ufds)
{
	return sys_pipe2(ufds, 0);
}
