#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fuzz campaigns (make fuzz, tests/tests.mk).
#
#   campaign.sh DIR SECONDS JOBS NAME...   run DIR/fuzz_NAME for SECONDS each,
#                                          JOBS targets at a time
#   campaign.sh --merge DIR NAME...        minimise tests/fuzz/corpus/NAME
#                                          with DIR/work/NAME
#
# A run starts from tests/fuzz/corpus/NAME (read only) and keeps what it
# finds in DIR/work/NAME. libFuzzer stops at a crash; the campaign then
# starts it again for the time left, so one finding does not end it. Each
# target's executions (summed over its runs) and findings (distinct crash,
# timeout, leak and OOM inputs in DIR/findings/NAME/) go to
# DIR/summary.txt, one line per target.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

one() {
	dir=$1 secs=$2 name=$3
	bin=$dir/fuzz_$name
	work=$dir/work/$name
	art=$dir/findings/$name
	log=$dir/logs/$name.log
	mkdir -p "$work" "$art" "$dir/logs"
	: >"$log"
	[ -x "$bin" ] || { echo "$name: no $bin" >&2; return 1; }
	corpus=$ROOT/tests/fuzz/corpus/$name
	[ -d "$corpus" ] || corpus=
	start=$(date +%s)
	execs=0 runs=0
	while :; do
		left=$((secs - ($(date +%s) - start)))
		[ $left -gt 0 ] || break
		runs=$((runs + 1))
		"$bin" -max_total_time=$left -timeout=30 -rss_limit_mb=2048 -print_final_stats=1 \
			-artifact_prefix="$art/" "$work" $corpus >>"$log" 2>&1
		n=$(grep 'stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
		execs=$((execs + ${n:-0}))
		# stats lines accumulate in the log: count each run once
		printf '== run %d ended, %s executions\n' $runs "${n:-0}" >>"$log"
		sed -i 's/stat::number_of_executed_units/stat::counted_executed_units/' "$log"
		[ $runs -lt 1000 ] || break
	done
	findings=$(ls "$art" | grep -cE '^(crash|timeout|leak|oom|slow-unit)-')
	printf '%-12s %12d executions %4d findings %3d runs %6d corpus %ss\n' "$name" "$execs" \
		"$findings" $runs "$(ls "$work" | wc -l)" "$secs"
}

case ${1:-} in
--merge)
	dir=$2
	shift 2
	for name in "$@"; do
		corpus=$ROOT/tests/fuzz/corpus/$name
		new=$dir/merged/$name
		rm -rf "$new"
		mkdir -p "$new" "$dir/work/$name" "$dir/logs"
		# The named seeds stay as they are (libFuzzer keeps every input
		# of the first directory); of the campaign's inputs only those
		# that add coverage are added, named by their SHA-1.
		cp "$corpus"/* "$new"/ 2>/dev/null
		"$dir/fuzz_$name" -merge=1 "$new" "$dir/work/$name" \
			>"$dir/logs/merge-$name.log" 2>&1 || { echo "merge $name failed"; exit 1; }
		echo "$name: $(ls "$corpus" | wc -l) -> $(ls "$new" | wc -l) inputs"
		cp "$new"/* "$corpus"/
	done
	exit 0 ;;
--one)
	one "$2" "$3" "$4"
	exit $? ;;
esac

[ $# -ge 4 ] || { echo "usage: $0 DIR SECONDS JOBS NAME..." >&2; exit 2; }
dir=$1 secs=$2 jobs=$3
shift 3
mkdir -p "$dir"
for name in "$@"; do echo "$name"; done |
	xargs -P "$jobs" -I{} sh "$0" --one "$dir" "$secs" {} | tee "$dir/summary.txt"
