#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Output on a full filesystem (1 MiB tmpfs, incompressible 4 MiB input):
# exit 1, one error line naming the output, and the partial dump flagged:
# kdump status 0x8 (REFERENCE 2.11), ELF e_flags bit 0 (4), and a -F stream
# on a full pipe target without end marker.
. "$(dirname "$0")/../lib.sh"
mkdir mnt
mount -t tmpfs -o size=1M tmpfs mnt 2>/dev/null || skip "cannot mount a tmpfs (not root?)"
trap 'umount mnt 2>/dev/null' EXIT
cat >big.spec <<SPEC
class 64
machine x86_64
seed 5
load paddr=0 size=4M fill=random:3,zero:1
SPEC
gen big.spec big.elf

run_mdf kd -c -d 1 big.elf mnt/out.kdump
no_crash kd; expect_rc 1 kd; one_line_error kd mnt/out.kdump
[ -s mnt/out.kdump ] || fail "no partial kdump file left"
dumpinfo mnt/out.kdump | grep -q 'incomplete=1' || fail "partial kdump not flagged: $(dumpinfo mnt/out.kdump)"
grep -q 'incomplete dumpfile' kd.out kd.err || note "no 'incomplete dumpfile' line (reference prints one)"
rm -f mnt/*

# -l -d 1 keeps the zero pages as descriptors of the shared zero block:
# when the disk fills, the descriptors of the pages stored are written,
# data given back to make room for them, and none may then point past the
# file's end (a zero page's descriptor ends at the first data block, so
# the last one kept does not tell where the kept data ends). One thread
# (the pages staged in the cache) and two (the chunks' buffers written as
# they come). On 2 MiB, where about half the input fits: a cut there once
# left 441 descriptors past the end.
mkdir mnt2
mount -t tmpfs -o size=2M tmpfs mnt2 || fail "cannot mount a second tmpfs"
trap 'umount mnt 2>/dev/null; umount mnt2 2>/dev/null' EXIT
for t in 1 2; do
	run_mdf kdl$t -l -d 1 --num-threads $t big.elf mnt2/out.kdump
	no_crash kdl$t; expect_rc 1 kdl$t
	info=$(dumpinfo mnt2/out.kdump)
	case $info in
	*incomplete=1*past_eof=0) note "-l, $t thread(s): $info" ;;
	*) fail "-l --num-threads $t on a full disk: $info" ;;
	esac
	rm -f mnt2/*
done
umount mnt2

run_mdf elf -E -d 0 big.elf mnt/out.elf
no_crash elf; expect_rc 1 elf; one_line_error elf mnt/out.elf
[ -s mnt/out.elf ] || fail "no partial ELF file left"
dumpinfo mnt/out.elf | grep -q 'incomplete=1' || fail "partial ELF not flagged: $(dumpinfo mnt/out.elf)"
rm -f mnt/*

"$MDF" -F -l -d 0 big.elf >mnt/out.flat 2>flat.err; rc=$?
cp flat.err flatrun.err; no_crash flatrun
[ $rc = 1 ] || fail "-F to a full fs: exit $rc"
check_partial mnt/out.flat
echo "full fs ok"
