#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# ELF header cut short (30 of 64 bytes), and an ELF header whose program
# headers lie past EOF.
. "$(dirname "$0")/../lib.sh"
gen small.spec full.elf
head -c 30 full.elf >trunc.elf
expect_bad_input trunc trunc.elf
head -c 100 full.elf >trunc2.elf   # Ehdr complete, phdrs cut
expect_bad_input trunc2 trunc2.elf
printf 'include %s/small.spec\nehdr phoff=0x7fff0000\n' "$SPECS" >phoff.spec
gen phoff.spec phoff.elf
expect_bad_input phoff phoff.elf
printf 'include %s/small.spec\nehdr phnum=0\n' "$SPECS" >nophdr.spec
gen nophdr.spec nophdr.elf
expect_bad_input nophdr nophdr.elf
