# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupted kernel data from the generator (mkvmcore kcorrupt/knote_drop):
# each run ends within a timeout with exit 0 (documented fallback: pages
# whose struct pages cannot be read or make no sense are kept) or exit 1
# with a one-line error; never a crash (ASan clean under MDF_ASAN).
#
# Free pages: a note without PAGE_BUDDY_MAPCOUNT_VALUE and without the
# free lists' facts gives a clear error at -d 16 (broken free lists:
# kernel_freelist.sh).
. "$(dirname "$0")/../lib.sh"
MDF_TIMEOUT=60
export MDF_TIMEOUT

# kept FILE PFN: is PFN set in the 2nd bitmap of kdump FILE?
kept() {
	"$PY" -c "
import sys; sys.path.insert(0, '$TESTS'); import kernel_check as k
bm, _ = k.bitmap2('$1'); p = $2
sys.exit(0 if bm[p >> 3] >> (p & 7) & 1 else 1)"
}

# try NAME ERA LEVEL DIRECTIVE...: generate the era's spec plus directives,
# run at LEVEL; sets $rc; accepts 0 or 1 (with one error line).
try() {
	_tn=$1 _e=$2 _d=$3
	shift 3
	{ echo "include $SPECS/kernel-$_e.spec"; for l in "$@"; do echo "$l"; done; } >$_tn.spec
	gen "$TESTTMP/$_tn.spec" $_tn.elf
	run_mdf $_tn -d "$_d" $_tn.elf $_tn.kdump
	no_crash $_tn
	case $rc in
	0) echo "ok: $_tn ($_e -d $_d): exit 0" ;;
	1) one_line_error $_tn; echo "ok: $_tn ($_e -d $_d): exit 1: $(cat $_tn.errlines)" ;;
	*) cat $_tn.err; fail "$_tn: exit $rc" ;;
	esac
}

for e in 4.19 6.12; do
	for d in 0 31; do
		try ms_out-$e-$d $e $d "kcorrupt memsec_outside"
		try ms_bad-$e-$d $e $d "kcorrupt memsec_bad"
		try pt_loop-$e-$d $e $d "kcorrupt pt_loop"
		try pt_hole-$e-$d $e $d "kcorrupt pt_hole"
	done
	# absurd struct pages: all 0xff, all flags + order 63, buddy order 63,
	# compound order 200; all must be kept (never excluded by garbage)
	for d in 16 31; do
		try absurd-$e-$d $e $d "kcorrupt absurd_ff 0x3c10" \
			"kcorrupt absurd_flags 0x3c20" "kcorrupt buddy_order 0x3c30" \
			"kcorrupt compound_order 0x3c40"
		expect_rc 0 absurd-$e-$d
		for p in 0x3c10 0x3c11 0x3c30 0x3c31 0x3c41; do
			kept absurd-$e-$d.kdump $p || fail "absurd-$e-$d: pfn $p excluded"
		done
		# the rest still follows the truth
		gen kernel-$e.spec ok-$e.elf ok-$e.truth
		"$PY" "$TESTS/kernel_check.py" ok-$e.truth absurd-$e-$d.kdump $d >chk.out
		grep '^  pfns' chk.out | grep -qv 'pfns 0x3c' && { cat chk.out; fail "absurd-$e-$d: other pages differ"; }
		rm -f ok-$e.elf
	done
	rm -f ./*.elf ./*.kdump
done

# pt_hole: the vmemmap leaf of pfns 0-0x7fff (2 MiB of struct pages) points
# at a hole: those struct pages are unreadable, so the pages are kept
try hole 6.1 31 "kcorrupt pt_hole"
expect_rc 0 hole
kept hole.kdump 0x2000 || fail "pt_hole: free pfn 0x2000 excluded without a struct page"

# no PAGE_BUDDY_MAPCOUNT_VALUE: -d 16 walks the free lists
# (kernel_freelist.sh); without their facts too, free pages cannot be told,
# so -d 16 keeps them: a warning naming the facts and "may be incomplete",
# exit 0, dump level 0 in the header (README "Degrade")
for e in 4.19 6.12; do
	{ echo "include $SPECS/kernel-$e.spec"; echo "knote_drop NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"
	  echo "knote_drop SYMBOL(node_data)"; } >nobuddy.spec
	gen "$TESTTMP/nobuddy.spec" nobuddy.elf
	run_mdf nb16 -d 16 nobuddy.elf nb16.kdump
	no_crash nb16
	expect_rc 0 nb16
	grep -q 'WARNING: dump level 16 needs NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE).*or the facts of the free lists.*free pages.*may be incomplete' nb16.out ||
		{ cat nb16.out; fail "nobuddy: no warning naming the missing facts"; }
	dumpinfo nb16.kdump | grep -q 'dump_level=0 ' || fail "nobuddy: $(dumpinfo nb16.kdump)"
	echo "ok: $e without PAGE_BUDDY_MAPCOUNT_VALUE and node_data at -d 16: $(grep WARNING nb16.out)"
	run_mdf nb8 -d 8 nobuddy.elf nb8.kdump
	expect_rc 0 nb8
	rm -f nobuddy.elf ./*.kdump
done
echo "ok: all corruptions handled"
