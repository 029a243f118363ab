#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Against Debian's makedumpfile 1.7.2 on synthetic input, with and without a
# VMCOREINFO note, our side single threaded: uncompressed dumps (-d 1, -d 0)
# are byte-identical; -c and -l dumps (-d 1, -d 0) hold the same pages:
# headers, notes and bitmaps byte-identical, the same descriptors, every page
# read back equal through libkdumpfile (tests/kdump_cmp.py --pages). Their
# compressed bytes differ by design: our -c uses libdeflate, our -l
# LZO1X-1(11) (README). kdump_cmp.py names every differing header field; no
# field is allowed to differ: utsname comes from init_uts_ns (or is all zero
# without VMCOREINFO) and the timestamp from CRASHTIME on both sides
# (REFERENCE 2.2). Also: our output is byte-identical for every
# --num-threads, with every codec and a few --compress-level values.
. "$(dirname "$0")/../lib.sh"
need_ref
need_py

gen small.spec plain.elf
gen small-vmci.spec vmci.elf
for in in plain vmci; do
	for opt in "-d 1" "-d 0" "-c -d 1" "-l -d 1" "-c -d 0" "-l -d 0"; do
		tag=$in$(echo "$opt" | tr -d ' -')
		run_ref "ref-$tag" $opt $in.elf "ref-$tag.kdump"
		expect_rc 0 "ref-$tag"
		run_mdf "our-$tag" $opt --num-threads 1 $in.elf "our-$tag.kdump"
		no_crash "our-$tag"
		expect_rc 0 "our-$tag"
		echo "== $in.elf $opt"
		case $opt in
		-c*|-l*)
			"$PY" "$TESTS/kdump_cmp.py" "our-$tag.kdump" "ref-$tag.kdump" --pages ||
				fail "$in.elf $opt: pages differ from the reference's" ;;
		*)
			"$PY" "$TESTS/kdump_cmp.py" "our-$tag.kdump" "ref-$tag.kdump" ||
				fail "$in.elf $opt: not byte-identical to the reference" ;;
		esac
	done
done

# thread counts (REFERENCE 8.4): identical output whatever the thread count
"$MDF" -v >v.out 2>&1 || fail "-v failed"
for opt in "-c -d 1" "-l -d 0" "-p -d 1" "-z -d 1" "-d 1" "-c --compress-level 9 -d 1" \
	"-z --compress-level -5 -d 0" "-z --compress-level 19 -d 1"; do
	tag=$(echo "$opt" | tr -d ' -')
	case $opt in
	-p*) grep -q '^snappy	enabled' v.out || continue ;;
	-z*) grep -q '^zstd	enabled' v.out || continue ;;
	esac
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
echo "same as the reference: bytes uncompressed, pages with -c and -l"
