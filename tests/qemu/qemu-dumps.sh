#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# QEMU's own dump files as refiltering input (issue 12).
#
#   usage: tests/qemu/qemu-dumps.sh [KIT_DIR]     (default /work/qk)
#
# Boots a live Debian 6.1 guest with the qemu-kdump kit of ../shared/tools
# (its kernel, initramfs and memory fill), with "-device vmcoreinfo" and the
# guest's qemu_fw_cfg module loaded, so QEMU can put the guest's VMCOREINFO
# into its dumps. Where the kit's guest would crash itself, this one waits;
# the VM is stopped and dumped over QMP with dump-guest-memory in every format
# this QEMU writes (ELF, kdump-zlib, and kdump-lzo, kdump-snappy and the
# non-flattened kdump-raw-* where built in: QEMU 8.2 and later write the raw
# ones). Every flattened kdump file is also -R'ed into a plain one, which
# stands in for a raw file where QEMU is older than 8.2.
# Then, for every kdump file, flattened, -R'ed and raw:
#   - our makedumpfile refilters it to -d 31 (exit 0);
#   - every page the result keeps equals the page in QEMU's ELF dump of the
#     same stopped guest (tests/kdump_pages.py --subset, python3-libkdumpfile);
#   - drgn with the debug vmlinux walks the same task list on the result as on
#     QEMU's ELF dump (tests/qemu/drgn_tasks.py); drgn 0.3.0 of the sid readers
#     (../shared/tools/sid-readers) when present: Debian 12's drgn 0.0.22
#     cannot translate addresses in QEMU's ELF files ("recursive address
#     translation"), it is then used on our results only;
# and Debian's makedumpfile 1.7.2 (and sid's, where the sid readers are) is
# tried on the same files for the record.
#
# Environment: MDF (our binary, default build/makedumpfile), VMLINUX (the
# matching debug vmlinux, default the one of /work/cache), OUTDIR (default
# tests/out/qemu-dumps), PROFILE (kit profile, default small), ACCEL (the kit's:
# auto probes KVM once and keeps the answer; KVM hung on our 2-core host, so
# use ACCEL=tcg there). QEMU: the QEMU program (default qemu-system-x86_64,
# the host's). QEMU_ROOT: a root made by ../shared/tools/sid-readers (e.g.
# /work/.sid-readers, with qemu-system-x86 installed in it: Debian sid's QEMU
# is 8.2 or later, Debian 12's is 7.2); QEMU then runs inside that root
# through its run.sh, with OUTDIR as the current directory (run.sh binds it
# and the kernel's folder at the same paths). Prints how long each step
# took. Needs root (the kit installs missing tools). Exit 0 when every check
# passes.
set -euo pipefail
T0=$(date +%s)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MDF=${MDF:-$ROOT/build/makedumpfile}
PY=${PY:-/usr/bin/python3}
REF_MDF=${REF_MDF:-/usr/bin/makedumpfile}
VMLINUX=${VMLINUX:-/work/cache/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}
KITSRC=${QKD_KIT:-$ROOT/../shared/tools/qemu-kdump}
export QKD_DIR=${1:-/work/qk}
OUTDIR=$(realpath -m "${OUTDIR:-$ROOT/tests/out/qemu-dumps}")
export PROFILE=${PROFILE:-small}
# Nothing of makedumpfile runs in the guest; no crash, so no capture kernel.
export MAKEDUMPFILE=none MEM_USAGE=0 CAPTURE_MDF=0
[ -x "$MDF" ] || { echo "qemu-dumps: no binary at $MDF (make first)" >&2; exit 1; }
# shellcheck disable=SC1091
. "$KITSRC/lib.sh"
# shellcheck source=tests/qemu/live-guest.sh
. "$ROOT/tests/qemu/live-guest.sh"
step() { log "$* (t+$(( $(date +%s) - T0 )) s)"; }

mkdir -p "$OUTDIR"
exec 9> "$QKD_DIR/.lock"
step "waiting for the kit's lock"
flock 9

# ---- the guest: the kit's kernel and initramfs, waiting instead of crashing ----
kernel_tree
live_initramfs "$OUTDIR" ""
live_pack
pick_accel
make_disks
step "guest ready to boot ($KVER, $GUEST_MEM MiB, $ACCEL_USED)"

rm -f "$OUTDIR"/qemu-* "$OUTDIR"/ours-* "$OUTDIR"/ref-* "$OUTDIR"/sidref-*
# QEMU_RUN: the command that starts QEMU. Inside a sid root, every path QEMU
# opens (the disks, console log, QMP socket, pid file and dumps, all under
# OUTDIR, and the kernel) must be visible there: run.sh binds its current
# directory, so QEMU starts from OUTDIR, and the folders of the absolute
# arguments (-kernel, -initrd).
SIDRUN=$KITSRC/../sid-readers/run.sh
if [ -n "${QEMU_ROOT:-}" ]; then
    [ -x "$QEMU_ROOT/root/usr/bin/$QEMU" ] || die "QEMU_ROOT=$QEMU_ROOT has no /usr/bin/$QEMU (install qemu-system-x86 in it)"
    QEMU_RUN=("$SIDRUN" "$QEMU_ROOT" "$QEMU")
else
    QEMU_RUN=("$QEMU")
