/* bench/user/stress.h - forklab-user stress, fork-once, files-once and forkbomb. */
#ifndef FORKLAB_USER_STRESS_H
#define FORKLAB_USER_STRESS_H

#include "types.h"

/* stress - @n fork/exit/wait cycles; 0 iff all worked ("stress: N cycles ok"). */
int stress(u64 n);

/* fork_once - one fork: -errno if it failed, 107 if the child ran and
 * was reaped with its status, 99 if not. */
int fork_once(void);

/* files_once - for the fault-injection tests: open @self (the program's
 * path), pipe2, and a CLONE_VFORK|CLONE_FILES child that execs @self
 * "exit107": the errno of what failed, else 107. */
int files_once(const char *self);

/* fork_bomb - fork unreaped children (at most @max) until fork fails,
 * after lowering RLIMIT_NPROC to @nproc if non-zero; reap them and fork
 * once more. 0 iff fork failed with EAGAIN or ENOMEM and all recovered,
 * 2 if the limit could not be set. */
int fork_bomb(u64 max, u64 nproc);

#endif
