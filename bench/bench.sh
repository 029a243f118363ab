#!/bin/sh
# `make bench`: times our makedumpfile and Debian's makedumpfile 1.7.2 on the
# same inputs in the same run and writes ratios (ours / reference) to
# bench/results.md. Inputs: the real vmcore of ../shared/vmcores (when
# present) and a generated vmcore of BENCH_GEN_MIB MiB (default 2048).
# Each measurement is the median of BENCH_RUNS runs (default 3).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=${B:-build}
SHARED=${SHARED:-$ROOT/../shared}
REF=${REF_MDF:-/usr/bin/makedumpfile}
MDF=$ROOT/makedumpfile
WORK=${BENCH_WORK:-$ROOT/tests/out/bench}
RUNS=${BENCH_RUNS:-3}
GEN_MIB=${BENCH_GEN_MIB:-2048}
RESULTS=$ROOT/bench/results.md
mkdir -p "$WORK"

[ -x "$REF" ] || { echo "bench: $REF not found (apt-get install makedumpfile)" >&2; exit 1; }

inputs=""
REAL=$WORK/vmcore-6.1-small.elf
if [ -f "$SHARED/vmcores/vmcore-6.1-small.elf.zst" ]; then
	if [ ! -f "$REAL" ]; then
		zstd -q -d --long=28 -o "$REAL.tmp" "$SHARED/vmcores/vmcore-6.1-small.elf.zst"
		mv "$REAL.tmp" "$REAL"
	fi
	inputs="$REAL"
fi
GEN=$WORK/generated-${GEN_MIB}M.elf
if [ ! -f "$GEN" ]; then
	sh "$ROOT/bench/gen-spec.sh" "$GEN_MIB" > "$WORK/gen.spec"
	"$ROOT/$B/tests/mkvmcore" "$WORK/gen.spec" "$GEN.tmp"
	mv "$GEN.tmp" "$GEN"
fi
inputs="$inputs $GEN"

# measure OUTVAR CMD...: runs CMD RUNS times, sets "wall cpu rss" (median
# wall; cpu and rss of that run) in OUTVAR.
measure() {
	var=$1; shift
	i=0; : > "$WORK/times"
	while [ $i -lt "$RUNS" ]; do
		rm -f "$WORK/out.dump"
		/usr/bin/time -f "%e %U %S %M" -o "$WORK/t1" "$@" >/dev/null 2>"$WORK/err" ||
			{ echo "bench: failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
		awk '{printf "%s %.2f %s\n", $1, $2 + $3, $4}' "$WORK/t1" >> "$WORK/times"
		i=$((i + 1))
	done
	eval "$var=\"\$(sort -n \"\$WORK/times\" | sed -n \"\$(( (RUNS + 1) / 2 ))p\")\""
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

{
	echo "# Benchmark results"
	echo
	echo "Made by \`make bench\` on $(date -u +%Y-%m-%d) ($(nproc) online CPUs, $(uname -m))."
	echo "Reference: $("$REF" -v 2>&1 | head -1). Wall time is the median of $RUNS runs;"
	echo "CPU = user + system seconds of that run; RSS = peak resident set (KiB)."
	echo "Ratios are ours / reference: below 1.00 is better."
	echo
} > "$RESULTS.tmp"

for in in $inputs; do
	name=$(basename "$in")
	size=$(stat -c %s "$in")
	cat "$in" > /dev/null  # warm the page cache for every contender alike
	{
		echo "## $name ($((size / 1048576)) MiB)"
		echo
		echo "Single-core codec limit on the pages \`-d 1\` keeps:"
		echo
		echo '```'
		"$ROOT/$B/bench/codec_limit" "$in" --skip-zero 1024
		echo '```'
		echo
		echo "| command | ref wall s | ref CPU s | ref RSS | ours wall s | ours CPU s | ours RSS | wall ratio | RSS ratio |"
		echo "|---|---|---|---|---|---|---|---|---|"
	} >> "$RESULTS.tmp"
	for level in 1; do
		for codec in -l -c; do
			measure ref "$REF" $codec -d $level "$in" "$WORK/out.dump"
			set -- $ref; rw=$1 rc=$2 rr=$3
			for threads in 1 default; do
				if [ $threads = default ]; then targs=""; label="default threads ($(nproc))"; else targs="--num-threads 1"; label="--num-threads 1"; fi
				measure ours "$MDF" $codec -d $level $targs "$in" "$WORK/out.dump"
				set -- $ours; ow=$1 oc=$2 or=$3
				echo "| \`$codec -d $level\`, $label | $rw | $rc | $rr | $ow | $oc | $or | $(ratio "$ow" "$rw") | $(ratio "$or" "$rr") |" >> "$RESULTS.tmp"
			done
		done
	done
	echo >> "$RESULTS.tmp"
done
rm -f "$WORK/out.dump"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"
