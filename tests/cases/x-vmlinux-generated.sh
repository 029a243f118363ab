#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -x VMLINUX on a generated 6.1 vmcore whose VMCOREINFO note is hidden keeps
# exactly the pages the note-only run keeps (REFERENCE.md 5.1, 5.4, 6.1,
# 7.1; the generated half of x-vmlinux-real.sh):
#  * the vmlinux is tests/dwarf/gen61_vmlinux.c, linked so its globals sit
#    at the generator's link-time addresses (tests/x_vmlinux_gen.py layout);
#  * the vmcore is kernel-6.1.spec plus pokes of what the generator leaves
#    zero (the mem_section pointer, __pgtable_l5_enabled, linux_banner);
#  * -l -d 31: note only, note + -x, and -x on a copy whose note name is
#    patched to "VMCOREINFX" (KERNELOFFSET and phys_base then come from the
#    kernel-text PT_LOAD): bitmap 2 must be the same in all three.
# GEN61_CFLAGS adds compiler flags to the fixture (-DGEN61_WRONG_LRU makes
# a wrong vmlinux, and this case fails).
. "$(dirname "$0")/../lib.sh"

command -v gcc >/dev/null 2>&1 || skip "gcc not installed (needed to build the fixture vmlinux)"
command -v ld >/dev/null 2>&1 || skip "ld not installed (needed to link the fixture vmlinux)"
HELP="$PY $TESTS/x_vmlinux_gen.py"

# The plain layout first: its note gives the addresses for the fixture and
# the pokes; then the poked vmcore (same note, same struct pages).
gen kernel-6.1.spec plain.elf
$HELP layout plain.elf "$SPECS/kernel-6.1.spec" poked.spec vmlinux.lds || fail "layout failed"
gen "$TESTTMP/poked.spec" core.elf
# shellcheck disable=SC2086  # GEN61_CFLAGS is a list of flags
gcc -g -O0 -fno-eliminate-unused-debug-types -fdata-sections ${GEN61_CFLAGS:-} \
	-c -o vmlinux.o "$TESTS/dwarf/gen61_vmlinux.c" || fail "cannot compile the fixture"
ld -T vmlinux.lds -o vmlinux vmlinux.o || fail "cannot link the fixture"
$HELP hide core.elf hidden.elf || fail "cannot hide the note"

run_mdf note -l -d 31 core.elf note.kdump
no_crash note
expect_rc 0 note
REF=$($HELP bm2 note.kdump) || fail "cannot read note.kdump"
note "note only: bitmap 2 set bits, hash, bitmap 1 set bits: $REF"
set -- $REF
[ "$1" -gt 0 ] && [ "$1" -lt "$3" ] || fail "the note-only run excluded nothing: $REF"

run_mdf notex -l -d 31 -x vmlinux core.elf notex.kdump
no_crash notex
expect_rc 0 notex
GOT=$($HELP bm2 notex.kdump) || fail "cannot read notex.kdump"
[ "$GOT" = "$REF" ] || fail "note + -x: bitmap 2 differs: $GOT"

# Without the note and without -x, page classes cannot be told apart.
run_mdf bare -l -d 31 hidden.elf bare.kdump
no_crash bare
expect_rc 1 bare

run_mdf hidden --message-level 31 -l -d 31 -x vmlinux hidden.elf hidden.kdump
no_crash hidden
expect_rc 0 hidden
GOT=$($HELP bm2 hidden.kdump) || fail "cannot read hidden.kdump"
if [ "$GOT" != "$REF" ]; then
	tr '\r' '\n' <hidden.err | grep -vE '^(Copying|Excluding|$)' | head -n 30
	fail "hidden note + -x: bitmap 2 differs: $GOT (note only: $REF)"
fi
# Say how KERNELOFFSET was found (debug text, not asserted).
note "$(cat hidden.out hidden.err | tr '\r' '\n' | grep -m1 'KERNELOFFSET 0x')"
echo "x-vmlinux-generated: note, note + -x and hidden note + -x keep the same $1 pfns"
