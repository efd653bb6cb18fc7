/* core/kernel/smp.h - running a function on other CPUs (kernel/smp.c). */
#ifndef FORKLAB_KERNEL_SMP_H
#define FORKLAB_KERNEL_SMP_H

#include "lib/types.h"

/* smp_call_function_many - run fn(@arg) on every CPU of @mask but this
 * one, each in its interrupt (or spin) context, and wait until all have. */
void smp_call_function_many(u64 mask, void (*fn)(void *arg), void *arg);
/* smp_call_function_others - the same on every other online CPU. */
void smp_call_function_others(void (*fn)(void *arg), void *arg);
/* smp_call_poll - run a request aimed at this CPU, if one waits: the IPI
 * handler, and every spin wait with interrupts off, call it. */
void smp_call_poll(void);
extern u64 nr_smp_calls;

#endif
