#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -L size cap (REFERENCE 1.2, 2.11, 13): the file stops at the cap, status
# 0x9 (zlib | incomplete), exit 1, "This is an incomplete dumpfile, but might
# analyzable."  Uncompressed, the capped file is byte-identical to the
# reference's on the same input (the cut falls where its 64 KiB write cache
# puts it); with -c only the pages differ in bytes (libdeflate). With a
# fallback level list (-d 0,31... not possible without VMCOREINFO, so
# -d 0,1) a level that fits is used and the run succeeds.
. "$(dirname "$0")/../lib.sh"
gen small.spec in.elf
run_mdf cap -c -d 0 -L 100000 in.elf cap.kdump
no_crash cap; expect_rc 1 cap
[ "$(size_of cap.kdump)" -le 100000 ] || fail "file larger than the cap: $(size_of cap.kdump)"
info=$(dumpinfo cap.kdump); echo "$info"
echo "$info" | grep -q 'status=0x9 ' || fail "status is not 0x9"
echo "$info" | grep -q 'lost_descs=0 ' && fail "no descriptor was lost although the file was capped"
grep -q 'This is an incomplete dumpfile, but might analyzable.' cap.out cap.err ||
	fail "no incomplete-dumpfile message"
if [ -n "$REF_MDF" ]; then
	run_mdf capn -d 0 -L 100000 in.elf capn.kdump
	no_crash capn; expect_rc 1 capn
	dumpinfo capn.kdump | grep -q 'status=0x8 ' || fail "uncompressed: status is not 0x8"
	run_ref refcap -d 0 -L 100000 in.elf refcap.kdump
	[ "$(size_of capn.kdump)" = "$(size_of refcap.kdump)" ] ||
		note "size differs from the reference: $(size_of capn.kdump) vs $(size_of refcap.kdump)"
	cmp capn.kdump refcap.kdump || fail "-L output differs from the reference's"
fi
# fallback list: -d 0 does not fit in 185000 bytes (about 191 KB), -d 1 does
# (about 183 KB): exit 0 with dump level 1 (REFERENCE 1.2, 2.11)
run_mdf fb -c -d 0,1 -L 185000 in.elf fb.kdump
no_crash fb; expect_rc 0 fb
dumpinfo fb.kdump | grep -q 'status=0x1 .*dump_level=1 ' || fail "fallback: $(dumpinfo fb.kdump)"
echo "size cap ok"
