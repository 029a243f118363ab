#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every codec (none, -c, -l, -p, -z) at -d 0 and -d 1 on a synthetic core with
# a VMCOREINFO note: libkdumpfile opens our file as diskdump, every page
# equals the input page, zero pages at -d 1 read back as zeros (shared zero
# page, REFERENCE 2.7), the header status carries the codec flag (2.5), and
# crash --osrelease reads the release like on the reference's file. Every
# --compress-level of -c and a spread of -z levels read back the same way.
. "$(dirname "$0")/../lib.sh"
need_py

gen small-vmci.spec in.elf truth.txt
"$MDF" -v >ver.out 2>&1 || fail "-v failed"

for codec in none c l p z; do
	opt=""; flag=0
	case $codec in
	c) opt=-c; flag=1 ;;
	l) opt=-l; flag=2 ;;
	p) opt=-p; flag=4 ;;
	z) opt=-z; flag=32 ;;
	esac
	lib=""
	case $codec in l) lib=lzo ;; p) lib=snappy ;; z) lib=zstd ;; esac
	# a codec that is not compiled in gives an uncompressed dump (1.1)
	if [ -n "$lib" ] && ! grep -qiE "^$lib[[:space:]]+enabled" ver.out; then
		note "$lib not compiled in: expecting status without its flag"
		flag=0
	fi
	for dl in 0 1; do
		n=out-$codec-d$dl
		run_mdf "$n" $opt -d $dl in.elf "$n.kdump"
		no_crash "$n"
		expect_rc 0 "$n"
		info=$(dumpinfo "$n.kdump")
		echo "$n: $info"
		status=$(echo "$info" | sed -n 's/.*status=\(0x[0-9a-f]*\).*/\1/p')
		[ "$((status))" = "$flag" ] || fail "$n: status $status, expected flag $flag"
		echo "$info" | grep -q "dump_level=$dl " || fail "$n: dump_level not $dl"
		echo "$info" | grep -q "nr_cpus=2 " || fail "$n: nr_cpus not 2"
		zx=""
		[ $dl = 1 ] && zx=--expect-zero-excluded
		check_dump in.elf "$n.kdump" --format diskdump --osrelease 6.1.0-56-amd64 $zx ||
			fail "$n: page check failed"
	done
done

# --compress-level: every level of -c (libdeflate 1-12, or zlib 1-9 without
# it: the range -v prints) and zstd levels from the most negative to the
# highest; each dump reads back exactly through libkdumpfile and carries the
# codec's flag, and the levels do change the output.
range() { sed -n "s/^$1: .*--compress-level \(-*[0-9]*\) to \([0-9]*\).*/\1 \2/p" ver.out; }
set -- $(range -c)
[ $# = 2 ] || { cat ver.out; fail "-v does not give the -c levels"; }
clevels=$(seq "$1" "$2")
zlevels=""
if grep -qE '^zstd[[:space:]]+enabled' ver.out; then
	set -- $(range -z)
	[ $# = 2 ] && [ "$1" -lt 0 ] || { cat ver.out; fail "-v does not give the -z levels"; }
	zlevels="$1 -1000 -50 -5 -1 1 2 3 4 6 9 12 15 19 $2"
fi
if [ "$MDF_ASAN" = 1 ]; then
	clevels="1 6 $(echo $clevels | awk '{print $NF}')"
	zlevels=$(echo "$zlevels" | awk '{ if (NF) print $1, -5, 1, $NF }')
fi
sizes=""
for lv in $clevels; do
	n=lv-c$lv
	run_mdf "$n" -c --compress-level "$lv" -d 1 in.elf "$n.kdump"
	no_crash "$n"; expect_rc 0 "$n"
	dumpinfo "$n.kdump" | grep -q 'status=0x1 ' || fail "$n: not flagged zlib"
	check_dump in.elf "$n.kdump" --format diskdump --expect-zero-excluded --quiet ||
		fail "$n: page check failed"
	sizes="$sizes $(size_of "$n.kdump")"
done
for lv in $zlevels; do
	n=lv-z$lv
	run_mdf "$n" -z --compress-level "$lv" -d 1 in.elf "$n.kdump"
	no_crash "$n"; expect_rc 0 "$n"
	dumpinfo "$n.kdump" | grep -q 'status=0x20 ' || fail "$n: not flagged zstd"
	check_dump in.elf "$n.kdump" --format diskdump --expect-zero-excluded --quiet ||
		fail "$n: page check failed"
	sizes="$sizes $(size_of "$n.kdump")"
done
echo "sizes by level:$sizes"
[ "$(echo $sizes | tr ' ' '\n' | sort -u | wc -l)" -gt 2 ] || fail "levels do not change the output"
# out of range: refused before anything is written
run_mdf lvbad -c --compress-level 13 -d 1 in.elf lvbad.kdump
expect_rc 1 lvbad
grep -q 'Compression level(13) is invalid' lvbad.out || fail "no message for level 13"
[ ! -e lvbad.kdump ] || fail "a dump was written with an invalid level"

# crash --osrelease: same answer on ours as on the reference's file
if command -v crash >/dev/null 2>&1; then
	crash --osrelease out-c-d1.kdump >crash.ours 2>&1 || { cat crash.ours; fail "crash rejects our -c file"; }
	grep -qx '6.1.0-56-amd64' crash.ours || { cat crash.ours; fail "crash --osrelease: wrong release"; }
	if [ -n "$REF_MDF" ]; then
		"$REF_MDF" -c -d 1 in.elf ref.kdump >/dev/null 2>&1 || fail "reference failed on our input"
		crash --osrelease ref.kdump >crash.ref 2>&1
		cmp -s crash.ours crash.ref || { diff crash.ours crash.ref; fail "crash prints differently on ours and the reference"; }
	fi
else
	note "crash not installed; osrelease check skipped"
fi
echo "all codecs ok"
