# forklab - build the kernel, the ISO and the host tools; run checks and benchmarks.
#   make            kernel (build/forklab.elf) and host tools
#   make iso        build/forklab.iso (GRUB 2, multiboot2)
#   make check      every check of tests/checks.cfg (ONLY=name or GROUP=group for some)
#   make bench      the benchmark run (tools/forklab)
#   make spawn      the spawn benchmark to 1 GiB, Linux and forklab
#   make deps       install missing Debian packages with apt-get
.DEFAULT_GOAL := all
SHELL := /bin/bash

BUILD    := build
CC       := gcc
LD       := ld
HOSTCC   ?= gcc

# -mgeneral-regs-only: gcc would emit SSE at -O2 and SSE is not enabled.
KCFLAGS  := -std=gnu11 -O2 -g -ffreestanding -nostdlib -fno-builtin-printf \
	    -mno-red-zone -mgeneral-regs-only -fno-pic -fno-pie -mcmodel=kernel \
	    -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	    -Wall -Wextra -Werror -Icore -Ibench -I$(BUILD)/include $(KEXTRA)
# Guest test bodies (tests/guest, and the suites the host runs too) also see tests/.
KTESTCFLAGS := -Itests
KASFLAGS := -D__ASSEMBLY__ -Icore
KLDFLAGS := -m elf_x86_64 -nostdlib -z max-page-size=0x1000 -z noexecstack \
	    --no-warn-rwx-segments -T boot/kernel.ld

HOSTCFLAGS ?= -std=gnu11 -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all -Wall -Wextra -Werror -Icore -Itests -I$(BUILD)/include \
	      -DFORKLAB_HOST

