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
