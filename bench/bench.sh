#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make bench`: times our makedumpfile and Debian's makedumpfile 1.7.2 on the
# same inputs in the same run and writes ratios (ours / reference) to
# bench/results.md:
#   -d 1 with -l and -c on the real vmcore (../shared/vmcores, when present)
#     and on a generated vmcore of BENCH_GEN_MIB MiB (default 2048);
#   -d 31 with -l, -c and -z on the real vmcore and, when the generator can
#     lay out a kernel (bench/gen-kernel-spec.sh), on a generated machine of
#     BENCH_KGEN_MIB MiB (default 8192) - Debian's build has no zstd, so our
#     -z is compared with its -l;
#   the struct-page scan rate (from our -D output);
#   --dump-dmesg on the real vmcore, and -g on the debug vmlinux when present;
#   the --compress-level table of -c and -z (throughput on one core and
#   ratio on the first BENCH_LEVEL_MIB MiB, default 32, of the pages -d 1
#   keeps of the real vmcore, else of the generated one);
#   refiltering the reference's -l -d 1 dump to -l -d 31 (the real vmcore and
#   the generated machine), our --split into 2 files against our own
#   single-file --num-threads 1 run (time and peak RSS), and --reassemble of
#   the reference's 2 split files (BENCH_ONLY=split: only these rows, put
#   into the last full run's bench/results.md).
#   arm64 (ours only: Debian's x86_64 build reads no arm64 dump): -d 31 with
#   -l and -c on a generated arm64 machine of BENCH_KGEN_MIB MiB
#   (bench/gen-arm64-spec.sh, the x86_64 machine's class mix) and on a real
#   arm64 vmcore when BENCH_ARM64_VMCORE names one (tests/qemu/arm64-compare.sh
#   with PROFILE=large: 8 GiB), with the struct-page scan rate and CPU time per
#   page beside the x86_64 machine's. BENCH_ONLY=arm64 measures only that
#   section and puts it into the existing bench/results.md.
#   --config bench/erase-10.conf (-l -d 31, real vmcore): with -x against the
#   reference with the same config, from the dump's BTF against our own run
#   without --config, and what erasing adds beyond resolving the config.
# BENCH_ONLY=erase runs only the --config rows (into bench/results-erase.md).
# Each time is the median of BENCH_RUNS runs (default 7; the two tools take
# turns), after a warm-up read of the input before each row, with our binary
# both with --num-threads 1 and by default.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
B=${B:-build}
SHARED=${SHARED:-$ROOT/../shared}
REF=${REF_MDF:-/usr/bin/makedumpfile}
MDF=$ROOT/makedumpfile
WORK=${BENCH_WORK:-$ROOT/tests/out/bench}
RUNS=${BENCH_RUNS:-7}
GEN_MIB=${BENCH_GEN_MIB:-2048}
KGEN_MIB=${BENCH_KGEN_MIB:-8192}
RESULTS=$ROOT/bench/results.md
VMLINUX=${MDF_VMLINUX:-}
mkdir -p "$WORK"

[ -x "$REF" ] || { echo "bench: $REF not found (apt-get install makedumpfile)" >&2; exit 1; }

REAL=""
if [ -f "$SHARED/vmcores/vmcore-6.1-small.elf.zst" ]; then
	REAL=$WORK/vmcore-6.1-small.elf
	if [ ! -f "$REAL" ]; then
		zstd -q -d --long=28 -o "$REAL.tmp" "$SHARED/vmcores/vmcore-6.1-small.elf.zst"
		mv "$REAL.tmp" "$REAL"
	fi
fi
# BENCH_ONLY=split: only the refiltering, --split and --reassemble rows;
# BENCH_ONLY=arm64: only the arm64 section (into the existing results.md).
ONLY=${BENCH_ONLY:-}
GEN=$WORK/generated-${GEN_MIB}M.elf
[ "$ONLY" = split ] && GEN=""
if [ "$ONLY" != erase ] && [ "$ONLY" != arm64 ] && [ -n "$GEN" ] && [ ! -f "$GEN" ]; then
	sh "$ROOT/bench/gen-spec.sh" "$GEN_MIB" > "$WORK/gen.spec"
	"$ROOT/$B/tests/mkvmcore" "$WORK/gen.spec" "$GEN.tmp"
	mv "$GEN.tmp" "$GEN"
