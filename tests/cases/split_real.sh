#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --split of the real 6.1 vmcore into 1, 2, 3 and 8 members: crash 8.0.2
# opens each set (given all members on its command line) with the matching
# debug vmlinux and walks the whole task list as on our single -d 31 file;
# libkdumpfile (sid readers, when present) reads the set page for page
# equal to the single file; our --reassemble gives the single file's bytes.
# Only with MDF_REAL_DEBUG=1 (the vmlinux is a download).
. "$(dirname "$0")/../lib.sh"
real_vmlinux
command -v crash >/dev/null 2>&1 || skip "crash not installed"
real_core
SID=/work/.sid-readers
SIDRUN=$SHARED/tools/sid-readers/run.sh

run_mdf one -l -d 31 "$core" one.kdump
no_crash one; expect_rc 0 one
printf 'sys\nlist task_struct.tasks -s task_struct.pid,comm -h init_task\nquit\n' >cmds
counts="1 2 3 8"
[ "$MDF_ASAN" = 1 ] && counts="3"
for n in $counts; do
	outs=""
	for i in $(seq 1 "$n"); do outs="$outs m$n-$i"; done
	run_mdf split$n --split --splitblock-size 16384 -l -d 31 "$core" $outs
	no_crash split$n; expect_rc 0 split$n
	crash -s "$VMLINUX" $outs -i cmds </dev/null >crash$n.out 2>&1 ||
		{ tail -20 crash$n.out; fail "crash exited on the $n-member set"; }
	grep -n '^crash: \|page excluded\|seek error\|read error' crash$n.out &&
		fail "crash reported errors on the $n-member set"
	tasks=$(grep -c '^  pid = ' crash$n.out)
	[ "$tasks" -ge 58 ] || fail "$n members: $tasks tasks in crash, expected 58"
	run_mdf reas$n --reassemble $outs reas$n.kdump
	no_crash reas$n; expect_rc 0 reas$n
	cmp one.kdump reas$n.kdump || fail "$n members: --reassemble differs from the single file"
	if [ -e "$SID/root/usr/bin/python3" ] && [ -x "$SIDRUN" ]; then
		set=$(for o in $outs; do printf '%s,' "$TESTTMP/$o"; done | sed 's/,$//')
		"$SIDRUN" "$SID" python3 "$TESTS/kdump_pages.py" "$set" "$TESTTMP/one.kdump" \
			>sid$n.log 2>&1 || { cat sid$n.log; fail "$n members: libkdumpfile set differs"; }
	fi
	echo "$n members: crash walks $tasks tasks, reassembled identical"
done
