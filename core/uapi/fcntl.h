/* core/uapi/fcntl.h - open flags, fcntl commands, file types and lseek
 * whences, as Linux's x86-64 ABI numbers them. Only #defines: the kernel
 * and the user programs share it. */
#ifndef FORKLAB_UAPI_FCNTL_H
#define FORKLAB_UAPI_FCNTL_H

#define O_RDONLY	00
#define O_WRONLY	01
#define O_RDWR		02
#define O_ACCMODE	03
#define O_CREAT		0100
#define O_EXCL		0200
#define O_NOCTTY	0400
#define O_TRUNC		01000
#define O_APPEND	02000
#define O_NONBLOCK	04000
#define O_DIRECTORY	0200000
#define O_NOFOLLOW	0400000
#define O_CLOEXEC	02000000
#define O_PATH		010000000
#define O_TMPFILE	020200000

#define AT_FDCWD		-100
#define AT_SYMLINK_NOFOLLOW	0x100
#define AT_EMPTY_PATH		0x1000

#define F_DUPFD		0
#define F_GETFD		1
#define F_SETFD		2
#define F_GETFL		3
#define F_SETFL		4
#define F_DUPFD_CLOEXEC	1030
#define FD_CLOEXEC	1

#define CLOSE_RANGE_UNSHARE	(1U << 1)
#define CLOSE_RANGE_CLOEXEC	(1U << 2)

#define S_IFMT		0170000
#define S_IFIFO		0010000
#define S_IFCHR		0020000
#define S_IFDIR		0040000
#define S_IFREG		0100000

#define SEEK_SET	0
#define SEEK_CUR	1
#define SEEK_END	2

#define PIPE_BUF	4096

#endif
