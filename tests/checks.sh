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

gate_catches_slowdown() {
	! $FORKLAB gate --kernel build/slow/forklab.elf --out "$OUT/gate" >"$OUT/gate.out" 2>&1 &&
		grep -q '^gate: worst: fork/.*phase_total' "$OUT/gate.out"
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
			bench=fork,alloc,pid alloc=page,slub pt=cow,share pid=hash,idr iters=5 rss_max=4 \
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
