#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Notes whose sizes run past their PT_NOTE segment, and a PT_NOTE that runs
# past EOF.  NOTE: the reference 1.7.2 accepts the first kind (exit 0; it
# copies the blob verbatim and counts the notes it can parse); the brief asks
# for exit 1 with one error line naming the input.
. "$(dirname "$0")/../lib.sh"
printf 'include %s/small.spec\nnote_raw name=CORE type=1 size=16 descsz=0x100000\n' "$SPECS" >desc.spec
gen desc.spec desc.elf
expect_bad_input desc desc.elf
printf 'include %s/small-vmci.spec\nnote_raw name=VMCOREINFO type=0 text=X namesz=0x7ffffff0\n' "$SPECS" >name.spec
gen name.spec name.elf
expect_bad_input name name.elf
printf 'include %s/small.spec\nnote_filesz 0x7fff0000\n' "$SPECS" >seg.spec
gen seg.spec seg.elf
expect_bad_input seg seg.elf