fi
AGEN=$WORK/arm64-${KGEN_MIB}M.elf
[ "$ONLY" = split ] && AGEN=""
if [ "${BENCH_ONLY:-}" != erase ] && [ -n "$AGEN" ] && [ ! -f "$AGEN" ]; then
	sh "$ROOT/bench/gen-arm64-spec.sh" "$KGEN_MIB" > "$WORK/agen.spec"
	"$ROOT/$B/tests/mkvmcore" "$WORK/agen.spec" "$AGEN.tmp"
	mv "$AGEN.tmp" "$AGEN"
fi
AREAL=${BENCH_ARM64_VMCORE:-}
[ -z "$AREAL" ] || [ -f "$AREAL" ] || { echo "bench: no $AREAL" >&2; exit 1; }
KGEN=""
if [ "${BENCH_ONLY:-}" != erase ] && [ -f "$ROOT/bench/gen-kernel-spec.sh" ]; then
	KGEN=$WORK/kernel-${KGEN_MIB}M.elf
	if [ ! -f "$KGEN" ]; then
		sh "$ROOT/bench/gen-kernel-spec.sh" "$KGEN_MIB" > "$WORK/kgen.spec"
		"$ROOT/$B/tests/mkvmcore" "$WORK/kgen.spec" "$KGEN.tmp"
		mv "$KGEN.tmp" "$KGEN"
	fi
fi
if [ -z "$VMLINUX" ]; then
	for v in "$ROOT/tests/out/cache/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64" \
		 /tmp/vmlinux-dbg/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64; do
		[ -f "$v" ] && { VMLINUX=$v; break; }
	done
fi

# run1 FILE CMD...: runs CMD once on a fresh output and appends "wall cpu rss"
# to FILE (wall from the clock in ns, CPU and peak RSS from time(1)). The
# sync first writes back what the previous run left dirty (the reference
# never syncs), so that write-back does not land in this run's time.
run1() {
	f=$1; shift
	rm -f "$WORK/out.dump" "$WORK/out2.dump"
	sync
	t0=$(date +%s%N)
	/usr/bin/time -f "%U %S %M" -o "$WORK/t1" "$@" >/dev/null 2>"$WORK/err" ||
		{ echo "bench: failed: $*" >&2; cat "$WORK/err" >&2; exit 1; }
	t1=$(date +%s%N)
	awk -v ns=$((t1 - t0)) '{printf "%.3f %.2f %s\n", ns / 1e9, $1 + $2, $3}' "$WORK/t1" >> "$f"
}

