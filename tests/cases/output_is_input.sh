#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Never write over the input (issue 16, defect 2): an output that is the
# input file, by the same path, through a hard link, a symlink or a
# /proc/self/fd path, is refused with one error line naming it, with and
# without -f, for a dump (-c, -E), --dump-dmesg and -R (stdin); the input
# stays byte for byte as it was.  Before the fix, -f truncated the input to
# 0 bytes and the run died of SIGBUS (exit 135) with no message.
. "$(dirname "$0")/../lib.sh"
gen small-vmci.spec in.elf
cp in.elf orig.elf
ln in.elf hard.elf
ln -s in.elf sym.elf
intact() { cmp -s in.elf orig.elf || fail "$1: the input was modified"; }

for f in "" -f; do
	i=0
	for out in in.elf hard.elf sym.elf "$TESTTMP/in.elf" "./in.elf"; do
		for mode in "-c -d 1" "-E -d 1" "-l -d 31"; do
			i=$((i + 1)); n=same$f.$i
			run_mdf "$n" $f $mode in.elf "$out"
			no_crash "$n"; expect_rc 1 "$n"; one_line_error "$n" "$out"
			intact "$n"
		done
		n=dmesg$f.$i
		run_mdf "$n" $f --dump-dmesg in.elf "$out"
		no_crash "$n"; expect_rc 1 "$n"; one_line_error "$n"
		intact "$n"
	done
	# the dump as the output of -R reading it on stdin
	"$MDF" -F -c -d 1 in.elf >stream.flat 2>/dev/null || fail "-F failed"
	cp stream.flat stream.orig
	n=rearrange$f
	timeout 60 "$MDF" -R $f stream.flat <stream.flat >"$n.out" 2>"$n.err"; rc=$?
	no_crash "$n"; expect_rc 1 "$n"; one_line_error "$n" stream.flat
	cmp -s stream.flat stream.orig || fail "$n: -R wrote over its own input"
done
# the message says what happened
for e in same.1 same-f.1 same-f.4 dmesg-f.3; do
	grep -q "is the input file" $e.err || fail "$e: message: $(cat $e.err)"
done
# /proc/self/fd/N: the descriptor the vmcore gets (the lowest free one)
# names the input once it is open; stat finds the same inode.
for fd in 3 4 5 6; do
	n=procfd$fd
	run_mdf "$n" -f -c -d 1 in.elf /proc/self/fd/$fd
	no_crash "$n"
	intact "$n"
done
# a different file is still written, and -f still replaces an old output
run_mdf ok -c -d 1 in.elf out.kdump
no_crash ok; expect_rc 0 ok
run_mdf okf -f -c -d 1 in.elf out.kdump
no_crash okf; expect_rc 0 okf
intact ok
echo "outputs that are the input are refused"
