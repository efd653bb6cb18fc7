/* core/kernel/exec.c - starting a program: a new address space with the
 * static ELF's segments loaded and the initial user stack laid out as
 * Linux lays it out (argc, argv, envp, the auxiliary vector, the strings).
 * One path serves the first program (exec_into, with kernel strings) and
 * execve (user strings): the new image is built beside the old one, and
 * the old one is released only when the new one is ready, so a failed
 * execve returns to an untouched caller. Then the caller's other threads
 * end (de_thread.c) and it runs the new image alone. */
#include "kernel/task.h"
#include "kernel/elf.h"
#include "kernel/failslab.h"
#include "kernel/syscalls.h"
#include "fs/fs.h"
#include "lib/printk.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "x86/io.h"
#include "x86/layout.h"
#include "x86/uaccess.h"

#define USER_RFLAGS	0x202		/* IF on: the timer tick may preempt user mode */
#define AT_NULL		0
#define AT_PHDR		3
#define AT_PHENT	4
#define AT_PHNUM	5
#define AT_PAGESZ	6
#define AT_BASE		7
#define AT_FLAGS	8
#define AT_ENTRY	9
#define AT_UID		11
#define AT_EUID		12
#define AT_GID		13
#define AT_EGID		14
#define AT_HWCAP	16
#define AT_CLKTCK	17
#define AT_SECURE	23
#define AT_RANDOM	25
#define AT_EXECFN	31
#define NR_AUXV		17		/* pairs, AT_NULL included */
#define CLK_TCK		100		/* what times() would count in */
#define MAX_ARG_STRLEN	(32 * PAGE_SIZE)	/* Linux's limit on one string */
#define MAX_ARG_STRINGS	0x7fffffff
#define ARG_MAX		(32 * PAGE_SIZE)	/* the least room argv + envp always get */
#define PATH_MAX	4096

/* argv or envp: a user array of user strings, or a kernel one */
struct arg_src {
	bool user;
	u64 uv;				/* user address of the array */
	const char *const *kv;
};

/* What execve builds before it commits (Linux's linux_binprm). */
struct linux_binprm {
	struct mm_struct *mm;
	struct elf_image img;
	const char *filename;		/* kernel string: AT_EXECFN and comm */
	int argc, envc;
	u64 strings;			/* bytes of argv and envp strings, NULs included */
	u64 p;				/* the new stack's lowest byte used so far */
	u64 floor;			/* the strings' room ends here */
	u64 sp;				/* where argc is */
};

/* arg_ptr - the @i-th pointer of @src into *@p; 0 or -EFAULT. */
static long arg_ptr(const struct arg_src *src, u64 i, u64 *p)
{
	if (!src->user) {
		*p = (u64)src->kv[i];
		return 0;
	}
	if (!src->uv) {
		*p = 0;			/* a NULL argv or envp: none, as Linux allows */
		return 0;
	}
	return copy_from_user(p, src->uv + i * sizeof(u64), sizeof(u64));
}

/* arg_strlen - the length of string @p, NUL included, at most @max + 1;
 * -EFAULT. */
static long arg_strlen(bool user, u64 p, u64 max)
{
	char buf[64];
	u64 n = 0;

	if (!user)
		return (long)MIN(strlen((const char *)p) + 1, max + 1);
	while (n <= max) {
		u64 chunk = MIN((u64)sizeof(buf), PAGE_SIZE - ((p + n) & (PAGE_SIZE - 1)));

		if (copy_from_user(buf, p + n, chunk))
			return -EFAULT;
		for (u64 i = 0; i < chunk; i++)
			if (!buf[i])
				return (long)(n + i + 1);
		n += chunk;
	}
	return (long)n;
}

/* count_args - how many strings @src holds and their bytes into *@bytes;
 * -EFAULT, or -E2BIG past Linux's limits (one string over MAX_ARG_STRLEN,
 * all of them over @limit). */
static long count_args(const struct arg_src *src, u64 limit, u64 *bytes)
{
	long n = 0;

	for (;; n++) {
		u64 p;
		long len;

		if (arg_ptr(src, n, &p))
			return -EFAULT;
		if (!p)
			return n;
		if (n >= MAX_ARG_STRINGS)
			return -E2BIG;
		len = arg_strlen(src->user, p, MAX_ARG_STRLEN);
		if (len < 0)
			return len;
		if ((u64)len > MAX_ARG_STRLEN)
			return -E2BIG;
		*bytes += len;
		if (*bytes + (n + 1) * sizeof(u64) > limit)
			return -E2BIG;
	}
}

