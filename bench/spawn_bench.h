/* bench/spawn_bench.h - bench=spawn (spawn_bench.c). */
#ifndef FORKLAB_SPAWN_BENCH_H
#define FORKLAB_SPAWN_BENCH_H

/* bench_spawn - bench=spawn: for the first selected allocator and pid
 * strategy and every selected pt, the user program's spawnall (fork,
 * vfork, clone(CLONE_VM|CLONE_VFORK) and posix_spawn, each + execve, at
 * 1, 4 .. rss_max pages), iters= each; its lines printed through. */
void bench_spawn(void);
/* bench_spawn_plan - how many config lines bench_spawn prints. */
int bench_spawn_plan(void);
/* bench_spawn_list - a "spawn_op,name,desc" line per method (mode=list). */
void bench_spawn_list(void);

#endif
