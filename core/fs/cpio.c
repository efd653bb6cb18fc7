/* core/fs/cpio.c - unpacking a cpio newc archive (what Linux's initramfs
 * takes, and tools/forklablib/initramfs.py writes) into the ramfs: its
 * folders and regular files; device nodes and symlinks are skipped. Every
 * field is checked against the archive's size before use. */
#include "fs/fs.h"
#include "lib/printk.h"
#include "lib/string.h"

#define CPIO_HDR	110		/* "070701" and 13 fields of 8 hex digits */
#define CPIO_FIELDS	13
enum { F_INO, F_MODE, F_UID, F_GID, F_NLINK, F_MTIME, F_FILESIZE, F_DEVMAJ, F_DEVMIN,
       F_RDEVMAJ, F_RDEVMIN, F_NAMESIZE, F_CHECK };

bool cpio_is_archive(const u8 *a, u64 size)
{
	return size >= CPIO_HDR && (!memcmp(a, "070701", 6) || !memcmp(a, "070702", 6));
}

/* hex8 - the 8 hex digits at @s into *@v; false if one is not a digit. */
static bool hex8(const u8 *s, u64 *v)
{
	*v = 0;
	for (int i = 0; i < 8; i++) {
		u8 c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			return false;
		*v = *v << 4 | (u64)d;
	}
	return true;
}

int cpio_unpack(const u8 *a, u64 size, char *err, size_t errlen)
{
	u64 off = 0;

	for (;;) {
		u64 f[CPIO_FIELDS], name_off, data_off, next;
		const char *name;
		u32 type;
		int r;

		if (size - off < CPIO_HDR || !cpio_is_archive(a + off, size - off)) {
			fl_snprintf(err, errlen, "bad cpio archive: no newc header at byte %lu "
				    "(and no TRAILER!!! before it)", off);
			return -EINVAL;
		}
		for (int i = 0; i < CPIO_FIELDS; i++) {
			if (!hex8(a + off + 6 + 8 * i, &f[i])) {
				fl_snprintf(err, errlen, "bad cpio archive: field %d of the header "
					    "at byte %lu is not hexadecimal", i, off);
				return -EINVAL;
			}
		}
		name_off = off + CPIO_HDR;
		if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > size - name_off ||
		    a[name_off + f[F_NAMESIZE] - 1] != '\0') {
			fl_snprintf(err, errlen, "bad cpio archive: the name at byte %lu runs past "
				    "the archive or is not terminated", name_off);
			return -EINVAL;
		}
		name = (const char *)a + name_off;
		data_off = ALIGN_UP(name_off + f[F_NAMESIZE], 4);
		if (data_off > size || f[F_FILESIZE] > size - data_off) {
			fl_snprintf(err, errlen, "bad cpio archive: the data of '%s' runs past the "
				    "archive", name);
			return -EINVAL;
		}
		if (!strcmp(name, "TRAILER!!!"))
			return 0;
		type = (u32)f[F_MODE] & S_IFMT;
		r = 0;
		/* the name is what precedes its first NUL (as Linux reads it) */
		if (type == S_IFDIR)
			r = ramfs_add(name, strlen(name), (u32)f[F_MODE], NULL, 0);
		else if (type == S_IFREG)
			r = ramfs_add(name, strlen(name), (u32)f[F_MODE], a + data_off, f[F_FILESIZE]);
		if (r && !(r == -EINVAL && type == S_IFDIR)) {
			fl_snprintf(err, errlen, "cannot add '%s' from the cpio archive (error %d)",
				    name, r);
			return r;
		}
		next = ALIGN_UP(data_off + f[F_FILESIZE], 4);
		if (next >= size)
			return 0;	/* no trailer: what was there is in */
		off = next;
	}
}
