#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Byte-identity with Debian's makedumpfile 1.7.2 on synthetic input, -c and
# -l at -d 1 (and -d 0), with and without a VMCOREINFO note; our side single
# threaded.  tests/kdump_cmp.py names every differing header field; no field
# is allowed to differ: utsname comes from init_uts_ns (or is all zero without
# VMCOREINFO) and the timestamp from CRASHTIME on both sides (REFERENCE 2.2).
# Also: our outputs for several --num-threads are byte-identical to each other.
. "$(dirname "$0")/../lib.sh"
need_ref

gen small.spec plain.elf
gen small-vmci.spec vmci.elf
for in in plain vmci; do
	for opt in "-c -d 1" "-l -d 1" "-c -d 0" "-l -d 0"; do
		tag=$in$(echo "$opt" | tr -d ' -')
		run_ref "ref-$tag" $opt $in.elf "ref-$tag.kdump"
		expect_rc 0 "ref-$tag"
		run_mdf "our-$tag" $opt --num-threads 1 $in.elf "our-$tag.kdump"
		no_crash "our-$tag"
		expect_rc 0 "our-$tag"
		echo "== $in.elf $opt"
		"$PY" "$TESTS/kdump_cmp.py" "our-$tag.kdump" "ref-$tag.kdump" ||
			fail "$in.elf $opt: not byte-identical to the reference"
	done
done

# thread counts (REFERENCE 8.4): identical output whatever the thread count
for opt in "-c -d 1" "-l -d 0"; do
	tag=$(echo "$opt" | tr -d ' -')
	for t in 1 2 3 8; do
		run_mdf "thr$t-$tag" $opt --num-threads $t vmci.elf "thr$t-$tag.kdump"
		no_crash "thr$t-$tag"
		expect_rc 0 "thr$t-$tag"
		cmp "thr1-$tag.kdump" "thr$t-$tag.kdump" ||
			fail "$opt --num-threads $t differs from --num-threads 1"
	done
	# and without --num-threads at all
	run_mdf "nothr-$tag" $opt vmci.elf "nothr-$tag.kdump"
	expect_rc 0 "nothr-$tag"
	cmp "thr1-$tag.kdump" "nothr-$tag.kdump" || fail "$opt: threaded and plain outputs differ"
done
echo "byte-identical"
