#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run our makedumpfile on /proc/vmcore inside a real kdump capture kernel,
# next to Debian's makedumpfile in the same boot, and compare the page sets.
#
#   usage: tests/qemu/capture-compare.sh [OUR_BINARY]       (default /work/main/makedumpfile)
#          tests/qemu/capture-compare.sh --compare-only RESULT_DIR
#
# Builds nothing.  Uses the qemu-kdump kit ($KIT, read-only): it boots a Debian
# kernel in QEMU, fills memory, crashes it with sysrq-c, and in the capture
# kernel (1 CPU, crashkernel= memory only) runs, in this order:
#   1. dd of /proc/vmcore to the out disk                 (COPY_VMCORE=1)
#   2. Debian's makedumpfile -l -d 31 --message-level 31  (the kit's CAPTURE_MDF=1)
#   3. our hook command (below): Debian's makedumpfile -l -d $DL when DL is
#      not 31, then ours -l -d $DL --message-level 31, then (THREADS1=1) ours
#      again with --num-threads 1; each under busybox time -v
# (The hook also saves the first 64 KiB of /proc/vmcore, its ELF headers:
# the kernel-text PT_LOAD there tells the kernel image's pfns.)
# Then compares on the host: ours vs Debian's (kdump_bitmaps.py: bitmap 1,
# bitmap 2, zero-block pages; kernel-image pages and the partial page at the
# end of a RAM range are expected to be kept by ours only), ours vs ours
# --num-threads 1 (cmp), and prints both tools' wall times and max RSS.
#
# Settings (environment):
#   DL=31            dump level of both tools
#   THREADS1=1       also run ours with --num-threads 1 (0: skip)
#   COPY_VMCORE=1    copy /proc/vmcore out too (lets you re-run offline and
#                    tells which differing pages are zero; 0 is faster)
#   CLASSIFY=1       with the vmcore copy: run Debian's makedumpfile offline
#                    at -d 1, 2, 4, 8, 16 (bits of DL) to tell the class it
#                    gives each differing page (classes/ in the result folder)
#   PROFILE=small    qemu-kdump profile (small: 512 MiB guest, crashkernel=160M)
#   QKD_DIR=/work/qk kit folder (downloads, builds; serialised by a lock)
#   RESULT=          result folder (default $QKD_DIR/out/compare-d$DL-<time>)
#   KIT=/work/shared/tools/qemu-kdump
#   any other qemu-kdump variable (CRASHKERNEL, KPKG, GUEST_MEM, ...) passes through
# Exit status: 0 both tools succeeded and the page sets agree up to the
# expected differences; 1 otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KIT=${KIT:-/work/shared/tools/qemu-kdump}
PY=${PY:-/usr/bin/python3}
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# time_field FILE: "wall_s max_rss_kib" from a busybox or GNU time -v report.
# busybox time converts ru_maxrss (already KiB on Linux) as if it were pages,
# printing 4 times the real value: its figure is divided by 4 here.
time_field() {
    [ -f "$1" ] || { echo "- -"; return; }
    awk -F': ' '
        /Elapsed \(wall clock\)/ {
            v = $2; s = 0
            if (v ~ /[hms]/) {               # busybox: "1h 2m 3s" / "0m 1.23s"
                bb = 1
                n = split(v, p, " ")
                for (i = 1; i <= n; i++) {
                    u = substr(p[i], length(p[i])); x = substr(p[i], 1, length(p[i]) - 1)
                    s += (u == "h") ? x * 3600 : (u == "m") ? x * 60 : x
                }
            } else {                         # GNU: "h:mm:ss" or "m:ss.cc"
                n = split(v, p, ":")
                for (i = 1; i <= n; i++) s = s * 60 + p[i]
            }
            wall = s
        }
        /Maximum resident set size/ { rss = $2 }
        /Exit status/ { st = $2 }
        END { if (bb && rss != "") rss = int(rss / 4)
              printf "%.2f %s %s\n", wall, rss, st }' "$1"
}

