/* tests/suites/core_tests.h - checks of the core pure-logic modules, run both by
 * the host unit tests and by the guest (mode=test). */
#ifndef FORKLAB_CORE_TESTS_H
#define FORKLAB_CORE_TESTS_H

void printf_selftest(void);
void cmdline_selftest(void);
void memmap_selftest(void);

#endif
