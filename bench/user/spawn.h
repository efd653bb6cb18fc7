/* bench/user/spawn.h - the spawn benchmark (forklab-user spawn and
 * spawnall): fork, vfork, clone(CLONE_VM|CLONE_VFORK) and posix_spawn,
 * each followed by execve, across the parent's resident size. */
#ifndef FORKLAB_USER_SPAWN_H
#define FORKLAB_USER_SPAWN_H

#include "types.h"

/* spawn_main - the modes "spawn OP N [RSS]" (one method @n times with @rss
 * dirty pages resident: two "spawn" lines, or one "spawn_unavailable" line
 * when the kernel lacks a call it needs, -ENOSYS) and "spawnall N RSSMAX
 * [ALLOC PT PID]" (every method at 1, 4, 16 .. RSSMAX pages, the pages
 * made resident once per size, each after a config line naming ALLOC, PT
 * and PID, default linux); @argc >= 4. Each method execs @argv[0] with
 * the argument "true" and the environment @envp. 0 iff every
 * configuration ran or was unavailable, 2 otherwise (a line says why);
 * -1 when @argv[1] is neither mode. */
int spawn_main(int argc, char **argv, char **envp);

#endif
