#!/usr/bin/env bash
# tests/check.sh - run the checks of tests/checks.cfg (all of them, or those
# ONLY and GROUP name), building what they need first, counted check by
# check; each one's log is build/check/NAME.log. Ends with one line
# "N passed, N failed" and exits 0 iff nothing failed.
#
#   tests/check.sh                 every check (make check)
#   ONLY=gate,iso tests/check.sh   these checks, and the checks they need
#   GROUP=host,exit tests/check.sh the checks of these groups
#   tests/check.sh --list          the table: name, group, what
set -u
cd "$(dirname "$0")/.."
CFG=tests/checks.cfg
LOGDIR=build/check
DEFAULT_TIMEOUT=600

declare -a names=()
declare -A group kind needs run skip timeout what

# read_cfg - the sections of $CFG into the arrays above, in file order.
read_cfg() {
	local line name="" key value
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		"" | "#"*) continue ;;
		"["*"]")
			name=${line#[}
			name=${name%]}
			names+=("$name")
			group[$name]="" kind[$name]=check needs[$name]="" run[$name]=""
			skip[$name]="" timeout[$name]=$DEFAULT_TIMEOUT what[$name]=$name
			;;
		*=*)
			key=${line%%=*}
			key=${key// /}
			value=${line#*=}
			value=${value# }
			if [ -z "$name" ] || [[ ! "$key" =~ ^(group|kind|needs|run|skip|timeout|what)$ ]]; then
				echo "check.sh: $CFG: '$line' is not key = value inside a [section]" \
					"(keys: group kind needs run skip timeout what)" >&2
				exit 2
			fi
			eval "$key[\$name]=\$value"
			;;
		*)
			echo "check.sh: $CFG: cannot read '$line'" >&2
			exit 2
			;;
		esac
	done <"$CFG"
}

# known LIST WORD - whether WORD is one of the space-separated LIST.
known() {
	[[ " $1 " == *" $2 "* ]]
}

declare -A chosen
# choose NAME - select NAME and, first, every check it needs.
choose() {
	local n dep
	[ -n "${chosen[$1]:-}" ] && return
	chosen[$1]=1
	for dep in ${needs[$1]}; do
		[[ $dep == check:* ]] || continue
		n=${dep#check:}
		if ! known "${names[*]}" "$n"; then
			echo "check.sh: $1 needs check '$n', which $CFG does not define" >&2
			exit 2
		fi
		choose "$n"
	done
}

# select_checks - from ONLY and GROUP (comma-separated), or all of them.
select_checks() {
	local n g groups=" "
	for n in "${names[@]}"; do
		known "$groups" "${group[$n]}" || groups+="${group[$n]} "
	done
	for n in ${ONLY//,/ }; do
		if ! known "${names[*]}" "$n"; then
			echo "check.sh: ONLY: no check '$n'; accepted: ${names[*]}" >&2
			exit 2
		fi
		choose "$n"
	done
	for g in ${GROUP//,/ }; do
		if ! known "$groups" "$g"; then
			echo "check.sh: GROUP: no group '$g'; accepted:$groups" >&2
			exit 2
		fi
		for n in "${names[@]}"; do
			[ "${group[$n]}" = "$g" ] && choose "$n"
		done
	done
	if [ -z "${ONLY}${GROUP}" ]; then
		for n in "${names[@]}"; do
			chosen[$n]=1
		done
	fi
}

passed=0
failed=0
skipped=0
failures=()

# run_one NAME - run check NAME in a clean build/check/NAME and count it.
run_one() {
	local n=$1 log="$LOGDIR/$1.log" rc p f why
	export OUT="$LOGDIR/$n" LOG="$log"
	rm -rf "$OUT"
	mkdir -p "$OUT"
	if [ -n "${skip[$n]}" ] && ! why=$(bash -c "${skip[$n]}" 2>&1 >/dev/null); then
		skipped=$((skipped + 1))
		echo "  skipped: ${what[$n]} ($n: '${skip[$n]}' failed${why:+: $why})"
		return
	fi
	RUN=${run[$n]} timeout "${timeout[$n]}" bash -c 'source tests/checks.sh; eval "$RUN"' \
		>"$log" 2>&1
	rc=$?
	[ "$rc" -eq 124 ] && echo "check.sh: stopped after ${timeout[$n]} s" >>"$log"
	if [ "${kind[$n]}" = suite ]; then
		p=$(grep -c '^PASS:' "$log")
		f=$(grep -c '^FAIL:' "$log")
		if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
			f=1
			failures+=("$n exited $rc without a FAIL line (log: $log): $(tail -n 3 "$log" | tr '\n' ' ')")
		elif [ "$f" -gt 0 ]; then
			failures+=("$n: $(grep -m3 '^FAIL:' "$log" | tr '\n' ' ')")
		fi
		passed=$((passed + p))
		failed=$((failed + f))
		echo "  $n: $p passed, $f failed"
	elif [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
		echo "  ok: ${what[$n]}"
	else
		failed=$((failed + 1))
		failures+=("$n (log: $log): $(tail -n 2 "$log" | tr '\n' ' ')")
		echo "  FAILED: ${what[$n]} ($n, log: $log)"
	fi
}

read_cfg
if [ "${1:-}" = "--list" ]; then
	for n in "${names[@]}"; do
		printf '%-18s %-7s %s\n' "$n" "${group[$n]}" "${what[$n]}"
	done
	exit 0
fi
ONLY=${ONLY:-} GROUP=${GROUP:-}
select_checks
mkdir -p "$LOGDIR"

targets=()
for n in "${names[@]}"; do
	[ -n "${chosen[$n]:-}" ] || continue
	for dep in ${needs[$n]}; do
		[[ $dep == check:* ]] || known "${targets[*]:-}" "$dep" || targets+=("$dep")
	done
done
if [ "${#targets[@]}" -gt 0 ] && ! make -s "${targets[@]}" >"$LOGDIR/build.log" 2>&1; then
	tail -n 20 "$LOGDIR/build.log"
	echo "check.sh: building ${targets[*]} failed (log: $LOGDIR/build.log)"
	echo "0 passed, 1 failed"
	exit 1
fi

last=""
for n in "${names[@]}"; do
	[ -n "${chosen[$n]:-}" ] || continue
	if [ "${group[$n]}" != "$last" ]; then
		echo "== ${group[$n]}"
		last=${group[$n]}
	fi
	run_one "$n"
done

echo
for f in "${failures[@]}"; do
	echo "failed: $f"
done
[ "$skipped" -gt 0 ] && echo "$skipped skipped (see above)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
