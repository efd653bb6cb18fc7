/* core/x86/uaccess.c - copying to and from user space with fault fixups. */
#include "mm/mm.h"
#include "x86/uaccess.h"
#include "x86/smap.h"
#include "x86/traps.h"

static bool user_range_ok(u64 addr, size_t n)
{
	return addr + n >= addr && addr + n <= USER_SPACE_END;
}

/* __copy_user - rep movsb that stops at a fault it cannot resolve, with
 * user accesses allowed around it (stac/clac: SMAP); returns the number of
 * bytes NOT copied. */
static size_t __copy_user(void *dst, const void *src, size_t n)
{
	asm volatile(ASM_STAC
		     "1:	rep movsb\n"
		     "2:\n"
		     ASM_CLAC
		     _ASM_EXTABLE(1b, 2b)
		     : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
	return n;
}

long copy_to_user(u64 dst, const void *src, size_t n)
{
	if (!user_range_ok(dst, n))
		return -EFAULT;
	return __copy_user((void *)dst, src, n) ? -EFAULT : 0;
}

long copy_from_user(void *dst, u64 src, size_t n)
{
	if (!user_range_ok(src, n))
		return -EFAULT;
	return __copy_user(dst, (const void *)src, n) ? -EFAULT : 0;
}

long strncpy_from_user(char *dst, u64 src, size_t n)
{
	size_t done = 0;

	while (done < n) {
		/* never past the page the string is in: the next may be unmapped */
		size_t chunk = MIN(n - done, PAGE_SIZE - ((src + done) & (PAGE_SIZE - 1)));

		if (copy_from_user(dst + done, src + done, chunk))
			return -EFAULT;
		for (size_t i = 0; i < chunk; i++)
			if (!dst[done + i])
				return (long)(done + i);
		done += chunk;
	}
	return (long)n;
}
