# SPDX-License-Identifier: GPL-2.0-or-later
# "The kernel version is not supported." is printed by checks, not by a
# version number (kernel_support.h): never on the generated 3.10, 4.18,
# 5.14, 6.1, 6.8, 6.12 and 7.x layouts nor on the real 6.1 dump; on a generated 6.12 kernel whose
# page-type values contradict each other (one in the 4.18-6.11 encoding),
# whose flag numbers make kernel pages look like page cache, or that lacks
# a fact the dump level needs (tail pages; hugetlb on 3.10 without
# free_huge_page), with the check named; and not at a dump
# level that classifies no pages.
. "$(dirname "$0")/../lib.sh"

# case NAME ERA LEVEL DIRECTIVE...: generate the era's spec plus the
# directives and run at LEVEL (exit 0 expected); output in NAME.out/err.
case_run() {
	_tn=$1 _e=$2 _d=$3
	shift 3
	{ echo "include $SPECS/kernel-$_e.spec"; for l in "$@"; do echo "$l"; done; } >$_tn.spec
	gen "$TESTTMP/$_tn.spec" $_tn.elf
	run_mdf $_tn -D -d "$_d" $_tn.elf $_tn.kdump
	no_crash $_tn
	expect_rc 0 $_tn
	cat $_tn.out $_tn.err >$_tn.all
	rm -f $_tn.elf $_tn.kdump
}

# warns NAME CHECK PATTERN: the warning, 1.7.x's two lines, then the check
warns() {
	grep -qx 'The kernel version is not supported.' $1.all ||
		{ cat $1.all; fail "$1: no warning"; }
	grep -qx 'The makedumpfile operation may be incomplete.' $1.all ||
		fail "$1: 1.7.x's second line missing"
	grep "^Check failed ($2): " $1.all | grep -q -- "$3" ||
		{ grep 'Check failed' $1.all; fail "$1: check '$2' ($3) not named"; }
	echo "ok: $1: $(grep -m1 '^Check failed' $1.all)"
}

quiet() {
	if grep -q 'not supported\|Check failed' $1.all; then
		grep 'not supported\|Check failed' $1.all
		fail "$1: warned"
	fi
	grep -q 'kernel support: .* all as expected' $1.all ||
		fail "$1: -D does not say the checks passed"
	echo "ok: $1: no warning; $(grep -o '[0-9]* sampled struct pages' $1.all)"
}

for e in 6.1 6.12 7.2; do
	case_run good-$e $e 31
	quiet good-$e
done

# page types in two encodings
case_run mixed 6.12 31 "knote NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257"
warns mixed "page-type values" "PAGE_OFFLINE_MAPCOUNT_VALUE)=-257 uses one cleared bit"
# two types with one value
case_run dup 6.12 31 "knote NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=-268435456"
warns dup "page-type values" "are both -268435456"
# consistent values, wrong meaning: PG_lru is the bit the generator uses
# for PG_reserved (13 on 6.12), so the kernel's own pages look like cache
case_run lru 6.12 31 "knote NUMBER(PG_lru)=13"
warns lru "sampled struct pages" "(kernel image) classifies as a cache page"
# a fact -d 31 needs
case_run nohead 6.12 31 "knote_drop OFFSET(page.compound_head)"
warns nohead "needed facts" "tail"
# 3.10 without SYMBOL(free_huge_page): hugetlbfs pages are kept (the
# documented fallback) and -d 31 names the missing fact
case_run nohuge 3.10-nohuge 31
warns nohuge "needed facts" "hugetlb pages are not recognised"
# the older eras themselves: no warning
for e in 3.10 4.18 5.14 6.8; do
	case_run good-$e $e 31
	quiet good-$e
done
# -d 1 classifies no pages: nothing to check, no warning
case_run mixed1 6.12 1 "knote NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=-257"
if grep -q 'not supported' mixed1.all; then fail "mixed1: warned at -d 1"; fi
echo "ok: mixed1: no warning at -d 1"

# the real 6.1 dump
V=$SHARED/vmcores/vmcore-6.1-small.elf.zst
if [ -f "$V" ]; then
	zstd -dq --long=28 "$V" -o real.elf || fail "zstd"
	run_mdf real -D -d 31 real.elf real.kdump
	expect_rc 0 real
	cat real.out real.err >real.all
	quiet real
	rm -f real.elf real.kdump
else
	note "no $V: real dump part skipped"
fi
