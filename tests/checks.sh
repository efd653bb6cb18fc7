# tests/checks.sh - the checks of tests/checks.cfg that take more than one
# command, sourced by tests/check.sh. Each runs from the repository root
# with $OUT (its own directory, empty) and $LOG (its log) set, and
# succeeds iff its check passed. A check reads another check's directory
# (build/check/NAME) only when checks.cfg names it in needs.

FORKLAB=tools/forklab
# The self-tests run under TCG unless FORKLAB_SELFTEST_MODE says otherwise:
# under the development machines' PVM every system call arrives as a page
# fault and page-table writes trap (~80 ms a fork/exit/wait cycle against
# ~1 ms under TCG). The KVM path is covered by the exit-status checks.
STRESS=${FORKLAB_STRESS:-200}		# fork/exit/wait cycles per strategy set: 45 sets
SELFTEST_MODE=${FORKLAB_SELFTEST_MODE:-tcg}

FUZZ_SEED=${FORKLAB_FUZZ_SEED:-1}	# the fuzzer's seed in make check (printed by the run)

# fuzz_run LOG KERNEL KEYS... - the fuzzer under icount: the program exits 0
# (every call a value or -errno, nothing leaked after pid 1) and says so
fuzz_run() {
	local log=$1 kernel=$2
	shift 2
	$FORKLAB expect program:0 --mode icount --timeout 280 --quiet --log "$log" \
		--kernel "$kernel" --program build/user/forklab-fuzz -- "$@" &&
		grep -aq '^fuzz: ok$' "$log"
}

# a kernel that leaks a page in every munmap (FORKLAB_INJECT_LEAK) fails the
# fuzzer's run on its leak count
fuzz_catches_leak() {
	! fuzz_run "$OUT/fuzz.log" build/leaky/forklab.elf alloc=slub \
		args=fuzz,$FUZZ_SEED,10000 &&
		grep -aEq 'after pid 1: [0-9]+ objects live, [1-9][0-9]* pages unaccounted' "$OUT/fuzz.log"
}

pfm_known() {
	[ "$(build/pfm-encode --pmu skl INST_RETIRED:ANY_P CPU_CLK_UNHALTED:THREAD_P)" = \
		"0x5300c0,0x53003c" ]
}

pfm_unknown() {
	! build/pfm-encode --pmu skl NO_SUCH_EVENT 2>"$OUT/pfm.err" &&
		grep -q "cannot encode 'NO_SUCH_EVENT'" "$OUT/pfm.err"
}

# spawn_lines LOG OUT - the program's own lines of a forklab boot log: after
# the kernel's "running" line, up to its "after pid 1" line
spawn_lines() {
	sed -n '/^forklab: running /,/^forklab: after pid 1/p' "$1" | sed '1d;$d' >"$2"
}

# musl-spawn natively (here, Linux) and on forklab: identical output
spawn_same_lines() {
	build/user/musl-spawn tests/programs/spawn_data.txt >"$OUT/linux.txt" </dev/null &&
		$FORKLAB expect program:0 --timeout 120 --log "$OUT/forklab.log" \
			--program build/user/musl-spawn --file tests/programs/spawn_data.txt \
			-- args=/spawn_data.txt >"$OUT/expect.out" 2>&1 &&
		spawn_lines "$OUT/forklab.log" "$OUT/forklab.txt" &&
		grep -q '^musl_spawn: [1-9][0-9]* ok, 0 failed$' "$OUT/forklab.txt" &&
		diff -u "$OUT/linux.txt" "$OUT/forklab.txt"
}

