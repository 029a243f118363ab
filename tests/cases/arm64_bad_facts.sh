#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad arm64 facts in generated arm64 machines (tests/mkvmcore_arm64.h,
# a64note / knote_drop / kcorrupt): each run ends within a timeout, never
# crashes (ASan clean under MDF_ASAN), and either
#  * exits 1 with one error line naming the fact (absurd VA_BITS,
#    TCR_EL1_T1SZ, page size, kimage_voffset, MAX_PHYSMEM_BITS, a missing
#    VA_BITS or kimage_voffset), while -d 0, which needs no translation,
#    still succeeds; or
#  * takes the documented fallback: an implausible PHYS_OFFSET is replaced
#    by the linear-map PT_LOAD's (README "arm64"), and the kept set still
#    equals the truth; a page-table loop is an error at the first address it
#    hides (or those struct pages are kept), exit 0 or 1 with one line.
. "$(dirname "$0")/../lib.sh"
need_py
MDF_TIMEOUT=60
export MDF_TIMEOUT

# try NAME BASE LEVEL DIRECTIVE...: arm64-BASE.spec plus directives at LEVEL
try() {
	_tn=$1 _b=$2 _d=$3
	shift 3
	{ echo "include $SPECS/arm64-$_b.spec"; for l in "$@"; do echo "$l"; done; } >$_tn.spec
	gen "$TESTTMP/$_tn.spec" $_tn.elf $_tn.truth
	run_mdf $_tn -d "$_d" $_tn.elf $_tn.kdump
	no_crash $_tn
}

# bad NAME BASE WORD DIRECTIVE...: exit 1 at -d 31 with one line naming WORD,
# exit 0 at -d 0
bad() {
	_bn=$1 _b=$2 _w=$3
	shift 3
	try $_bn $_b 31 "$@"
	expect_rc 1 $_bn
	one_line_error $_bn
	grep -qF "$_w" $_bn.errlines || { cat $_bn.err; fail "$_bn: error does not name $_w"; }
	echo "ok: $_bn: $(cat $_bn.errlines)"
	run_mdf $_bn-d0 -d 0 $_bn.elf $_bn-d0.kdump
	no_crash $_bn-d0
	expect_rc 0 $_bn-d0
	rm -f $_bn.elf ./*.kdump
}

for b in 4k48 64k52; do
	bad vabits99-$b $b VA_BITS "a64note NUMBER(VA_BITS)=99"
	bad vabits40-$b $b VA_BITS "a64note NUMBER(VA_BITS)=40"
	bad novabits-$b $b VA_BITS "knote_drop NUMBER(VA_BITS)"
	bad t1sz48-$b $b TCR_EL1_T1SZ "a64note NUMBER(TCR_EL1_T1SZ)=0x30"
	bad t1sz0-$b $b TCR_EL1_T1SZ "a64note NUMBER(TCR_EL1_T1SZ)=0"
	bad kvoff-$b $b kimage_voffset "a64note NUMBER(kimage_voffset)=0x1234"
	bad nokvoff-$b $b kimage_voffset "knote_drop NUMBER(kimage_voffset)"
	bad mpb-$b $b MAX_PHYSMEM_BITS "a64note NUMBER(MAX_PHYSMEM_BITS)=99"
	bad ps8k-$b $b "page size 8192" "a64note PAGESIZE=8192"
done
# a page size that is no power of two: the note's line is skipped with a
# warning naming it (README "Damaged input"); the page size is then the
# default 4 KiB, right for a 4 KiB kernel (the kept set is the truth), and
# for a 64 KiB one the translation refuses it: one error line, exit 1
try ps12345 4k48 31 "a64note PAGESIZE=12345"
expect_rc 0 ps12345
grep -q "line.*PAGESIZE=12345.*line skipped" ps12345.out ||
	{ cat ps12345.out; fail "ps12345: no warning naming the skipped line"; }
"$PY" "$TESTS/kernel_check.py" ps12345.truth ps12345.kdump 31 >ps12345.chk ||
	{ cat ps12345.chk; fail "PAGESIZE=12345 on 4 KiB pages: kept set differs from the truth"; }
echo "ok: ps12345 on 4k48: line skipped, $(cat ps12345.chk)"
try ps12345b 64k52 31 "a64note PAGESIZE=12345"
case $rc in
0) "$PY" "$TESTS/kernel_check.py" ps12345b.truth ps12345b.kdump 31 >ps12345b.chk ||
	{ cat ps12345b.chk; fail "PAGESIZE=12345 on 64 KiB pages: exit 0 with a wrong page set"; }
   echo "ok: ps12345 on 64k52: $(cat ps12345b.chk)" ;;
1) one_line_error ps12345b; echo "ok: ps12345 on 64k52: $(cat ps12345b.errlines)" ;;
*) fail "ps12345 on 64k52: exit $rc" ;;
esac

# PHYS_OFFSET: documented fallback to the linear-map PT_LOAD; translation
# does not use it, so the kept set is the truth's
for v in 0x123 0xffffffffffff0000; do
	try po$v 4k48 31 "a64note NUMBER(PHYS_OFFSET)=$v"
	expect_rc 0 po$v
	"$PY" "$TESTS/kernel_check.py" po$v.truth po$v.kdump 31 >po$v.chk ||
		{ cat po$v.chk; fail "PHYS_OFFSET=$v: kept set differs from the truth"; }
	# the header's phys_base (kdump sub-header, REFERENCE.md 2.4) is the
	# derived 0x40000000 (memstart_addr of this machine)
	pb=$("$PY" -c "
import struct; b = open('po$v.kdump', 'rb').read(8192); bs, = struct.unpack_from('<i', b, 428)
print(hex(struct.unpack_from('<Q', b, bs)[0]))")
	[ "$pb" = 0x40000000 ] || fail "PHYS_OFFSET=$v: header phys_base $pb"
	echo "ok: PHYS_OFFSET=$v: fallback 0x40000000, $(cat po$v.chk)"
	rm -f po$v.elf po$v.kdump
done

# a plausible but wrong kimage_voffset (2 MiB off): swapper_pg_dir is read
# from the wrong page; bounded, one line or a dump
for b in 4k48 16k47; do
	gen arm64-$b.spec kv.elf kv.truth
	kv=$(sed -n 's/.* kimage_voffset=\(0x[0-9a-f]*\) .*/\1/p' kv.truth)
	[ -n "$kv" ] || fail "no kimage_voffset in the $b truth"
	kv=$("$PY" -c "print(hex($kv + 0x200000))")
	try kvoff2m-$b $b 31 "a64note NUMBER(kimage_voffset)=$kv"
	case $rc in
	0) echo "ok: kvoff2m-$b: exit 0" ;;
	1) one_line_error kvoff2m-$b; echo "ok: kvoff2m-$b: exit 1: $(cat kvoff2m-$b.errlines)" ;;
	*) fail "kvoff2m-$b: exit $rc" ;;
	esac
	rm -f ./*.elf ./*.kdump
done

# page-table loops and holes on the vmemmap path, 2- to 5-level machines
for b in 4k48 64k52 16k47 4k52 4k39-419 64k42; do
	for c in pt_loop pt_hole; do
		try $c-$b $b 31 "kcorrupt $c"
		case $rc in
		0) echo "ok: $c-$b: exit 0" ;;
		1) one_line_error $c-$b; echo "ok: $c-$b: exit 1: $(cat $c-$b.errlines)" ;;
		*) cat $c-$b.err; fail "$c-$b: exit $rc" ;;
		esac
		rm -f ./*.elf ./*.kdump
	done
done
echo "ok: bad arm64 facts handled"
