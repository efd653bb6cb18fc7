/* core/lib/qemu_exit.h - leaving QEMU with a status the host decodes (exit_status.h). */
#ifndef FORKLAB_QEMU_EXIT_H
#define FORKLAB_QEMU_EXIT_H

#include "lib/types.h"
#include "lib/exit_status.h"

__noreturn void qemu_exit(u32 status);

#endif
