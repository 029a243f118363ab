#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Refiltering a kdump file whose header does not name its machine. QEMU
# 11.1's dump-guest-memory (kdump-zlib and kdump-raw-zlib; measured with
# tests/qemu/qemu-dumps.sh) writes utsname.machine "Unknown" and leaves
# sysname, nodename, release, version and domainname empty. The machine then
# comes from the VMCOREINFO entries only one architecture's kernel writes
# (x86_64's init_top_pgt, arm64's kimage_voffset), or from -i when the file
# has no VMCOREINFO; the refiltered dump names its machine and equals the
# direct -d 31 dump of the ELF vmcore byte for byte (page for page with -i,
# whose output carries no VMCOREINFO of the source). Without any such entry:
# one clear error line, exit 1, nothing written.
. "$(dirname "$0")/../lib.sh"
need_py

# qemu_header IN OUT [strip]: IN with a QEMU 11.1-like utsname; "strip"
# also takes its VMCOREINFO out (offset/size zeroed, the note renamed) and
# leaves the text in OUT.vmci.
qemu_header() {
	if [ $# -gt 2 ]; then
		"$PY" "$TESTS/kdump_rewrite.py" "$1" "$2" --unknown-machine --hide-vmcoreinfo "$2.vmci"
	else
		"$PY" "$TESTS/kdump_rewrite.py" "$1" "$2" --unknown-machine
	fi || fail "could not rewrite the header of $1"
}
machine_of() { "$PY" -c 'import sys; print(open(sys.argv[1], "rb").read()[272:337].rstrip(b"\0").decode())' "$1"; }

for m in x86_64:kernel-6.1.spec aarch64:arm64-4k48.spec; do
	want=${m%%:*} spec=${m#*:} t=$want
	gen "$spec" $t.elf
	run_mdf $t-d1 -l -d 1 $t.elf $t-d1.kdump
	expect_rc 0 $t-d1
	run_mdf $t-d31 -l -d 31 $t.elf $t-d31.kdump
	expect_rc 0 $t-d31
	[ "$(machine_of $t-d31.kdump)" = "$want" ] || fail "$t: direct dump says machine $(machine_of $t-d31.kdump)"

	qemu_header $t-d1.kdump $t-q.kdump
	[ "$(machine_of $t-q.kdump)" = Unknown ] || fail "$t: the test file's header was not rewritten"
	run_mdf $t-r -l -d 31 $t-q.kdump $t-r.kdump
	no_crash $t-r; expect_rc 0 $t-r
	[ "$(machine_of $t-r.kdump)" = "$want" ] || fail "$t: refiltered header says machine $(machine_of $t-r.kdump)"
	cmp $t-d31.kdump $t-r.kdump || fail "$t: refilter of the Unknown-machine header differs from the direct -d 31"
	"$PY" "$TESTS/kdump_pages.py" $t-d31.kdump $t-r.kdump || fail "$t: pages differ"

	# no VMCOREINFO in the file: -i gives both the facts and the machine
	qemu_header $t-d1.kdump $t-qn.kdump strip
	run_mdf $t-ri -l -d 31 -i $t-qn.kdump.vmci $t-qn.kdump $t-ri.kdump
	no_crash $t-ri; expect_rc 0 $t-ri
	[ "$(machine_of $t-ri.kdump)" = "$want" ] || fail "$t: -i: refiltered header says machine $(machine_of $t-ri.kdump)"
	"$PY" "$TESTS/kdump_pages.py" $t-d31.kdump $t-ri.kdump ||
		fail "$t: -i on an Unknown-machine header without VMCOREINFO: pages differ"
done

# VMCOREINFO that names no single machine: one clear error, nothing written
qemu_header x86_64-d1.kdump nokey.kdump
"$PY" - nokey.kdump <<'EOF' || fail "could not hide init_top_pgt"
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
n = 0
for key in (b'SYMBOL(init_top_pgt)=', b'SYMBOL(init_level4_pgt)='):
    i = b.find(key)
    while i >= 0:                       # the VMCOREINFO blob and its note
        b[i:i + 6] = b'SYMBOX'
        n += 1
        i = b.find(key, i + 1)
if n == 0:
    sys.exit('no init_top_pgt entry to hide')
open(sys.argv[1], 'wb').write(b)
EOF
run_mdf nokey -l -d 31 nokey.kdump nokey-out.kdump
no_crash nokey; expect_rc 1 nokey
grep -q 'nokey.kdump: the dumped machine is unknown (utsname.machine "Unknown"' nokey.out nokey.err ||
	{ cat nokey.out nokey.err; fail "no machine: wrong message"; }
[ ! -e nokey-out.kdump ] || fail "no machine: an output was left"
echo "refilter of an Unknown-machine header ok"
