#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The real Debian 6.1 vmcore at -d 2, 4, 8, 16 and 31: our bitmap 2 equals
# the one Debian's makedumpfile 1.7.2 writes on the same input, except the
# pfns our documented rules explain (listed by tests/real_levels.py: the
# kernel-image rule and the partial page 0x9f; with the kallsyms section rule
# no image page may differ), and the per-class counts
# reconcile with the reference's --show-stats report, both the one run here
# and the one shipped in shared/vmcores (ref-stats-dN.txt).
. "$(dirname "$0")/../lib.sh"
need_ref
real_core
levels="2 4 8 16 31"
[ "$MDF_ASAN" = 1 ] && levels="2 31"
for dl in $levels; do
	run_mdf d$dl -D -l -d $dl --show-stats "$core" ours$dl.kdump
	no_crash d$dl; expect_rc 0 d$dl
	"$REF_MDF" -l -d $dl --show-stats "$core" ref$dl.kdump >ref$dl.stats 2>&1 ||
		{ cat ref$dl.stats; fail "reference failed at -d $dl"; }
	echo "== -d $dl"
	"$PY" "$TESTS/real_levels.py" "$core" ours$dl.kdump ref$dl.kdump d$dl.out ref$dl.stats \
		>cmp$dl.txt || { cat cmp$dl.txt; fail "-d $dl: page sets differ beyond the documented rules"; }
	cat cmp$dl.txt
	# With the kernel's own section boundaries (kallsyms, 6.x) only the
	# pages the kernel keeps are protected: the image rule then explains
	# no difference at all on this dump (the freed parts are classified).
	if grep -q 'section rule from kallsyms' d$dl.out; then
		grep -q '(kernel-image 0)' cmp$dl.txt ||
			fail "-d $dl: kallsyms section rule in use, yet image pages differ"
	fi
	shipped=$SHARED/vmcores/ref-stats-d$dl.txt
	if [ -f "$shipped" ]; then
		"$PY" "$TESTS/real_levels.py" "$core" ours$dl.kdump ref$dl.kdump d$dl.out "$shipped" \
			>/dev/null || fail "-d $dl: counts do not reconcile with $shipped"
	fi
	rm -f ours$dl.kdump ref$dl.kdump
done
echo "real vmcore levels ok"
