/* core/fs/fs.h - files: the read-only in-memory file system the boot modules
 * become (ramfs.c, cpio.c), open files (file.c), the file-descriptor table
 * (fdtable.c), pipes (pipe.c), and the system calls on them (open.c,
 * read_write.c). The console is a file too (kernel/tty.c): fds 0, 1 and 2. */
#ifndef FORKLAB_FS_H
#define FORKLAB_FS_H

#include "lib/atomic.h"
#include "uapi/fcntl.h"

struct task_struct;
struct files_struct;
struct boot_info;

/* A ramfs inode: a regular file's bytes stay where the loader put them. */
struct inode {
	const char *path;		/* absolute, normalized: "/", "/bin/sh" */
	u32 mode;			/* S_IFREG | 0755, S_IFDIR | 0755 */
	u32 ino;
	const u8 *data;
	u64 size;
};

struct file;
struct file_operations {
	/* read/write - @count bytes at user address @buf; bytes done or -errno */
	long (*read)(struct file *f, u64 buf, u64 count);
	long (*write)(struct file *f, u64 buf, u64 count);
	/* release - the last reference is gone (may be NULL) */
	void (*release)(struct file *f);
	u32 mode;			/* S_IF* of what fstat reports when there is no inode */
};

struct file {
	int f_count;
	u32 f_flags;			/* O_ACCMODE | O_NONBLOCK | O_APPEND | O_DIRECTORY, as opened */
	u64 f_pos;
	const struct file_operations *f_op;
	struct inode *f_inode;		/* ramfs files; NULL for the console and pipes */
	void *private_data;		/* pipes: their struct pipe_inode_info */
};

/* file.c: the object caches, from the allocator of the strategy set
 * (fork_init/fork_exit call them); 0 or -ENOMEM. */
int fs_caches_init(void);
void fs_caches_exit(void);
/* fs_live_objects - files and pipes allocated and not freed. */
u64 fs_live_objects(void);
/* alloc_file - a new open file (one reference) or NULL (failslab: "file"). */
struct file *alloc_file(const struct file_operations *fop, u32 flags);
static inline struct file *get_file(struct file *f)
{
	atomic_inc(&f->f_count);
	return f;
}
/* __fput - release and free @f, whose last reference is gone. */
void __fput(struct file *f);
/* fput - drop a reference; the last one releases and frees the file.
 * Inline: exit drops one for each of a task's descriptors. */
static inline void fput(struct file *f)
{
	if (atomic_dec_and_test(&f->f_count))
		__fput(f);
}
/* fget - @fd of the caller, with a reference taken; NULL if not open. */
struct file *fget(unsigned int fd);
/* console_file - the console, open once (kernel/tty.c) */
extern struct file console_file;
/* ramfs_fops - how a ramfs file reads (open.c). */
extern const struct file_operations ramfs_fops;

/* fdtable.c */
/* dup_fd - fill @new (uninitialised) with a copy of @old's table for
 * fork: every open file gains a reference. */
void dup_fd(struct files_struct *new, struct files_struct *old);
/* close_files - drop every file of @files (its last user is gone). */
void close_files(struct files_struct *files);
/* do_close_on_exec - close the caller's O_CLOEXEC descriptors. */
void do_close_on_exec(struct files_struct *files);
/* fd_install_lowest - put @f at the lowest free descriptor of the caller
 * (FD_CLOEXEC if @cloexec); the fd, or -EMFILE (the reference is then
 * the caller's to drop). */
int fd_install_lowest(struct file *f, bool cloexec);

/* ramfs.c */
/* ramfs_init - every boot module a file ("/<basename of its command
 * line's first word>"), a cpio newc archive unpacked into its paths
 * instead, and the embedded program as EMBEDDED_PATH. */
void ramfs_init(const struct boot_info *bi, const u8 *embedded, u64 embedded_size);
#define EMBEDDED_PATH	"/forklab-user"
/* ramfs_lookup - the inode of @path (relative paths from "/"); NULL with
 * -ENOENT, -ENOTDIR or -ENAMETOOLONG in *@err. */
struct inode *ramfs_lookup(const char *path, int *err);
/* ramfs_add - a file or folder at @path (@path must stay valid); its
 * folders are added first. 0, -ENOSPC (table full), -EEXIST, -EINVAL. */
int ramfs_add(const char *path, size_t len, u32 mode, const u8 *data, u64 size);
/* ramfs_first_program - the path pid 1 runs: the first module's, "/init"
 * when it was an archive, or EMBEDDED_PATH without modules. */
const char *ramfs_first_program(void);
/* ramfs_nr_inodes/ramfs_inode - the table, for the tests: inode @i (0 is
 * "/"), or NULL past the end */
int ramfs_nr_inodes(void);
struct inode *ramfs_inode(int i);
/* ramfs_reset - nothing but "/" (ramfs_init starts so; the fuzzer too) */
void ramfs_reset(void);

/* cpio.c */
/* cpio_unpack - add every entry of the newc archive @a (@size bytes) with
 * ramfs_add; 0, or -EINVAL with what is wrong in @err. */
int cpio_unpack(const u8 *a, u64 size, char *err, size_t errlen);
bool cpio_is_archive(const u8 *a, u64 size);

/* pipe.c */
/* do_pipe - two files, the read and the write end of a new pipe; 0 or -ENOMEM. */
int do_pipe(struct file **rd, struct file **wr, u32 flags);
int pipe_caches_init(void);
void pipe_caches_exit(void);
u64 pipe_live_objects(void);

#endif