# the same from a cpio archive: /init is musl-spawn, the data in a folder
spawn_from_cpio() {
	mkdir -p "$OUT/tree/data" && cp build/user/musl-spawn "$OUT/tree/init" &&
		cp tests/programs/spawn_data.txt "$OUT/tree/data/" &&
		(cd "$OUT/tree" && ./init data/spawn_data.txt) >"$OUT/linux.txt" </dev/null &&
		python3 -c 'import sys; sys.path.insert(0, "tools")
from forklablib import initramfs
a = initramfs.Archive()
a.file("init", source=sys.argv[1] + "/tree/init")
a.file("data/spawn_data.txt", source="tests/programs/spawn_data.txt")
open(sys.argv[1] + "/root.cpio", "wb").write(a.bytes())' "$OUT" &&
		$FORKLAB expect program:0 --timeout 120 --log "$OUT/forklab.log" \
			--program "$OUT/root.cpio" -- args=data/spawn_data.txt >"$OUT/expect.out" 2>&1 &&
		grep -q '^forklab: running /init ' "$OUT/forklab.log" &&
		spawn_lines "$OUT/forklab.log" "$OUT/forklab.txt" &&
		diff -u "$OUT/linux.txt" "$OUT/forklab.txt"
}

# ... and in the Linux guest (tests/tools/spawn_linux.py): this host's lines
spawn_linux_guest() {
	python3 tests/tools/spawn_linux.py "$OUT" >"$OUT/guest.txt" &&
		build/user/musl-spawn tests/programs/spawn_data.txt >"$OUT/host.txt" </dev/null &&
		diff -u "$OUT/host.txt" "$OUT/guest.txt"
}

files_readonly() {
	$FORKLAB expect program:0 --timeout 120 --log "$OUT/forklab.log" \
		--program build/user/musl-spawn --file tests/programs/spawn_data.txt \
		-- args=readonly,/spawn_data.txt >"$OUT/expect.out" 2>&1 &&
		grep -q '^readonly: 5 ok, 0 failed$' "$OUT/forklab.log"
}

files_missing() {
	local rc=0
	$FORKLAB boot --timeout 30 --file no/such/file >"$OUT/out" 2>&1 || rc=$?
	[ "$rc" = 2 ] && [ "$(wc -l <"$OUT/out")" = 1 ] && grep -q "file 'no/such/file' not found" "$OUT/out"
}

# ... worst in kernel_clone: its phase total, or (the larger change) the
# virtual PMU's instructions retired over it
gate_catches_slowdown() {
	! $FORKLAB gate --kernel build/slow/forklab.elf --out "$OUT/gate" >"$OUT/gate.out" 2>&1 &&
		grep -Eq '^gate: worst: fork/.*(phase_total|/total inst) ' "$OUT/gate.out" &&
		grep -Eq 'phase_total .* worse$' "$OUT/gate.out"
}

# icount_run DIR ARGS... - one small deterministic fork run into DIR
icount_run() {
	local dir=$1
	shift
	$FORKLAB run --mode icount --iters 10 --bench fork --pt cow --pid hash --no-plots \
		--out "$dir" "$@" >"$dir.out" 2>&1
}

# bench=parent at up to 32 MiB (the 1 GiB sweep is make bench-parent)
parent_bench() {
	$FORKLAB run --mode icount --iters 10 --bench parent --pt cow --rss-max 8192 \
		--out "$OUT/run" >"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py parent-rows "$OUT/run/results.csv" &&
		[ -s "$OUT/run/parent_rss.png" ] && [ -s "$OUT/run/parent_live.png" ] &&
		[ -s "$OUT/run/parent_cow.png" ] &&
		grep -q "2 MiB pages" "$OUT/run.out"
}

two_runs_agree() {
	icount_run "$OUT/a" --rss-max 4 --alloc slub &&
		icount_run "$OUT/b" --rss-max 4 --alloc slub &&
		cmp "$OUT/a/results.csv" "$OUT/b/results.csv"
}

