# tools/vpmu/vpmu.mk - the virtual PMU: a QEMU TCG plugin (build/vpmu/vpmu.so,
# built against the API 1 declarations of tools/vpmu/qemu_plugin_api.h) and
# vpmu-info, which prints its counter and argument tables for the host tools.
VPMU_CFLAGS := -std=gnu11 -O2 -flto -g -Wall -Wextra -Werror -fPIC -fvisibility=hidden -Ibench
VPMU_SRCS := $(addprefix tools/vpmu/,vpmu.c retire.c windows.c model.c params.c x86_insn.c)
VPMU_HDRS := $(wildcard tools/vpmu/*.h) bench/vpmu_marker.h

$(BUILD)/vpmu/vpmu.so: $(VPMU_SRCS) $(VPMU_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(VPMU_CFLAGS) -shared -o $@ $(VPMU_SRCS)

$(BUILD)/vpmu/vpmu-info: tools/vpmu/vpmu_info.c tools/vpmu/params.c $(VPMU_HDRS)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(VPMU_CFLAGS) -o $@ tools/vpmu/vpmu_info.c tools/vpmu/params.c

vpmu: $(BUILD)/vpmu/vpmu.so $(BUILD)/vpmu/vpmu-info

# The test program whose windows have known counts (tests/tools/vpmu_probe.py).
$(BUILD)/user/vpmu-probe: tests/programs/vpmu_probe.c bench/vpmu_marker.h
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -Ibench -o $@ $<
