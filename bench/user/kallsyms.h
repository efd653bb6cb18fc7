/* bench/user/kallsyms.h - forklab-user kallsyms (Linux only). */
#ifndef FORKLAB_USER_KALLSYMS_H
#define FORKLAB_USER_KALLSYMS_H

/* kallsyms - mount /proc and print its text symbols between "kallsyms,begin"
 * and "kallsyms,end"; 0, or 1 if /proc/kallsyms cannot be opened. */
int kallsyms(void);

#endif
