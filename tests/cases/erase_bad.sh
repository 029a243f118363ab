#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad filter configs and hostile dumps (REFERENCE.md 10; the issue's error
# rules): each run exits 1 with one error line, before any output file is
# created, and never hangs (the lists that loop or run into a hole are in
# tests/erase/vmlinux_fx.c).
#  * syntax errors name the file, line and column (checked exactly);
#  * unknown symbols and members, a size larger than the object, nullify
#    of a non-pointer, void * without a size, a bit-field, loops without a
#    bound, cyclic lists (via and within), a list into a physical hole, a
#    symbol without type information (BTF, no #@type), a #@type that
#    contradicts the DWARF; and the dump's BTF blob with a corrupt header,
#    a corrupt type, cut short by __stop_BTF, or running into unmapped
#    memory.
. "$(dirname "$0")/../lib.sh"

# bad NAME WANT CONFIG-TEXT [ARGS...]: the run fails naming WANT.
bad() {
	_bname=$1 _bwant=$2 _btext=$3
	shift 3
	printf '%b' "$_btext" >"$_bname.conf"
	MDF_TIMEOUT=120 run_mdf "$_bname" "$@" --config "$_bname.conf" "${CORE:-in.elf}" \
		"$_bname.kdump"
	no_crash "$_bname"
	expect_rc 1 "$_bname"
	one_line_error "$_bname" "${FILE_NAMED:-$_bname.conf}"
	grep -qF -- "$_bwant" "$_bname.errlines" ||
		{ cat "$_bname.err"; fail "$_bname: no '$_bwant' in the error"; }
	[ ! -e "$_bname.kdump" ] || fail "$_bname: an output file was created"
	echo "ok: $_bname: $(cat "$_bname.errlines")"
}

gen small.spec in.elf
bad s_erase 's_erase.conf:1:6: erase needs a symbol' 'erase\n'
bad s_nosize 's_nosize.conf:2:13: size needs a value' '[vmlinux]\nerase a size\n'
bad s_badsize "s_badsize.conf:1:14: bad size '0x'" 'erase a size 0x\n'
bad s_huge "s_huge.conf:1:14: bad size '2048M'" 'erase a size 2048M\n'
bad s_word "s_word.conf:1:9: expected 'size' or 'nullify', got 'sise'" 'erase a sise 4\n'
bad s_noend 's_noend.conf:2:1: for without endfor' '# x\nfor x in y\n  erase x.a\n'
bad s_endfor 's_endfor.conf:3:2: endfor without for' '\n\n endfor\n'
bad s_section 's_section.conf:1:5: bad character in section name' '[bad name]\n'
bad s_nested 's_nested.conf:9:1: for loops nested more than 8 deep' \
	'for x in a\nfor y in x.b\nfor z in y.c\nfor w in z.d\nfor v in w.e\nfor u in v.f\nfor t in u.g\nfor s in t.h\nfor r in s.i\n'
bad s_as 's_as.conf:1:16: as needs STRUCT or STRUCT:MEMBER' 'for x in a.b as\nendfor\n'
bad s_cmd "s_cmd.conf:1:1: unknown command 'frobnicate'" 'frobnicate x\n'
bad s_expr "s_expr.conf:1:9: 'a..b' is not a symbol" 'erase a..b\n'
bad s_hint "s_hint.conf:1:22: missing '}'" '#@type x struct { a b\n'
bad s_within 's_within.conf:1:19: within needs STRUCT:MEMBER' 'for x in a within task_struct\n'
bad s_guard "s_guard.conf:1:11: expected 'if EXPR == &SYMBOL'" 'erase a.b if c = d\n'
bad s_rbtree 's_rbtree.conf:1:18: rbtree needs STRUCT:MEMBER' 'for x in a rbtree\n'

