#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Empty input file: exit 1, one error line naming it, no output.
# (Reference 1.7.2 prints three lines, from its kdump, sadump and ELF probes.)
. "$(dirname "$0")/../lib.sh"
: >empty.elf
expect_bad_input empty empty.elf
expect_bad_input empty-E empty.elf -E -d 1
[ ! -s empty.kdump ] || fail "output written for an empty input"
