#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A real arm64 dump, end to end: the qemu-kdump kit boots Debian's arm64
# kernel (linux-image-6.1.0-56-arm64: 4 KiB pages, 48-bit VAs, KASLR) under
# qemu-system-aarch64 (TCG), fills memory with every page class, crashes it,
# copies /proc/vmcore out of the capture kernel and runs Debian's arm64
# makedumpfile 1.7.2 there (-l -d 31 and --dump-dmesg); then
# tests/qemu/arm64-check.sh compares ours, run on this x86_64 host, with it
# (page sets, dmesg, drgn task walk, -x with the note hidden, codecs,
# threads, ELF output, --mem-usage, --vtop).
#
#   tests/qemu/arm64-compare.sh [OUR_BINARY]        (default ./makedumpfile)
#   tests/qemu/arm64-compare.sh --check-only RESULT_DIR [OUR_BINARY]
#
# Settings: QKD_DIR (kit folder, default /work/qk), RESULT (default
# $QKD_DIR/out/arm64-<time>), PROFILE (default small: 512 MiB guest), KIT,
# and any other kit variable. The debug vmlinux (for drgn and -x) comes from
# the kit's get-vmlinux-dbg.sh (ARCH=arm64, about 300 MB, cached in
# QKD_DIR). Afterwards `MDF_ARM64_RESULT=RESULT make check` repeats the
# host-side checks as the case arm64_real.
#
# Time on this 2-core host (TCG, others' builds running): kit run 66 s
# (QEMU 37 s, /proc/vmcore copy in the guest 7.7 s, 1.7.2 in the capture
# kernel 1.2 s), debug vmlinux 13 s the first time, host checks about 60 s.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
KIT=${KIT:-/work/shared/tools/qemu-kdump}
export QKD_DIR=${QKD_DIR:-/work/qk}
export ARCH=arm64 PROFILE=${PROFILE:-small}
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

if [ "${1:-}" = --check-only ]; then
	R=${2:?usage: $0 --check-only RESULT_DIR [OUR_BINARY]}
	shift 2
else
	R=${RESULT:-$QKD_DIR/out/arm64-$(date +%Y%m%d-%H%M%S)}
	t0=$(date +%s)
	log "kit run: ARCH=arm64 PROFILE=$PROFILE OUT=$R"
	OUT=$R COPY_VMCORE=1 CAPTURE_MDF=1 "$KIT/mkvmcore.sh" "$QKD_DIR" >"$R.kit.log" 2>&1 ||
		{ tail -20 "$R.kit.log"; log "kit run failed"; exit 1; }
	mv "$R.kit.log" "$R/kit.log"
	log "kit run: $(($(date +%s) - t0)) s"
fi
rel=$(cat "$R/first/uname.txt" 2>/dev/null | awk '{print $3}')
[ -n "$rel" ] || rel=6.1.0-56-arm64
VMLINUX=$QKD_DIR/vmlinux-$rel
if [ ! -s "$VMLINUX" ]; then
	log "fetching the debug vmlinux ($rel)"
	"$KIT/get-vmlinux-dbg.sh" "$QKD_DIR" >"$R/vmlinux-dbg.log" 2>&1 ||
		{ tail -5 "$R/vmlinux-dbg.log"; exit 1; }
fi
OURS=$(realpath "${1:-$HERE/../../makedumpfile}")
t1=$(date +%s)
sh "$HERE/arm64-check.sh" "$R" "$VMLINUX" "$OURS" | tee "$R/check.txt"
st=$(grep -c '^FAIL' "$R/check.txt" || true)
log "host checks: $(($(date +%s) - t1)) s; result in $R/check.txt"
[ "$st" = 0 ]
