#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --config on the real 6.1 vmcore (REFERENCE.md 10; MDF_REAL_DEBUG=1: the
# debug vmlinux is a download):
#  * linux_banner, the random pool (configs/random.conf) and every task's
#    comm (configs/task-comm.conf), -l -d 31: with -x (DWARF) and without
#    (the dump's own BTF, found through its kallsyms) the two dumps are
#    byte-identical;
#  * against the same run without --config, only the erased bytes differ
#    ('X'), as many as the eraseinfo lists;
#  * crash 8.0.2 reads the erased bytes (rd linux_banner, input_pool; ps and
#    the task list show XXXX for every comm) and prints the eraseinfo
#    (help -D);
#  * ELF output carries the same lines in its ERASEINFO note;
#  * every sample config in configs/ runs on this vmcore with and without -x.
. "$(dirname "$0")/../lib.sh"
real_vmlinux
need_py
real_core
CONFIGS=$TESTS/../configs
FX="$PY $TESTS/erase_fixture.py"
{
	echo '[vmlinux]'
	echo '#@type linux_banner char[]'
	echo 'erase linux_banner'
	grep -v '^\[vmlinux\]' "$CONFIGS/random.conf"
	grep -v '^\[vmlinux\]' "$CONFIGS/task-comm.conf"
} >real.conf

run_mdf plain -l -d 31 "$core" plain.kdump
expect_rc 0 plain
run_mdf dwarf -l -d 31 -x "$VMLINUX" --config real.conf "$core" dwarf.kdump
no_crash dwarf; expect_rc 0 dwarf
run_mdf btf -l -d 31 --config real.conf "$core" btf.kdump
no_crash btf; expect_rc 0 btf
cmp -s dwarf.kdump btf.kdump || fail "DWARF and BTF dumps differ"
note "DWARF and BTF: byte-identical dumps"

$PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import erase_fixture as e; print(e.eraseinfo(sys.argv[2]))' \
	"$TESTS" btf.kdump >eraseinfo.txt
for l in 'erase linux_banner size 198' 'erase input_pool.hash size 120' \
	'erase base_crng.key size 32' 'erase init_task.comm size 16'; do
	grep -qxF "$l" eraseinfo.txt || { cat eraseinfo.txt; fail "eraseinfo has no '$l'"; }
done
n=$(grep -cxF 'erase tsk.comm size 16' eraseinfo.txt)
[ "$n" = 57 ] || fail "eraseinfo lists $n task comms, expected 57 (58 tasks with init_task)"

D=$($FX diff btf.kdump plain.kdump) || fail "cannot compare the dumps"
note "$D"
set -- $(echo "$D" | tr '=' ' ')
changed=$2 other=$4 total=$6
[ "$other" = 0 ] || fail "$other changed bytes are not erasures"
[ "$total" = $((198 + 120 + 32 + 58 * 16)) ] || fail "eraseinfo sums to $total bytes"
# bytes that already were 'X' do not change: almost all must
[ "$changed" -le "$total" ] && [ "$changed" -ge $((total - 16)) ] ||
	fail "$changed bytes changed, eraseinfo lists $total"

if command -v crash >/dev/null 2>&1; then
	printf 'help -D\nrd -a linux_banner\nrd -8 input_pool 16\nps\nlist task_struct.tasks -s task_struct.comm -h init_task\nquit\n' >cmds
	crash -s "$VMLINUX" btf.kdump -i cmds </dev/null >crash.out 2>&1 ||
		{ tail -20 crash.out; fail "crash exited with an error"; }
	grep -q 'erase linux_banner size 198' crash.out || { cat crash.out | head -60; fail "help -D: no eraseinfo"; }
	grep -q 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' crash.out || fail "rd linux_banner: not erased"
	grep -qE '58 58 58 58 58 58 58 58' crash.out || fail "rd input_pool: not erased"
	comms=$(grep -c 'comm = "XXXXXXXXXXXXXXXX"' crash.out)
	[ "$comms" -ge 58 ] || fail "the task list shows $comms erased comms, expected 58"
	grep -qE '^>? *[0-9]+ +[0-9]+ +[0-9]+ +[0-9a-f]+ .*XXXXXXXXXXXXXXX' crash.out ||
		fail "ps shows no erased comm"
	note "crash: help -D lists the eraseinfo; rd, ps and the task list show the erasures"
else
	note "crash not installed: its checks skipped"
fi

run_mdf elf -E -d 31 --config real.conf "$core" btf.elf
no_crash elf; expect_rc 0 elf
$PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import erase_fixture as e; print(e.eraseinfo(sys.argv[2]))' \
	"$TESTS" btf.elf >elf-eraseinfo.txt
cmp -s eraseinfo.txt elf-eraseinfo.txt || fail "the ELF ERASEINFO note differs from the kdump eraseinfo"

for c in "$CONFIGS"/*.conf; do
	b=$(basename "$c" .conf)
	run_mdf "s-$b-x" -l -d 31 -x "$VMLINUX" --config "$c" "$core" "s-$b-x.kdump"
	no_crash "s-$b-x"; expect_rc 0 "s-$b-x"
	run_mdf "s-$b" -l -d 31 --config "$c" "$core" "s-$b.kdump"
	no_crash "s-$b"; expect_rc 0 "s-$b"
	cmp -s "s-$b-x.kdump" "s-$b.kdump" || fail "sample $b: DWARF and BTF dumps differ"
	note "sample $b: $(grep -c . "s-$b.err" 2>/dev/null) stderr lines; same dump with and without -x"
done
echo "erase_real: banner, random pool and $n+1 task comms erased identically from DWARF and BTF; crash agrees"
