#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The threaded writers under ThreadSanitizer (build-tsan/makedumpfile, which
# `make check` builds): single files with several threads, --split with 1,
# 2, 3 and 8 members and 1 to 4 threads (runners that write a member, then
# join one still being written), a member failing mid-dump (-L), a flattened
# stream, and SIGTERM in the middle of a split dump. Every run must end as
# the plain build's does, with the same bytes, and without a race report.
# case-timeout: 600
. "$(dirname "$0")/../lib.sh"
[ "$MDF_ASAN" = 1 ] && skip "runs once, in the plain build's pass"
TSAN_MDF=$(cd "$TESTS/.." && pwd)/build-tsan/makedumpfile
[ -x "$TSAN_MDF" ] || skip "no ThreadSanitizer build (make check makes build-tsan/)"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66"

# tsan NAME ARGS...: the TSan binary; a race report fails the case.
tsan() {
	_n=$1; shift
	timeout -k 5 300 "$TSAN_MDF" "$@" >"$_n.out" 2>"$_n.err"
	rc=$?
	if grep -q "unexpected memory mapping" "$_n.err"; then
		skip "ThreadSanitizer cannot run here: $(grep -m1 FATAL "$_n.err")"
	fi
	grep -q "ThreadSanitizer" "$_n.err" && { cat "$_n.err"; fail "$_n: ThreadSanitizer report"; }
	return 0
}

gen kernel-6.1.spec k.elf
SB="--splitblock-size 256"
for t in 2 3; do
	run_mdf p$t -l -d 31 --num-threads $t k.elf p$t.kdump
	tsan t$t -l -d 31 --num-threads $t k.elf t$t.kdump
	expect_rc 0 t$t
	cmp p$t.kdump t$t.kdump || fail "--num-threads $t: the TSan build's dump differs"
done
for n in 1 2 3 8; do
	for t in 1 2 4; do
		outs="" pouts=""
		for i in $(seq 1 "$n"); do outs="$outs s$n-$t-$i" pouts="$pouts q$n-$t-$i"; done
		# shellcheck disable=SC2086
		run_mdf q$n-$t --split $SB --num-threads $t -c -d 31 k.elf $pouts
		# shellcheck disable=SC2086
		tsan s$n-$t --split $SB --num-threads $t -c -d 31 k.elf $outs
		expect_rc 0 s$n-$t
		for i in $(seq 1 "$n"); do
			cmp q$n-$t-$i s$n-$t-$i || fail "split $n, $t threads: member $i differs"
		done
	done
done
note "single files and --split sets: no race, the plain build's bytes"

# a member that fails mid-dump (its size cap): the others stop, all flagged
tsan cap --split $SB --num-threads 3 -L 1M -l -d 31 k.elf c1 c2 c3
expect_rc 1 cap
for f in c1 c2 c3; do
	[ -s $f ] || continue
	case $(dumpinfo $f) in
	*incomplete=1*) ;;
	*) fail "-L on one member: $f not flagged incomplete" ;;
	esac
done

# a flattened stream with worker threads
run_mdf pflat -F --num-threads 3 -l -d 31 k.elf
tsan flat -F --num-threads 3 -l -d 31 k.elf
expect_rc 0 flat
cmp pflat.out flat.out || fail "-F --num-threads 3: the TSan build's stream differs"

# SIGTERM in the middle of a split dump: the handler's flag is read by
# every thread
printf 'class 64\nmachine x86_64\nseed 11\ncpus 1\nload paddr=0x100000 size=128M vaddr=0xffff888000100000 fill=random:1\n' >huge.spec
gen huge.spec huge.elf
"$TSAN_MDF" --split --splitblock-size 8192 --num-threads 3 -c -d 0 huge.elf h1 h2 \
	>term.out 2>term.err &
pid=$!
i=0
while [ ! -s h1 ] && [ $i -lt 1000 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM $pid 2>/dev/null
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "SIGTERM: still running 30 s later"; }
wait $pid
rc=$?
grep -q "ThreadSanitizer" term.err && { cat term.err; fail "SIGTERM: ThreadSanitizer report"; }
[ $rc = 1 ] || [ $rc = 0 ] || { cat term.err; fail "SIGTERM: exit $rc"; }
note "a capped member and SIGTERM (exit $rc): no race"
echo "threads under ThreadSanitizer ok"
