#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# crash 8.0.2 with the matching debug vmlinux opens our -d 31 dumps of the
# real 6.1 vmcore (-l, and -c, whose pages libdeflate writes and crash reads
# with zlib) and runs sys, log, ps, kmem -i and bt -a without errors, and
# walks the whole task list (crash 8.0.2's ps finds only 3 tasks on this
# kernel, ORACLES.md): 58 tasks, memhog (PID 174) among them, as on the
# unfiltered vmcore. Only with MDF_REAL_DEBUG=1 (the vmlinux is a download).
. "$(dirname "$0")/../lib.sh"
real_vmlinux
command -v crash >/dev/null 2>&1 || skip "crash not installed"
real_core
printf 'sys\nlog\nps\nkmem -i\nbt -a\nlist task_struct.tasks -s task_struct.pid,comm -h init_task\nquit\n' >cmds
for opt in -l -c; do
	run_mdf d31 $opt -d 31 "$core" d31.kdump
	no_crash d31; expect_rc 0 d31
	crash -s "$VMLINUX" d31.kdump -i cmds </dev/null >crash.out 2>&1 ||
		{ tail -20 crash.out; fail "$opt: crash exited $?"; }
	grep -n '^crash: \|page excluded\|^WARNING: .*cannot\|seek error\|read error' crash.out &&
		fail "$opt: crash reported errors on our -d 31 dump"
	grep -q 'PANIC: "Kernel panic - not syncing: sysrq triggered crash"' crash.out ||
		fail "$opt: sys: no panic line"
	grep -q 'sysrq: Trigger a crash' crash.out || fail "$opt: log: no sysrq line"
	grep -q 'KMEM\|TOTAL MEM' crash.out || fail "$opt: kmem -i printed nothing"
	grep -q 'sysrq_handle_crash' crash.out || fail "$opt: bt -a: no panicking stack"
	tasks=$(grep -c '^  pid = ' crash.out)
	grep -q 'comm = "memhog\\000' crash.out || fail "$opt: task list: memhog missing"
	[ "$tasks" -ge 58 ] || fail "$opt: task list: $tasks tasks, expected 58"
	echo "crash on our $opt -d 31 dump: $tasks tasks, sys/log/ps/kmem -i/bt -a clean"
	rm -f d31.kdump
done
