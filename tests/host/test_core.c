/* tests/host/test_core.c - host unit tests of printf, cmdline and memmap. */
#include "suites/core_tests.h"
#include "suites/registry_conformance.h"
#include "lib/selftest.h"

int main(void)
{
	report_prefix_push("printf");
	printf_selftest();
	report_prefix_pop();
	report_prefix_push("cmdline");
	cmdline_selftest();
	report_prefix_pop();
	report_prefix_push("memmap");
	memmap_selftest();
	report_prefix_pop();
	report_prefix_push("registry");
	registry_selftest();
	report_prefix_pop();
	return report_summary() ? 1 : 0;
}
