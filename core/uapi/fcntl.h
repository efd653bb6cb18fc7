/* core/uapi/fcntl.h - open and pipe2 flags, as Linux's x86-64 ABI numbers
 * them. Only #defines: the kernel and the user programs share it. */
#ifndef FORKLAB_UAPI_FCNTL_H
#define FORKLAB_UAPI_FCNTL_H

#define O_CLOEXEC	02000000

#endif
