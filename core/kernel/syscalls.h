/* core/kernel/syscalls.h - the system-call handlers the table in
 * kernel/syscall.c dispatches to, each defined with its subsystem
 * (Linux's include/linux/syscalls.h). Arguments arrive as the registers
 * held them; a handler returns the value or -errno. */
#ifndef FORKLAB_SYSCALLS_H
#define FORKLAB_SYSCALLS_H

#include "lib/types.h"

/* kernel/syscall.c: process life */
long sys_fork(void);
long sys_vfork(void);
long sys_clone(u64 flags, u64 newsp, u64 parent_tid, u64 child_tid, u64 tls);
long sys_exit(u64 code);
long sys_exit_group(u64 code);
long sys_wait4(u64 pid, u64 status, u64 options);
/* kernel/sys.c: the calling task */
long sys_getpid(void);
long sys_gettid(void);
long sys_getppid(void);
long sys_sched_yield(void);
long sys_arch_prctl(u64 code, u64 addr);
long sys_set_tid_address(u64 tidptr);
long sys_getrlimit(u64 resource, u64 uold);
long sys_setrlimit(u64 resource, u64 unew);
long sys_prlimit64(u64 pid, u64 resource, u64 unew, u64 uold);
long sys_sched_setaffinity(u64 pid, u64 len, u64 umask);
long sys_sched_getaffinity(u64 pid, u64 len, u64 umask);
long sys_getcpu(u64 ucpu, u64 unode, u64 unused);
long sys_set_robust_list(u64 head, u64 len);
long sys_get_robust_list(u64 pid, u64 uhead, u64 ulen);
/* kernel/futex.c */
long sys_futex(u64 uaddr, u64 op, u64 val, u64 utime, u64 uaddr2, u64 val3);
/* kernel/signal.c: accepted and ignored */
long sys_rt_sigaction(u64 sig, u64 act, u64 oact, u64 size);
long sys_rt_sigprocmask(u64 how, u64 set, u64 oset, u64 size);
/* kernel/tty.c: the console */
long sys_ioctl(void);
/* kernel/exec.c */
long sys_execve(u64 upath, u64 uargv, u64 uenvp);
/* fs/read_write.c, fs/open.c, fs/fdtable.c, fs/pipe.c: files */
long sys_read(u64 fd, u64 buf, u64 count);
long sys_write(u64 fd, u64 buf, u64 count);
long sys_readv(u64 fd, u64 iov, u64 iovcnt);
long sys_writev(u64 fd, u64 iov, u64 iovcnt);
long sys_lseek(u64 fd, u64 offset, u64 whence);
long sys_open(u64 upath, u64 flags, u64 mode);
long sys_openat(u64 dfd, u64 upath, u64 flags, u64 mode);
long sys_stat(u64 upath, u64 ustat);
long sys_fstat(u64 fd, u64 ustat);
long sys_newfstatat(u64 dfd, u64 upath, u64 ustat, u64 flags);
long sys_close(u64 fd);
long sys_dup(u64 oldfd);
long sys_dup2(u64 oldfd, u64 newfd);
long sys_dup3(u64 oldfd, u64 newfd, u64 flags);
long sys_fcntl(u64 fd, u64 cmd, u64 arg);
long sys_close_range(u64 first, u64 last, u64 flags);
long sys_pipe(u64 ufds);
long sys_pipe2(u64 ufds, u64 flags);
/* mm/mmap.c: the address space */
long sys_brk(u64 brk);
long sys_mmap(u64 addr, u64 len, u64 prot, u64 flags, u64 fd, u64 off);
long sys_munmap(u64 addr, u64 len);
long sys_madvise(u64 start, u64 len, u64 advice);
/* mm/mprotect.c */
long sys_mprotect(u64 start, u64 len, u64 prot);

#endif