# median FILE: the line of FILE with the median wall time.
median() { sort -n "$1" | sed -n "$(( (RUNS + 1) / 2 ))p"; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

header() {
	echo "| command | ref wall s | ref CPU s | ref RSS KiB | ours wall s | ours CPU s | ours RSS KiB | wall ratio | RSS ratio | fastest-run ratio |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
}

# row LABEL "REF ARGS" "OUR ARGS": one table line (args word-split). The two
# tools take turns, RUNS times each, so a slow spell of the machine hits both.
row() {
	label=$1 refargs=$2 ourargs=$3
	: > "$WORK/ref.times"; : > "$WORK/our.times"
	# Read the input again first: the machine may have dropped cold page
	# cache since the last row (DAMON pageout runs on these VMs).
	[ -z "${CUR_IN:-}" ] || cat "$CUR_IN" > /dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		# shellcheck disable=SC2086
		run1 "$WORK/ref.times" "$REF" $refargs
		# shellcheck disable=SC2086
		run1 "$WORK/our.times" "$MDF" $ourargs
		i=$((i + 1))
	done
	set -- $(median "$WORK/ref.times"); rw=$1 rc=$2 rr=$3
	set -- $(median "$WORK/our.times"); ow=$1 oc=$2 or=$3
	rmin=$(sort -n "$WORK/ref.times" | sed -n 1p | cut -d' ' -f1)
	omin=$(sort -n "$WORK/our.times" | sed -n 1p | cut -d' ' -f1)
	echo "| $label | $rw | $rc | $rr | $ow | $oc | $or | $(ratio "$ow" "$rw") | $(ratio "$or" "$rr") | $(ratio "$omin" "$rmin") |"
}

# dump_rows INPUT LEVEL CODECS: ours with --num-threads 1 and by default
# against the reference with the same codec (-z against its -l).
dump_rows() {
	in=$1 level=$2
	for codec in $3; do
		refc=$codec
		[ "$codec" = -z ] && refc=-l
		note=""
		[ "$codec" = -z ] && note=" (ref: -l)"
		row "\`$codec -d $level\`, --num-threads 1$note" "$refc -d $level $in $WORK/out.dump" \
			"$codec -d $level --num-threads 1 $in $WORK/out.dump"
		row "\`$codec -d $level\`, default threads ($(nproc))$note" "$refc -d $level $in $WORK/out.dump" \
			"$codec -d $level $in $WORK/out.dump"
	done
}

# our_row LABEL "OUR ARGS": one line with our times only (no reference).
our_row() {
	: > "$WORK/our.times"
	[ -z "${CUR_IN:-}" ] || cat "$CUR_IN" > /dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		# shellcheck disable=SC2086
		run1 "$WORK/our.times" "$MDF" $2
		i=$((i + 1))
	done
	set -- "$1" $(median "$WORK/our.times")
	echo "| $1 | $2 | $3 | $4 |"
	echo "$3" > "$WORK/last.cpu"
}

# ram_pages FILE: pages of RAM our -d 31 run counts (bitmap 1), for CPU per page
ram_pages() {
	rm -f "$WORK/out.dump"
	"$MDF" -l -d 31 --message-level 31 --num-threads 1 "$1" "$WORK/out.dump" 2>&1 |
		tr '\r' '\n' | sed -n 's/^Original pages *: 0x//p' | tail -1 |
		{ read -r h; printf '%d\n' "0x$h"; }
}

# self_row LABEL "BASE ARGS" "OUR ARGS": ours against ours (the base run in
# the "ref" columns), for the --split targets.
self_row() {
	_ref=$REF
	REF=$MDF
	row "$@"
	REF=$_ref
}

scan_rate() {
	rm -f "$WORK/out.dump"
	"$MDF" -D -l -d 31 --num-threads 1 "$1" "$WORK/out.dump" 2>/dev/null |
		sed -n 's/^struct page scan: //p' | tail -1
}

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
{
	echo "# Benchmark results"
	echo
	echo "Made by \`make bench\` on $(date -u +%Y-%m-%d) ($(nproc) online CPUs, $(uname -m));"
	echo "load average at the start: $LOAD0 (the machine's quiet when under 1)."
	echo "Reference: $("$REF" -v 2>&1 | head -1). Wall time is the median of $RUNS runs"
	echo "(the two tools take turns; wall from the clock, to the millisecond);"
	echo "CPU = user + system seconds of that run; RSS = peak resident set (KiB). The last"
	echo "column compares each tool's fastest run: on this shared VM a run now and then"
	echo "takes up to 40% more CPU time for the same work, and the median can catch it."
	echo "Ratios are ours / reference: below 1.00 is better. Both write to the same"
	echo "file system; we fsync the output before reporting success, the reference does not."
	echo
} > "$RESULTS.tmp"

# row_self LABEL "BASE ARGS" "OUR ARGS": like row, our binary on both sides
# (ratio = ours with OUR ARGS / ours with BASE ARGS); also keeps the median
# of the "Resolving the filter config" STEP of the OUR ARGS runs in
# $WORK/resolve.median.
row_self() {
	label=$1 baseargs=$2 ourargs=$3
	: > "$WORK/ref.times"; : > "$WORK/our.times"; : > "$WORK/resolve.times"
	[ -z "${CUR_IN:-}" ] || cat "$CUR_IN" > /dev/null
	i=0
	while [ $i -lt "$RUNS" ]; do
		# shellcheck disable=SC2086
		run1 "$WORK/ref.times" "$MDF" $baseargs
		# shellcheck disable=SC2086
		run1 "$WORK/our.times" "$MDF" $ourargs --show-stats
		i=$((i + 1))
	done
	set -- $(median "$WORK/ref.times"); rw=$1 rc=$2 rr=$3
	set -- $(median "$WORK/our.times"); ow=$1 oc=$2 or=$3
	rmin=$(sort -n "$WORK/ref.times" | sed -n 1p | cut -d' ' -f1)
	omin=$(sort -n "$WORK/our.times" | sed -n 1p | cut -d' ' -f1)
	echo "| $label | $rw | $rc | $rr | $ow | $oc | $or | $(ratio "$ow" "$rw") | $(ratio "$or" "$rr") | $(ratio "$omin" "$rmin") |"
}

# The --config rows (issue 14's three numbers).
erase_rows() {
	conf=$ROOT/bench/erase-10.conf
	echo "## \`--config\` (10 rules, one a task-list loop: bench/erase-10.conf)"
	echo
	header
	if [ -n "$VMLINUX" ]; then
		row "\`-l -d 31 -x --config\` vs 1.7.2 with the same config" \
			"-l -d 31 -x $VMLINUX --config $conf $REAL $WORK/out.dump" \
			"-l -d 31 -x $VMLINUX --config $conf $REAL $WORK/out.dump"
	else
		echo "| \`-x --config\` | (no debug vmlinux: set MDF_VMLINUX) | | | | | | | | |"
	fi
	echo
	echo "From the dump's BTF, against our own run without \`--config\` (\"ref\" = ours, no config):"
	echo
	header
	row_self "\`-l -d 31 --config\` (BTF) vs \`-l -d 31\`, --num-threads 1" \
		"-l -d 31 --num-threads 1 $REAL $WORK/out.dump" \
		"-l -d 31 --num-threads 1 --config $conf $REAL $WORK/out.dump"
	base=$(median "$WORK/ref.times" | cut -d' ' -f1)
	with=$(median "$WORK/our.times" | cut -d' ' -f1)
	# each run's "Resolving the filter config" step, from its --show-stats
	res=$(for i in $(seq 1 "$RUNS"); do rm -f "$WORK/out.dump"
		"$MDF" -l -d 31 --num-threads 1 --config "$conf" --show-stats "$REAL" "$WORK/out.dump" 2>&1 |
		sed -n 's/^STEP \[Resolving the filter config\] : \([0-9.]*\).*/\1/p'; done |
		sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
	echo
	awk -v b="$base" -v w="$with" -v r="$res" 'BEGIN {
		printf "Resolving the config (median STEP): %.3f s. Erasing itself: (%.3f - %.3f) / %.3f", r, w, r, b
		printf " = %.3f of the run without --config (%+.1f%%).\n", (w - r) / b, ((w - r) / b - 1) * 100 }'
	echo
}

if [ "${BENCH_ONLY:-}" = erase ]; then
	[ -n "$REAL" ] || { echo "bench: the real vmcore is needed" >&2; exit 1; }
	CUR_IN=$REAL
	erase_rows >> "$RESULTS.tmp"
	mv "$RESULTS.tmp" "$ROOT/bench/results-erase.md"
	cat "$ROOT/bench/results-erase.md"
	exit 0
fi

case $ONLY in split | arm64) MAIN_INPUTS="" ;; *) MAIN_INPUTS="$REAL $GEN $KGEN" ;; esac
for in in $MAIN_INPUTS; do
	name=$(basename "$in")
	size=$(stat -L -c %s "$in")
	CUR_IN=$in
	{
		echo "## $name ($((size / 1048576)) MiB)"
		echo
		echo "Single-core codec limit (CPU time) on the pages \`-d 1\` keeps:"
		echo
		echo '```'
		"$ROOT/$B/bench/codec_limit" "$in" --skip-zero 1024
		echo '```'
		echo
		header
		if [ "$in" != "$KGEN" ]; then
			dump_rows "$in" 1 "-l -c"
		fi
		if [ "$in" != "$GEN" ]; then
			dump_rows "$in" 31 "-l -c -z"
		fi
		echo
		if [ "$in" != "$GEN" ]; then
			echo "Struct-page scan (\`-d 31\`, from \`-D\`): $(scan_rate "$in")"
			echo
		fi
	} >> "$RESULTS.tmp"
