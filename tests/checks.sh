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

pfm_known() {
	[ "$(build/pfm-encode --pmu skl INST_RETIRED:ANY_P CPU_CLK_UNHALTED:THREAD_P)" = \
		"0x5300c0,0x53003c" ]
}

pfm_unknown() {
	! build/pfm-encode --pmu skl NO_SUCH_EVENT 2>"$OUT/pfm.err" &&
		grep -q "cannot encode 'NO_SUCH_EVENT'" "$OUT/pfm.err"
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

two_runs_agree() {
	icount_run "$OUT/a" --rss-max 4 --alloc slub &&
		icount_run "$OUT/b" --rss-max 4 --alloc slub &&
		cmp "$OUT/a/results.csv" "$OUT/b/results.csv"
}

# the virtual PMU beside the run of icount_runs: the same numbers, twice the
# same counts, and the plugin's windows the benchmark's own
vpmu_runs() {
	icount_run "$OUT/a" --rss-max 4 --alloc slub --bench fork,alloc,pid --vpmu cache &&
		icount_run "$OUT/b" --rss-max 4 --alloc slub --bench fork,alloc,pid --vpmu cache &&
		cmp "$OUT/a/vpmu.csv" "$OUT/b/vpmu.csv" &&
		python3 tests/tools/checks.py vpmu-consistent "$OUT/a/results.csv" "$OUT/a/vpmu.csv" &&
		icount_run "$OUT/c" --rss-max 4 --alloc slub --vpmu counters &&
		python3 tests/tools/checks.py same-numbers build/check/icount_runs/a/results.csv \
			"$OUT/c/results.csv" &&
		python3 tests/tools/checks.py vpmu-consistent "$OUT/c/results.csv" "$OUT/c/vpmu.csv"
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

# the plots and HTML report of a real run, rendered by headless Chromium
render_check() {
	cp -r build/check/compare/s1 "$OUT/run" &&
		$FORKLAB plot "$OUT/run" >/dev/null && $FORKLAB report "$OUT/run" &&
		python3 tests/tools/render_report.py "$OUT/run" "$OUT/report.png"
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
		python3 tests/tools/checks.py linux-rows "$OUT/run/results.csv"
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
