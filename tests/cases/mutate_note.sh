#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 5400 (on a loaded 2-core machine)
# 228 deterministic mutants of the sample vmcore's VMCOREINFO note (issue
# 16; tests/mutate_note.py): for every line two of changed digit, removed
# line, NUL inside the key, a value too large for 64 bits, the largest
# 64-bit value, zero; and eight whole-note damages (empty, all NULs, cut in
# half, CRLF, no newlines, garbage tail, binary, doubled).  For each:
#   -c -d 0 succeeds;
#   -l -d 31 succeeds, or exits 1 naming a fact it needs that the mutant
#     damaged;
#   --dump-dmesg gives the intact note's log when the printk facts are
#     intact;
#   a line that cannot be used is reported by its number.
# The sanitizer build runs every 6th mutant (about 40).
. "$(dirname "$0")/../lib.sh"
real_core
cp "$core" core.elf && chmod u+w core.elf || fail "cannot copy the vmcore"
mkdir work
stride=1
[ "$MDF_ASAN" = 1 ] && stride=6
"$PY" "$TESTS/mutate_note.py" "$MDF" core.elf work --stride $stride || fail "mutants failed"
