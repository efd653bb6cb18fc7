# tests/host/host.mk - the host unit tests: the kernel's pure-logic modules
# built with ASan/UBSan against the suites in tests/suites (the same ones
# the guest runs). Included by the top Makefile; `make host-tests` builds
# them and check.sh runs each binary. Sources come by folder, so a new
# allocator or pid strategy file joins every test that needs it.
HOST_LIB  := core/lib/printf.c core/lib/report.c core/lib/registry.c core/lib/spinlock.c \
	     tests/host/host_shim.c \
	     tests/suites/registry_conformance.c
HOST_KMEM := core/mm/pmm.c $(wildcard core/mm/kmem*.c)
HOST_PID  := $(wildcard core/pid/*.c)
HOST_DEPS := $(BUILD)/include/version.h

# host_test - the rule for one test binary: $(1) its name, $(2) its sources
# (the test's own main comes from tests/host/$(1).c), $(3) extra flags.
define host_test
$(BUILD)/host/$(1): tests/host/$(1).c $(2) $(HOST_LIB) $(HOST_DEPS)
	@mkdir -p $$(dir $$@)
	$$(HOSTCC) $(3) $$(HOSTCFLAGS) -o $$@ $$(filter %.c,$$^)
HOST_TEST_BINS += $(BUILD)/host/$(1)
endef

$(eval $(call host_test,test_core,tests/suites/core_tests.c core/lib/cmdline.c core/init/memmap.c))
$(eval $(call host_test,test_kmem,tests/suites/kmem_conformance.c tests/suites/pmm_conformance.c \
	$(HOST_KMEM)))
$(eval $(call host_test,test_pid,tests/suites/pid_conformance.c $(HOST_PID) $(HOST_KMEM)))
$(eval $(call host_test,test_stats,bench/stats.c,-Ibench))
# bench/pmu.c against modelled CPUs: tests/host/fakecpu/x86/io.h stands in
# for core/x86/io.h (its directory comes first on the include path)
$(eval $(call host_test,test_pmu,,-Itests/host/fakecpu -Ibench))
