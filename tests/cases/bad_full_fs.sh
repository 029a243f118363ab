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