/* put_bytes - @n bytes from @src (a user address if @user) to @va in
 * @mm's mapped pages; 0 or -EFAULT. @mm need not be loaded. */
static long put_bytes(struct mm_struct *mm, u64 va, const void *src, u64 n, bool user)
{
	while (n) {
		u64 chunk = MIN(n, PAGE_SIZE - (va & (PAGE_SIZE - 1)));
		u8 *k = (u8 *)user_page_address(mm, ALIGN_DOWN(va, PAGE_SIZE)) +
			(va & (PAGE_SIZE - 1));

		if (user) {
			if (copy_from_user(k, (u64)src, chunk))
				return -EFAULT;
		} else {
			memcpy(k, src, chunk);
		}
		va += chunk;
		src = (const u8 *)src + chunk;
		n -= chunk;
	}
	return 0;
}

static long put_word(struct mm_struct *mm, u64 va, u64 v)
{
	return put_bytes(mm, va, &v, sizeof(v), false);
}

/* map_exec_page - back @va of @mm with @n bytes of @src at @off, zeroes
 * elsewhere (failslab: "exec" while a window is open). */
static int map_exec_page(struct mm_struct *mm, u64 va, u32 prot, const void *src, u64 off,
			 u64 n)
{
	if (should_fail(FAIL_EXEC))
		return -ENOMEM;
	return n ? map_new_page_copy(mm, va, prot, src, off, n) : map_new_page(mm, va, prot);
}

/* load_segments - map and fill every PT_LOAD of @img from @image. */
static int load_segments(struct mm_struct *mm, const u8 *image, const struct elf_image *img)
{
	u64 end = 0;

	for (int i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		u64 start = ALIGN_DOWN(s->vaddr, PAGE_SIZE);
		u64 stop = ALIGN_UP(s->vaddr + s->memsz, PAGE_SIZE);
		int r = vma_add(mm, start, stop, s->prot);

		if (r)
			return r;
		for (u64 va = start; va < stop; va += PAGE_SIZE) {
			u64 lo = MAX(va, s->vaddr), hi = MIN(va + PAGE_SIZE, s->vaddr + s->filesz);

			r = map_exec_page(mm, va, s->prot, image + s->file_offset + (lo - s->vaddr),
					  lo - va, hi > lo ? hi - lo : 0);
			if (r)
				return r;
		}
		end = MAX(end, stop);
	}
	mm->start_brk = mm->brk = end;
	return 0;
}

/* copy_strings - the strings of @src below bprm->p, their addresses into
 * @ptrs_va (the argv or envp array on the new stack), NULL after them. */
static long copy_strings(struct linux_binprm *bprm, const struct arg_src *src, int count,
			 u64 ptrs_va)
{
	for (int i = 0; i < count; i++) {
		u64 p;
		long len, r;

		if (arg_ptr(src, i, &p))
			return -EFAULT;
		/* the caller's memory may have changed since count_args */
		len = p ? arg_strlen(src->user, p, MAX_ARG_STRLEN) : -EFAULT;
		if (len < 0)
			return len;
		if (bprm->p - bprm->floor < (u64)len)
			return -E2BIG;
		bprm->p -= len;
		r = put_bytes(bprm->mm, bprm->p, (const void *)p, len - 1, src->user);
		if (!r)
			r = put_bytes(bprm->mm, bprm->p + len - 1, "", 1, false);
		if (!r)
			r = put_word(bprm->mm, ptrs_va + i * sizeof(u64), bprm->p);
		if (r)
			return r;
	}
	return put_word(bprm->mm, ptrs_va + count * sizeof(u64), 0);
}

/* create_stack - the new stack VMA, mapped down to what argc, the arrays,
 * the auxiliary vector and the strings need, and filled. */