# the virtual PMU beside the run of icount_runs (and bench=spawn's calls,
# each timed to two ends): the same numbers, twice the same counts, and the
# plugin's windows the benchmark's own
vpmu_runs() {
	icount_run "$OUT/a" --rss-max 4 --alloc slub --bench fork,alloc,pid,spawn --vpmu cache &&
		icount_run "$OUT/b" --rss-max 4 --alloc slub --bench fork,alloc,pid,spawn --vpmu cache &&
		cmp "$OUT/a/vpmu.csv" "$OUT/b/vpmu.csv" &&
		python3 tests/tools/checks.py vpmu-consistent "$OUT/a/results.csv" "$OUT/a/vpmu.csv" &&
		icount_run "$OUT/c" --rss-max 4 --alloc slub --vpmu counters &&
		python3 tests/tools/checks.py same-numbers build/check/icount_runs/a/results.csv \
			"$OUT/c/results.csv" &&
		python3 tests/tools/checks.py vpmu-consistent "$OUT/c/results.csv" "$OUT/c/vpmu.csv"
}

# forklab run's parts: -j 2, -j 1, and two --shard halves merged give one
# results.csv, its rows in the order one boot of the kernel prints them, and
# the progress ends at N/N
shards_agree() {
	local sel=(--mode icount --iters 5 --rss-max 4 --alloc page,slub --pt cow,share
		--pid hash,idr --no-plots)
	$FORKLAB run "${sel[@]}" -j 2 --out "$OUT/j2" >"$OUT/j2.out" 2>&1 &&
		$FORKLAB run "${sel[@]}" -j 1 --out "$OUT/j1" >"$OUT/j1.out" 2>&1 &&
		$FORKLAB run "${sel[@]}" --shard 1/2 --out "$OUT/s1" >"$OUT/s1.out" 2>&1 &&
		$FORKLAB run "${sel[@]}" --shard 2/2 --out "$OUT/s2" >"$OUT/s2.out" 2>&1 &&
		$FORKLAB merge "$OUT/s2" "$OUT/s1" --out "$OUT/m" --no-plots >"$OUT/m.out" 2>&1 &&
		cmp "$OUT/j1/results.csv" "$OUT/j2/results.csv" &&
		cmp "$OUT/j1/results.csv" "$OUT/m/results.csv" &&
		$FORKLAB boot --mode icount --quiet --log "$OUT/one.log" -- mode=bench \
			bench=fork,alloc,pid,spawn alloc=page,slub pt=cow,share pid=hash,idr iters=5 rss_max=4 \
			2>/dev/null &&
		python3 tests/tools/checks.py kernel-order "$OUT/one.log" "$OUT/j1/results.csv" &&
		python3 tests/tools/checks.py progress-count "$OUT/j2.out" "$OUT/j2/results.csv"
}

# forklab profile single-steps one vfork: its instructions, charged to
# functions, add up to the benchmark's vfork less the user-side code around
# the call, and the task_struct copy is the hottest line
profile_vfork() {
	$FORKLAB profile vfork --csv "$OUT/profile.csv" >"$OUT/profile.out" 2>&1 &&
		grep -q 'memcpy_q .* <- dup_task_struct ' "$OUT/profile.out" &&
		python3 tests/tools/checks.py profile-matches "$OUT/profile.csv" \
			build/check/icount_runs/a/results.csv
}

# forklab compare on raw samples: none between two runs of one commit, every
# fork op slower with alloc=page than with alloc=slub
compare_runs() {
	icount_run "$OUT/s1" --rss-max 1 --alloc slub --samples &&
		icount_run "$OUT/s2" --rss-max 1 --alloc slub --samples &&
		icount_run "$OUT/p" --rss-max 1 --alloc page --samples || return 1
	$FORKLAB compare "$OUT/s1" "$OUT/s2" >"$OUT/same.out" &&
		grep -q '^5 compared: 0 significantly slower in B, 0 significantly faster' \
			"$OUT/same.out" &&
		$FORKLAB compare "$OUT/s1" "$OUT/p" >"$OUT/page.out" &&
		grep -q '^5 compared: 5 significantly slower in B' "$OUT/page.out"
}