done

# arm64: our times only, and per-page costs beside the x86_64 machine's.
# scan_ns FILE PAGES: ns of the struct-page scan (from -D) per page of RAM
# (an arm64 scan also walks the pfns below RAM, which cost nothing).
scan_ns() {
	scan_rate "$1" | awk -v p="$2" '{ if (p > 0) printf "%.2f", $4 * 1e9 / p; else print "-" }'
}
[ "$ONLY" = split ] || {
	echo "## arm64 (ours only)"
	echo
	[ "$ONLY" = arm64 ] && echo "Made by \`BENCH_ONLY=arm64 make bench\` on $(date -u +%Y-%m-%d)," \
		"a run of its own (median of $RUNS runs)."
	echo
	echo "Debian's makedumpfile is built for one architecture: the x86_64 package"
	echo "cannot read an arm64 dump (\"Can't get the address of system_utsname\"), so"
	echo "these rows have no reference. Per-page costs compare with the x86_64"
	echo "machine of the same size and class mix above (CPU of \`-l -d 31\`,"
	echo "--num-threads 1, and the struct-page scan, per page of RAM)."
	echo
	echo "| command | ours wall s | ours CPU s | ours RSS KiB |"
	echo "|---|---|---|---|"
	for in in $AGEN $AREAL; do
		CUR_IN=$in
		name=$(basename "$in")
		[ "$in" = "$AREAL" ] && name="$name (real, $(($(stat -c %s "$in") / 1048576)) MiB)"
		for codec in -l -c; do
			our_row "$name \`$codec -d 31\`, --num-threads 1" \
				"$codec -d 31 --num-threads 1 $in $WORK/out.dump"
			[ "$codec" = -l ] && cp "$WORK/last.cpu" "$WORK/cpu.$(basename "$in")"
			our_row "$name \`$codec -d 31\`, default threads ($(nproc))" \
				"$codec -d 31 $in $WORK/out.dump"
		done
	done
	echo
	for in in $KGEN $AGEN $AREAL; do
		[ -n "$in" ] || continue
		if [ ! -f "$WORK/cpu.$(basename "$in")" ]; then
			CUR_IN=$in
			our_row x "-l -d 31 --num-threads 1 $in $WORK/out.dump" > /dev/null
			cp "$WORK/last.cpu" "$WORK/cpu.$(basename "$in")"
		fi
		pages=$(ram_pages "$in")
		cpu=$(cat "$WORK/cpu.$(basename "$in")")
		echo "- $(basename "$in"): struct-page scan $(scan_ns "$in" "$pages") ns per RAM page; \`-l -d 31\` CPU" \
			"$(awk -v c="$cpu" -v p="$pages" 'BEGIN { printf "%.1f", c * 1e9 / p }') ns per RAM page ($pages pages)"
	done
	echo
} > "$WORK/arm64.md"
if [ "$ONLY" = arm64 ]; then
	# replace the arm64 section of the last full run's results (or add it
	# before "## Other modes")
	awk -v f="$WORK/arm64.md" '
		function put() { while ((getline l < f) > 0) print l; done = 1 }
		/^## arm64/ { put(); skip = 1; next }
		/^## / && skip { skip = 0 }
		/^## Other modes/ && !done { put() }
		!skip { print }
		END { if (!done) put() }' "$RESULTS" > "$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
	rm -f "$WORK/out.dump"
	cat "$RESULTS"
	exit 0
