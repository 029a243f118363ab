#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -x vmlinux and -i on the real Debian 6.1 dump (REFERENCE 5.1, 5.4, 6.1, 7.1),
# end to end with the binary:
#  * -d 31 with -x on a copy whose VMCOREINFO note is hidden (note name patched
#    to "VMCOREINFX"): KERNELOFFSET and phys_base come from the kernel-text
#    PT_LOAD; bitmap 2 must equal the note-only run's, pfn for pfn;
#  * the same with the note present plus -x, and with the kernel-text
#    PT_LOAD's p_vaddr also zeroed (KERNELOFFSET from the banner search);
#  * -i with our own -g output on the hidden-note copy; -i release mismatch
#    (exit 2); -i with garbage or without OSRELEASE (exit 1);
#  * --dump-dmesg with -x on the hidden-note copy equals the note-only text;
#  * the keys of our -g against the note and against Debian's -g.
# Runs only with MDF_REAL_DEBUG=1 (the debug vmlinux is an 860 MB download,
# $SHARED/vmcores/README.md says how to extract it).
. "$(dirname "$0")/../lib.sh"

real_vmlinux

# The real vmcore: another engineer's copy if complete, else our cache.
CORE=/tmp/vmcore-6.1-small.elf
if [ "$(size_of "$CORE" 2>/dev/null)" != 423276544 ]; then
	CORE=$TESTCACHE/vmcore-6.1-small.elf
	if [ "$(size_of "$CORE" 2>/dev/null)" != 423276544 ]; then
		command -v zstd >/dev/null || skip "zstd missing"
		zstd -q -d --long=28 -f -o "$CORE.tmp" "$SHARED/vmcores/vmcore-6.1-small.elf.zst" ||
			fail "cannot decompress the real vmcore"
		mv "$CORE.tmp" "$CORE"
	fi
fi

# Patched copies, cached: NONOTE hides the note; NOTEXT also zeroes the
# kernel-text PT_LOAD's p_vaddr (phdr 1), as in a core without that segment.
NONOTE=$TESTCACHE/vmcore-6.1-nonote.elf
NOTEXT=$TESTCACHE/vmcore-6.1-notext.elf
"$PY" - "$CORE" "$NONOTE" "$NOTEXT" <<'EOF' || fail "cannot make the patched copies"
import os, shutil, struct, sys
core, nonote, notext = sys.argv[1:]
def patch(dst, zero_text):
    if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(core):
        return
    shutil.copyfile(core, dst + '.tmp')
    with open(dst + '.tmp', 'r+b') as f:
        head = f.read(0x4000)
        i = head.find(b'VMCOREINFO\0')
        assert i > 0, 'no VMCOREINFO note name'
        f.seek(i); f.write(b'VMCOREINFX')
        if zero_text:
            phoff, = struct.unpack_from('<Q', head, 32)
            vaddr_off = phoff + 56 * 1 + 16
            vaddr, = struct.unpack_from('<Q', head, vaddr_off)
            assert vaddr >= 0xffffffff80000000, 'phdr 1 is not the kernel text'
            f.seek(vaddr_off); f.write(struct.pack('<Q', 0))
    os.rename(dst + '.tmp', dst)
patch(nonote, False)
patch(notext, True)
EOF

# bm2 FILE: the 2nd bitmap of a kdump-compressed file, as hex (REFERENCE 2.6).
bm2() {
	"$PY" - "$1" <<'EOF'
import hashlib, struct, sys
with open(sys.argv[1], 'rb') as f:
    h = f.read(464)
    bs, shs, bmb = struct.unpack_from('<iiI', h, 428)
    half = bmb * bs // 2
    f.seek((1 + shs) * bs + half)
    b = f.read(half)
print('%d %s' % (sum(bin(x).count('1') for x in b), hashlib.sha256(b).hexdigest()))
EOF
}

run_mdf note -l -d 31 "$CORE" note.kdump
no_crash note
expect_rc 0 note
REF=$(bm2 note.kdump)
note "note only: kept pfns and bitmap-2 hash: $REF"

run_mdf notex -l -d 31 -x "$VMLINUX" "$CORE" notex.kdump
no_crash notex
if [ "$rc" != 0 ] && grep -qiE 'invalid option|unrecognized option|not (yet )?supported' notex.err; then
	cat notex.err
	skip "this makedumpfile does not accept -x yet"
fi
expect_rc 0 notex
[ "$(bm2 notex.kdump)" = "$REF" ] || fail "note + -x: bitmap 2 differs: $(bm2 notex.kdump)"

# Without the note and without -x/-i, page classes cannot be told apart.
run_mdf bare -l -d 31 "$NONOTE" bare.kdump
no_crash bare
expect_rc 1 bare
cat bare.out bare.err | grep -q "Specify '-x' option or '-i' option." || fail "no -x/-i hint without a note"

run_mdf nonote -l -d 31 -x "$VMLINUX" "$NONOTE" nonote.kdump
no_crash nonote
expect_rc 0 nonote
[ "$(bm2 nonote.kdump)" = "$REF" ] || fail "hidden note + -x: bitmap 2 differs: $(bm2 nonote.kdump)"

