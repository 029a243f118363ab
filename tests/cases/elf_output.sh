#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -E -d 1 (REFERENCE 4) on small.spec: segment 2 (pfn 0x100-0x27f) has a
# 300-zero-page run at pfn 0x110-0x23b, which must split it, and a 7-page run
# at 0x240-0x246, which must stay inside the data.  Expected program headers:
#   PT_NOTE, LOAD0 = input LOAD0 unchanged,
#   LOAD1 paddr 0x100000 filesz 0x10000 memsz 0x13c000,
#   LOAD2 paddr 0x23c000 vaddr +0x23c000 running to the end of the input
#   segment (0x280000), its filesz = memsz unless the input's tail pages are
#   zero.  Then byte-identity with the reference's -E and a libkdumpfile read.
. "$(dirname "$0")/../lib.sh"

gen small.spec in.elf truth.txt
run_mdf ours -E -d 1 in.elf ours.elf
no_crash ours; expect_rc 0 ours
dumpinfo ours.elf
"$PY" - ours.elf in.elf <<'PYEOF' || fail "program headers not as REFERENCE 4 says"
import struct, sys
def phdrs(p):
    b = open(p, 'rb').read()
    phoff, = struct.unpack_from('<Q', b, 32)
    n, = struct.unpack_from('<H', b, 56)
    return b, [struct.unpack_from('<IIQQQQQQ', b, phoff + 56 * i) for i in range(n)]
b, ph = phdrs(sys.argv[1])
_, iph = phdrs(sys.argv[2])
assert b[:4] == b'\x7fELF' and b[4] == 2, 'not ELF64'
assert struct.unpack_from('<H', b, 18)[0] == 62, 'e_machine not x86_64'
assert struct.unpack_from('<I', b, 48)[0] & 1 == 0, 'e_flags marks incomplete'
types = [p[0] for p in ph]
print('types', types)
assert types == [4, 1, 1, 1], 'expected PT_NOTE + 3 PT_LOAD, got %r' % types
inote = [p for p in iph if p[0] == 4][0]
assert ph[0][5] == inote[5], 'PT_NOTE size differs from the input (no eraseinfo here)'
for i, p in enumerate(ph[1:]):
    print('LOAD%d off=0x%x vaddr=0x%x paddr=0x%x filesz=0x%x memsz=0x%x' % (i, p[2], p[3], p[4], p[5], p[6]))
l0, l1, l2 = ph[1:]
assert (l0[4], l0[5], l0[6]) == (0, 0x10000, 0x10000), 'LOAD0 changed'
assert (l1[4], l1[5], l1[6]) == (0x100000, 0x10000, 0x13c000), 'LOAD1 not split at the 300-page run'
assert l2[4] == 0x23c000 and l2[3] == 0xffff888000000000 + 0x23c000, 'LOAD2 start'
assert l2[4] + l2[6] == 0x280000, 'LOAD2 must run to the end of the input segment'
# the 7-page zero run 0x240-0x246 lies inside LOAD2's file data
assert l2[4] + l2[5] >= 0x247000, 'the 7-page run was not kept as data'
# segment data follows the notes directly (not page aligned, REFERENCE 4)
assert l0[2] == ph[0][2] + ph[0][5], 'LOAD0 data does not follow the notes'
PYEOF
check_dump in.elf ours.elf --format elf --expect-zero-excluded || fail "libkdumpfile page check"

if [ -n "$REF_MDF" ]; then
	run_ref ref -E -d 1 in.elf ref.elf
	expect_rc 0 ref
	cmp ours.elf ref.elf || fail "-E output not byte-identical to the reference"
	# and -E -d 0: every page is data
	run_ref ref0 -E -d 0 in.elf ref0.elf
	run_mdf ours0 -E -d 0 in.elf ours0.elf
	no_crash ours0; expect_rc 0 ours0
	cmp ours0.elf ref0.elf || fail "-E -d 0 output not byte-identical to the reference"
	# an input with e_shentsize != 0 (kexec-tools writes 0): 1.7.2 copies
	# the input's ELF header fields it does not set itself (REFERENCE 4)
	printf 'include %s/small.spec\nehdr shentsize=64\n' "$SPECS" >shent.spec
	gen shent.spec shent.elf
	run_ref refs -E -d 1 shent.elf refs.elf
	run_mdf ourss -E -d 1 shent.elf ourss.elf
	no_crash ourss; expect_rc 0 ourss
	cmp ourss.elf refs.elf || fail "-E with e_shentsize=64 input: differs from the reference (it copies e_shentsize from the input)"
else
	note "no reference makedumpfile: byte-identity not checked"
fi
echo "elf output ok"