# the plots and HTML reports of two real runs (one strategy set with its
# samples: the CDFs; every set: the alloc and pid figures), loaded by
# headless Chromium in a 1280-pixel window
render_check() {
	local run
	for run in compare/s1 gate/gate; do
		cp -r "build/check/$run" "$OUT/${run%%/*}" &&
			$FORKLAB plot "$OUT/${run%%/*}" >/dev/null && $FORKLAB report "$OUT/${run%%/*}" &&
			python3 tests/tools/render_report.py "$OUT/${run%%/*}" "$OUT/${run%%/*}.png" ||
			return 1
	done
}

probes_compile_out() {
	$FORKLAB run --kernel build/noprobes/forklab.elf --mode icount --iters 10 --rss-max 1 \
		--bench fork --alloc slub --pt cow --pid hash --no-plots --out "$OUT/run" \
		>"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py noprobes build/check/icount_runs/a/results.csv \
			"$OUT/run/results.csv"
}

linux_reference() {
	$FORKLAB linux --mode icount --iters 5 --rss-max 4 --no-plots --out "$OUT/run" \
		>"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py linux-rows "$OUT/run/results.csv" &&
		$FORKLAB linux --mode icount --iters 5 --rss-max 4 --no-plots --out "$OUT/again" \
			>"$OUT/again.out" 2>&1 &&
		cmp "$OUT/run/results.csv" "$OUT/again/results.csv"
}

# the spawn methods natively: both rows of every method at every size, the
# figure drawn, the report naming it and rendering in headless Chromium
spawn_native() {
	$FORKLAB linux --native --bench spawn --iters 5 --rss-max 64 --out "$OUT/run" \
		>"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py spawn-rows "$OUT/run" 64 &&
		python3 tests/tools/render_report.py "$OUT/run" "$OUT/report.png"
}

# bench=spawn on forklab: every listed method measured or, on a kernel
# without execve, said unavailable with its call and -ENOSYS (status 0)
spawn_forklab() {
	$FORKLAB run --mode icount --bench spawn --iters 3 --rss-max 4 --out "$OUT/run" \
		>"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py spawn-forklab "$OUT/run"
}

# the same profile of Linux's vfork (functions from its /proc/kallsyms):
# it adds up to the benchmark's fastest vfork within 5% (Linux's own calls
# vary: interrupts land in some; single-stepping masks them), and most of
# it is ERMS string instructions counted per byte under icount
profile_linux_vfork() {
	$FORKLAB profile vfork --linux --csv "$OUT/profile.csv" >"$OUT/profile.out" 2>&1 &&
		python3 tests/tools/checks.py linux-profile "$OUT/profile.csv" \
			build/check/linux_reference/run/results.csv
}

iso_check() {
	$FORKLAB boot --iso --mode tcg --timeout 120 >"$OUT/iso.out" 2>&1 &&
		grep -q 'forklab .*long mode' "$OUT/iso.out" &&
		grep -q 'multiboot2 from GRUB' "$OUT/iso.out" &&
		! grep -q '^FAIL:' "$OUT/iso.out"
}

kvm_usable() {
	python3 -c 'import sys; sys.path.insert(0, "tools")
from forklablib import qemu
sys.exit(0 if qemu.kvm_usable() else 1)'
}

# -smp 4 comes up (every CPU online, the boot passes) under TCG, icount and,
# where /dev/kvm works, KVM
smp_boots() {
	local modes="tcg icount" m
	kvm_usable && modes="$modes kvm"
	for m in $modes; do
		if ! $FORKLAB expect pass --mode "$m" --smp 4 --timeout 60 -- mode=boot \
			>"$OUT/$m.out" 2>&1; then
			echo "smp: -smp 4 under $m did not pass (see $OUT/$m.out)"
			return 1
		fi
		if ! grep -q "forklab: 4 CPUs online" "$OUT/$m.out"; then
			echo "smp: -smp 4 under $m did not bring 4 CPUs online"
			return 1
		fi
	done
	echo "smp: -smp 4 online under $modes"
}

