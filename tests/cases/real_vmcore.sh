#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real Debian 6.1 vmcore (shared/vmcores, 103k RAM pages): -d 1 with every
# codec, each page checked against the ELF input through libkdumpfile, and
# crash --osrelease.  Under ASan one codec (-l) suffices.  The decompressed
# vmcore is cached in $TESTCACHE (or an existing /tmp copy is used).
. "$(dirname "$0")/../lib.sh"
need_py
real_core
note "input $core"
codecs="none c l p z"
[ "$MDF_ASAN" = 1 ] && codecs="l"
for codec in $codecs; do
	opt=""
	[ $codec = none ] || opt=-$codec
	run_mdf d1-$codec $opt -d 1 "$core" d1-$codec.kdump
	no_crash d1-$codec; expect_rc 0 d1-$codec
	dumpinfo d1-$codec.kdump
	check_dump "$core" d1-$codec.kdump --format diskdump --expect-zero-excluded \
		--osrelease 6.1.0-56-amd64 || fail "$codec: page check"
	if command -v crash >/dev/null 2>&1; then
		crash --osrelease d1-$codec.kdump >crash.out 2>&1
		grep -qx '6.1.0-56-amd64' crash.out || { cat crash.out; fail "crash --osrelease on -$codec"; }
	fi
	rm -f d1-$codec.kdump
done
echo "real vmcore ok"
