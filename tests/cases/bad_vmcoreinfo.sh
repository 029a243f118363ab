#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Garbage VMCOREINFO: a non-numeric PAGESIZE (the reference says "Invalid
# data in ...: PAGESIZE=banana" and exits 1), and a note of binary garbage.
. "$(dirname "$0")/../lib.sh"
printf 'include %s/small.spec\nvmcoreinfo PAGESIZE=banana\nvmcoreinfo OSRELEASE=6.1.0\n' "$SPECS" >banana.spec
gen banana.spec banana.elf
expect_bad_input banana banana.elf
printf 'include %s/small.spec\nvmcoreinfo_garbage 3000\n' "$SPECS" >garbage.spec
gen garbage.spec garbage.elf
# binary garbage: no KEY=VALUE lines, no OSRELEASE, no PAGESIZE
expect_bad_input garbage garbage.elf -c -d 1
