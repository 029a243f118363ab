#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real Debian 6.1 vmcore (shared/vmcores, 103k RAM pages): -d 1 with every
# codec and with levels of -c and -z, each page checked against the ELF
# input through libkdumpfile, and crash --osrelease; -c and -l byte-identical
# for --num-threads 1, 2 and 3; Debian's makedumpfile 1.7.2 turns our -F -c
# stream into our direct file and refilters our -c dump to -d 31 with every
# page it keeps equal to the input.  Under ASan one codec (-l) suffices.
# MDF_ALL_LEVELS=1 adds every --compress-level of -c and a spread of -z at
# -d 31 (several minutes).
# The decompressed vmcore is cached in $TESTCACHE (or an existing /tmp copy
# is used).
. "$(dirname "$0")/../lib.sh"
need_py
real_core
note "input $core"
codecs="none c l p z c6 z-5 z9"
[ "$MDF_ASAN" = 1 ] && codecs="l"
for codec in $codecs; do
	case $codec in
	none) opt="" ;;
	c6) opt="-c --compress-level 6" ;;
	z-5) opt="-z --compress-level -5" ;;
	z9) opt="-z --compress-level 9" ;;
	*) opt=-$codec ;;
	esac
	run_mdf d1-$codec $opt -d 1 "$core" d1-$codec.kdump
	no_crash d1-$codec; expect_rc 0 d1-$codec
	dumpinfo d1-$codec.kdump
	check_dump "$core" d1-$codec.kdump --format diskdump --expect-zero-excluded \
		--osrelease 6.1.0-56-amd64 || fail "$codec: page check"
	if command -v crash >/dev/null 2>&1; then
		crash --osrelease d1-$codec.kdump >crash.out 2>&1
		grep -qx '6.1.0-56-amd64' crash.out || { cat crash.out; fail "crash --osrelease on -$codec"; }
	fi
	[ $codec = c ] || rm -f d1-$codec.kdump
done
[ "$MDF_ASAN" = 1 ] && { echo "real vmcore ok (ASan: -l only)"; exit 0; }

# MDF_ALL_LEVELS=1 (slow: minutes; not part of make check): every level of
# -c and a spread of zstd's, at -d 31, each dump read back exactly
if [ "${MDF_ALL_LEVELS:-0}" = 1 ]; then
	"$MDF" -v >ver.out 2>&1
	hi=$(sed -n 's/^-c: .*--compress-level 1 to \([0-9]*\).*/\1/p' ver.out)
	[ -n "$hi" ] || { cat ver.out; fail "-v: no -c level range"; }
	levels=$(seq 1 "$hi" | sed 's/^/c/')
	grep -qE '^zstd[[:space:]]+enabled' ver.out &&
		levels="$levels z-131072 z-100 z-10 z-5 z-1 z1 z2 z3 z5 z9 z12 z15 z19 z22"
	for lv in $levels; do
		codec=${lv%%[-0-9]*}
		n=${lv#$codec}
		run_mdf all-$lv -$codec --compress-level "$n" -d 31 "$core" all.kdump
		no_crash all-$lv; expect_rc 0 all-$lv
		check_dump "$core" all.kdump --format diskdump --present-only --quiet ||
			fail "-$codec --compress-level $n: page check"
		echo "-$codec --compress-level $n -d 31: $(size_of all.kdump) bytes, pages read back"
		rm -f all.kdump
	done
fi

for opt in -c -l; do
	for t in 1 2 3; do
		run_mdf thr$t $opt -d 1 --num-threads $t "$core" thr$t.kdump
		no_crash thr$t; expect_rc 0 thr$t
	done
	cmp thr1.kdump thr2.kdump || fail "$opt: --num-threads 2 differs from 1"
	cmp thr1.kdump thr3.kdump || fail "$opt: --num-threads 3 differs from 1"
	rm -f thr1.kdump thr2.kdump thr3.kdump
done

if [ -n "$REF_MDF" ]; then
	"$MDF" -F -c -d 31 "$core" >d31.flat 2>flat.err || { cat flat.err; fail "-F -c -d 31"; }
	run_mdf d31 -c -d 31 "$core" d31.kdump
	expect_rc 0 d31
	"$REF_MDF" -R d31R.kdump <d31.flat >/dev/null 2>&1 || fail "reference -R rejects our -F -c stream"
	cmp d31R.kdump d31.kdump || fail "reference -R of our -F -c stream differs from our file"
	rm -f d31.flat d31R.kdump d31.kdump
	run_ref refilt -c -d 31 d1-c.kdump refilt.kdump
	expect_rc 0 refilt
	check_dump "$core" refilt.kdump --format diskdump --present-only ||
		fail "the reference's refiltering of our -c dump: pages differ from the input"
fi
echo "real vmcore ok"
