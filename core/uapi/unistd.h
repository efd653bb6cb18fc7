/* core/uapi/unistd.h - Linux x86-64 system-call numbers: the ones forklab
 * implements (kernel/syscall.c; any other returns -ENOSYS) and the ones its
 * programs call on Linux too (read, open, mkdir, mount for kallsyms; close,
 * execve, pipe2 for the spawn benchmark). Only
 * #defines: the kernel and the user programs (bench/user) both include it. */
#ifndef FORKLAB_UAPI_UNISTD_H
#define FORKLAB_UAPI_UNISTD_H

#define __NR_read		0
#define __NR_write		1
#define __NR_open		2
#define __NR_close		3
#define __NR_stat		4
#define __NR_fstat		5
#define __NR_lstat		6
#define __NR_lseek		8
#define __NR_mmap		9
#define __NR_mprotect		10
#define __NR_munmap		11
#define __NR_brk		12
#define __NR_rt_sigaction	13
#define __NR_rt_sigprocmask	14
#define __NR_ioctl		16
#define __NR_readv		19
#define __NR_writev		20
#define __NR_pipe		22
#define __NR_sched_yield	24
#define __NR_madvise		28
#define __NR_dup		32
#define __NR_dup2		33
#define __NR_getpid		39
#define __NR_clone		56
#define __NR_fork		57
#define __NR_vfork		58
#define __NR_execve		59
#define __NR_exit		60
#define __NR_wait4		61
#define __NR_fcntl		72
#define __NR_mkdir		83
#define __NR_getrlimit		97
#define __NR_getppid		110
#define __NR_arch_prctl		158
#define __NR_setrlimit		160
#define __NR_mount		165
#define __NR_gettid		186
#define __NR_futex		202
#define __NR_sched_setaffinity	203
#define __NR_sched_getaffinity	204
#define __NR_set_tid_address	218
#define __NR_exit_group		231
#define __NR_openat		257
#define __NR_newfstatat		262
#define __NR_set_robust_list	273
#define __NR_get_robust_list	274
#define __NR_dup3		292
#define __NR_pipe2		293
#define __NR_prlimit64		302
#define __NR_getcpu		309
#define __NR_close_range	436

#endif