# Kernel sources: boot/, every subsystem folder of core/, bench/ (not
# bench/user), and the guest test bodies (tests/guest, tests/suites), which
# mode=test runs. core/ never includes tests/.
KSRCS := $(sort $(wildcard boot/*.S core/*/*.S core/*/*.c bench/*.S bench/*.c \
	tests/guest/*.c tests/suites/*.c))
KOBJS := $(patsubst %,$(BUILD)/k/%.o,$(KSRCS))

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo unknown)

.PHONY: all kernel iso check bench spawn bench-parent soak soak-fuzz baseline deps clean host-tests report-check vpmu nested FORCE
all: kernel $(BUILD)/pfm-encode vpmu $(BUILD)/user/forklab-fuzz

# tools/pfm-encode: libpfm4 event names to raw IA32_PERFEVTSELx codes.
$(BUILD)/pfm-encode: tools/pfm-encode.c
	@mkdir -p $(dir $@)
	$(HOSTCC) -O2 -Wall -Wextra -Werror -o $@ $< -lpfm

kernel: $(BUILD)/forklab.elf

$(BUILD)/include/version.h: FORCE
	@mkdir -p $(dir $@)
	@echo '#define FORKLAB_VERSION "$(VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm $@.tmp || mv $@.tmp $@

$(BUILD)/k/%.c.o: %.c $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/tests/%.c.o: tests/%.c $(BUILD)/include/version.h
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) $(KTESTCFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/k/%.S.o: %.S
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -MMD -MP -c $< -o $@

# The user programs are embedded in the kernel image (bench/embed.S).
USER_PROG := $(BUILD)/user/forklab-user
PARENT_PROG := $(BUILD)/user/forklab-parent
$(BUILD)/k/bench/embed.S.o: bench/embed.S $(USER_PROG) $(PARENT_PROG)
	@mkdir -p $(dir $@)
	$(CC) $(KASFLAGS) -DUSER_PROGRAM='"$(USER_PROG)"' -DPARENT_PROGRAM='"$(PARENT_PROG)"' \
		-c $< -o $@

$(BUILD)/forklab.elf: $(KOBJS) boot/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KOBJS)

iso: $(BUILD)/forklab.iso
$(BUILD)/forklab.iso: $(BUILD)/forklab.elf boot/grub.cfg
	@rm -rf $(BUILD)/isodir && mkdir -p $(BUILD)/isodir/boot/grub
	cp $(BUILD)/forklab.elf $(BUILD)/isodir/boot/forklab.elf
	cp boot/grub.cfg $(BUILD)/isodir/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/isodir 2>$(BUILD)/grub-mkrescue.log || \
		{ cat $(BUILD)/grub-mkrescue.log; exit 1; }

# Host unit tests (pure-logic modules with ASan/UBSan) and the fuzz replays.
HOST_TEST_BINS :=
include tests/host/host.mk bench/user/user.mk tests/fuzzing/fuzzing.mk tools/vpmu/vpmu.mk

host-tests: $(HOST_TEST_BINS)

# A kernel with work injected into copy_process: the gate must catch it.
$(BUILD)/slow/forklab.elf: FORCE
	@$(MAKE) -s BUILD=$(BUILD)/slow KEXTRA=-DFORKLAB_INJECT_SLOWDOWN=500 $@

# A kernel whose munmap leaks a page: the fuzzer's run must fail on it.
$(BUILD)/leaky/forklab.elf: FORCE
	@$(MAKE) -s BUILD=$(BUILD)/leaky KEXTRA=-DFORKLAB_INJECT_LEAK $@

# The kernel with the fork-path phase probes compiled out (make check
# compares its fork cost with the probed kernel's).
$(BUILD)/noprobes/forklab.elf: FORCE
	@$(MAKE) -s BUILD=$(BUILD)/noprobes KEXTRA=-DFORKLAB_NO_PROBES $@

# The kernel and user program closing every timing with rdtscp;lfence
# (bench/tsc.h): for a genuine KVM, where RDTSCP runs (forklab nested).
$(BUILD)/rdtscp/forklab.elf: FORCE
	@$(MAKE) -s BUILD=$(BUILD)/rdtscp KEXTRA=-DFORKLAB_TSC_CLOSE_RDTSCP \
		UEXTRA=-DFORKLAB_TSC_CLOSE_RDTSCP $@

# An ordinary musl C program, run as pid 1 by make check.
$(BUILD)/user/musl-fork: tests/programs/musl_fork.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# The spawn suite (posix_spawn, fork+execve, pipes, dup2): the same lines
# on Linux and on forklab.
$(BUILD)/user/musl-spawn: tests/programs/musl_spawn.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

# A threaded musl program (pthread_create/join, mutex, condition variables):
# make check compares its lines on forklab with its lines on this host.
$(BUILD)/user/musl-threads: tests/programs/musl_threads.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

# execve from a threaded process (every other thread ends, the process keeps
# its pid): make check compares its lines on forklab, this host and the Linux guest.
$(BUILD)/user/musl-exec-threads: tests/programs/musl_exec_threads.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

# pthread_create+join against the raw clone-thread (forklab threads).
$(BUILD)/user/musl-pthread-bench: bench/musl/pthread_bench.c bench/tsc.h
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $< -lpthread

# The L1's /init of `forklab nested` (forklab under a genuine kvm_amd).
$(BUILD)/nested/init: tools/nested/init.c
	@mkdir -p $(dir $@)
	musl-gcc -static -O2 -Wall -Wextra -Werror -o $@ $<

# check - the checks of tests/checks.cfg; ONLY=name[,name] or GROUP=group[,..]
# runs some (tests/check.sh --list shows them). check.sh builds what the
# chosen checks need.
check: deps
	@ONLY="$(ONLY)" GROUP="$(GROUP)" bash tests/check.sh

# bench - every strategy set, in parallel (-j: the host's cores), under KVM
# when KVM runs the guest natively and under icount otherwise (the run says
# which and why); plots, report.html and a summary. FORKLAB_MODE=kvm|tcg|icount
# forces a mode, BENCH_ARGS adds forklab run options.
bench: deps kernel
	@tools/forklab run $(BENCH_ARGS)

# spawn - the spawn benchmark's full sweep, 1 page .. 1 GiB (fork, vfork,
# clone(CLONE_VM|CLONE_VFORK), posix_spawn, each + exec): Linux 6.1 under
# icount with 4 KiB pages (its THP would come on with the sweep's guest
# memory), then forklab's bench=spawn, drawn side by side when forklab
# measured it (build/spawn/linux, build/spawn/forklab); both with the
# virtual PMU's cache model (vpmu_spawn.png), which moves no number; and
# pthread_create / clone-thread on both at the same sizes (threads.csv:
# the thread lines of spawn.png).
spawn: deps kernel vpmu
	@rm -rf $(BUILD)/spawn && mkdir -p $(BUILD)/spawn
	@tools/forklab linux --mode icount --bench spawn --rss-max 262144 --vpmu cache \
		--kernel-args transparent_hugepage=never --out $(BUILD)/spawn/linux
	@tools/forklab run --mode icount --bench spawn --rss-max 262144 --vpmu cache \
		--out $(BUILD)/spawn/forklab
	@tools/forklab threads --rss 1,4,16,64,256,1024,4096,16384,65536,262144 --iters 50 \
		--csv $(BUILD)/spawn/forklab/threads.csv
	@if [ -f $(BUILD)/spawn/forklab/report.html ]; then \
		tools/forklab report $(BUILD)/spawn/forklab --linux $(BUILD)/spawn/linux; fi

# bench-parent - bench=parent's whole sweep under icount: fork against a
# parent of 1 page to 1 GiB in 4 KiB pages (dirty, clean) and 2 MiB pages
# (thp=always), the first writes after it (2 MiB copied or split), 1 to
# 10 000 VMAs, 0 to 64 threads, under every pt= (~2 min; 3 GiB guest).
bench-parent: deps kernel
	@tools/forklab run --mode icount --bench parent --iters 50 --rss-max 262144 --mem 3072 \
		--timeout 1500 $(BENCH_ARGS)

# baseline - regenerate the icount regression baseline on purpose.
baseline: deps kernel
	@tools/forklab gate --update

# soak - the long leak check: 100 000 fork/exit/wait cycles for every
# combination of allocator, page-table and pid strategy (about 6 minutes
# under TCG on 2 cores), then soak-fuzz; SMP=N runs the cycles on N CPUs
# (MTTCG), as in `make soak SMP=4`.
SMP ?= 1
soak: deps kernel soak-fuzz
	@tools/forklab test --mode $${FORKLAB_MODE:-tcg} --smp $(SMP) --timeout 10800 -- stress=100000

# soak-fuzz - the system-call fuzzer (forklab-fuzz) under icount, FUZZ_CALLS
# calls by pid 1 for each allocator (10^6 in all; each with another pt= and
# pid=, so that all of them are fuzzed too), each run ending with every page
# and object back; a seed and a call index name any failure. bump never
# frees: it gets 3500 MiB, as its stress soak does.
FUZZ_SETS := page/cow/hash slab/copy/idr slub/share/array magazine/cow/idr bump/share/hash
FUZZ_SEED ?= 1
FUZZ_CALLS ?= 200000
soak-fuzz: deps kernel $(BUILD)/user/forklab-fuzz
	@mkdir -p $(BUILD)/soak
	@for set in $(FUZZ_SETS); do \
		a=$${set%%/*}; pt=$${set#*/}; pid=$${pt#*/}; pt=$${pt%/*}; \
		mem=512; [ $$a = bump ] && mem=3500; \
		tools/forklab expect program:0 --mode icount --mem $$mem --timeout 3600 --quiet \
			--log $(BUILD)/soak/fuzz-$$a.log --program $(BUILD)/user/forklab-fuzz -- \
			alloc=$$a pt=$$pt pid=$$pid args=fuzz,$(FUZZ_SEED),$(FUZZ_CALLS) >/dev/null || \
			{ echo "soak-fuzz: $$set failed (seed $(FUZZ_SEED)); its log: \
$(BUILD)/soak/fuzz-$$a.log"; tail -5 $(BUILD)/soak/fuzz-$$a.log; exit 1; }; \
		echo "soak-fuzz: $$set seed $(FUZZ_SEED): $(FUZZ_CALLS) calls ok;" \
			"$$(grep -a '^fuzz: [0-9]* calls, [0-9]* tasks made;' $(BUILD)/soak/fuzz-$$a.log | tail -1 | cut -d';' -f1 | cut -d, -f2);" \
			"$$(grep -a 'after pid 1' $(BUILD)/soak/fuzz-$$a.log | cut -d: -f3- | cut -d'(' -f1)"; \
	done

# nested - the long runs under a genuine kvm_amd (forklab nested; an L1
# Linux under icount): the guest self-tests with shadow paging (1.5 min
# here), then fork against resident size to 1 GiB bare, with nested paging
# and with shadow paging, pt=cow, copy and share, drawn in one figure, once
# as forklab is and once with the shadow-paging cuts (about 11 min each):
# results/<date>-<host>-nested/ and -nested-2/.
nested: deps kernel $(BUILD)/nested/init
	@tools/forklab test --mode kvm-shadow --timeout 1200
	@tools/forklab nested sweep
	@tools/forklab nested sweep -- quicklist=trees tlb_ceiling=33

# report-check - render the published run's HTML report in headless Chromium.
report-check: deps
	@python3 tests/tools/render_report.py results/example-icount build/report-example.png

# deps - install what is missing (Debian package names); a no-op when all is there.
DEP_CMDS := qemu-system-x86_64:qemu-system-x86 grub-mkrescue:grub-common \
	    xorriso:xorriso mformat:mtools gnuplot:gnuplot-nox gcc:gcc python3:python3 \
	    musl-gcc:musl-tools cpio:cpio gdb:gdb addr2line:binutils strace:strace \
	    chromium:chromium
DEP_FILES := /usr/lib/grub/i386-pc/moddep.lst:grub-pc-bin \
	     /usr/include/perfmon/pfmlib.h:libpfm4-dev
deps:
	@missing=""; \
	for d in $(DEP_CMDS); do command -v $${d%%:*} >/dev/null 2>&1 || missing="$$missing $${d##*:}"; done; \
	for d in $(DEP_FILES); do [ -e $${d%%:*} ] || missing="$$missing $${d##*:}"; done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		if [ "$$(id -u)" != 0 ]; then SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || \
		{ echo "make deps: apt-get failed; install by hand:$$missing"; exit 1; }; \
	fi

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/k -name '*.d' 2>/dev/null)
