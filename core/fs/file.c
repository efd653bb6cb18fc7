/* core/fs/file.c - open files: the filp cache, references, and the look-up
 * of a descriptor (Linux's fs/file_table.c and fget). */
#include "fs/fs.h"
#include "kernel/failslab.h"
#include "kernel/task.h"
#include "mm/kmem.h"

static struct kmem_cache *filp_cachep;	/* struct file */

int fs_caches_init(void)
{
	filp_cachep = kmem_cache_create("filp", sizeof(struct file), 64, NULL);
	if (!filp_cachep)
		return -ENOMEM;
	if (pipe_caches_init()) {
		fs_caches_exit();
		return -ENOMEM;
	}
	return 0;
}

void fs_caches_exit(void)
{
	pipe_caches_exit();
	if (filp_cachep)
		kmem_cache_destroy(filp_cachep);
	filp_cachep = NULL;
}

u64 fs_live_objects(void)
{
	return kmem_cache_live(filp_cachep) + pipe_live_objects();
}

struct file *alloc_file(const struct file_operations *fop, u32 flags)
{
	struct file *f = should_fail(FAIL_FILE) ? NULL : kmem_cache_alloc(filp_cachep);

	if (!f)
		return NULL;
	*f = (struct file){ .f_count = 1, .f_flags = flags, .f_op = fop };
	return f;
}

void __fput(struct file *f)
{
	if (f->f_op->release)
		f->f_op->release(f);
	kmem_cache_free(filp_cachep, f);
}

struct file *fget(unsigned int fd)
{
	struct files_struct *files = current->files;
	struct file *f = NULL;

	spin_lock(&files->file_lock);
	if (fd < (unsigned int)files->max_fds && files->fd[fd])
		f = get_file(files->fd[fd]);
	spin_unlock(&files->file_lock);
	return f;
}
