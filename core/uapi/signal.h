/* core/uapi/signal.h - signal numbers and wait4 options, as Linux's ABI
 * numbers them. Only #defines: the kernel and the user programs share it. */
#ifndef FORKLAB_UAPI_SIGNAL_H
#define FORKLAB_UAPI_SIGNAL_H

#define SIGILL		4
#define SIGTRAP		5
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGSEGV		11
#define SIGPIPE		13
#define SIGCHLD		17
#define SIGSTOP		19

#define WNOHANG		1

#define SIG_DFL		0
#define SIG_IGN		1
/* rt_sigprocmask's how */
#define SIG_BLOCK	0
#define SIG_SETMASK	2

#endif
