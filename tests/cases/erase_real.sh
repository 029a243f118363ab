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
#  * every sample config in configs/ runs on this vmcore with and without -x,
#    keyrings.conf walks the dump's 10 keys, and dm-crypt.conf's section
#    is skipped (no dm_mod loaded) with makedumpfile's message.
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
	# crash refuses a dump whose linux_banner does not match the vmlinux's
	# ("do not match"); --minimal skips that check and still has rd and
	# help. ps and the task list need a full session: a dump with only
	# the random pool and the comms erased.
	printf 'help -D\nrd -a linux_banner\nrd -8 input_pool 16\nquit\n' >cmds
	crash --minimal -s "$VMLINUX" btf.kdump -i cmds </dev/null >crash-min.out 2>&1 ||
		{ tail -20 crash-min.out; fail "crash --minimal exited with an error"; }
	for l in 'erase linux_banner size 198' 'erase input_pool.hash size 120' \
		'erase tsk.comm size 16'; do
		grep -qF "$l" crash-min.out || { grep -i erase crash-min.out; fail "help -D: no '$l'"; }
	done
	grep -q 'XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX' crash-min.out || fail "rd linux_banner: not erased"
	grep -qE '58 58 58 58 58 58 58 58' crash-min.out || fail "rd input_pool: not erased"
	cat "$CONFIGS/random.conf" "$CONFIGS/task-comm.conf" >nobanner.conf
	run_mdf nobanner -l -d 31 --config nobanner.conf "$core" nobanner.kdump
	no_crash nobanner; expect_rc 0 nobanner
	printf 'ps\nlist task_struct.tasks -s task_struct.comm -h init_task\nquit\n' >cmds
	crash -s "$VMLINUX" nobanner.kdump -i cmds </dev/null >crash.out 2>&1 ||
		{ tail -20 crash.out; fail "crash exited with an error"; }
	comms=$(grep -c 'comm = "XXXXXXXXXXXXXXXX"' crash.out)
	[ "$comms" -ge 58 ] || fail "the task list shows $comms erased comms, expected 58"
	grep -qE '^>? *[0-9]+ +[0-9]+ +[0-9]+ +[0-9a-f]+ .*XXXXXXXXXXXXXXX' crash.out ||
		{ head -30 crash.out; fail "ps shows no erased comm"; }
	grep -q 'comm = "memhog' crash.out && fail "memhog's comm is still in the dump"
	note "crash: help -D lists the eraseinfo; rd, ps and the task list show the erasures"
else
	note "crash not installed: its checks skipped"
fi

run_mdf elf -E -d 31 --config real.conf "$core" btf.elf
no_crash elf; expect_rc 0 elf
$PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import erase_fixture as e; print(e.eraseinfo(sys.argv[2]))' \
	"$TESTS" btf.elf >elf-eraseinfo.txt
cmp -s eraseinfo.txt elf-eraseinfo.txt || fail "the ELF ERASEINFO note differs from the kdump eraseinfo"

for c in "$CONFIGS"/*.conf "$CONFIGS"/*.sample; do
	b=$(basename "$c")
	run_mdf "s-$b-x" -l -d 31 -x "$VMLINUX" --config "$c" "$core" "s-$b-x.kdump"
	no_crash "s-$b-x"; expect_rc 0 "s-$b-x"
	run_mdf "s-$b" -l -d 31 --config "$c" "$core" "s-$b.kdump"
	no_crash "s-$b"; expect_rc 0 "s-$b"
	cmp -s "s-$b-x.kdump" "s-$b.kdump" || fail "sample $b: DWARF and BTF dumps differ"
	note "sample $b: $(grep -c . "s-$b.err" 2>/dev/null) stderr lines; same dump with and without -x"
done
# no device-mapper in this dump: dm-crypt.conf's section is skipped with
# makedumpfile's message (erase_dm_real checks its names against the real
# dm modules' DWARF)
for e in s-dm-crypt.conf-x.err s-dm-crypt.conf.err; do
	grep -q 'Skipping the \[dm_mod+dm_crypt\] section: module dm_mod is not loaded in the dump' \
		"$e" || { cat "$e"; fail "$e: no message skipping the dm-crypt section"; }
done
# the key tree of this dump holds 10 keys (drgn's rbtree_inorder_for_each_entry
# over key_serial_tree finds them: 9 keyrings, 1 asymmetric key), none of
# them user or logon keys, so keyrings.conf walks 10 nodes and erases nothing
run_mdf keys -D -l -d 31 --config "$CONFIGS/keyrings.conf" "$core" keys.kdump
expect_rc 0 keys
grep -q 'erase: for k in key_serial_tree (line [0-9]*): 10 elements' keys.out ||
	{ grep 'erase:' keys.out; fail "keyrings.conf did not walk the 10 keys"; }
grep -q 'erase: 0 objects' keys.out || fail "keyrings.conf erased something on a dump without user keys"
echo "erase_real: banner, random pool and $n+1 task comms erased identically from DWARF and BTF; crash agrees"