# compare DIR: the host-side comparison of one result folder
compare() {
    local R=$1 C=$1/capture rc=0 ref ours t1 f
    [ -d "$C" ] || die "no $C"
    DL=$(cat "$R/dump-level" 2>/dev/null || echo "${DL:-31}")
    ours=$C/ours-d$DL-lzo.kdump
    t1=$C/ours-d$DL-t1-lzo.kdump
    if [ "$DL" = 31 ]; then ref=$C/makedumpfile-d31-lzo.kdump; else ref=$C/ref-d$DL-lzo.kdump; fi
    echo "== capture kernel: $(grep -a 'capture kernel: /proc/vmcore' "$R/console.log" | sed 's/^LAB: capture kernel: //')"
    [ -f "$C/capture-meminfo.txt" ] && echo "   $(grep -E '^MemTotal' "$C/capture-meminfo.txt")"
    echo "== exit status, wall time (s), max RSS (KiB), output size (bytes), in the capture kernel"
    printf '   %-34s %6s %8s %9s %10s\n' run rc wall_s maxrss_kib bytes
    for f in "Debian:makedumpfile-d31-lzo" "Debian:ref-d$DL-lzo" "ours:ours-d$DL-lzo" "ours:ours-d$DL-t1-lzo"; do
        local name=${f#*:} w r s
        [ -f "$C/$name.time" ] || continue
        read -r w r s < <(time_field "$C/$name.time")
        # busybox time reports 0 for a run killed by a signal: take the
        # shell's status, as the hook and the kit recorded it
        if [ "$name" = makedumpfile-d31-lzo ]; then
            s=$(awk '$1 == "makedumpfile_d31_lzo_s" {print $4}' "$C/capture-times.txt" 2>/dev/null)
        else
            s=$(awk -v n="${name%-lzo}" '$1 == n {print $2}' "$C/hook-rc.txt" 2>/dev/null)
        fi
        printf '   %-34s %6s %8s %9s %10s\n' "$name (${f%%:*})" "$s" "$w" "$r" \
            "$(stat -c %s "$C/$name.kdump" 2>/dev/null || echo -)"
    done
    grep -E '^(vmcore_copy_s|makedumpfile_d31|hook_s)' "$C/capture-times.txt" 2>/dev/null | sed 's/^/   kit: /'
    for f in ours-d$DL.log ours-d$DL-t1.log; do
        [ -f "$C/$f" ] && { echo "== tail of $f"; tail -n 12 "$C/$f" | tr '\r' '\n' | grep -v '^$' | tail -n 12 | sed 's/^/   /'; }
    done
    if [ -f "$C/hook-rc.txt" ] && awk '$2 != 0 {bad = 1} END {exit !bad}' "$C/hook-rc.txt"; then
        echo "FAIL: a run in the capture kernel failed: $(awk '$2 != 0' "$C/hook-rc.txt" | paste -sd, -)"
        rc=1
    fi
    [ -f "$ref" ] || { echo "FAIL: no reference output $ref"; return 1; }
    [ -f "$ours" ] || { echo "FAIL: no output of ours ($ours); see $C/ours-d$DL.log"; return 1; }
    local args=(--expect-image --expect-partial)
    [ -f "$R/first/iomem.txt" ] && args+=(--iomem "$R/first/iomem.txt")
    if [ -f "$R/vmcore.elf" ]; then args+=(--vmcore "$R/vmcore.elf")
    elif [ -f "$C/vmcore-head.elf" ]; then args+=(--vmcore "$C/vmcore-head.elf"); fi
    # Explanation aid: Debian's tool at single dump levels on the vmcore copy
    # tells which class it puts each differing page in.
    if [ -f "$R/vmcore.elf" ] && [ "${CLASSIFY:-1}" = 1 ]; then
        mkdir -p "$R/classes"
        local n cls
        for cls in zero:1 cache:2 cache_all:4 user:8 free:16; do
            n=${cls#*:}
            [ "$(( DL & n ))" != 0 ] || continue
            [ -s "$R/classes/ref-d$n.kdump" ] ||
                /usr/bin/makedumpfile -l -d "$n" "$R/vmcore.elf" "$R/classes/ref-d$n.kdump" \
                    > "$R/classes/ref-d$n.log" 2>&1 || continue
            args+=(--class "${cls%%:*}=$R/classes/ref-d$n.kdump")
        done
    fi
    echo "== page sets: ours vs Debian's makedumpfile (-d $DL, same boot)"
    "$PY" "$HERE/kdump_bitmaps.py" "$ours" "$ref" "${args[@]}" || rc=1
    if [ -f "$t1" ]; then
        echo "== ours (default threads) vs ours --num-threads 1"
        if cmp -s "$ours" "$t1"; then echo "   byte-identical"; else
            echo "   DIFFER"; "$PY" "$HERE/kdump_bitmaps.py" "$t1" "$ours" || rc=1
        fi
    fi
    return $rc
}

if [ "${1:-}" = --compare-only ]; then
    [ $# -eq 2 ] || die "usage: $0 --compare-only RESULT_DIR"
    compare "$2"
    exit
fi

OURS=$(realpath "${1:-/work/main/makedumpfile}")
[ -x "$OURS" ] || die "no executable at $OURS (build it first; this script builds nothing)"
DL=${DL:-31}
THREADS1=${THREADS1:-1}
export PROFILE=${PROFILE:-small}
export QKD_DIR=${QKD_DIR:-/work/qk}
export COPY_VMCORE=${COPY_VMCORE:-1}
export CAPTURE_MDF=1
RESULT=$(realpath -m "${RESULT:-$QKD_DIR/out/compare-d$DL-$(date +%Y%m%d-%H%M%S)}")
mkdir -p "$RESULT"

# The hook goes to /hook/<name>, first in PATH in the guest: under the name
# "makedumpfile" it would shadow Debian's /usr/bin/makedumpfile, which the kit
# calls by name.  So ours travels as "mdf-ours", a snapshot of the binary.
STAGE=$RESULT/hook
mkdir -p "$STAGE"
cp "$OURS" "$STAGE/mdf-ours"
"$STAGE/mdf-ours" -v > "$RESULT/ours-version.txt" 2>&1 || true
sha256sum "$OURS" > "$RESULT/ours-sha256.txt"
echo "$DL" > "$RESULT/dump-level"

# The hook command, run by busybox sh in /out/capture.  Each run gets its own
# time -v report, log and exit status (in hook-rc.txt).
hc="dd if=/proc/vmcore of=vmcore-head.elf bs=4096 count=16 2>/dev/null; "
if [ "$DL" != 31 ]; then
    hc+="time -v -o ref-d$DL-lzo.time /usr/bin/makedumpfile -l -d $DL --message-level 31 /proc/vmcore ref-d$DL-lzo.kdump > ref-d$DL.log 2>&1; echo ref-d$DL \$? >> hook-rc.txt; "
fi
hc+="time -v -o ours-d$DL-lzo.time mdf-ours -l -d $DL --message-level 31 /proc/vmcore ours-d$DL-lzo.kdump > ours-d$DL.log 2>&1; echo ours-d$DL \$? >> hook-rc.txt; "
if [ "$THREADS1" = 1 ]; then
    hc+="time -v -o ours-d$DL-t1-lzo.time mdf-ours -l -d $DL --message-level 31 --num-threads 1 /proc/vmcore ours-d$DL-t1-lzo.kdump > ours-d$DL-t1.log 2>&1; echo ours-d$DL-t1 \$? >> hook-rc.txt; "
fi
hc+="cat hook-rc.txt"

log "ours: $OURS ($(head -1 "$RESULT/ours-version.txt")); results in $RESULT"
t0=$(date +%s)
(cd "$KIT" && OUT=$RESULT HOOK=$STAGE/mdf-ours HOOK_CMD=$hc ./mkvmcore.sh "$QKD_DIR") 2>&1 |
    tee "$RESULT/mkvmcore.log" >&2 || die "mkvmcore.sh failed; see $RESULT/mkvmcore.log"
log "kit run took $(( $(date +%s) - t0 )) s"
compare "$RESULT" 2>&1 | tee "$RESULT/compare.txt"
exit "${PIPESTATUS[0]}"
