#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGINT and SIGTERM in the middle of a dump: exit status 1, one error line,
# and the output flagged incomplete (kdump status 0x8; a flattened stream
# without its end marker) or absent, never a file that looks complete.
. "$(dirname "$0")/../lib.sh"
# 256 MiB of incompressible pages: zlib takes seconds on them, even without
# sanitizers, so the signal lands while pages are being written.
printf 'class 64\nmachine x86_64\nseed 3\ncpus 1\nload paddr=0x100000 size=256M vaddr=0xffff888000100000 fill=random:1\n' >big.spec
gen big.spec big.elf
for sig in INT TERM; do
	for threads in 1 2; do
		n=$sig$threads
		"$MDF" -c -d 0 --num-threads $threads big.elf $n.kdump >$n.out 2>$n.err &
		pid=$!
		# wait until the header is written, then signal
		i=0
		while [ ! -s $n.kdump ] && [ $i -lt 400 ]; do sleep 0.01; i=$((i + 1)); done
		# stopped first, so the signal is pending before the dump can end
		kill -STOP $pid || fail "$n: the run ended before it could be signalled"
		kill -$sig $pid
		kill -CONT $pid
		wait $pid
		rc=$?
		expect_rc 1 $n
		no_crash $n
		one_line_error $n
		# absent (interrupted before its header: the file is not
		# named until then), or flagged incomplete
		if [ -e $n.kdump ]; then
			info=$(dumpinfo $n.kdump)
			case $info in
			*incomplete=1*) note "$n: $info" ;;
			*) fail "$n: interrupted dump not flagged incomplete: $info" ;;
			esac
		else
			note "$n: interrupted before the header: no file"
		fi
	done
done
# The flattened stream: no end marker after an interrupt.
"$MDF" -F -c -d 0 big.elf >s.flat 2>s.err &
pid=$!
sleep 0.5
kill -INT $pid
wait $pid
rc=$?
expect_rc 1 s
case $(dumpinfo s.flat) in
*end_marker=0*) ;;
*) fail "interrupted -F stream has an end marker: $(dumpinfo s.flat)" ;;
esac
echo "signals ok"