# smp_run DIR MODE ARGS... - a small bench=scale,tlb run on 2 CPUs into DIR
smp_run() {
	local dir=$1 mode=$2
	shift 2
	$FORKLAB run --mode "$mode" --smp 2 --bench scale,tlb --pt cow --pid hash --iters 20 \
		--out "$dir" "$@" >"$dir.out" 2>&1
}

# two icount runs on 2 CPUs give identical rows and lock counts, and hold
# a row for every allocator, op and task count
smp_icount_runs_agree() {
	smp_run "$OUT/a" icount --no-plots &&
		smp_run "$OUT/b" icount --no-plots &&
		cmp "$OUT/a/results.csv" "$OUT/b/results.csv" &&
		cmp "$OUT/a/locks.csv" "$OUT/b/locks.csv" &&
		python3 tests/tools/checks.py scale-rows "$OUT/a" 2
}

# the same on 2 MTTCG CPUs (numbers differ run to run), with its plots
smp_tcg_scale() {
	smp_run "$OUT/run" tcg &&
		python3 tests/tools/checks.py scale-rows "$OUT/run" 2 &&
		test -s "$OUT/run/scale.png" && test -s "$OUT/run/tlb.png"
}

# windows=1 (each measured call's two TSC readings, which forklab nested
# exits puts VM exits into) changes no number and no other line
windows_change_nothing() {
	local args="mode=bench bench=fork alloc=all pt=all pid=hash iters=20 rss_max=16"
	$FORKLAB boot --mode icount --quiet --log "$OUT/plain.txt" --timeout 120 -- $args &&
		$FORKLAB boot --mode icount --quiet --log "$OUT/windows.txt" --timeout 120 -- \
			$args windows=1 &&
		python3 tests/tools/checks.py windows-identical "$OUT/plain.txt" "$OUT/windows.txt"
}

# forklab under a genuine kvm_amd (forklab nested): an L1 Linux under icount
# loads kvm-amd and runs the inner QEMU with -accel kvm
nested_run() {
	local mode=$1 dir=$2
	shift 2
	$FORKLAB run --mode "$mode" --iters 10 --bench fork --pt cow --pid hash --no-plots \
		--out "$dir" --rss-max 4 --alloc slub "$@" >"$dir.out" 2>&1
}

# with nested paging no fork window exits: every row's n, min and p50 are the
# bare icount ones (a max may differ by an L1 timer interrupt that lands in
# one call: where depends on every instruction before it, so a change
# anywhere can move one into a window; --exits then shows none there)
nested_npt_is_bare() {
	nested_run kvm-npt "$OUT/npt" && grep -q '"kvm_amd_params": "npt=1"' "$OUT/npt/meta.json" &&
		python3 tests/tools/checks.py same-min-p50 build/check/icount_runs/a/results.csv \
			"$OUT/npt/results.csv"
}

# shadow paging costs more and repeats byte for byte
nested_shadow_twice() {
	nested_run kvm-shadow "$OUT/a" && nested_run kvm-shadow "$OUT/b" &&
		cmp "$OUT/a/results.csv" "$OUT/b/results.csv" &&
		python3 tests/tools/checks.py shadow-dearer build/check/icount_runs/a/results.csv \
			"$OUT/a/results.csv"
}

# --exits: the VM exits of each measured call, by reason and code
nested_exits_per_call() {
	$FORKLAB nested --exits run --mode kvm-shadow --iters 10 --bench fork --pt cow \
		--pid hash --alloc slub --rss-max 1 --no-plots --out "$OUT/run" >"$OUT/run.out" 2>&1 &&
		python3 tests/tools/checks.py exits-per-call "$OUT/run/exits.csv" \
			"$OUT/run/exit_sites.csv"
}