run_mdf notext -l -d 31 -x "$VMLINUX" "$NOTEXT" notext.kdump
no_crash notext
expect_rc 0 notext
[ "$(bm2 notext.kdump)" = "$REF" ] || fail "banner search + -x: bitmap 2 differs: $(bm2 notext.kdump)"
note "-x with and without the note (and without the text PT_LOAD): same bitmap 2"

# dmesg through relocated DWARF symbols.
run_mdf dm-note --dump-dmesg "$CORE" dm-note.txt
expect_rc 0 dm-note
run_mdf dm-x --dump-dmesg -x "$VMLINUX" "$NONOTE" dm-x.txt
no_crash dm-x
expect_rc 0 dm-x
cmp dm-note.txt dm-x.txt || fail "--dump-dmesg -x on the hidden-note copy differs from the note-only log"

# -g, then -i on the hidden-note copy.
run_mdf gen -g our-g.txt -x "$VMLINUX"
no_crash gen
expect_rc 0 gen
run_mdf ifile -l -d 31 -i our-g.txt "$NONOTE" ifile.kdump
no_crash ifile
expect_rc 0 ifile
[ "$(bm2 ifile.kdump)" = "$REF" ] || fail "hidden note + -i: bitmap 2 differs: $(bm2 ifile.kdump)"

# -i whose release is not the dump's: exit status 2 (REFERENCE 1.6).
sed 's/^OSRELEASE=.*/OSRELEASE=6.1.0-99-amd64/' our-g.txt >other-g.txt
run_mdf irel -l -d 31 -i other-g.txt "$CORE" irel.kdump
no_crash irel
expect_rc 2 irel

# A bad line of a -i file is skipped with a warning naming the file and
# the line (README "Damaged input"); the note gives the rest here.
{ head -n 5 our-g.txt; echo "this line is garbage"; } >garbage-g.txt
run_mdf igarb -l -d 31 -i garbage-g.txt "$CORE" igarb.kdump
no_crash igarb
expect_rc 0 igarb
grep -q "garbage-g.txt: line 6: not KEY=VALUE.*line skipped" igarb.out ||
	fail "garbage -i: no warning naming the file and the line"
grep -v '^OSRELEASE=' our-g.txt >norel-g.txt
run_mdf inorel -l -d 31 -i norel-g.txt "$NONOTE" inorel.kdump
no_crash inorel
expect_rc 1 inorel
cat inorel.out inorel.err | grep -q OSRELEASE || fail "-i without OSRELEASE: error does not name OSRELEASE"

# Keys of our -g against the note and Debian's -g (REFERENCE 5.3, 5.4).
if [ -n "$REF_MDF" ]; then
	"$REF_MDF" -g ref-g.txt -x "$VMLINUX" >ref-g.out 2>&1 || fail "reference -g failed"
else
	: >ref-g.txt
fi
"$PY" - "$CORE" our-g.txt ref-g.txt <<'EOF' || fail "-g keys differ beyond the known list"
import sys
core, ours, ref = sys.argv[1:]
def kv(text):
    return dict(l.split('=', 1) for l in text.splitlines() if '=' in l)
b = open(core, 'rb').read(0x4000)
i = b.find(b'OSRELEASE=')
n = kv(b[i:b.find(b'\0', i)].decode())
o = kv(open(ours).read())
r = kv(open(ref).read())
bad = False
# Run-time values and preprocessor constants: not in DWARF (REFERENCE 5.3).
not_dwarf = {'CRASHTIME', 'KERNELOFFSET', 'LENGTH(mem_section)', 'NUMBER(KERNEL_IMAGE_SIZE)',
             'NUMBER(MAX_PHYSMEM_BITS)', 'NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)',
             'NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)', 'NUMBER(SECTION_SIZE_BITS)',
             'NUMBER(pgtable_l5_enabled)', 'NUMBER(phys_base)', 'NUMBER(sme_mask)'}
extra = set(n) - set(o) - not_dwarf
if extra:
    print('note keys missing from our -g:', sorted(extra)); bad = True
print('# our -g keys the note lacks:', ' '.join(sorted(set(o) - set(n))))
K = int(n['KERNELOFFSET'], 16)
for k in sorted(set(o) & set(n)):
    if k.startswith('SYMBOL('):
        # the note's mem_section is the root array, DWARF's the pointer (6.1)
        if k != 'SYMBOL(mem_section)' and int(o[k], 16) + K != int(n[k], 16):
            print('symbol', k, o[k], 'note', n[k]); bad = True
    elif o[k] != n[k]:
        print('value', k, o[k], 'note', n[k]); bad = True
if r:
    # SRCFILE(pud_t) is ia64-only (REFERENCE 5.2).
    if set(r) - set(o) - {'SRCFILE(pud_t)'}:
        print("Debian -g keys missing from ours:", sorted(set(r) - set(o))); bad = True
    print('# our -g keys Debian 1.7.2 does not write:', ' '.join(sorted(set(o) - set(r))))
    for k in sorted(set(o) & set(r)):
        # Debian takes LENGTH(node_data) from an unbounded declaration (5.3).
        if o[k] != r[k] and k != 'LENGTH(node_data)':
            print('value', k, o[k], 'Debian', r[k]); bad = True
sys.exit(1 if bad else 0)
EOF
echo "x-vmlinux-real: all runs keep the same pfns"
