#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Wall time and peak RSS of our makedumpfile and Debian's 1.7.2 in a real
# kdump capture kernel (one CPU, as distributions boot it), same boot, same
# /proc/vmcore: -c -d 31 and -l -d 31, the two tools taking turns, REPS
# times each.
#
#   usage: tests/qemu/capture-codecs.sh [OUR_BINARY]   (default ./makedumpfile)
#
# Uses the qemu-kdump kit ($KIT, read-only) with our binary as the hook;
# builds nothing. Settings (environment): REPS=3, DL=31, PROFILE=default
# (1 GiB guest), ACCEL (kit: auto/kvm/tcg), QKD_DIR=/work/qk, RESULT (default
# $QKD_DIR/out/codecs-<time>), KIT=/work/shared/tools/qemu-kdump.
# The first run of each tool and codec is kept and compared on the host
# (tests/qemu/kdump_bitmaps.py: the page sets, up to the differences
# tests/qemu/README.md explains); later runs are deleted in the guest.
# Prints one line per run and the median of each (tool, codec).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KIT=${KIT:-/work/shared/tools/qemu-kdump}
PY=${PY:-/usr/bin/python3}
OURS=$(realpath "${1:-$HERE/../../makedumpfile}")
[ -x "$OURS" ] || { echo "no executable at $OURS" >&2; exit 1; }
REPS=${REPS:-3}
DL=${DL:-31}
export PROFILE=${PROFILE:-default}
export QKD_DIR=${QKD_DIR:-/work/qk}
export COPY_VMCORE=0 CAPTURE_MDF=0
# Under TCG on a busy host the kernel's IO-APIC timer check can fail ("IO-APIC
# + timer doesn't work!"): skip it in both kernels.
export KERNEL_APPEND=${KERNEL_APPEND:-no_timer_check}
export CAPTURE_APPEND=${CAPTURE_APPEND:-no_timer_check}
RESULT=$(realpath -m "${RESULT:-$QKD_DIR/out/codecs-$(date +%Y%m%d-%H%M%S)}")
mkdir -p "$RESULT/hook"
cp "$OURS" "$RESULT/hook/mdf-ours"   # not "makedumpfile": see tests/qemu/README.md
"$OURS" -v > "$RESULT/ours-version.txt" 2>&1 || true

# run TAG TOOL ARGS: one timed run in /out/capture, its status in hook-rc.txt
hc=""
for r in $(seq 1 "$REPS"); do
	for codec in c l; do
		for tool in ref ours; do
			bin=/usr/bin/makedumpfile
			[ $tool = ours ] && bin=mdf-ours
			tag=$tool-$codec-r$r
			hc+="sync; echo 3 > /proc/sys/vm/drop_caches; "
			hc+="time -v -o $tag.time $bin -$codec -d $DL /proc/vmcore $tag.kdump > $tag.log 2>&1; "
			hc+="echo $tag \$? >> hook-rc.txt; "
			[ "$r" = 1 ] || hc+="rm -f $tag.kdump; "
		done
	done
done
hc+="cat hook-rc.txt"

echo "ours: $OURS ($(head -1 "$RESULT/ours-version.txt")); results in $RESULT" >&2
(cd "$KIT" && OUT=$RESULT HOOK=$RESULT/hook/mdf-ours HOOK_CMD=$hc ./mkvmcore.sh "$QKD_DIR") \
	> "$RESULT/mkvmcore.log" 2>&1 || { tail -20 "$RESULT/mkvmcore.log"; exit 1; }

C=$RESULT/capture
# busybox time -v: "Elapsed (wall clock) time (h:mm:ss or m:ss): 0m 1.23s";
# its max RSS is 4 times the real KiB (it converts ru_maxrss as pages).
field() {
	awk -F': ' '/Elapsed \(wall clock\)/ { v = $2; s = 0; n = split(v, p, " ")
			for (i = 1; i <= n; i++) { u = substr(p[i], length(p[i]))
				x = substr(p[i], 1, length(p[i]) - 1)
				s += (u == "h") ? x * 3600 : (u == "m") ? x * 60 : x }
			wall = s }
		/Maximum resident set size/ { rss = int($2 / 4) }
		END { printf "%.2f %d\n", wall, rss }' "$1"
}
{
	echo "== capture kernel: $(grep -a 'capture kernel: /proc/vmcore' "$RESULT/console.log" | sed 's/^LAB: capture kernel: //')"
	grep -E '^MemTotal' "$C/capture-meminfo.txt" 2>/dev/null | sed 's/^/   /'
	grep -a -m1 'accelerator' "$RESULT/mkvmcore.log" | sed 's/^/   /'
	printf '   %-16s %4s %8s %10s %10s\n' run rc wall_s maxrss_kib bytes
	for r in $(seq 1 "$REPS"); do
		for codec in c l; do
			for tool in ref ours; do
				tag=$tool-$codec-r$r
				read -r w m < <(field "$C/$tag.time")
				printf '   %-16s %4s %8s %10s %10s\n' "$tag" \
					"$(awk -v t="$tag" '$1 == t {print $2}' "$C/hook-rc.txt")" "$w" "$m" \
					"$(stat -c %s "$C/$tag.kdump" 2>/dev/null || echo -)"
				echo "$tool-$codec $w $m" >> "$RESULT/runs.txt"
			done
		done
	done
	echo "== medians (wall s, peak RSS KiB) and ours / Debian's"
	for codec in c l; do
		rw=$(awk -v k="ref-$codec" '$1 == k {print $2}' "$RESULT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		ow=$(awk -v k="ours-$codec" '$1 == k {print $2}' "$RESULT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		rm_=$(awk -v k="ref-$codec" '$1 == k {print $3}' "$RESULT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		om=$(awk -v k="ours-$codec" '$1 == k {print $3}' "$RESULT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
		awk -v c="$codec" -v rw="$rw" -v ow="$ow" -v rm="$rm_" -v om="$om" -v dl="$DL" 'BEGIN {
			printf "   -%s -d %s: wall %.2f / %.2f s (%.2f), peak RSS %d / %d KiB (%.2f)\n",
				c, dl, ow, rw, (rw > 0 ? ow / rw : 0), om, rm, (rm > 0 ? om / rm : 0) }'
	done
	for codec in c l; do
		echo "== page sets, -$codec: ours vs Debian's"
		iomem=()
		[ -f "$RESULT/first/iomem.txt" ] && iomem=(--iomem "$RESULT/first/iomem.txt")
		"$PY" "$HERE/kdump_bitmaps.py" "$C/ours-$codec-r1.kdump" "$C/ref-$codec-r1.kdump" \
			--expect-image --expect-partial "${iomem[@]}" || true
	done
} 2>&1 | tee "$RESULT/report.txt"
