#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The LINKTYPE=static binary (make check links it from the same objects as
# build/makedumpfile-static): no interpreter, no shared libraries, every
# codec compiled in, and the same dump as the dynamic binary, with worker
# threads too (a bare initramfs has no libgcc_s for pthread_exit; ORACLES
# "makedumpfile 1.7.2"). tests/qemu/static-initramfs.sh runs it in a real
# capture kernel.
. "$(dirname "$0")/../lib.sh"
ST=$(dirname "$MDF")/makedumpfile-static
[ "$MDF_ASAN" = 1 ] && skip "no static link with the sanitizers"
[ -x "$ST" ] || skip "no $ST (make check builds it: make build/makedumpfile-static)"
readelf -lW "$ST" > ph.txt
! grep -q INTERP ph.txt || fail "static binary has a program interpreter"
! readelf -dW "$ST" 2>/dev/null | grep -q NEEDED || fail "static binary needs shared libraries"
"$ST" -v > v.txt || fail "-v"
for c in lzo snappy zstd; do
	grep -qE "^$c	enabled$" v.txt || { cat v.txt; fail "$c not compiled into the static binary"; }
done
gen kernel-6.1.spec in.elf
for c in -c -l -p -z; do
	run_mdf dyn$c $c -d 31 --num-threads 2 in.elf dyn$c.kd
	[ "$rc" = 0 ] || { cat dyn$c.err; fail "dynamic $c"; }
	timeout 300 "$ST" $c -d 31 --num-threads 2 in.elf st$c.kd > st$c.out 2>&1 ||
		{ cat st$c.out; fail "static $c failed"; }
	cmp -s dyn$c.kd st$c.kd || fail "static and dynamic $c dumps differ"
done
note "static binary: $(stat -c %s "$ST") bytes, same dumps as the dynamic one for -c -l -p -z"
echo "static_binary ok"
