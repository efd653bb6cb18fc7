/* bench/user/spawn.h - the spawn benchmark (forklab-user
 * spawnall): fork, vfork, clone(CLONE_VM|CLONE_VFORK) and posix_spawn,
 * each followed by execve, across the parent's resident size. */
#ifndef FORKLAB_USER_SPAWN_H
#define FORKLAB_USER_SPAWN_H

#include "types.h"

/* spawn_main - the mode "spawnall N RSSMAX [ALLOC PT PID]" (@argc >= 4):
 * every method of spawn_ops.h at 1, 4, 16 .. RSSMAX dirty pages resident,
 * N times each, each after a config line naming ALLOC, PT and PID
 * (default linux): two "spawn" lines per method and size, or a
 * "spawn_unavailable" line when the kernel lacks a call it needs
 * (-ENOSYS). Each method execs @argv[0] with the argument "true" and the
 * environment @envp. 0 iff every configuration ran or was unavailable,
 * 2 otherwise (a line says why). */
int spawn_main(int argc, char **argv, char **envp);

#endif
