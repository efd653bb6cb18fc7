# tests/pid.mk - the host unit test of the pid strategies (included by the
# top Makefile; `make host-tests` builds it). Every pid strategy against the
# conformance suite, with struct pid from every object allocator.
BUILD      ?= build
HOSTCC     ?= gcc

# The same rule used to live in tests/host.mk; define it only once.
ifeq ($(filter $(BUILD)/host/test_pid,$(HOST_TEST_BINS)),)
PID_SRCS      := core/pid.c $(wildcard core/pid_*.c)
PID_SRCS      := $(filter-out core/pid_selftest.c core/pid_task.c,$(PID_SRCS))
PID_KMEM_SRCS := core/pmm.c $(filter-out core/kmem_selftest.c,$(wildcard core/kmem*.c))
$(BUILD)/host/test_pid: tests/test_pid.c tests/pid_conformance.c tests/host_shim.c \
		$(PID_SRCS) $(PID_KMEM_SRCS) core/report.c core/printf.c \
		core/pid.h tests/pid_conformance.h core/kmem.h core/pmm.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Itests -o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/test_pid
endif
