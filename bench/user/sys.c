/* bench/user/sys.c - the system-call helpers that are functions, not inline. */
#include "sys.h"

/* sys_exit - exit(@code): this thread only; never returns. */
__attribute__((noreturn)) void sys_exit(int code)
{
	sys1(__NR_exit, code);
	__builtin_unreachable();
}

/* map_stack - mmap STACK_SIZE bytes of anonymous memory; NULL on failure. */
void *map_stack(void)
{
	long p = sys6(__NR_mmap, 0, STACK_SIZE, PROT_RW, MAP_PRIVATE_ANON, -1, 0);

	return p < 0 ? 0 : (void *)p;
}
