#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Refiltering (REFERENCE 1.1) on a generated 6.1-like kernel: our -d 1 dump
# refiltered to -d 31 equals the direct -d 31 dump of the ELF vmcore page for
# page (python3-libkdumpfile, tests/kdump_pages.py) and byte for byte, for
# each codec and across codecs; so does Debian 1.7.2's -d 1 dump refiltered
# by us, and our -F stream refiltered without -R. Debian 1.7.2 refiltering
# our -d 1 dump keeps the same page set as we do. The recorded dump level is
# requested | source, the source's eraseinfo is carried over, -E from a kdump
# source fails with makedumpfile's message, and a source without VMCOREINFO
# gets a clear error unless -i supplies it.
. "$(dirname "$0")/../lib.sh"
need_py

pages() { "$PY" "$TESTS/kdump_pages.py" "$@"; }
level_of() { dumpinfo "$1" | sed -n 's/.*dump_level=\([0-9]*\).*/\1/p'; }

gen kernel-6.1.spec k.elf
codecs="-c -l -p -z"
[ "$MDF_ASAN" = 1 ] && codecs="-l -z"
for c in $codecs; do
	t=${c#-}
	run_mdf d1$t $c -d 1 k.elf d1$t.kdump
	no_crash d1$t; expect_rc 0 d1$t
	run_mdf d31$t $c -d 31 k.elf d31$t.kdump
	no_crash d31$t; expect_rc 0 d31$t
	run_mdf r$t $c -d 31 d1$t.kdump r$t.kdump
	no_crash r$t; expect_rc 0 r$t
	pages d31$t.kdump r$t.kdump || fail "$c: refiltered -d 1 -> -d 31 differs from the direct -d 31"
	cmp d31$t.kdump r$t.kdump || fail "$c: refiltered dump not byte-identical to the direct one"
	[ "$(level_of r$t.kdump)" = 31 ] || fail "$c: recorded dump level $(level_of r$t.kdump)"
done

# across codecs: lzo source, zstd output, and back
run_mdf x1 -z -d 31 d1l.kdump x1.kdump
no_crash x1; expect_rc 0 x1
pages d31z.kdump x1.kdump || fail "-l -d 1 refiltered with -z differs from direct -z -d 31"
cmp d31z.kdump x1.kdump || fail "-l -> -z refilter not byte-identical"
run_mdf x2 -l -d 31 d1z.kdump x2.kdump
no_crash x2; expect_rc 0 x2
cmp d31l.kdump x2.kdump || fail "-z -> -l refilter not byte-identical"

# our -F stream, read in place (no -R first), refiltered to a file and to -F
"$MDF" -F -l -d 1 k.elf >d1l.flat 2>flat.err || { cat flat.err; fail "-F failed"; }
run_mdf rf -l -d 31 d1l.flat rf.kdump
no_crash rf; expect_rc 0 rf
cmp d31l.kdump rf.kdump || fail "refiltered -F stream differs from direct -d 31"
"$MDF" -F -l -d 31 d1l.flat >rf2.flat 2>rf2.err || { cat rf2.err; fail "flattened to flattened failed"; }
"$MDF" -R rf2.kdump <rf2.flat >/dev/null 2>&1 || fail "-R of the refiltered stream failed"
cmp d31l.kdump rf2.kdump || fail "flattened refilter to -F differs after -R"

# the recorded level is requested | source, and the source's pages stay out
run_mdf lv1 -l -d 16 d1l.kdump lv1.kdump
expect_rc 0 lv1
[ "$(level_of lv1.kdump)" = 17 ] || fail "-d 16 of a -d 1 source records $(level_of lv1.kdump)"
run_mdf lv2 -l -d 1 d31l.kdump lv2.kdump
expect_rc 0 lv2
[ "$(level_of lv2.kdump)" = 31 ] || fail "-d 1 of a -d 31 source records $(level_of lv2.kdump)"
pages d31l.kdump lv2.kdump || fail "-d 1 of a -d 31 source brought pages back"

if [ -n "$REF_MDF" ]; then
	# Debian 1.7.2's -d 1 dumps refiltered by us (its codecs among ours)
	refcodecs="-c -l"
	[ "$MDF_ASAN" = 1 ] && refcodecs="-l"
	for c in $refcodecs; do
		t=${c#-}
		run_ref ref1$t $c -d 1 k.elf ref1$t.kdump
		expect_rc 0 ref1$t
		run_mdf rr$t $c -d 31 ref1$t.kdump rr$t.kdump
		no_crash rr$t; expect_rc 0 rr$t
		pages d31$t.kdump rr$t.kdump || fail "refiltered 1.7.2 $c -d 1 differs from our -d 31"
	done
	# Debian 1.7.2 refiltering our -d 1 dump: the same page set as ours
	run_ref refr -l -d 31 d1l.kdump refr.kdump
	expect_rc 0 refr
	pages --set-only refr.kdump rl.kdump || fail "1.7.2's refilter of our -d 1 keeps other pages"
fi

# eraseinfo of the source is carried over (REFERENCE 2.9)
"$PY" - d1l.kdump erase.kdump <<'EOF' || fail "could not add eraseinfo"
import struct, sys
b = bytearray(open(sys.argv[1], 'rb').read())
text = b'erase init_task.comm size 16\nerase jiffies_64 nullify\n'
bs = struct.unpack_from('<i', b, 428)[0]
struct.pack_into('<qQ', b, bs + 64, len(b), len(text))
open(sys.argv[2], 'wb').write(b + text)
EOF
run_mdf er -l -d 31 erase.kdump er.kdump
no_crash er; expect_rc 0 er
"$PY" - er.kdump <<'EOF' || fail "eraseinfo not carried over"
import struct, sys
b = open(sys.argv[1], 'rb').read()
bs = struct.unpack_from('<i', b, 428)[0]
off, size = struct.unpack_from('<qQ', b, bs + 64)
got = b[off:off + size]
want = b'erase init_task.comm size 16\nerase jiffies_64 nullify\n'
if got != want:
    sys.exit('eraseinfo at %d (%d bytes): %r' % (off, size, got))
if off + size != len(b):
    sys.exit('eraseinfo is not at the end of the file')
EOF
pages d31l.kdump er.kdump || fail "pages differ after an eraseinfo source"

# -E from a kdump source: makedumpfile's message, exit 1, nothing written
run_mdf elf -E -d 31 d1l.kdump e.elf
no_crash elf; expect_rc 1 elf
grep -q "'-E' option is disable, because d1l.kdump is kdump compressed format." elf.out ||
	{ cat elf.out elf.err; fail "-E from a kdump source: wrong message"; }
[ ! -e e.elf ] || fail "-E from a kdump source left an output"

# a source without VMCOREINFO: a clear error, unless -i gives it
"$PY" "$TESTS/kdump_rewrite.py" d1l.kdump novmci.kdump --hide-vmcoreinfo vmci.txt ||
	fail "could not strip VMCOREINFO"
run_mdf nv -l -d 31 novmci.kdump nv.kdump
no_crash nv; expect_rc 1 nv
grep -q "novmci.kdump doesn't contain vmcoreinfo" nv.out || { cat nv.out nv.err; fail "no VMCOREINFO: message"; }
run_mdf nvi -l -d 31 -i vmci.txt novmci.kdump nvi.kdump
no_crash nvi; expect_rc 0 nvi
pages d31l.kdump nvi.kdump || fail "-i on a source without VMCOREINFO: pages differ"
echo "refilter ok"
