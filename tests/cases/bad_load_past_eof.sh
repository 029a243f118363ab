#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A PT_LOAD whose file data runs past EOF: a core cut short in the middle of
# its data, and a PT_LOAD with p_offset far beyond EOF.  The reference 1.7.2
# dies with SIGBUS here (it mmaps the input); we must exit 1 with one error
# line naming the input, and any partial output must be flagged incomplete.
. "$(dirname "$0")/../lib.sh"
printf 'include %s/small.spec\ntruncate 0x80000\n' "$SPECS" >cut.spec
gen cut.spec cut.elf
expect_bad_input cut cut.elf
expect_bad_input cut-E cut.elf -E -d 0
printf 'include %s/small.spec\nload paddr=0x400000 size=0x10000 offset=0x40000000\n' "$SPECS" >far.spec
gen far.spec far.elf
expect_bad_input far far.elf -l -d 0
# -F: the stream must end without the end marker
"$MDF" -F -c -d 0 cut.elf >cut.flat 2>cutF.err; rc=$?
cp cutF.err cutFrun.err; no_crash cutFrun
[ $rc = 1 ] || fail "-F on a cut core: exit $rc"
check_partial cut.flat
