/* bench/accel_probe.h - mode=probe: what the accelerator charges for the
 * instructions a hypervisor may trap. */
#ifndef FORKLAB_ACCEL_PROBE_H
#define FORKLAB_ACCEL_PROBE_H

/* accel_probe - print one "accel" record: the minimum TSC ticks of an empty
 * rdtsc pair, of a write to a live page-table page followed by invlpg, and
 * of a CR3 reload. The host (tools/forklablib/accel.py) reads it to decide
 * whether KVM numbers would measure the fork path or the hypervisor. */
void accel_probe(void);

#endif
