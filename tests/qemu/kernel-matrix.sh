#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The real-dump kernel matrix: for every Debian kernel the qemu-kdump kit can
# boot, from oldest to newest (5.10 bullseye if the archive serves it, 6.1,
# 6.12, the newest 7.x of sid), make a genuine kdump vmcore, filter it with
# our makedumpfile at -d 31, and check with the newest readers (Debian sid's
# drgn 0.3.0 and crash 9.0.2, ../shared/tools/sid-readers) that our output
# reads exactly like the raw vmcore: every task's comm, pid and kernel
# stack, every slab cache and its objects, the printk log, the module list.
#
#   usage: tests/qemu/kernel-matrix.sh [OUR_BINARY]      (default ./makedumpfile)
#
# Not part of make check (it boots four kernels and downloads about 4 GB of
# kernel and debug packages the first time).  Builds nothing.
#
# Steps per kernel (STEPS selects them; every step reuses what an earlier run
# left in the kernel's result folder unless FRESH=1):
#   capture  the kit's mkvmcore.sh (profile $PROFILE): vmcore.elf, and
#            Debian 12's makedumpfile 1.7.2 -l -d 31 in the capture kernel
#   vmlinux  the kit's get-vmlinux-dbg.sh: the matching debug vmlinux
#   ours     ours -l -d 31 -D and --dump-dmesg on the vmcore copy (host)
#   ref      sid's makedumpfile 1.7.8 -l -d 31 and --dump-dmesg on the
#            vmcore copy (sid root); explain_pfns.py then says, from drgn,
#            what every page kept by only one of ours and 1.7.8 is
#   drgn     tests/qemu/reader_walk.py with sid's drgn on vmcore.elf and on
#            ours; the two walks must be equal
#   crash    sid's crash 9.0.2 (ps, foreach bt, kmem -s, log, mod) on both,
#            where it starts on the kernel; outputs must be equal
# Then prints the table (also RESULT/table.md): kernel, RAM pages, pages kept
# by ours / Debian 1.7.2 in the capture kernel / sid 1.7.8, whether drgn and
# crash read ours exactly as the raw vmcore, whether ours warned and which
# kernel-image rule it used, whether ours --dump-dmesg equals 1.7.8's; then
# the explanation of every page ours and 1.7.8 keep differently.
#
# Settings (environment):
#   KERNELS="5.10 6.1 6.12 sid"   which kernels (a Debian linux-image package
#                    name is taken as it is)
#   RESULT=/work/scratch/kernel-matrix   result folder (one folder per kernel)
#   QKD_DIR=/work/qk  kit folder (downloads, builds; one run at a time: we wait)
#   PROFILE=default   kit profile (default: 1 GiB guest, crashkernel=256M)
#   READERS=/work/.sid-readers   the sid readers root (mkreaders.sh)
#   STEPS="capture vmlinux ours ref drgn crash"
#   FRESH=0           1: redo every step even where its result exists
#   KIT=/work/shared/tools/qemu-kdump
# Exit status: 0 every kernel is reader-equivalent (drgn; crash where it
# starts) and ours warned on none; 1 otherwise.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OURS=$(realpath "${1:-./makedumpfile}")
KIT=${KIT:-/work/shared/tools/qemu-kdump}
QKD_DIR=${QKD_DIR:-/work/qk}
RESULT=$(realpath -m "${RESULT:-/work/scratch/kernel-matrix}")
READERS=${READERS:-/work/.sid-readers}
KERNELS=${KERNELS:-5.10 6.1 6.12 sid}
STEPS=${STEPS:-capture vmlinux ours ref drgn crash}
FRESH=${FRESH:-0}
export PROFILE=${PROFILE:-default}
export QKD_DIR
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
want() { case " $STEPS " in *" $1 "*) return 0 ;; esac; return 1; }
have() { [ "$FRESH" = 0 ] && [ -s "$1" ]; }
[ -x "$OURS" ] || die "no binary $OURS (build it first)"
mkdir -p "$RESULT"

# newest PKG_PATTERN SUITE: the newest linux-image package of SUITE (empty:
# the host's sources) whose name matches the extended regex, through the
# kit's own apt configuration for that suite
newest() {
    local pat=$1 suite=$2 conf
    conf=$(SUITE=$suite bash -c '. "$0/lib.sh"; apt_conf "$SUITE"' "$KIT")
    if [ -n "$conf" ]; then APT_CONFIG=$conf apt-cache search --names-only "$pat"
    else apt-cache search --names-only "$pat"; fi |
        awk '{print $1}' | grep -E "$pat" | grep -v -- '-dbg$' | sed 's/-unsigned$//' |
        sort -uV | tail -n 1
}

# resolve K: "KPKG SUITE" for a matrix entry
resolve() {
    case $1 in
        5.10) echo "$(newest '^linux-image-5\.10\.0-[0-9]+-amd64(-unsigned)?$' bullseye) bullseye" ;;
        6.1)  echo "linux-image-6.1.0-56-amd64 -" ;;
        6.12) echo "$(newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64(-unsigned)?$' '') -" ;;
        sid)  echo "$(newest '^linux-image-[7-9]\.[0-9.]+\+deb[0-9]+-amd64$' sid) sid" ;;
        linux-image-*) echo "$1 -" ;;
        *) die "unknown kernel $1" ;;
    esac
}

