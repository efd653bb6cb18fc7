/* bench/user/sys.h - the Linux system-call interface the user program uses:
 * the raw wrappers (numbers and flags: core/uapi, shared with the kernel). The wrappers are static
 * inline because benchmark windows hold calls (sys0, wait_child): a
 * function call there would be counted. */
#ifndef FORKLAB_USER_SYS_H
#define FORKLAB_USER_SYS_H

#include "uapi/fcntl.h"
#include "uapi/resource.h"
#include "uapi/sched.h"
#include "uapi/signal.h"
#include "uapi/unistd.h"


/* what pthread_create passes */
#define THREAD_FLAGS		(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | \
				 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | \
				 CLONE_CHILD_CLEARTID)
#define PROT_RW			3
#define MAP_PRIVATE_ANON	0x22
#define PAGE			4096
#define STACK_SIZE		65536	/* bytes of a map_stack() stack */
#define YIELD_LIMIT		100000	/* sched_yield calls before a wait gives up */

/* sys6 - system call @n with six arguments; returns rax (-errno on failure). */
static inline long sys6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall" : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/* sys0 - a call without arguments (fork, vfork, getpid): only rax is set,
 * as a libc wrapper does, so the timed window holds no argument set-up */
static inline long sys0(long n)
{
	long ret;

	__asm__ volatile("syscall" : "=a"(ret) : "a"(n) : "rcx", "r11", "memory");
	return ret;
}
#define sys1(n, a)		sys6(n, a, 0, 0, 0, 0, 0)
#define sys3(n, a, b, c)	sys6(n, a, b, c, 0, 0, 0)

/* wait_child - wait4(@pid): the child's status, or -1000 + the error
 * (-1010: no child, ECHILD). */
static inline int wait_child(long pid)
{
	int status = -1;
	long r = sys6(__NR_wait4, pid, (long)&status, 0, 0, 0, 0);

	return r == pid ? status : -1000 + (int)r;
}

/* clone_thread - raw clone(@flags, @stack, @ptid, @ctid, @tls) (start.S):
 * the child runs @fn(@arg) on @stack, then exit(60) with its result.
 * Returns the child's tid to the parent, or -errno. */
long clone_thread(long flags, void *stack, int *ptid, int *ctid, void *tls,
		  int (*fn)(void *), void *arg);

/* sys_exit - exit this thread with @code (out of line: the fork children
 * call it inside the benchmark windows, as they always have). */
__attribute__((noreturn)) void sys_exit(int code);

/* map_stack - STACK_SIZE bytes of anonymous memory for clone_thread, or NULL. */
void *map_stack(void);

#endif
