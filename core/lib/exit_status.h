/* core/lib/exit_status.h - how a forklab guest tells the host how it ended.
 *
 * The guest writes a status to QEMU's isa-debug-exit device (I/O port 0xf4,
 * 32-bit wide); QEMU then exits with host status (value << 1) | 1, so every
 * status the guest chooses is odd on the host side. Values start at 1 so that
 * host status 1 stays QEMU's own "could not start" error. Host status 0 means
 * QEMU exited on its own: with -no-reboot that is a triple fault (or a reset).
 *
 * This header is the single source of truth: tools/forklab parses the
 * FL_EXIT_* lines below (name, value, and the words in the comment) to decode
 * a run's status, so keep each on one line in this exact shape.
 */
#ifndef FORKLAB_EXIT_STATUS_H
#define FORKLAB_EXIT_STATUS_H

#define FL_DEBUG_EXIT_PORT	0xf4

#define FL_EXIT_PASS		1	/* passed: every check passed / the run completed */
#define FL_EXIT_FAIL		2	/* failed: a self-test check failed, or a run leaked pages or objects */
#define FL_EXIT_PANIC		3	/* kernel panic: a kernel invariant was broken */
#define FL_EXIT_BADCMD		4	/* bad command line: a key or value was rejected */
#define FL_EXIT_EXCEPTION	5	/* unexpected CPU exception in the kernel */
#define FL_EXIT_NOMEM		6	/* out of memory during boot */
#define FL_EXIT_BADBOOT		7	/* unsupported boot: no long mode or an unknown bootloader */
#define FL_EXIT_BADPROG		8	/* the user program could not be loaded (not a static x86-64 ELF) */
#define FL_EXIT_PROGRAM_BASE	16	/* user program exited: status = base + (exit code & 63) */
#define FL_EXIT_PROGRAM_KILLED	80	/* user program killed by a fault */

#endif
