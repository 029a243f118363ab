#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Flattened format (REFERENCE 3): the reference's -R turns our -F stream into
# a file byte-identical to our direct output, our -R does the same with its
# -F stream, our -R ignores bytes after the end marker, and fails fast (exit
# 1, one-line error) on a stream without the signature and on a truncated
# stream.
. "$(dirname "$0")/../lib.sh"

gen small-vmci.spec in.elf
for opt in "-c -d 1" "-l -d 0" "-E -d 1"; do
	tag=$(echo "$opt" | tr -d ' -')
	run_mdf "direct-$tag" $opt in.elf "direct-$tag.dump"
	no_crash "direct-$tag"; expect_rc 0 "direct-$tag"
	"$MDF" -F $opt in.elf >"ours-$tag.flat" 2>"flat-$tag.err"; rc=$?
	cp "flat-$tag.err" "flatrun-$tag.err"; no_crash "flatrun-$tag"
	[ $rc = 0 ] || { cat "flat-$tag.err"; fail "-F $opt: exit $rc"; }
	dumpinfo "ours-$tag.flat" | grep -q 'end_marker=1' || fail "-F $opt: no end marker"
	# our -R
	"$MDF" -R "ourR-$tag.dump" <"ours-$tag.flat" >R.out 2>R.err; rc=$?
	no_crash R; [ $rc = 0 ] || { cat R.err; fail "our -R: exit $rc"; }
	cmp "direct-$tag.dump" "ourR-$tag.dump" || fail "$opt: our -F | our -R differs from direct"
	if [ -n "$REF_MDF" ]; then
		"$REF_MDF" -R "refR-$tag.dump" <"ours-$tag.flat" >/dev/null 2>&1 ||
			fail "$opt: reference -R rejects our stream"
		cmp "direct-$tag.dump" "refR-$tag.dump" || fail "$opt: ref -R of our stream differs"
		"$REF_MDF" -F $opt in.elf >"ref-$tag.flat" 2>/dev/null || fail "ref -F failed"
		"$MDF" -R "ourRref-$tag.dump" <"ref-$tag.flat" >R2.out 2>R2.err; rc=$?
		no_crash R2; [ $rc = 0 ] || { cat R2.err; fail "our -R of the reference stream: exit $rc"; }
		"$REF_MDF" -R "refRref-$tag.dump" <"ref-$tag.flat" >/dev/null 2>&1
		cmp "refRref-$tag.dump" "ourRref-$tag.dump" || fail "$opt: our -R of ref stream differs from ref -R"
	fi
done

# trailing garbage after the end marker is ignored
cat ours-cd1.flat >trail.flat
printf 'trailing garbage after the end marker\n' >>trail.flat
"$MDF" -R trail.dump <trail.flat >T.out 2>T.err; rc=$?
no_crash T; [ $rc = 0 ] || { cat T.err; fail "-R with trailing bytes: exit $rc"; }
cmp trail.dump direct-cd1.dump || fail "-R with trailing bytes: output differs"

# no signature
printf 'this is not a flattened stream at all' | dd of=nosig.flat bs=4096 conv=sync 2>/dev/null
cat ours-cd1.flat | tail -c +4097 >>nosig.flat
run_mdf nosig -R nosig.dump <nosig.flat
no_crash nosig; expect_rc 1 nosig; one_line_error nosig

# truncated stream: cut in the middle of a record
sz=$(size_of ours-cd1.flat)
head -c $((sz / 2)) ours-cd1.flat >trunc.flat
run_mdf trunc -R trunc.dump <trunc.flat
no_crash trunc; expect_rc 1 trunc; one_line_error trunc
echo "flattened ok"
