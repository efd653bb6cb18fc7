/* tests/suites/registry_conformance.h - checks of a strategy family and of
 * the registry mechanism itself (host and guest). */
#ifndef FORKLAB_REGISTRY_CONFORMANCE_H
#define FORKLAB_REGISTRY_CONFORMANCE_H

#include "lib/registry.h"

/* registry_conformance - family @f, whose members in order are @names
 * ("a, b, c"): each found by name and at its index, the list as expected
 * and cut safely, the default a member, strategy_pick right for every
 * selection of one member, of all and of none. Under @f's key as prefix. */
void registry_conformance(const struct strategy_family *f, const char *names);
/* registry_selftest - the mechanism on a made-up family of three. */
void registry_selftest(void);

#endif
