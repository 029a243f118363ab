#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Overlapping and absurd PT_LOADs.
# * Overlapping segments are normal (kexec puts the kernel text in the file
#   twice, see the real 6.1 vmcore); the generator's page content depends only
#   on the pfn, so both copies agree: this must work (exit 0, pages right).
# * Absurd: a segment whose paddr + memsz wraps past 2^64, and one with a
#   memsz of 2^63: exit 1, one error line naming the input, no huge
#   allocation, no hang.  (The reference 1.7.2 spins for minutes on the first.)
. "$(dirname "$0")/../lib.sh"
printf 'include %s/small.spec\nload paddr=0x100000 size=0x80000 vaddr=0xffffffff81000000\n' "$SPECS" >overlap.spec
gen overlap.spec overlap.elf
run_mdf overlap -c -d 1 overlap.elf overlap.kdump
no_crash overlap; expect_rc 0 overlap
if "$PY" -c 'import kdumpfile' 2>/dev/null; then
	check_dump overlap.elf overlap.kdump --format diskdump --expect-zero-excluded || fail "overlap: pages"
fi

printf 'include %s/small.spec\nload paddr=0xfffffffffff00000 size=0x10000 memsz=0x7fffffffffff0000\n' "$SPECS" >wrap.spec
gen wrap.spec wrap.elf
expect_bad_input wrap wrap.elf
printf 'include %s/small.spec\nload paddr=0x400000 size=0x1000 memsz=0x8000000000000000\n' "$SPECS" >huge.spec
gen huge.spec huge.elf
expect_bad_input huge huge.elf
printf 'include %s/small.spec\nload paddr=0x400000 size=0x1000 filesz_hdr=0x2000\n' "$SPECS" >fsz.spec
gen fsz.spec fsz.elf
expect_bad_input fsz fsz.elf   # p_filesz > p_memsz
