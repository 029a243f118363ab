#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 1800 (on a loaded 2-core machine)
# One bad VMCOREINFO line must not lose the dump (issue 16, defect 1), on
# the real 6.1 sample vmcore whose note is rewritten in a copy:
#   - a NUL byte inside an unused key (SYMBOL(vmap_area_list));
#   - an unused SYMBOL set to 0 (SYMBOL(node_online_map));
#   - every key the tool does not need at -d 0 given an absurd value;
# -c -d 0 succeeds on each, with a warning naming the bad line; -l -d 31
# and --dump-dmesg succeed when the damage is in keys they do not use
# (the first two), and otherwise exit 1 naming a fact.  Before the fix
# every mode failed with exit 1 on all three (makedumpfile 1.7.2 completes
# on the first two).
. "$(dirname "$0")/../lib.sh"
real_core
cp "$core" core.elf && chmod u+w core.elf || fail "cannot copy the vmcore"
NOTE="$PY $TESTS/vmcore_note.py"
$NOTE get core.elf >orig.txt || fail "cannot read the note"
run_mdf refdmesg --dump-dmesg core.elf ref.log
expect_rc 0 refdmesg

# setnote NAME PYTHON-EXPR: the note becomes t (bytes) after EXPR
setnote() {
	"$PY" - orig.txt "$1.txt" "$2" <<'P' || fail "making note $1"
import sys
t = open(sys.argv[1], 'rb').read()
exec(sys.argv[3])
open(sys.argv[2], 'wb').write(t)
P
	$NOTE set core.elf "$1.txt" || fail "cannot write note $1"
}

# ok_all NAME LINE: -c -d 0, -l -d 31 and --dump-dmesg succeed, the first
# with a warning naming LINE, and the log is the intact note's.
ok_all() {
	run_mdf "$1.d0" -c -d 0 core.elf "$1.d0.kdump"
	no_crash "$1.d0"; expect_rc 0 "$1.d0"
	grep -q "line $2: .*line skipped" "$1.d0.out" || fail "$1: no warning naming line $2"
	dumpinfo "$1.d0.kdump" | grep -q 'incomplete=0' || fail "$1: -d 0 dump flagged incomplete"
	rm -f "$1.d0.kdump"
	run_mdf "$1.d31" -l -d 31 core.elf "$1.d31.kdump"
	no_crash "$1.d31"; expect_rc 0 "$1.d31"
	rm -f "$1.d31.kdump"
	run_mdf "$1.dmesg" --dump-dmesg core.elf "$1.log"
	no_crash "$1.dmesg"; expect_rc 0 "$1.dmesg"
	cmp -s "$1.log" ref.log || fail "$1: the log differs from the intact note's"
	if [ -n "$REF_MDF" ]; then
		run_ref "$1.ref" -l -d 31 core.elf "$1.ref.kdump"
		note "$1: makedumpfile 1.7.2 -l -d 31: exit $rc"
		rm -f "$1.ref.kdump"
	fi
}

line_of() { grep -n "^$1" orig.txt | cut -d: -f1; }

setnote nul "t = t.replace(b'SYMBOL(vmap_area_list)', b'SYMBOL(vmap_a\\0ea_list)')"
grep -q 'vmap_a' nul.txt || fail "nul note not made"
ok_all nul "$(line_of 'SYMBOL(vmap_area_list)')"

setnote sym0 "import re; t = re.sub(rb'SYMBOL\\(node_online_map\\)=[0-9a-f]+', b'SYMBOL(node_online_map)=0', t)"
grep -q 'node_online_map)=0$' sym0.txt || fail "sym0 note not made"
ok_all sym0 "$(line_of 'SYMBOL(node_online_map)')"

# Every key -d 0 does not need, absurd: the largest and smallest values
# their format allows, so the parser accepts them and the rest of the tool
# must cope.  In two halves (every other line), so that the longer note
# still fits where the kernel's was.
for half in 0 1; do
	setnote absurd$half "
import re
out = []
for i, line in enumerate(t.split(b'\\n')):
    k, eq, v = line.partition(b'=')
    if not eq or i % 2 != $half:
        out.append(line); continue
    big = (i // 2) % 2
    if k.startswith(b'SYMBOL('): v = b'fffffffffffffff0' if big else b'1'
    elif k.startswith(b'NUMBER('): v = b'-9223372036854775808' if big else b'9223372036854775807'
    elif k.startswith((b'SIZE(', b'OFFSET(', b'LENGTH(')): v = b'18446744073709551615' if big else b'0'
    elif k == b'KERNELOFFSET': v = b'ffffffffffffffff'
    elif k == b'CRASHTIME': v = b'18446744073709551615'
    elif k == b'OSRELEASE': v = b'9.99.999-absurd'
    out.append(k + eq + v)
t = b'\\n'.join(out)
"
	n=absurd$half
	run_mdf $n.d0 -c -d 0 core.elf $n.kdump
	no_crash $n.d0; expect_rc 0 $n.d0
	dumpinfo $n.kdump | grep -q 'incomplete=0' || fail "$n: $(dumpinfo $n.kdump)"
	rm -f $n.kdump
	for opts in "-c -d 1" "-E -d 1"; do
		run_mdf $n.x $opts core.elf $n.x
		no_crash $n.x; expect_rc 0 $n.x
		rm -f $n.x
	done
	# levels that need the facts: a clear error naming one, or a dump
	MDF_TIMEOUT=300 run_mdf $n.d31 -l -d 31 core.elf $n.kdump
	no_crash $n.d31
	if [ "$rc" = 1 ]; then
		grep -qE '(SYMBOL|SIZE|OFFSET|LENGTH|NUMBER)\(' $n.d31.err || fail "$n -d 31: $(cat $n.d31.err)"
	else
		expect_rc 0 $n.d31
	fi
	note "$n -l -d 31: exit $rc: $(tail -1 $n.d31.err)"
	rm -f $n.kdump
	MDF_TIMEOUT=300 run_mdf $n.dmesg --dump-dmesg core.elf $n.log
	no_crash $n.dmesg
	[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "$n --dump-dmesg: exit $rc"
done
$NOTE set core.elf orig.txt
echo "one bad line no longer loses the dump"
