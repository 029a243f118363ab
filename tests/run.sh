#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Test runner: tests/run.sh BUILD_DIR [BUILD_DIR...]  (make check)
#
# For each build dir: every unit test BUILD/tests/unit/test_*, every fuzz
# replay BUILD/tests/fuzz/fuzz_<name> over tests/fuzz/corpus/<name>, and every
# tests/cases/*.sh.  One line per test; a test's output is shown only when it
# fails.  A case exits 0 = pass, 77 = skipped (its output says why), else
# fail.  Ends with exactly one line "N passed, N failed, N skipped" and a
# non-zero exit if anything failed.
#
# Environment given to cases: MDF, MKVMCORE, TESTTMP (fresh per case,
# removed afterwards), SHARED, REF_MDF, PY, MDF_ASAN (1 for a build dir
# whose name contains "asan"), TESTCACHE (persistent cache, tests/out/cache).
# Overridable: SHARED, REF_MDF, PY, TESTCACHE, CASES (space-separated case
# names to run, default all), TEST_TIMEOUT (seconds per test, default 900;
# a case may ask for more with a line "# case-timeout: SECONDS").

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${SHARED:=$(cd "$ROOT/.." && pwd)/shared}"
if [ -z "${REF_MDF:-}" ]; then
	REF_MDF=/usr/sbin/makedumpfile
	[ -x "$REF_MDF" ] || REF_MDF=/usr/bin/makedumpfile
fi
: "${PY:=/usr/bin/python3}"
: "${TESTCACHE:=$ROOT/tests/out/cache}"
: "${TEST_TIMEOUT:=900}"
export SHARED REF_MDF PY TESTCACHE
mkdir -p "$TESTCACHE" "$ROOT/tests/out/logs"

npass=0 nfail=0 nskip=0
failed_list=""

# run_one LABEL LOG CMD...: run a test, classify, print one line.
run_one() {
	_label=$1 _log=$2 _limit=$TEST_TIMEOUT
	shift 2
	case $1 in --limit) _limit=$2; shift 2 ;; esac
	_t0=$(date +%s)
	if command -v timeout >/dev/null 2>&1; then
		timeout -k 10 "$_limit" "$@" >"$_log" 2>&1
	else
		"$@" >"$_log" 2>&1
	fi
	_rc=$?
	_dt=$(( $(date +%s) - _t0 ))
	case $_rc in
	0)	npass=$((npass + 1)); echo "PASS  $_label (${_dt}s)" ;;
	77)	nskip=$((nskip + 1))
		echo "SKIP  $_label: $(grep -m1 -i 'skip' "$_log" | cut -c1-150)" ;;
	*)	nfail=$((nfail + 1)); failed_list="$failed_list $_label"
		echo "FAIL  $_label (exit $_rc, ${_dt}s)"
		echo "----- output of $_label (log: $_log)"
		tail -n 80 "$_log"
		echo "-----" ;;
	esac
}

[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [BUILD_DIR...]" >&2; exit 2; }

for B in "$@"; do
	case $B in /*) BD=$B ;; *) BD=$ROOT/$B ;; esac
	bname=$(basename "$B")
	logdir=$ROOT/tests/out/logs/$bname
	mkdir -p "$logdir"
	case $bname in *asan*) asan=1 ;; *) asan=0 ;; esac
	echo "=== $B"

	for t in "$BD"/tests/unit/test_*; do
		[ -x "$t" ] || continue
		run_one "$bname/unit/$(basename "$t")" "$logdir/unit_$(basename "$t").log" "$t"
	done

	for t in "$BD"/tests/fuzz/fuzz_*; do
		[ -x "$t" ] || continue
		name=$(basename "$t"); name=${name#fuzz_}
		corpus=$ROOT/tests/fuzz/corpus/$name
		if [ ! -d "$corpus" ]; then
			nskip=$((nskip + 1)); echo "SKIP  $bname/fuzz/$name: no corpus dir"; continue
		fi
		run_one "$bname/fuzz/$name" "$logdir/fuzz_$name.log" "$t" "$corpus"
	done

	for c in "$ROOT"/tests/cases/*.sh; do
		[ -f "$c" ] || continue
		cname=$(basename "$c" .sh)
		if [ -n "${CASES:-}" ]; then
			case " $CASES " in *" $cname "*) ;; *) continue ;; esac
		fi
		tmp=$(mktemp -d "${TMPDIR:-/tmp}/mdftest.$cname.XXXXXX")
		# A case that needs longer says so: "# case-timeout: SECONDS"
		# (the larger of it and TEST_TIMEOUT applies).
		limit=$(sed -n 's/^# case-timeout: *\([0-9][0-9]*\).*/\1/p' "$c" | head -n 1)
		[ -n "$limit" ] && [ "$limit" -gt "$TEST_TIMEOUT" ] || limit=$TEST_TIMEOUT
		run_one "$bname/case/$cname" "$logdir/case_$cname.log" --limit "$limit" \
			env MDF="$BD/makedumpfile" MKVMCORE="$BD/tests/mkvmcore" \
			TESTTMP="$tmp" MDF_ASAN=$asan \
			ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}" \
			UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1}" \
			sh "$c"
		# cases may leave mounts behind when they fail half-way
		grep -F " $tmp" /proc/mounts 2>/dev/null | awk '{print $2}' | sort -r |
			while read -r m; do umount "$m" 2>/dev/null || umount -l "$m"; done
		rm -rf "$tmp"
	done
done

[ -n "$failed_list" ] && echo "failed:$failed_list"
echo "$npass passed, $nfail failed, $nskip skipped"
[ "$nfail" -eq 0 ]
