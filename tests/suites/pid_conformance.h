/* tests/suites/pid_conformance.h - the suite every pid strategy passes (host and guest). */
#ifndef FORKLAB_PID_CONFORMANCE_H
#define FORKLAB_PID_CONFORMANCE_H

#include "pid/pid.h"

void pid_conformance(const struct pid_ops *ops);

#endif
