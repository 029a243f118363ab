#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The LINKTYPE=static binary in a real kdump capture kernel with two CPUs,
# run from a bare root (guest/static.sh: chroot into a directory holding only
# the binary, /proc and the output). No Debian makedumpfile, no library of
# ours in the initramfs. Checks on the host: every run succeeded; with two
# threads (pthreads without libgcc_s); its dumps equal the dynamic build's;
# the log; crash opens the -l dump; the peak RSS of the static, the dynamic
# and (if given) an older build in the same boot, --num-threads 1.
#
#   usage: tests/qemu/static-initramfs.sh [STATIC_BINARY [DYNAMIC_BINARY [OTHER_BINARY]]]
#          (default build/makedumpfile-static and ./makedumpfile)
# Settings: see flows-lib.sh (CAPTURE_CPUS=2 here). Exit status 0 if every
# check passed.
set -uo pipefail
. "$(dirname "$0")/flows-lib.sh"
ST=$(realpath "${1:-$ROOT/build/makedumpfile-static}")
DYN=$(realpath "${2:-$ROOT/makedumpfile}")
OTHER=${3:-}
readelf -lW "$ST" | grep -q INTERP && die "$ST is not static"
flow_start static-initramfs "$ST"
files=""
cp "$DYN" "$STAGE/makedumpfile-dynamic"
files="$STAGE/makedumpfile-dynamic"
if [ -n "$OTHER" ]; then
	cp "$OTHER" "$STAGE/makedumpfile-codecstatic"
	files="$files $STAGE/makedumpfile-codecstatic"
fi
export CAPTURE_CPUS=${CAPTURE_CPUS:-2} CAPTURE_MDF=0 COPY_VMCORE=0 MEM_USAGE=0 MAKEDUMPFILE=none
flow_run "$HERE/guest/static.sh" $files

note "bare root: $(tr '\n' ' ' < "$C/bare-root.txt")"
note "nproc in the capture kernel: $(rc_of nproc)"
check "the root holds only the binary" test "$(grep -c . "$C/bare-root.txt")" = 2
check "-v in the bare root: exit status 0, every codec compiled in" \
	eval 'is_rc v 0 && grep -q "^zstd	enabled" "$C/static-v.txt" && grep -q "^snappy	enabled" "$C/static-v.txt"'
for c in l c z p; do
	check "-$c -d 31 in the bare root: exit status 0" is_rc static_$c 0
done
check "-l ran with 2 threads" grep -q 'num-threads 2' "$C/static-l.log"
check "--dump-dmesg in the bare root: exit status 0" is_rc static_dmesg 0
check "-E --num-threads 2 in the bare root: exit status 0" is_rc static_E 0
check "the dynamic build: exit status 0" is_rc dynamic_l 0
check "static -l (2 threads) equals static -l (1 thread)" cmp "$C/static-l.kdump" "$C/static-l1.kdump"
check "static -l equals the dynamic build's -l" cmp "$C/static-l1.kdump" "$C/dynamic-l.kdump"
check "crash opens the static -l dump" crash_opens "$C/static-l.kdump"
# busybox time -v prints ru_maxrss (KiB) as if it were pages: 4 times the
# real value (tests/qemu/README.md)
rss() { awk -F': ' '/Maximum resident set size/ {printf "%d", $2 / 4}' "$1" 2>/dev/null; }
wall() { awk -F': ' '/Elapsed/ {print $2}' "$1" 2>/dev/null; }
for t in static-l1 dynamic-l codecstatic-l; do
	[ -f "$C/$t.time" ] && note "$t: peak RSS $(rss "$C/$t.time") KiB, wall $(wall "$C/$t.time") (-l -d 31 --num-threads 1)"
done
flow_end
