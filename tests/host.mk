# tests/host.mk - host unit tests of the allocators (included by the Makefile).
KMEM_SRCS := core/pmm.c $(wildcard core/kmem*.c)
KMEM_SRCS := $(filter-out core/kmem_selftest.c,$(KMEM_SRCS))
$(BUILD)/host/test_kmem: tests/test_kmem.c tests/kmem_conformance.c tests/host_shim.c \
		$(KMEM_SRCS) core/report.c core/printf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Itests -o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/test_kmem

PID_SRCS := core/pid.c core/pid_hash.c core/pid_idr.c core/pid_array.c
$(BUILD)/host/test_pid: tests/test_pid.c tests/pid_conformance.c tests/host_shim.c \
		$(PID_SRCS) $(KMEM_SRCS) core/report.c core/printf.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Itests -o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/test_pid
