#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Output exists and no -f (REFERENCE 1.5, open with O_EXCL): exit 1, one
# error line naming the file, the file untouched.  With -f it is replaced.
. "$(dirname "$0")/../lib.sh"
gen small.spec in.elf
echo "precious data" >out.kdump
sum0=$(cksum <out.kdump)
run_mdf exists -c -d 1 in.elf out.kdump
no_crash exists; expect_rc 1 exists; one_line_error exists out.kdump
[ "$(cksum <out.kdump)" = "$sum0" ] || fail "existing output was modified"
run_mdf existsE -E -d 1 in.elf out.kdump
no_crash existsE; expect_rc 1 existsE
[ "$(cksum <out.kdump)" = "$sum0" ] || fail "existing output was modified by -E"
run_mdf force -f -c -d 1 in.elf out.kdump
no_crash force; expect_rc 0 force
dumpinfo out.kdump | grep -q 'format=kdump' || fail "-f did not write a dump"
echo "exists ok"