# the L1 cannot load kvm-amd (an L1 CPU without SVM): one line, status 126
nested_no_svm() {
	$FORKLAB nested --l1-cpu max,-svm boot --timeout 120 -- mode=boot >"$OUT/out" 2>&1
	[ $? -eq 126 ] && grep -q "could not load a module: .*kvm-amd.ko" "$OUT/out" &&
		grep -q "no hardware support for 'kvm_amd'" "$OUT/out" && ! grep -q Traceback "$OUT/out"
}

# a library or a firmware file the inner QEMU needs is missing in the L1:
# named, status 126
nested_missing_library() {
	$FORKLAB nested --omit /lib/x86_64-linux-gnu/libz.so.1 boot --timeout 120 -- mode=boot \
		>"$OUT/lib.out" 2>&1
	[ $? -eq 126 ] && grep -q "inner QEMU failed .*libz.so.1" "$OUT/lib.out" || return 1
	$FORKLAB nested --omit /usr/share/qemu/qboot.rom boot --timeout 120 -- mode=boot \
		>"$OUT/rom.out" 2>&1
	[ $? -eq 126 ] && grep -q "inner QEMU failed .*could not load PC BIOS" "$OUT/rom.out"
}

# the inner guest hangs: stopped at the timeout with its last lines, status
# 124, and no QEMU of this run left running
nested_inner_hang() {
	$FORKLAB nested boot --timeout 25 --log "$OUT/l1.txt" -- crash=hang >"$OUT/out" 2>&1
	[ $? -eq 124 ] && grep -q "inner QEMU was still running" "$OUT/out" &&
		grep -q "crash=hang: spinning" "$OUT/out" && ! pgrep -f "$(readlink -f build/nested)/initrd-"
}

# the rdtscp;lfence close (build/rdtscp): under a genuine KVM it runs, and
# every window holds what it held with lfence;rdtsc;lfence (every row's n,
# min and p50: a max may take an L1 timer interrupt, as in nested_npt)
nested_rdtscp() {
	nested_run kvm-npt "$OUT/run" --kernel build/rdtscp/forklab.elf &&
		grep -q '"tsc_close": "rdtscp;lfence"' "$OUT/run/meta.json" &&
		python3 tests/tools/checks.py same-min-p50 build/check/icount_runs/a/results.csv \
			"$OUT/run/results.csv"
}

# ... and a CPU without RDTSCP (an L1 -cpu max,-rdtscp) makes the kernel
# refuse to run, saying why, instead of timing with it
nested_no_rdtscp() {
	$FORKLAB nested --l1-cpu max,-rdtscp boot --kernel build/rdtscp/forklab.elf --timeout 120 \
		-- mode=bench bench=alloc alloc=slub iters=5 >"$OUT/out" 2>&1
	[ $? -eq 6 ] && grep -q "the CPU has no RDTSCP" "$OUT/out"
}

# Linux 6.1 as the inner guest of the same kvm_amd, with the same program
nested_linux() {
	$FORKLAB linux --mode kvm-npt --iters 5 --rss-max 4 --no-plots --out "$OUT/run" \
		>"$OUT/run.out" 2>&1 && grep -q '"kvm_amd_params": "npt=1"' "$OUT/run/meta.json" &&
		python3 tests/tools/checks.py linux-rows "$OUT/run/results.csv"
}