fi
step "QEMU: $("${QEMU_RUN[@]}" --version | head -1)$([ -n "${QEMU_ROOT:-}" ] && echo " (in $QEMU_ROOT)")"
live_start "$OUTDIR"
grep -a 'qemu_fw_cfg\|insmod.*failed' "$CONSOLE_LOG" | head -3 >&2 || true
step "guest filled and waiting"

# ---- dump-guest-memory over QMP, the VM stopped ------------------------------------
"$PY" "$ROOT/tests/qemu/qmp.py" "$QMP" dump-all "$OUTDIR/qemu" > "$OUTDIR/formats.txt"
wait $QPID || true
trap - EXIT
rm -f "$QEMU_PIDFILE"
step "QEMU wrote: $(tr '\n' ' ' < "$OUTDIR/formats.txt")"
[ -s "$OUTDIR/qemu-elf" ] || die "no ELF dump"

# ---- checks ----------------------------------------------------------------------
cd "$OUTDIR"
SID=${SID_READERS:-/work/.sid-readers}
drgn_tasks() {  # drgn_tasks DUMP: the task list, with the newest drgn there is
    if [ -e "$SID/root/usr/bin/python3" ] && [ -x "$SIDRUN" ]; then
        "$SIDRUN" "$SID" python3 \
            "$ROOT/tests/qemu/drgn_tasks.py" "$OUTDIR/$1" "$VMLINUX"
    else
        "$PY" "$ROOT/tests/qemu/drgn_tasks.py" "$1" "$VMLINUX"
    fi
}
drgn_tasks qemu-elf > tasks-elf.txt || die "drgn cannot walk the tasks of QEMU's ELF dump"
step "drgn on QEMU's ELF dump: $(wc -l < tasks-elf.txt) tasks"
fail=0
check() {  # check NAME SOURCE: refilter SOURCE to -d 31 and compare
    local n=$1 src=$2
    if ! "$MDF" -l -d 31 "$src" "ours-$n.kdump" > "ours-$n.log" 2>&1; then
        log "FAIL $n: our refilter of $src failed: $(grep -v '^\s*$' "ours-$n.log" | tail -2 | tr '\n' ' ')"
        fail=1; return
    fi
    if ! "$PY" "$ROOT/tests/kdump_pages.py" --subset "ours-$n.kdump" qemu-elf > "pages-$n.txt"; then
        log "FAIL $n: kept pages differ from QEMU's ELF dump: $(cat "pages-$n.txt")"
        fail=1; return
    fi
    drgn_tasks "ours-$n.kdump" > "tasks-$n.txt" 2> "drgn-$n.err" || true
    if ! cmp -s tasks-elf.txt "tasks-$n.txt"; then
        log "FAIL $n: drgn's task list differs from the ELF dump's ($(wc -l < "tasks-$n.txt") tasks; drgn-$n.err)"
        fail=1; return
    fi
    log "ok   $n: refiltered to $(stat -c %s "ours-$n.kdump") bytes, $(cat "pages-$n.txt"), drgn: $(wc -l < "tasks-$n.txt") tasks"
    if [ -x "$REF_MDF" ]; then
        rm -f "ref-$n.kdump"
        if "$REF_MDF" -l -d 31 "$src" "ref-$n.kdump" > "ref-$n.log" 2>&1; then
            log "     makedumpfile $("$REF_MDF" -v 2>&1 | awk '/^makedumpfile/ {print $3; exit}') on $src: ok"
        else
            log "     makedumpfile $("$REF_MDF" -v 2>&1 | awk '/^makedumpfile/ {print $3; exit}') on $src: fails: $(grep -v '^\s*$' "ref-$n.log" | grep -v Failed | tail -1)"
        fi
    fi
    if [ -x "$SID/root/usr/bin/makedumpfile" ]; then
        rm -f "sidref-$n.kdump"
        if "$SIDRUN" "$SID" makedumpfile -l -d 31 "$OUTDIR/$src" "$OUTDIR/sidref-$n.kdump" > "sidref-$n.log" 2>&1; then
            log "     sid's makedumpfile $SIDVER on $src: ok"
        else
            log "     sid's makedumpfile $SIDVER on $src: fails: $(grep -v '^\s*$' "sidref-$n.log" | grep -v Failed | tail -1)"
        fi
    fi
}
SIDVER=
[ -x "$SID/root/usr/bin/makedumpfile" ] &&
    SIDVER=$("$SIDRUN" "$SID" makedumpfile -v 2>&1 | awk '/^makedumpfile/ {print $3; exit}')
check elf qemu-elf
nraw=0
while read -r fm; do
    [ "$fm" = elf ] && continue
    case $fm in
    kdump-raw-*) check "$fm" "qemu-$fm"; nraw=$((nraw + 1)) ;;
    *)  check "$fm" "qemu-$fm"
        "$MDF" -R "qemu-$fm.raw" < "qemu-$fm" > /dev/null 2>&1 || { log "FAIL -R of qemu-$fm"; fail=1; continue; }
        check "$fm.raw" "qemu-$fm.raw" ;;
    esac
done < formats.txt
[ $nraw = 0 ] && log "note: this QEMU writes no kdump-raw-* file (QEMU before 8.2); the -R'ed copies stood in"
step "done, $([ $fail = 0 ] && echo 'all checks passed' || echo 'SOME CHECKS FAILED')"
echo "qemu-dumps: $(( $(date +%s) - T0 )) s in all"
exit $fail