static long create_stack(struct linux_binprm *bprm, const struct arg_src *argv,
			 const struct arg_src *envp)
{
	static const u8 random_bytes[16] = { 0x66, 0x6f, 0x72, 0x6b, 0x6c, 0x61, 0x62, 0x21,
					     0x13, 0x37, 0xc0, 0xde, 0x5e, 0xed, 0xf0, 0x0d };
	struct mm_struct *mm = bprm->mm;
	u64 fnlen = strlen(bprm->filename) + 1, frame, top = USER_STACK_TOP, size, at_random;
	u64 aux[2 * NR_AUXV], need, execfn, argv_va, envp_va;
	int n = 0;
	long r;

	/* top down: the file name, the strings, 16 random bytes, the frame */
	frame = (1 + bprm->argc + 1 + bprm->envc + 1 + 2 * NR_AUXV) * sizeof(u64);
	need = fnlen + bprm->strings + 16 + frame + 16;
	size = MAX(USER_STACK_INIT, ALIGN_UP(need + PAGE_SIZE, PAGE_SIZE));
	r = vma_add(mm, top - size, top, PROT_READ | PROT_WRITE);
	if (r)
		return r;
	find_vma(mm, top - 1)->flags = VM_GROWSDOWN;
	bprm->sp = ALIGN_DOWN(top - need, 16);
	for (u64 va = ALIGN_DOWN(bprm->sp, PAGE_SIZE); va < top; va += PAGE_SIZE) {
		r = map_exec_page(mm, va, PROT_READ | PROT_WRITE, NULL, 0, 0);
		if (r)
			return r;
	}
	bprm->p = top - fnlen;
	bprm->floor = bprm->p - bprm->strings;
	r = put_bytes(mm, bprm->p, bprm->filename, fnlen, false);
	if (r)
		return r;
	execfn = bprm->p;
	argv_va = bprm->sp + sizeof(u64);
	envp_va = argv_va + (bprm->argc + 1) * sizeof(u64);

	r = copy_strings(bprm, envp, bprm->envc, envp_va);
	if (!r)
		r = copy_strings(bprm, argv, bprm->argc, argv_va);
	if (r)
		return r;
	at_random = ALIGN_DOWN(bprm->p - sizeof(random_bytes), 16);
	r = put_bytes(mm, at_random, random_bytes, sizeof(random_bytes), false);
	if (r)
		return r;
#define AUX(k, v)	do { aux[n++] = (k); aux[n++] = (v); } while (0)
	AUX(AT_PHDR, bprm->img.phdr_vaddr);
	AUX(AT_PHENT, bprm->img.phentsize);
	AUX(AT_PHNUM, bprm->img.phnum);
	AUX(AT_PAGESZ, PAGE_SIZE);
	AUX(AT_BASE, 0);
	AUX(AT_FLAGS, 0);
	AUX(AT_ENTRY, bprm->img.entry);
	AUX(AT_UID, 0);
	AUX(AT_EUID, 0);
	AUX(AT_GID, 0);
	AUX(AT_EGID, 0);
	AUX(AT_HWCAP, 0);
	AUX(AT_CLKTCK, CLK_TCK);
	AUX(AT_SECURE, 0);
	AUX(AT_RANDOM, at_random);
	AUX(AT_EXECFN, execfn);
	AUX(AT_NULL, 0);
#undef AUX
	_Static_assert(2 * NR_AUXV == sizeof(aux) / sizeof(aux[0]), "NR_AUXV pairs");
	r = put_word(mm, bprm->sp, bprm->argc);
	if (!r)
		r = put_bytes(mm, envp_va + (bprm->envc + 1) * sizeof(u64), aux, sizeof(aux),
			      false);
	return r;
}

/* bprm_prepare - everything of the new image, the caller's untouched:
 * count the strings (-EFAULT, -E2BIG), check the ELF (-ENOEXEC, and
 * @err says why), build the mm and its stack (-ENOMEM). On failure
 * nothing is left allocated. */
static long bprm_prepare(struct linux_binprm *bprm, const u8 *image, u64 size,
			 const struct arg_src *argv, const struct arg_src *envp,
			 char *err, size_t errlen)
{
	u64 limit = MAX(current->signal->rlim[RLIMIT_STACK].rlim_cur / 4, (u64)ARG_MAX);
	long r;

	r = count_args(argv, limit, &bprm->strings);
	if (r < 0)
		return r;
	bprm->argc = (int)r;
	r = count_args(envp, limit - bprm->argc * sizeof(u64), &bprm->strings);
	if (r < 0)
		return r;
	bprm->envc = (int)r;
	r = elf_parse(image, size, &bprm->img, err, errlen);
	if (r)
		return r;
	bprm->mm = mm_alloc();
	if (!bprm->mm)
		return -ENOMEM;
	r = load_segments(bprm->mm, image, &bprm->img);
	if (!r)
		r = create_stack(bprm, argv, envp);
	if (r) {
		exit_mmap(bprm->mm);
		bprm->mm = NULL;
	}
	return r;
}

