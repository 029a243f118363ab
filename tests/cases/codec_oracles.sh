#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every codec, and levels of -c and -z, on a generated 6.1 machine
# (tests/specs/kernel-6.1.spec) at -d 31: the kept set equals the generator's
# truth (tests/kernel_check.py), python3-libkdumpfile reads every kept page
# equal to the input (tests/check_dump.py), and the output is byte-identical
# for --num-threads 1, 2 and 3. Then Debian's makedumpfile 1.7.2 as the
# oracle of our -c and -l files: its -R turns our -F stream into our direct
# file, and it refilters our -d 1 dump to -d 31 into exactly the bytes it
# makes from its own -d 1 dump (it recompresses every page itself, so only
# the pages and bitmaps we wrote can make a difference).
. "$(dirname "$0")/../lib.sh"
need_py

gen kernel-6.1.spec k.elf k.truth
"$MDF" -v >ver.out 2>&1 || fail "-v failed"
have() { grep -qE "^$1[[:space:]]+enabled" ver.out; }

opts="-c|-c --compress-level 6|-c --compress-level 12|-l|-d31only"
have snappy && opts="$opts|-p"
have zstd && opts="$opts|-z|-z --compress-level -5|-z --compress-level 19"
[ "$MDF_ASAN" = 1 ] && opts="-c|-c --compress-level 12|-l"
IFS='|'
set -- $opts
unset IFS
for opt in "$@"; do
	[ "$opt" = -d31only ] && opt=""
	tag=x$(echo "$opt" | tr -d ' -')
	for t in 1 2 3; do
		# shellcheck disable=SC2086
		run_mdf "$tag-t$t" $opt -d 31 --num-threads $t k.elf "$tag-t$t.kdump"
		no_crash "$tag-t$t"; expect_rc 0 "$tag-t$t"
	done
	cmp "$tag-t1.kdump" "$tag-t2.kdump" || fail "'$opt': --num-threads 2 differs from 1"
	cmp "$tag-t1.kdump" "$tag-t3.kdump" || fail "'$opt': --num-threads 3 differs from 1"
	"$PY" "$TESTS/kernel_check.py" k.truth "$tag-t1.kdump" 31 --excluded-out "$tag.excl" \
		>"$tag.chk" || { cat "$tag.chk"; fail "'$opt': kept set differs from the truth"; }
	check_dump k.elf "$tag-t1.kdump" --format diskdump --excluded "$tag.excl" \
		--expect-zero-excluded --quiet || fail "'$opt': pages differ from the input"
	echo "'$opt' -d 31: $(dumpinfo "$tag-t1.kdump" | grep -o 'status=0x[0-9a-f]*'), $(size_of "$tag-t1.kdump") bytes"
	rm -f "$tag-t2.kdump" "$tag-t3.kdump"
done

need_ref
for opt in "-c" "-l"; do
	tag=$(echo "$opt" | tr -d ' -')
	# -R of our -F stream
	"$MDF" -F $opt -d 31 k.elf >"f$tag.flat" 2>"f$tag.err" || { cat "f$tag.err"; fail "-F $opt"; }
	"$REF_MDF" -R "fR$tag.kdump" <"f$tag.flat" >/dev/null 2>&1 ||
		fail "reference -R rejects our -F $opt stream"
	cmp "fR$tag.kdump" "x$tag-t1.kdump" ||
		fail "reference -R of our -F $opt stream differs from our direct file"
	# refiltering our -d 1 dump
	run_mdf "our1$tag" $opt -d 1 k.elf "our1$tag.kdump"
	expect_rc 0 "our1$tag"
	run_ref "ref1$tag" $opt -d 1 k.elf "ref1$tag.kdump"
	expect_rc 0 "ref1$tag"
	"$PY" "$TESTS/kdump_cmp.py" "our1$tag.kdump" "ref1$tag.kdump" --pages >/dev/null ||
		fail "$opt -d 1: pages differ from the reference's"
	run_ref "refilt$tag" -c -d 31 "our1$tag.kdump" "refilt$tag.kdump"
	expect_rc 0 "refilt$tag"
	run_ref "refref$tag" -c -d 31 "ref1$tag.kdump" "refref$tag.kdump"
	expect_rc 0 "refref$tag"
	cmp "refilt$tag.kdump" "refref$tag.kdump" ||
		fail "the reference refilters our $opt -d 1 dump differently from its own"
	check_dump k.elf "refilt$tag.kdump" --format diskdump --present-only --quiet ||
		fail "refiltered $opt dump: pages differ from the input"
	echo "$opt: reference -R and refilter agree"
done
echo "codec oracles ok"
