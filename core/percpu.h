/* core/percpu.h - per-CPU data. forklab runs on one CPU today, but per-CPU
 * state lives in real per-CPU slots indexed by smp_processor_id() so an SMP
 * port changes only this header. */
#ifndef FORKLAB_PERCPU_H
#define FORKLAB_PERCPU_H

#define NR_CPUS 8

static inline unsigned int smp_processor_id(void) { return 0; }

#endif
