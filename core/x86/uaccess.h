/* core/x86/uaccess.h - user memory access from the kernel (x86/uaccess.c).
 * The fault handler resolves demand-zero and COW faults on user addresses
 * first; what it cannot resolve lands on an exception-table fixup. */
#ifndef FORKLAB_UACCESS_H
#define FORKLAB_UACCESS_H

#include "lib/types.h"

/* copy_to_user/copy_from_user - @n bytes; 0, or -EFAULT when any part of
 * the user range is outside user space or cannot be mapped. */
long copy_to_user(u64 dst, const void *src, size_t n);
long copy_from_user(void *dst, u64 src, size_t n);
/* strncpy_from_user - the NUL-terminated string at @src into @dst (at
 * most @n bytes, the NUL included); its length, @n if no NUL came within
 * @n bytes, or -EFAULT. */
long strncpy_from_user(char *dst, u64 src, size_t n);
static inline long put_user_u32(u32 v, u64 uaddr) { return copy_to_user(uaddr, &v, sizeof(v)); }
static inline long put_user_u64(u64 v, u64 uaddr) { return copy_to_user(uaddr, &v, sizeof(v)); }

#endif
