/* tests/guest/exec_selftest.c - guest self-tests of files and exec: ramfs
 * path look-up, cpio unpacking (good and broken archives), and fault
 * injection at every allocation site execve, open and pipe2 reach, under
 * every allocator: the call fails with -ENOMEM, the caller goes on, and
 * every object and page comes back. */
#include "fs/fs.h"
#include "init/params.h"
#include "kernel/failslab.h"
#include "kernel/task.h"
#include "lib/printk.h"
#include "lib/selftest.h"
#include "lib/string.h"
#include "mm/kmem.h"
#include "mm/mm.h"
#include "mm/pmm.h"
#include "pid/pid.h"
#include "guest/fork_selftest.h"

#define FAIL_NTH_MAX	24	/* deepest allocation count walked per site */

/* contains - whether @s holds @word */
static bool contains(const char *s, const char *word)
{
	for (size_t n = strlen(word); *s; s++)
		if (!strncmp(s, word, n))
			return true;
	return false;
}

static void lookup_is(const char *path, int want_err, const char *what)
{
	int err = 0;
	struct inode *in = ramfs_lookup(path, &err);

	if (!want_err)
		report(in && !strcmp(in->path, EMBEDDED_PATH), "look-up of \"%s\": %s", path, what);
	else
		report(!in && err == want_err, "look-up of \"%s\": %s (%d)", path, what, err);
}

static void test_ramfs(void)
{
	lookup_is(EMBEDDED_PATH, 0, "the embedded program");
	lookup_is("forklab-user", 0, "relative paths start at /");
	lookup_is("//./forklab-user", 0, "repeated slashes and . are skipped");
	lookup_is("/no/../forklab-user", 0, ".. goes up");
	lookup_is("/forklab-user/", -ENOTDIR, "a file with a slash: ENOTDIR");
	lookup_is("/forklab-user/x", -ENOTDIR, "a path through a file: ENOTDIR");
	lookup_is("/no-such-file", -ENOENT, "a missing file: ENOENT");
	lookup_is("", -ENOENT, "the empty path: ENOENT");
}
DEFINE_SELFTEST(ramfs, test_ramfs);

/* put_entry - one newc entry (@name, @mode, @data) at @a + @off; the new end. */
static u64 put_entry(u8 *a, u64 off, const char *name, u32 mode, const char *data)
{
	u64 namesize = strlen(name) + 1, size = strlen(data);
	char hdr[112];

	fl_snprintf(hdr, sizeof(hdr), "070701%08x%08x%08x%08x%08x%08x%08lx%08x%08x%08x%08x%08lx%08x",
		    1, mode, 0, 0, 1, 0, size, 0, 0, 0, 0, namesize, 0);
	memcpy(a + off, hdr, 110);
	memcpy(a + off + 110, name, namesize);
	off = ALIGN_UP(off + 110 + namesize, 4);
	memcpy(a + off, data, size);
	return ALIGN_UP(off + size, 4);
}

static void test_cpio(void)
{
	static u8 a[1024];
	char err[120] = "";
	u64 end, cut;
	int e = 0, r;
	struct inode *in;

	memset(a, 0, sizeof(a));
	end = put_entry(a, 0, "selftest", S_IFDIR | 0755, "");
	end = put_entry(a, end, "selftest/sub/hello", S_IFREG | 0644, "hi there");
	cut = end - 4;			/* inside the file's data */
	end = put_entry(a, end, "TRAILER!!!", 0, "");
	r = cpio_unpack(a, end, err, sizeof(err));
	in = ramfs_lookup("/selftest/sub/hello", &e);
	report(!r && in && in->size == 8 && !memcmp(in->data, "hi there", 8),
	       "a newc archive unpacks into its paths (%d: %s)", r, err);
	in = ramfs_lookup("/selftest/sub", &e);
	report(in && (in->mode & S_IFMT) == S_IFDIR, "a file's folders are made for it");
	r = cpio_unpack(a, cut, err, sizeof(err));
	report(r == -EINVAL && contains(err, "runs past"), "a cut archive: -EINVAL, \"%s\"", err);
	a[10] = 'z';
	r = cpio_unpack(a, end, err, sizeof(err));
	report(r == -EINVAL && contains(err, "not hexadecimal"), "a bad header: -EINVAL, \"%s\"", err);
}
DEFINE_SELFTEST(cpio, test_cpio);

/* the sites files-once reaches: exec's mm, page tables and pages, the fd
 * table it unshares, the file of open and pipe2's two, the pipe's ring */
static const enum fail_site exec_sites[] = {
	FAIL_MM, FAIL_PGTABLE, FAIL_EXEC, FAIL_FILES, FAIL_FILE, FAIL_PIPE,
};

/* test_exec_fault_injection - files-once under every allocator and
 * page-table strategy: once as it is (it works), then, under the default
 * pt=, with each of its allocations failed in turn. */
static void test_exec_fault_injection(void)
{
	const char *argv[] = { EMBEDDED_PATH, "files-once", NULL };
	const struct kmem_ops *a0 = kmem_current();
	const struct pt_ops *t0 = pt_ops_current;
	const struct pid_ops *p0 = pid_current();

	strategies_teardown();
	for (int a = 0; a < kmem_family.nr; a++) {
		for (int t = 0; t < pt_family.nr; t++) {
			const char *an = kmem_strategy(a)->name, *tn = pt_strategy(t)->name;
			int injected = 0, bad = 0, leaks = 0, status;
			u64 free0 = nr_free_pages();

			if (strategies_setup(kmem_strategy(a), pt_strategy(t), p0, kparams.tasksize,
					     kparams.pid_max)) {
				report(false, "alloc=%s pt=%s: set up", an, tn);
				continue;
			}
			status = run_embedded(argv);
			/* exec allocates the same under every pt=: inject under one */
			for (size_t s = 0; pt_strategy(t) == t0 && s < ARRAY_SIZE(exec_sites); s++)
				for (u64 nth = 1; nth <= FAIL_NTH_MAX &&
				     inject_one("files-once", exec_sites[s], nth, false, &bad, &leaks); nth++)
					injected++;
			strategies_teardown();
			report(status == 107 << 8 && (injected > 0 || pt_strategy(t) != t0) && !bad &&
			       !leaks &&
			       nr_free_pages() == free0,
			       "alloc=%s pt=%s: open, pipe2 and a vfork child's execve (status 0x%x), "
			       "then %d injected failures: %d wrong results, %d object leaks, %ld pages "
			       "missing after teardown", an, tn, status, injected, bad, leaks,
			       (long)(free0 - nr_free_pages()));
		}
	}
	if (strategies_setup(a0, t0, p0, kparams.tasksize, kparams.pid_max))
		report(false, "the original strategy set comes back");
}
DEFINE_SELFTEST(exec_fault_injection, test_exec_fault_injection);
