#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# make demo: generate a ~256 MiB synthetic vmcore (mixed pages incl. zero
# pages, a VMCOREINFO note), run ./makedumpfile -c -d 1 and -l -d 1 on it,
# then -l -d 31 on a generated 1 GiB kernel-like machine, and show what
# happened.  Files go to tests/out/demo/.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
MDF=${MDF:-$ROOT/makedumpfile}
MKVMCORE=${MKVMCORE:-$ROOT/$B/tests/mkvmcore}
OUT=$ROOT/tests/out/demo
mkdir -p "$OUT"
rm -f "$OUT"/*.kdump

cat >"$OUT/demo.spec" <<SPEC
# 256 MiB of RAM in three PT_LOADs behind a kernel-like prelude
include $ROOT/tests/specs/kernel-x86_64.inc
seed 2026
cpus 2
load paddr=0 size=0x9f000 vaddr=0xffff888000000000 fill=text:1,zero:1
load paddr=0x100000 size=0xf00000 vaddr=0xffff888000100000 fill=zero:1,text:1
load paddr=0x1100000 size=0xef00000 vaddr=0xffff888001100000 fill=zero:40,text:20,pattern:15,random:10,mostlyzero:15
run 0x2000 4096 zero
SPEC

now() { date +%s.%N; }
t0=$(now)
"$MKVMCORE" "$OUT/demo.spec" "$OUT/demo.elf" --truth "$OUT/demo.truth" || exit 1
t1=$(now)
in_size=$(stat -c %s "$OUT/demo.elf")
echo "input:  $OUT/demo.elf, $in_size bytes ($((in_size >> 20)) MiB), made in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
grep '^total' "$OUT/demo.truth" | sed 's/^/        ground truth: /'

for opt in -c -l; do
	out=$OUT/demo$opt.kdump
	echo
	echo "== ./makedumpfile $opt -d 1 --show-stats demo.elf $(basename "$out")"
	t0=$(now)
	"$MDF" $opt -d 1 --show-stats "$OUT/demo.elf" "$out" >"$out.log" 2>&1
	rc=$?
	t1=$(now)
	tr '\r' '\n' <"$out.log" | grep -iE 'pages|Write bytes|Memory Hole|reduced|saved|Completed|Failed|rror' | sed 's/^/   /'
	if [ $rc -ne 0 ] || [ ! -f "$out" ]; then
		echo "   makedumpfile failed (exit $rc); log: $out.log"
		tail -5 "$out.log"
		continue
	fi
	out_size=$(stat -c %s "$out")
	echo "   exit $rc, output $out_size bytes ($(awk "BEGIN{printf \"%.1f\", 100 * $out_size / $in_size}")% of the input), wall time $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
done

# The job a capture kernel runs: -l -d 31 on a kernel-like machine (page
# tables, mem_section, struct pages of every class), 1 GiB of a 6.1-like
# kernel laid out by the generator with the benchmark's page mix.
echo
sh "$ROOT/bench/gen-kernel-spec.sh" 1024 >"$OUT/kernel.spec"
t0=$(now)
"$MKVMCORE" "$OUT/kernel.spec" "$OUT/kernel.elf" || exit 1
t1=$(now)
in_size=$(stat -c %s "$OUT/kernel.elf")
echo "input:  $OUT/kernel.elf, a 6.1-like machine, $((in_size >> 20)) MiB, made in $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
out=$OUT/kernel-d31.kdump
echo
echo "== ./makedumpfile -l -d 31 --show-stats kernel.elf $(basename "$out")"
t0=$(now)
"$MDF" -l -d 31 --show-stats "$OUT/kernel.elf" "$out" >"$out.log" 2>&1
rc=$?
t1=$(now)
tr '\r' '\n' <"$out.log" | grep -iE 'pages|Write bytes|reduced|saved|Completed|Failed|rror' | sed 's/^/   /'
[ $rc -eq 0 ] && [ -f "$out" ] || { echo "   makedumpfile failed (exit $rc); log: $out.log"; exit 1; }
out_size=$(stat -c %s "$out")
echo "   exit $rc, output $out_size bytes ($(awk "BEGIN{printf \"%.1f\", 100 * $out_size / $in_size}")% of the input), wall time $(awk "BEGIN{printf \"%.2f\", $t1 - $t0}") s"
rm -f "$OUT/kernel.elf"