# kit CMD: run a kit script, waiting while another run holds the kit's lock
kit() {
    local tries=0 rc
    while :; do
        flock "$QKD_DIR/.lock" true 2>/dev/null || true
        rc=0; "$KIT/$1" "$QKD_DIR" > "$2" 2>&1 || rc=$?
        grep -q 'another run is using' "$2" || return $rc
        tries=$((tries + 1)); [ $tries -lt 360 ] || return 1
        sleep 10
    done
}

# pages FILE: pfns kept (bitmap 2) in a kdump-compressed file
pages() {
    [ -s "$1" ] || { echo -; return; }
    /usr/bin/python3 "$HERE/kdump_bitmaps.py" "$1" "$1" 2>/dev/null |
        awk '/^ours:/ { for (i = 1; i <= NF; i++) if ($i ~ /^kept_pfns=/) { sub(/kept_pfns=/, "", $i); print $i } }' |
        head -n 1 | grep . || echo '?'
}

sid() { "$KIT/../sid-readers/run.sh" "$READERS" "$@"; }

t0=$(date +%s)
declare -A PKG_OF SUITE_OF
for k in $KERNELS; do
    read -r p s < <(resolve "$k")
    [ -n "$p" ] || { log "$k: no kernel package found; skipped"; continue; }
    PKG_OF[$k]=$p; SUITE_OF[$k]=${s#-}
    log "$k: $p${s:+ ($s)}"
done

for k in $KERNELS; do
    [ -n "${PKG_OF[$k]:-}" ] || continue
    D=$RESULT/$k; mkdir -p "$D"
    export KPKG=${PKG_OF[$k]} SUITE=${SUITE_OF[$k]}
    echo "$KPKG${SUITE:+ ($SUITE)}" > "$D/kernel"
    if want capture && ! have "$D/vmcore.elf"; then
        log "$k: capture ($KPKG, profile $PROFILE)"
        t=$(date +%s)
        OUT=$D kit mkvmcore.sh "$D/mkvmcore.log" || { log "$k: capture failed, see $D/mkvmcore.log"; continue; }
        echo $(( $(date +%s) - t )) > "$D/capture.s"
    fi
    if want vmlinux && ! have "$D/vmlinux"; then
        log "$k: debug vmlinux"
        t=$(date +%s)
        kit get-vmlinux-dbg.sh "$D/vmlinux.log" || { log "$k: no debug vmlinux, see $D/vmlinux.log"; continue; }
        # a link without "+" in its name (crash cuts a path at a "+")
        ln -sf "$(tail -n 1 "$D/vmlinux.log")" "$D/vmlinux"
        echo $(( $(date +%s) - t )) > "$D/vmlinux.s"
    fi
    [ -s "$D/vmcore.elf" ] || continue
    if want ours && ! have "$D/ours.kdump"; then
        log "$k: ours -l -d 31"
        rm -f "$D/ours.kdump" "$D/ours-dmesg.txt"
        t=$(date +%s.%N)
        rc=0; "$OURS" -l -d 31 -D "$D/vmcore.elf" "$D/ours.kdump" > "$D/ours.log" 2>&1 || rc=$?
        echo "rc $rc s $(echo "$(date +%s.%N) - $t" | bc)" > "$D/ours.rc"
        "$OURS" --dump-dmesg "$D/vmcore.elf" "$D/ours-dmesg.txt" > "$D/ours-dmesg.log" 2>&1 || true
    fi
    readers=0
    [ -e "$READERS/root/.readers-ok" ] && readers=1
    if want ref && [ $readers = 1 ] && ! have "$D/ref178.kdump"; then
        log "$k: sid makedumpfile -l -d 31"
        rm -f "$D/ref178.kdump" "$D/ref178-dmesg.txt"
        rc=0; sid makedumpfile -l -d 31 "$D/vmcore.elf" "$D/ref178.kdump" > "$D/ref178.log" 2>&1 || rc=$?
        echo "rc $rc" > "$D/ref178.rc"
        sid makedumpfile --dump-dmesg "$D/vmcore.elf" "$D/ref178-dmesg.txt" > "$D/ref178-dmesg.log" 2>&1 || true
    fi
    [ -s "$D/vmlinux" ] && [ $readers = 1 ] || continue
    if want ref && [ -s "$D/ref178.kdump" ] && [ -s "$D/ours.kdump" ] && ! have "$D/explain-178.txt"; then
        log "$k: explaining the pages ours and sid 1.7.8 keep differently"
        sid python3 "$HERE/explain_pfns.py" "$D/ours.kdump" "$D/ref178.kdump" \
            "$(realpath "$D/vmlinux")" "$D/vmcore.elf" --name 'sid 1.7.8' \
            > "$D/explain-178.txt" 2>&1 || true
    fi
    if want drgn; then
        for f in vmcore.elf ours.kdump; do
            [ -s "$D/$f" ] || continue
            have "$D/drgn-$f.txt" && continue
            log "$k: drgn walk of $f"
            t=$(date +%s)
            sid python3 "$HERE/reader_walk.py" "$(realpath "$D/vmlinux")" "$D/$f" \
                > "$D/drgn-$f.txt" 2> "$D/drgn-$f.err" || true
            echo $(( $(date +%s) - t )) > "$D/drgn-$f.s"
        done
    fi
    if want crash; then
        printf '%s\n' 'ps' 'foreach bt' 'kmem -s' 'log' 'mod' 'quit' > "$D/crash.cmd"
        ln -sf "$(realpath "$D/vmlinux")" "$D/vmlinux-crash"   # no "+" in the name
        for f in vmcore.elf ours.kdump; do
            [ -s "$D/$f" ] || continue
            have "$D/crash-$f.txt" && continue
            log "$k: crash on $f"
            (cd "$D" && timeout 1800 "$KIT/../sid-readers/run.sh" "$READERS" crash -s -i \
                "$D/crash.cmd" "$D/vmlinux-crash" "$D/$f" < /dev/null > "$D/crash-$f.txt" 2>&1) || true
        done
    fi
done

# ---- the table ---------------------------------------------------------------
status=0
{
printf '| kernel | RAM pages | kept: ours | Debian 1.7.2 (capture kernel) | sid 1.7.8 | drgn equal (tasks, caches, printk, modules) | crash 9.0.2 equal | ours: warning, kernel-image rule | dmesg = sid 1.7.8 |\n'
printf '|---|---|---|---|---|---|---|---|---|\n'
for k in $KERNELS; do
    D=$RESULT/$k
    if [ ! -s "$D/vmcore.elf" ]; then
        printf '| %s | no capture | | | | | | | |\n' "$k"; status=1; continue
    fi
    rel=$(grep -a -m1 -o 'OSRELEASE=[^[:cntrl:]]*' "$D/vmcore.elf" | cut -d= -f2 || true)
    ram=$(/usr/bin/python3 "$HERE/kdump_bitmaps.py" "$D/ours.kdump" "$D/ours.kdump" 2>/dev/null |
          awk '/^ours:/ { for (i = 1; i <= NF; i++) if ($i ~ /^ram_pfns=/) { sub(/ram_pfns=/, "", $i); print $i } }' | head -n 1 || true)
    o=$(pages "$D/ours.kdump"); deb=$(pages "$D/capture/makedumpfile-d31-lzo.kdump")
    r178=$(pages "$D/ref178.kdump")
    if [ -s "$D/drgn-vmcore.elf.txt" ] && [ -s "$D/drgn-ours.kdump.txt" ]; then
        dr=no; cmp -s "$D/drgn-vmcore.elf.txt" "$D/drgn-ours.kdump.txt" && dr=yes
        dr="$dr ($(tail -n 1 "$D/drgn-vmcore.elf.txt" | sed 's/^end //; s/ faults=.*//'))"
    else
        dr='not run'
    fi
    case $dr in yes*) ;; *) status=1 ;; esac
    cr=-
    if [ -s "$D/crash-vmcore.elf.txt" ] && [ -s "$D/crash-ours.kdump.txt" ]; then
        if grep -q 'invalid structure member offset' "$D/crash-vmcore.elf.txt"; then
            cr="does not start ($(grep -m1 -o 'invalid structure member offset: [a-z_]*' "$D/crash-vmcore.elf.txt"))"
        elif diff -q <(grep -v 'PARTIAL DUMP' "$D/crash-vmcore.elf.txt") \
                     <(grep -v 'PARTIAL DUMP' "$D/crash-ours.kdump.txt") > /dev/null; then
            cr="yes ($(wc -l < "$D/crash-vmcore.elf.txt") lines)"
        else
            cr=no; status=1
        fi
    fi
    w=no; grep -q 'not supported' "$D/ours.log" 2>/dev/null && { w=yes; status=1; }
    rule=$(grep -m1 -o 'kernel image: [a-z-]* rule.*' "$D/ours.log" 2>/dev/null |
           sed 's/^kernel image: //; s/: [0-9]* kept range.*//' || true)
    dm=-
    if [ -s "$D/ref178-dmesg.txt" ] && [ -s "$D/ours-dmesg.txt" ]; then
        dm=no; cmp -s "$D/ref178-dmesg.txt" "$D/ours-dmesg.txt" && dm="yes ($(wc -l < "$D/ours-dmesg.txt") lines)"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s, %s | %s |\n' "$rel" "${ram:--}" "$o" "$deb" \
        "$r178" "$dr" "$cr" "$w" "${rule:--}" "$dm"
done
echo
for k in $KERNELS; do
    [ -s "$RESULT/$k/explain-178.txt" ] || continue
    echo "$k, ours vs sid 1.7.8:"
    sed 's/^/    /' "$RESULT/$k/explain-178.txt"
done
echo
echo "full run: $(( $(date +%s) - t0 )) s"
} | tee "$RESULT/table.md"
exit $status
