# bench/user/user.mk - the user program: one static ELF for forklab and Linux.
USER_CFLAGS := -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-stack-protector \
	       -fno-asynchronous-unwind-tables -O2 -Wall -Wextra -Werror \
	       -Wl,--build-id=none -Wl,-z,max-page-size=4096 -Wl,-z,separate-code
$(BUILD)/user/forklab-user: bench/user/forklab-user.c bench/user/start.S bench/user/budget.h \
			   bench/user/fork_ops.h bench/tsc.h
	@mkdir -p $(dir $@)
	$(CC) $(USER_CFLAGS) -o $@ $(filter-out %.h,$^)
