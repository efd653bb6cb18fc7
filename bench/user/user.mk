# bench/user/user.mk - the user program: one static ELF for forklab and Linux.
USER_CFLAGS := -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-stack-protector \
	       -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror \
	       -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,separate-code \
	       -Icore $(UEXTRA)	# -Icore: only core/uapi, the Linux ABI numbers shared with the kernel
# One file per job; main.c dispatches. budget.h, fork_ops.h and ../tsc.h
# are shared with the kernel.
USER_SRCS := main.c out.c lib.c sys.c semantics.c bench.c stress.c kallsyms.c scale.c start.S
USER_HDRS := bench.h budget.h fork_ops.h kallsyms.h lib.h out.h scale.h scale_ops.h semantics.h \
	     stress.h sys.h types.h ../tsc.h ../vpmu_marker.h
$(BUILD)/user/forklab-user: $(addprefix bench/user/,$(USER_SRCS) $(USER_HDRS)) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)

# forklab-fuzz: the random-system-call fuzzer and its regressions, a program
# of its own (fuzz_main.c says why), run as pid 1 with --program.
FUZZ_SRCS := fuzz_main.c fuzz.c fuzz_args.c regress.c out.c lib.c sys.c start.S
FUZZ_HDRS := fuzz.h fuzz_args.h regress.h lib.h out.h sys.h types.h
$(BUILD)/user/forklab-fuzz: $(addprefix bench/user/,$(FUZZ_SRCS) $(FUZZ_HDRS)) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)
