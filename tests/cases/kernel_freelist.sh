# SPDX-License-Identifier: GPL-2.0-or-later
# The free-list walk (REFERENCE.md 6.4, freelist.c): generated 3.10 and 7.2
# kernels whose note exports no buddy page type (knote_drop), so free pages
# can only be found by walking node 0's free lists. Every dump level with
# bit 16 keeps exactly the ground truth and python3-libkdumpfile reads the
# kept pages back. Corrupted lists - a cycle, a link into a hole past the
# memory map, a list longer than its zone, an absurd number of orders - end
# in a bounded fallback: exit 0 within the timeout, the message "The free
# lists are broken (...)", and every free page kept.
. "$(dirname "$0")/../lib.sh"
need_py
MDF_TIMEOUT=60
export MDF_TIMEOUT
if [ "$MDF_ASAN" = 1 ]; then LEVELS="16 31"; else LEVELS="16 17 18 20 24 31"; fi

# spec NAME ERA DIRECTIVE...: the era without a buddy page type, plus more
spec() {
	_n=$1 _e=$2
	shift 2
	{ echo "include $SPECS/kernel-$_e.spec"; echo "knote_drop NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"
	  for l in "$@"; do echo "$l"; done; } >$_n.spec
	gen "$TESTTMP/$_n.spec" $_n.elf $_n.truth
}

for e in 3.10 7.2; do
	spec fl$e $e
	for d in $LEVELS; do
		run_mdf fl$e-$d -D -d $d fl$e.elf fl$e-$d.kdump
		no_crash fl$e-$d
		expect_rc 0 fl$e-$d
		grep -q 'free pages by the free lists' fl$e-$d.err fl$e-$d.out ||
			fail "$e -d $d: the free lists were not used"
		"$PY" "$TESTS/kernel_check.py" fl$e.truth fl$e-$d.kdump $d \
			--excluded-out fl$e-$d.excl >fl$e-$d.chk || { cat fl$e-$d.chk; fail "$e -d $d: truth"; }
		check_dump fl$e.elf fl$e-$d.kdump --excluded fl$e-$d.excl \
			$([ $((d & 1)) = 1 ] && echo --expect-zero-excluded) --quiet >fl$e-$d.cd ||
			{ cat fl$e-$d.cd; fail "$e -d $d: page contents"; }
		echo "ok: $e -d $d: $(cat fl$e-$d.chk); $(grep -ho 'free lists: .*' fl$e-$d.err fl$e-$d.out | head -1)"
		rm -f fl$e-$d.kdump
	done
done

# broken lists: exit 0, the message, free pages kept (= the truth of -d 0)
for c in "cycle:kcorrupt freelist_cycle" "hole:kcorrupt freelist_hole" \
	 "long:kcorrupt freelist_long" "orders:knote LENGTH(zone.free_area)=200"; do
	n=${c%%:*}
	spec bad-$n 3.10 "${c#*:}"
	run_mdf bad-$n -d 31 bad-$n.elf bad-$n.kdump
	no_crash bad-$n
	expect_rc 0 bad-$n
	cat bad-$n.out bad-$n.err >bad-$n.all
	grep -q '^The free lists are broken (.*): free pages are kept\.$' bad-$n.all ||
		{ cat bad-$n.all; fail "$n: no message"; }
	# -d 31 minus the free pages = the truth of -d 15
	"$PY" "$TESTS/kernel_check.py" bad-$n.truth bad-$n.kdump 15 >bad-$n.chk ||
		{ cat bad-$n.chk; fail "$n: free pages not all kept"; }
	echo "ok: $n: $(grep -o 'broken (.*)' bad-$n.all)"
	rm -f bad-$n.elf bad-$n.kdump
done