fi
[ "$ONLY" = split ] || cat "$WORK/arm64.md" >> "$RESULTS.tmp"

CUR_IN=$REAL
if [ -n "$REAL" ] && [ "$ONLY" != split ]; then
	{
		echo "## Other modes"
		echo
		header
		row "\`--dump-dmesg\` (real vmcore)" "--dump-dmesg $REAL $WORK/out.dump" \
			"--dump-dmesg $REAL $WORK/out.dump"
		if [ -n "$VMLINUX" ]; then
			row "\`-g\` (6.1 debug vmlinux)" "-g $WORK/out.dump -x $VMLINUX" \
				"-g $WORK/out.dump -x $VMLINUX"
		else
			echo "| \`-g\` | (no debug vmlinux: set MDF_VMLINUX) | | | | | | | | |"
		fi
		echo
		erase_rows
	} >> "$RESULTS.tmp"
fi
# Refiltering, --split and --reassemble (issue 12). The source of the
# refilter rows is the reference's own -l -d 1 dump, the same file for both.
# BENCH_ONLY=split puts this section into the last full run's results.
SPLIT_MD=$WORK/split.md
{
	echo "## Refiltering, --split, --reassemble"
	echo
	[ "$ONLY" = split ] && echo "Made by \`BENCH_ONLY=split make bench\` on $(date -u +%Y-%m-%d)," \
		"a run of its own (median of $RUNS runs; load average at the start: $LOAD0)." && echo
	echo "Refilter rows: both tools read the reference's \`-l -d 1\` dump of the input and"
	echo "write \`-l -d 31\`; ours copies the pages it keeps as they are stored (target:"
	echo "wall ratio at most 0.30). Split rows: the \"ref\" columns are our own single"
	echo "file with \`--num-threads 1\`, the \"ours\" columns \`--split\` into 2 files with"
	echo "the default threads, in 64 MiB blocks (targets: wall ratio at most 0.60, RSS"
	echo "ratio at most 1.50). Reassemble rows: both tools join the reference's 2 split"
	echo "files of the input's \`-l -d 31\` dump, 64 MiB blocks (target: wall ratio at"
	echo "most 1.00)."
	echo
	header
} > "$SPLIT_MD"
for in in $REAL $KGEN; do
	name=$(basename "$in")
	src=$WORK/$name.ref-l-d1.kdump
	[ -f "$src" ] || { "$REF" -l -d 1 "$in" "$src.tmp" >/dev/null 2>&1 && mv "$src.tmp" "$src"; } ||
		{ echo "bench: the reference's -l -d 1 of $in failed" >&2; exit 1; }
	CUR_IN=$src
	{
		row "refilter \`-l -d 1\` -> \`-l -d 31\`, $name, --num-threads 1" \
			"-l -d 31 $src $WORK/out.dump" "-l -d 31 --num-threads 1 $src $WORK/out.dump"
		row "refilter \`-l -d 1\` -> \`-l -d 31\`, $name, default threads" \
			"-l -d 31 $src $WORK/out.dump" "-l -d 31 $src $WORK/out.dump"
	} >> "$SPLIT_MD"
	CUR_IN=$in
	for c in -l -c; do
		self_row "\`--split\` 2 files \`$c -d 31\` vs single file --num-threads 1, $name" \
			"$c -d 31 --num-threads 1 $in $WORK/out.dump" \
			"--split --splitblock-size 65536 $c -d 31 $in $WORK/out.dump $WORK/out2.dump" >> "$SPLIT_MD"
	done
	m1=$WORK/$name.split1 m2=$WORK/$name.split2
	if [ ! -f "$m2" ]; then
		rm -f "$m1" "$m2"
		"$REF" --split --splitblock-size 65536 -l -d 31 "$in" "$m1" "$m2" >/dev/null 2>&1 ||
			{ echo "bench: the reference's --split of $in failed" >&2; exit 1; }
	fi
	CUR_IN=$m1
	row "\`--reassemble\` of 2 files (\`-l -d 31\`), $name" "--reassemble $m1 $m2 $WORK/out.dump" \
		"--reassemble $m1 $m2 $WORK/out.dump" >> "$SPLIT_MD"
