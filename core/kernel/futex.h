/* core/kernel/futex.h - futexes (kernel/futex.c): what the rest of the
 * kernel calls; the system call itself is in kernel/syscalls.h. */
#ifndef FORKLAB_FUTEX_H
#define FORKLAB_FUTEX_H

#include "uapi/futex.h"

struct task_struct;

/* futex_init - empty every hash bucket (once, at boot). */
void futex_init(void);
/* futex_nr_waiting - tasks asleep in FUTEX_WAIT now, on every CPU. */
int futex_nr_waiting(void);
/* futex_exit_release - the exit half of CLONE_CHILD_CLEARTID and
 * set_tid_address (Linux's mm_release): with @tsk (current, exiting) still
 * holding its mm and another task sharing it, store 0 at its clear_child_tid
 * and wake one waiter there; forget its robust list (not walked). */
void futex_exit_release(struct task_struct *tsk);

#endif
