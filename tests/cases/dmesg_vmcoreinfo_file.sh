#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --dump-dmesg from a vmcore without a VMCOREINFO note, with the keys given
# by -i FILE (REFERENCE.md 9: "Needs VMCOREINFO (or -x/-i)"), for the three
# formats; without -i the same file must fail with one error line.  (-x
# needs a vmlinux with DWARF; the real one is covered by x-vmlinux-real.sh
# where available, so no -x here.)
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"

for fmt in plain structured lockless; do
	scenario $fmt <<J
{"format": "$fmt", "count_bits": 5, "size_bits": 11, "log_buf_len": 2048,
 "gen": {"n": 60, "seed": 23}}
J
	echo novmcoreinfo >>$fmt.spec
	gen "$TESTTMP/$fmt.spec" $fmt.elf
	dmesg_ok $fmt exp -i $fmt.vmci
	ref_ok $fmt exp -i $fmt.vmci
	rm -f $fmt.none.txt
	run_mdf $fmt.none --dump-dmesg $fmt.elf $fmt.none.txt
	no_crash $fmt.none; expect_rc 1 $fmt.none
	one_line_error $fmt.none
	echo "ok: $fmt without -i: $(cat $fmt.none.errlines)"
done
echo "vmcoreinfo file ok"
