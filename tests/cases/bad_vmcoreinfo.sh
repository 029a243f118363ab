#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Garbage VMCOREINFO (issue 16: degrade, don't fail): a non-numeric
# PAGESIZE (the reference stops with "Invalid data in ...: PAGESIZE=banana"
# and exit 1), and a note of binary garbage.  The bad lines are skipped
# with a warning naming them; the page size falls back to the dump's, and
# a dump level that needs no kernel facts is written.  A dump level that
# needs page classes fails with one error line, as there are no facts left.
. "$(dirname "$0")/../lib.sh"
printf 'include %s/small.spec\nvmcoreinfo PAGESIZE=banana\nvmcoreinfo OSRELEASE=6.1.0\n' "$SPECS" >banana.spec
gen banana.spec banana.elf
run_mdf banana -c -d 1 banana.elf banana.kdump
no_crash banana; expect_rc 0 banana
grep -q "line 1: bad page size.*'PAGESIZE=banana': line skipped" banana.out ||
	fail "banana: no warning naming the line: $(cat banana.out)"
dumpinfo banana.kdump | grep -q 'block_size=4096 .*incomplete=0\|incomplete=0 block_size=4096' ||
	fail "banana: $(dumpinfo banana.kdump)"
printf 'include %s/small.spec\nvmcoreinfo_garbage 3000\n' "$SPECS" >garbage.spec
gen garbage.spec garbage.elf
run_mdf garbage -c -d 1 garbage.elf garbage.kdump
no_crash garbage; expect_rc 0 garbage
grep -q 'line 1: non-text byte' garbage.out || fail "garbage: no warning: $(cat garbage.out)"
[ "$(grep -c 'WARNING' garbage.out)" -le 11 ] || fail "garbage: more than 11 warning lines"
check_dump garbage.elf garbage.kdump --expect-zero-excluded --quiet 2>/dev/null ||
	{ "$PY" -c 'import kdumpfile' 2>/dev/null && fail "garbage: the dump does not read back"; }
# binary garbage: no KEY=VALUE lines, no OSRELEASE, no PAGESIZE: nothing to
# classify pages with
expect_bad_input garbage31 garbage.elf -c -d 31