# on_forklab_and_here NAME PROGRAM ARGS... - PROGRAM's lines (those not from
# the kernel) on forklab with 1, 2 and 4 CPUs under TCG and 2 and 4 under
# icount (or the MODE:CPUS list in $FORKLAB_RUNS) equal its lines run on
# this host; every run exits 0 with nothing leaked (forklab boot fails a
# run that leaks)
on_forklab_and_here() {
	local name=$1 prog=$2 m n
	shift 2
	"$prog" "$@" >"$OUT/$name-host.txt" || { echo "$name: fails on this host"; return 1; }
	for m in ${FORKLAB_RUNS:-tcg:1 tcg:2 tcg:4 icount:2 icount:4}; do
		n=${m#*:}
		m=${m%:*}
		if ! $FORKLAB boot --mode "$m" --smp "$n" --quiet --timeout 120 \
			--log "$OUT/$name-$m-$n.log" "${FORKLAB_PROGRAM_ARGS[@]}" >/dev/null 2>&1; then
			echo "$name: failed on forklab, $m, $n CPUs (see $OUT/$name-$m-$n.log)"
			return 1
		fi
		sed -n '/^forklab: running /,/^forklab: after pid 1/p' "$OUT/$name-$m-$n.log" |
			grep -v '^forklab' >"$OUT/$name-$m-$n.txt"
		if ! cmp -s "$OUT/$name-host.txt" "$OUT/$name-$m-$n.txt"; then
			echo "$name: forklab ($m, $n CPUs) printed other lines than this host:"
			diff "$OUT/$name-host.txt" "$OUT/$name-$m-$n.txt" | head -5
			return 1
		fi
	done
	echo "$name: the same $(wc -l <"$OUT/$name-host.txt") lines on this host and on forklab"
}

musl_threads_same() {
	FORKLAB_PROGRAM_ARGS=(--program build/user/musl-threads)
	on_forklab_and_here musl-threads build/user/musl-threads
}

# execve from a threaded process: the same lines with the tick (1, 2, 4
# CPUs, TCG and icount) and without one (hz=0: the kick's IPI alone ends
# the thread spinning in user mode on another CPU; on one CPU, the case of
# a thread that has not run yet, which the self-IPI ends)
exec_threads_same() {
	local prog=build/user/musl-exec-threads
	FORKLAB_PROGRAM_ARGS=(--program $prog)
	FORKLAB_RUNS="tcg:1 tcg:2 tcg:4 icount:1 icount:2 icount:4" \
		on_forklab_and_here exec-threads $prog || return 1
	FORKLAB_PROGRAM_ARGS=(--program $prog -- hz=0)
	FORKLAB_RUNS="tcg:2 tcg:4 icount:2 icount:4" \
		on_forklab_and_here exec-threads-hz0 $prog || return 1
	FORKLAB_PROGRAM_ARGS=(--program $prog -- args=fresh hz=0)
	FORKLAB_RUNS="tcg:1 icount:1" on_forklab_and_here exec-threads-fresh-hz0 $prog fresh
}

# ... and as /init of the Linux 6.1 guest: this host's lines
exec_threads_linux() {
	python3 tests/tools/spawn_linux.py "$OUT" build/user/musl-exec-threads "exec_threads: " \
		>"$OUT/guest.txt" &&
		build/user/musl-exec-threads >"$OUT/host.txt" </dev/null &&
		diff -u "$OUT/host.txt" "$OUT/guest.txt"
}

futex_same() {
	FORKLAB_PROGRAM_ARGS=(--program build/user/forklab-futex)
	(ulimit -c 0; on_forklab_and_here futex build/user/forklab-futex)
}

# forklab threads on both systems: every op has a row on each, and on each
# pthread_create+join costs more than pthread_create alone and than the
# raw clone+join, which costs more than the clone alone
threads_bench() {
	$FORKLAB threads --iters 5 --csv "$OUT/threads.csv" >"$OUT/threads.out" 2>&1 &&
		awk -F, 'NR > 1 { p[$1 "/" $3] = $6; sys[$1] = 1 }
		END {
			n = 0
			for (s in sys) {
				n++
				if (!(p[s "/clone-thread"] > 0 &&
				      p[s "/clone-thread-join"] > p[s "/clone-thread"] &&
				      p[s "/pthread-create"] > p[s "/clone-thread"] &&
				      p[s "/pthread-create-join"] > p[s "/pthread-create"] &&
				      p[s "/pthread-create-join"] > p[s "/clone-thread-join"])) {
					print "threads: " s " out of order"; exit 1
				}
			}
			if (n != 2) { print "threads: " n " systems, not 2"; exit 1 }
		}' "$OUT/threads.csv"
}
