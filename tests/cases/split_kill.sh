#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 1800 (on a loaded 2-core machine)
# --split members are flagged incomplete from their first byte too (issue
# 16): SIGKILL at 6 seeded moments of a 3-member split dump leaves each
# member absent or flagged incomplete, and with -f over an old complete
# set, the old members are intact (the members become final together, only
# when all are complete).
. "$(dirname "$0")/../lib.sh"
printf 'class 64\nmachine x86_64\nseed 4\ncpus 1\nload paddr=0x100000 size=384M vaddr=0xffff888000100000 fill=zero:2,text:2,random:1\n' >big.spec
gen big.spec big.elf
ms() { date +%s%3N; }
t0=$(ms)
MDF_TIMEOUT=1800 run_mdf timed --split -c -d 1 big.elf t1 t2 t3
expect_rc 0 timed
T=$(( $(ms) - t0 ))
rm -f t1 t2 t3
MDF_TIMEOUT=1800 run_mdf old --split -l -d 1 big.elf o1 o2 o3
expect_rc 0 old
sum_old=$(cat o1 o2 o3 | cksum)
seed=${MDF_KILL_SEED:-7}
i=0 killed=0
while [ $i -lt 6 ]; do
	i=$((i + 1))
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	span=$(( T * 4 / 5 ))
	at=$(( 20 + seed % (span > 40 ? span - 20 : 20) ))
	secs=$(awk "BEGIN { printf \"%.3f\", $at / 1000 }")
	"$MDF" --split -c -d 1 big.elf k1 k2 k3 >k.out 2>k.err &
	pid=$!
	sleep "$secs"
	kill -KILL $pid 2>/dev/null
	wait $pid
	krc=$?
	for m in k1 k2 k3; do
		[ -e $m ] || continue
		if [ $krc = 137 ]; then
			dumpinfo $m | grep -q 'incomplete=1' || fail "kill $i at $at ms: member $m not flagged: $(dumpinfo $m)"
		else
			dumpinfo $m | grep -q 'incomplete=0' || fail "run $i finished but $m is flagged"
		fi
	done
	[ $krc = 137 ] && killed=$((killed + 1))
	note "kill $i at $at ms: exit $krc, members left: $(ls k1 k2 k3 2>/dev/null | wc -l)"
	rm -f k1 k2 k3
	cp o1 f1; cp o2 f2; cp o3 f3
	"$MDF" -f --split -c -d 1 big.elf f1 f2 f3 >f.out 2>f.err &
	pid=$!
	sleep "$secs"
	kill -KILL $pid 2>/dev/null
	wait $pid
	if [ $? = 137 ]; then
		[ "$(cat f1 f2 f3 | cksum)" = "$sum_old" ] || fail "kill $i: -f --split lost the old members"
	fi
	ls | grep -q '^f[123]\.tmp' && fail "kill $i: named temporary files left: $(ls | grep tmp)"
	rm -f f1 f2 f3
done
[ $killed -ge 4 ] || fail "only $killed of 6 runs were killed"
echo "split members: flagged or absent after every kill; -f kept the old set"