done
echo >> "$SPLIT_MD"
rm -f "$WORK/out.dump" "$WORK/out2.dump"
if [ "$ONLY" = split ]; then
	# replace the section of the last full run's results (or add it
	# before "## Compression levels")
	awk -v f="$SPLIT_MD" '
		function put() { while ((getline l < f) > 0) print l; done = 1 }
		/^## Refiltering, --split/ { put(); skip = 1; next }
		/^## / && skip { skip = 0 }
		/^## Compression levels/ && !done { put() }
		!skip { print }
		END { if (!done) put() }' "$RESULTS" > "$RESULTS.tmp"
	mv "$RESULTS.tmp" "$RESULTS"
	cat "$RESULTS"
	exit 0
fi
cat "$SPLIT_MD" >> "$RESULTS.tmp"
LVIN=${REAL:-$GEN}
[ "$ONLY" = split ] || [ -z "$LVIN" ] || {
	echo "## Compression levels (\`--compress-level\`)"
	echo
	echo "Single-core throughput (CPU time) and ratio of each level on the first"
	echo "${BENCH_LEVEL_MIB:-32} MiB of the pages \`-d 1\` keeps of $(basename "$LVIN"); the"
	echo "default is the fastest positive level. The writer adds little to the"
	echo "codec's time, so a dump's time at a level scales with these rates."
	echo
	"$ROOT/$B/bench/codec_limit" "$LVIN" --skip-zero "${BENCH_LEVEL_MIB:-32}" --levels
	echo
} >> "$RESULTS.tmp"
echo "Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)." >> "$RESULTS.tmp"
rm -f "$WORK/out.dump"
mv "$RESULTS.tmp" "$RESULTS"
cat "$RESULTS"
