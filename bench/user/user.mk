# bench/user/user.mk - the user program: one static ELF for forklab and Linux.
USER_CFLAGS := -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-stack-protector \
	       -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror \
	       -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,separate-code \
	       -Icore $(UEXTRA)	# -Icore: only core/uapi, the Linux ABI numbers shared with the kernel
# One file per job; main.c dispatches. budget.h, fork_ops.h and ../tsc.h
# are shared with the kernel.
USER_SRCS := main.c out.c lib.c sys.c check.c semantics.c bench.c stress.c kallsyms.c scale.c spawn.c start.S
USER_HDRS := bench.h budget.h check.h fork_ops.h kallsyms.h lib.h out.h scale.h scale_ops.h semantics.h spawn.h spawn_ops.h \
	     stress.h sys.h types.h ../tsc.h ../vpmu_marker.h
$(BUILD)/user/forklab-user: $(addprefix bench/user/,$(USER_SRCS) $(USER_HDRS)) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)

# The futex suite, a program of its own: forklab-user's pages stay as they
# are (pt=copy copies every one of them at fork; the gate counts that).
FUTEX_SRCS := futex.c check.c out.c lib.c sys.c start.S
$(BUILD)/user/forklab-futex: $(addprefix bench/user/,$(FUTEX_SRCS) check.h out.h sys.h types.h) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)

# forklab-parent (parent.c): fork against the parent's state, a program of
# its own so that forklab-user's pages, which every fork benchmark copies,
# stay what they were. It shares the library files, the checks and
# bench.c's timing.
PARENT_SRCS := parent_main.c parent.c semantics.c check.c stress.c bench.c out.c lib.c sys.c start.S
PARENT_HDRS := parent.h parent_ops.h semantics.h check.h stress.h bench.h budget.h fork_ops.h lib.h out.h sys.h types.h \
	       ../tsc.h ../vpmu_marker.h
$(BUILD)/user/forklab-parent: $(addprefix bench/user/,$(PARENT_SRCS) $(PARENT_HDRS)) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)

# forklab-fuzz: the random-system-call fuzzer and its regressions, a program
# of its own (fuzz_main.c says why), run as pid 1 with --program.
FUZZ_SRCS := fuzz_main.c fuzz.c fuzz_args.c regress.c check.c out.c lib.c sys.c start.S
FUZZ_HDRS := fuzz.h fuzz_args.h regress.h check.h lib.h out.h sys.h types.h
$(BUILD)/user/forklab-fuzz: $(addprefix bench/user/,$(FUZZ_SRCS) $(FUZZ_HDRS)) \
		$(wildcard core/uapi/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)
