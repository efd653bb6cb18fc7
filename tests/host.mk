# tests/host.mk - host unit tests of the allocators and the bench statistics
# (included by the top Makefile; `make host-tests` builds them).
BUILD      ?= build
HOSTCC     ?= gcc
HOSTCFLAGS ?= -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -Wall -Wextra -Werror -Icore

KMEM_SRCS := core/pmm.c $(filter-out core/kmem_selftest.c,$(wildcard core/kmem*.c))
$(BUILD)/host/test_kmem: tests/test_kmem.c tests/kmem_conformance.c tests/host_shim.c \
		$(KMEM_SRCS) core/report.c core/printf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Itests -o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/test_kmem

$(BUILD)/host/test_stats: tests/test_stats.c bench/stats.c tests/host_shim.c \
		core/report.c core/printf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ibench -o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/test_stats


# bench/pmu.c against modelled CPUs (tests/fakecpu/io.h stands in for core/io.h)
$(BUILD)/host/test_pmu: tests/test_pmu.c bench/pmu.c bench/pmu.h tests/fakecpu/io.h \
		tests/host_shim.c core/report.c core/printf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS:-Icore=-Itests/fakecpu -Icore) -Ibench -o $@ \
		tests/test_pmu.c tests/host_shim.c core/report.c core/printf.c
HOST_TEST_BINS += $(BUILD)/host/test_pmu