/* start_thread - @p's registers to enter the new image in user mode. */
static void start_thread(struct task_struct *p, const struct linux_binprm *bprm)
{
	struct pt_regs *regs = task_pt_regs(p);
	const char *base = bprm->filename;

	memset(regs, 0, sizeof(*regs));
	regs->rip = bprm->img.entry;
	regs->rsp = bprm->sp;
	regs->cs = USER_CS | 3;
	regs->ss = USER_DS | 3;
	regs->rflags = USER_RFLAGS;
	p->thread.fsbase = 0;
	memcpy(p->thread.fxstate, fpu_init_state.fxstate, FXSAVE_SIZE);
	for (const char *s = bprm->filename; *s; s++)
		if (*s == '/' && s[1])
			base = s + 1;
	memset(p->comm, 0, TASK_COMM_LEN);
	memcpy(p->comm, base, MIN(strlen(base), (size_t)TASK_COMM_LEN - 1));
}

int exec_into(struct task_struct *p, const void *image, u64 size,
		     const char *const *argv)
{
	static const char *const no_env[] = { NULL };
	struct arg_src args = { .kv = argv }, env = { .kv = no_env };
	struct linux_binprm bprm = { .filename = argv[0] ? argv[0] : EMBEDDED_PATH };
	char err[160] = "";
	long r;

	r = bprm_prepare(&bprm, image, size, &args, &env, err, sizeof(err));
	if (r) {
		if (r == -ENOEXEC)
			printk("forklab: cannot run the program: %s\n", err);
		else
			printk("forklab: cannot load the program: error %ld\n", r);
		return (int)r;
	}
	p->mm = bprm.mm;
	start_thread(p, &bprm);
	p->flags &= ~PF_KTHREAD;		/* forked from idle, now a user task */
	return 0;
}

/* flush_signal_handlers - caught signals go back to SIG_DFL; ignored ones
 * stay ignored (POSIX exec). */
static void flush_signal_handlers(struct sighand_struct *sh)
{
	for (int i = 0; i < _NSIG; i++)
		if (sh->action[i].handler != SIG_IGN)
			sh->action[i] = (struct k_sigaction){ 0 };
}

/* do_execve - replace the caller's image with the file at @filename; the
 * caller is the only thread of its process afterwards (de_thread). */
static long do_execve(const char *filename, const struct arg_src *argv,
		      const struct arg_src *envp)
{
	struct linux_binprm bprm = { .filename = filename };
	struct files_struct *displaced;
	struct mm_struct *old;
	struct inode *in;
	char err[160];
	int lookup_err = 0;
	long r;

	in = ramfs_lookup(filename, &lookup_err);
	if (!in)
		return lookup_err;
	if ((in->mode & S_IFMT) != S_IFREG || !(in->mode & 0111))
		return -EACCES;
	fork_fail_window(true);
	r = bprm_prepare(&bprm, in->data, in->size, argv, envp, err, sizeof(err));
	if (!r) {
		r = unshare_files(&displaced);
		if (r)
			exit_mmap(bprm.mm);
	}
	fork_fail_window(false);
	if (r)
		return r;

	/* the point of no return: the other threads go, then the old image
	 * (alone, nobody but the caller could add a thread: no lock) */
	if (unlikely(current->signal->nr_threads > 1)) {
		r = de_thread(current);
		if (r) {
			/* the group is exiting: so does the caller, as it was */
			exit_mmap(bprm.mm);
			if (displaced) {
				put_files_struct(current->files);
				current->files = displaced;
			}
			return r;
		}
	}
	old = current->mm;
	mm_release(current);		/* a vfork parent runs on from here */
	current->mm = bprm.mm;
	switch_mm(bprm.mm);
	if (old)
		mmput(old);
	if (displaced)
		put_files_struct(displaced);
	do_close_on_exec(current->files);
	flush_signal_handlers(current->sighand);
	start_thread(current, &bprm);
	wrmsr(MSR_FS_BASE, 0);
	fpu_restore(&current->thread);
	return 0;
}

/* sys_execve - 0 (the registers are the new image's: rax 0), or -errno
 * with the caller's image as it was: -ENOENT/-ENOTDIR (path), -EACCES (not
 * a regular executable file), -EFAULT, -E2BIG, -ENOEXEC, -ENOMEM,
 * -ENAMETOOLONG; -EAGAIN when another thread's exit_group or fatal trap
 * came first (the caller then exits with its group). */
long sys_execve(u64 upath, u64 uargv, u64 uenvp)
{
	struct arg_src argv = { .user = true, .uv = uargv };
	struct arg_src envp = { .user = true, .uv = uenvp };
	char filename[PATH_MAX];
	long n = strncpy_from_user(filename, upath, sizeof(filename));

	if (n < 0)
		return n;
	if (n == (long)sizeof(filename))
		return -ENAMETOOLONG;
	if (!n)
		return -ENOENT;
	return do_execve(filename, &argv, &envp);
}
