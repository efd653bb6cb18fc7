# tests/fuzzing/fuzzing.mk - libFuzzer targets for the parsers that take
# outside input: the kernel command line (core/lib/cmdline.c, and the boot
# path's params_parse over the real key table), boot-module ELFs
# (core/kernel/elf.c) and cpio archives (core/fs/cpio.c into the ramfs).
# Included by the top Makefile.
#   make fuzz                 build with clang -fsanitize=fuzzer,address,undefined
#                             and fuzz each for FUZZ_SECONDS (default 60)
#   make check                replays the seeds and every saved crash (gcc, ASan/UBSan)
# A crash: libFuzzer writes crash-<sha1> into $(BUILD)/fuzzing/; copy it into
# tests/fuzzing/crashes/<target>/, fix the bug, and it stays a test.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := cmdline params elf cpio
FUZZ_SRCS_cmdline := core/lib/cmdline.c core/lib/printf.c
FUZZ_SRCS_elf := core/kernel/elf.c core/lib/printf.c
FUZZ_SRCS_cpio := core/fs/cpio.c core/fs/ramfs.c core/lib/printf.c core/lib/spinlock.c
# params: the boot path's own params_parse over the real key table; the
# strategy registries it names come with it (nothing of them runs)
FUZZ_SRCS_params := core/init/params.c core/kernel/failslab.c core/lib/cmdline.c core/lib/printf.c \
	core/lib/spinlock.c \
	$(wildcard core/mm/*.c) $(HOST_PID) core/lib/report.c core/lib/registry.c \
	core/kernel/strategy.c core/kernel/smp.c
FUZZ_CFLAGS := -g -O1 -Icore -Ibench -Itests -I$(BUILD)/include -fno-sanitize-recover=all -DFORKLAB_HOST

# Seeds: committed command lines; ELFs made from the user programs (whole,
# cut short, and with the program headers pointing past the end).
$(BUILD)/fuzzing/seeds-elf/.stamp: $(USER_PROG)
	@mkdir -p $(dir $@)
	cp $(USER_PROG) $(dir $@)forklab-user
	head -c 200 $(USER_PROG) > $(dir $@)truncated
	python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[32:40] = (len(b) - 8).to_bytes(8, "little"); open(sys.argv[2], "wb").write(b)' \
		$(USER_PROG) $(dir $@)phoff-past-end
	@touch $@

# (the code under test is a prerequisite too: a fix must rebuild the target)
.SECONDEXPANSION:
$(BUILD)/fuzzing/fuzz_%: tests/fuzzing/fuzz_%.c tests/fuzzing/fuzz.h $(BUILD)/include/version.h \
		$$(FUZZ_SRCS_$$*)
	@command -v clang >/dev/null || { echo "make fuzz: installing clang"; \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang >/dev/null; }
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< $(FUZZ_SRCS_$*) tests/host/host_shim.c

# Seeds for cpio: an archive initramfs.py writes (folders, a file, a
# device node), cut short, and with a name size past the end.
$(BUILD)/fuzzing/seeds-cpio/.stamp: tools/forklablib/initramfs.py tests/programs/spawn_data.txt
	@mkdir -p $(dir $@)
	python3 -c 'import sys; sys.path.insert(0, "tools"); from forklablib import initramfs; \
		a = initramfs.Archive(); a.console(); a.file("data/a/spawn_data.txt", source=sys.argv[1]); \
		b = a.bytes(); d = sys.argv[2]; open(d + "/archive", "wb").write(b); \
		open(d + "/cut", "wb").write(b[:150]); \
		open(d + "/namesize", "wb").write(b[:94] + b"FFFFFFFF" + b[102:])' \
		tests/programs/spawn_data.txt $(dir $@)
	@touch $@

.PHONY: fuzz
fuzz: $(addprefix $(BUILD)/fuzzing/fuzz_,$(FUZZ_TARGETS)) $(BUILD)/fuzzing/seeds-elf/.stamp \
		$(BUILD)/fuzzing/seeds-cpio/.stamp
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(BUILD)/fuzzing/corpus-$$t; \
		seeds=$(CURDIR)/tests/fuzzing/corpus/$$t; \
		[ $$t = elf ] && seeds=$(abspath $(BUILD))/fuzzing/seeds-elf; \
		[ $$t = cpio ] && seeds=$(abspath $(BUILD))/fuzzing/seeds-cpio; \
		[ $$t = params ] && seeds=$(CURDIR)/tests/fuzzing/corpus/cmdline; \
		echo "== fuzz_$$t for $(FUZZ_SECONDS) s"; \
		( cd $(BUILD)/fuzzing && ./fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-max_len=65536 corpus-$$t $$seeds $(CURDIR)/tests/fuzzing/crashes/$$t \
			> fuzz_$$t.log 2>&1 ); rc=$$?; \
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|cov:' \
			$(BUILD)/fuzzing/fuzz_$$t.log | tail -4; \
		if [ $$rc -ne 0 ]; then echo "fuzz_$$t FAILED: see $(BUILD)/fuzzing/fuzz_$$t.log"; exit 1; fi; \
	done

# The replay drivers run in make check (HOST_TEST_BINS).
$(BUILD)/host/replay_cmdline: tests/fuzzing/fuzz_cmdline.c tests/fuzzing/replay.c tests/fuzzing/fuzz.h \
		$(FUZZ_SRCS_cmdline) tests/host/host_shim.c $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Wno-sign-compare -DREPLAY_NAME='"fuzz_cmdline"' \
		-DREPLAY_DIRS='"tests/fuzzing/corpus/cmdline", "tests/fuzzing/crashes/cmdline"' \
		-o $@ $(filter %.c,$^)
$(BUILD)/host/replay_elf: tests/fuzzing/fuzz_elf.c tests/fuzzing/replay.c tests/fuzzing/fuzz.h \
		$(FUZZ_SRCS_elf) tests/host/host_shim.c $(BUILD)/fuzzing/seeds-elf/.stamp $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Wno-sign-compare -DREPLAY_NAME='"fuzz_elf"' \
		-DREPLAY_DIRS='"$(BUILD)/fuzzing/seeds-elf", "tests/fuzzing/crashes/elf"' \
		-o $@ $(filter %.c,$^)
$(BUILD)/host/replay_params: tests/fuzzing/fuzz_params.c tests/fuzzing/replay.c tests/fuzzing/fuzz.h \
		$(FUZZ_SRCS_params) tests/host/host_shim.c $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Ibench -Wno-sign-compare -DREPLAY_NAME='"fuzz_params"' \
		-DREPLAY_DIRS='"tests/fuzzing/corpus/cmdline", "tests/fuzzing/corpus/params", "tests/fuzzing/crashes/params"' \
		-o $@ $(filter %.c,$^)
$(BUILD)/host/replay_cpio: tests/fuzzing/fuzz_cpio.c tests/fuzzing/replay.c tests/fuzzing/fuzz.h \
		$(FUZZ_SRCS_cpio) tests/host/host_shim.c $(BUILD)/fuzzing/seeds-cpio/.stamp $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(HOSTCC) $(HOSTCFLAGS) -Wno-sign-compare -DREPLAY_NAME='"fuzz_cpio"' \
		-DREPLAY_DIRS='"$(BUILD)/fuzzing/seeds-cpio", "tests/fuzzing/crashes/cpio"' \
		-o $@ $(filter %.c,$^)
HOST_TEST_BINS += $(BUILD)/host/replay_cmdline $(BUILD)/host/replay_params $(BUILD)/host/replay_elf \
	$(BUILD)/host/replay_cpio