for t in gcc ld pahole objcopy nm readelf; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed (the fixture needs gcc, binutils, pahole)"
done
FX="$PY $TESTS/erase_fixture.py"
MKVMCORE=$MKVMCORE $FX build fx || fail "cannot build the fixture"
V=fx/root/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
CORE=fx/core.elf
H='#@type fx_head struct fx_item\n#@type fx_secret void *\n#@type fx_vbig struct fx_big *\n'
H="$H"'#@type fx_banner char[]\n#@type fx_flags struct fx_flags\n#@type fx_cycle struct list_head\n'
H="$H"'#@type fx_vcycle struct fx_item *\n#@type fx_hole struct list_head\n'
H="$H"'#@type fx_badtree struct rb_root\n#@type fx_keys struct rb_root\n'
for be in dwarf btf; do
	X=""
	[ $be = dwarf ] && X="-x $V"
	# shellcheck disable=SC2086  # X is empty or two words
	{
	bad ${be}_sym 'unknown symbol fx_nonexistent' "erase fx_nonexistent size 4\n" $X
	bad ${be}_member 'no member nosuch in struct fx_item' "${H}erase fx_head.nosuch\n" $X
	bad ${be}_size 'size 13 is larger than fx_head.name (12 bytes)' \
		"${H}erase fx_head.name size 13\n" $X
	bad ${be}_nullify 'nullify needs a pointer, fx_head.name is an array' \
		"${H}erase fx_head.name nullify\n" $X
	bad ${be}_void 'fx_secret points to void of unknown size' "${H}erase fx_secret\n" $X
	bad ${be}_bitfield 'a is a bit-field' "${H}erase fx_flags.a\n" $X
	bad ${be}_nobound 'fx_vbig is a pointer, not an array' \
		"${H}for x in fx_vbig\n erase x.data\nendfor\n" $X
	bad ${be}_cycle 'the list fx_cycle loops back to node' \
		"${H}for n in fx_cycle within fx_item:list\n erase n.name\nendfor\n" $X
	bad ${be}_via_cycle 'the list fx_vcycle via next loops back to node' \
		"${H}for n in fx_vcycle via next\n erase n.name\nendfor\n" $X
	bad ${be}_rbcycle 'the rb-tree fx_badtree reaches node' \
		"${H}for k in fx_badtree rbtree fx_key:node\n erase k.serial\nendfor\n" $X
	bad ${be}_mhint '#@type fx_key.serial struct fx_payload *: the member is an integer of 4 bytes' \
		"${H}#@type fx_key.serial struct fx_payload *\nfor k in fx_keys rbtree fx_key:node\n erase k.serial\nendfor\n" $X
	bad ${be}_guard 'if k.serial: k.serial is an integer, not a pointer' \
		"${H}for k in fx_keys rbtree fx_key:node\n erase k.serial if k.serial == &fx_type_user\nendfor\n" $X
	# nested loops are checked before any element is visited: the outer
	# loop here has no elements (count fx_head.id is 0)
	bad ${be}_nested 'no member nosuch in struct fx_item' \
		"${H}#@type fx_ptrs struct fx_item *[4]\nfor x in fx_ptrs count fx_head.id\n for n in x.next via next\n  erase n.nosuch\n endfor\nendfor\n" $X
	bad ${be}_count 'count fx_secret_len is 100, more than the 4 elements of fx_ptrs' \
		"${H}#@type fx_ptrs struct fx_item *[4]\n#@type fx_secret_len long int\nfor x in fx_ptrs count fx_secret_len\n erase x.name\nendfor\n" $X
	bad ${be}_hole 'a list node in unreadable memory' \
		"${H}for n in fx_hole within fx_item:list\n erase n.name\nendfor\n" $X
	}
done
bad btf_nobound2 'the length of the array fx_banner is unknown' \
	"${H}for c in fx_banner\n erase c\nendfor\n"
bad btf_notype 'no type information for fx_head' 'erase fx_head.name\n'
bad dwarf_hint 'does not match its type in' '#@type fx_head struct list_head\nerase fx_head.name\n' -x $V
$FX corrupt-btf fx badbtf.elf || fail "cannot corrupt the BTF"
CORE=badbtf.elf FILE_NAMED=badbtf.elf
bad btf_corrupt 'is cut short or its header is corrupt: the header declares 2147483656 bytes' \
	'erase fx_banner\n'
$FX corrupt-btf fx badtype.elf types || fail "cannot corrupt the BTF's types"
CORE=badtype.elf FILE_NAMED=badtype.elf
bad btf_badtype 'is not valid BTF (libbpf: Invalid argument)' 'erase fx_banner\n'
# __stop_BTF 100 bytes short of the header's end; a blob that runs past
# the kernel image's mapping into unmapped memory
MKVMCORE=$MKVMCORE $FX build short short-btf || fail "cannot build the short-BTF fixture"
n=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["btf_len"])' fx/facts.json)
CORE=short/core.elf FILE_NAMED=short/core.elf
bad btf_short "BTF in short/core.elf ($((n - 100)) bytes at 0xffffffff81600000) is cut short or its header is corrupt: the header declares $n bytes" \
	'erase fx_banner\n'
MKVMCORE=$MKVMCORE $FX build hole hole-btf || fail "cannot build the BTF-in-a-hole fixture"
CORE=hole/core.elf FILE_NAMED=hole/core.elf
start=$($PY -c 'import sys; print("%x" % (0xffffffff81800000 - int(sys.argv[1]) + 1024))' "$n")
bad btf_hole "reading the kernel's BTF ($n bytes at 0x$start): cannot translate 0xffffffff81800000" \
	'erase fx_banner\n'
echo "erase_bad: every bad config and hostile list fails with one line and no output"
