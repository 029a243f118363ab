# SPDX-License-Identifier: GPL-2.0-or-later
# Kernel-like images of four eras (tests/specs/kernel-*.spec: 4.19, 5.10
# with KASLR and 4 KiB vmemmap leaves, 6.1 with 5-level paging, 6.12 page
# types): for every dump level 0..31 the 2nd bitmap equals the generator's
# ground truth (tests/kernel_check.py) and python3-libkdumpfile reads every
# kept page equal to the input (tests/check_dump.py).  Under ASan only
# levels 0 1 2 16 31.
. "$(dirname "$0")/../lib.sh"
need_py

if [ "$MDF_ASAN" = 1 ]; then
	LEVELS="0 1 2 16 31"
else
	LEVELS=$(seq 0 31)
fi

# one_layout ERA: all levels for one layout; prints one line per level
one_layout() {
	_e=$1
	gen kernel-$_e.spec k$_e.elf k$_e.truth
	for d in $LEVELS; do
		run_mdf r$_e-$d -d "$d" k$_e.elf k$_e-$d.kdump
		no_crash r$_e-$d
		expect_rc 0 r$_e-$d
		"$PY" "$TESTS/kernel_check.py" k$_e.truth k$_e-$d.kdump "$d" \
			--excluded-out k$_e-$d.excl >k$_e-$d.chk ||
			{ cat k$_e-$d.chk; fail "$_e -d $d: kept set differs from the truth"; }
		zflag=
		[ $((d & 1)) = 1 ] && zflag=--expect-zero-excluded
		check_dump k$_e.elf k$_e-$d.kdump --excluded k$_e-$d.excl $zflag \
			--quiet >k$_e-$d.cd || { cat k$_e-$d.cd; fail "$_e -d $d: page contents differ"; }
		echo "$_e -d $d: $(cat k$_e-$d.chk)"
		rm -f k$_e-$d.kdump
	done
	rm -f k$_e.elf
}

# the layouts of this case (kernel_eras.sh sets LAYOUT_ERAS to the others)
ERAS=${LAYOUT_ERAS:-4.19 5.10 6.1 6.12}

# two layouts at a time (two cores); each writes its own log
pids= n=0
for e in $ERAS; do
	( one_layout "$e" ) >log-$e 2>&1 &
	pids="$pids $!"
	n=$((n + 1))
	if [ $((n % 2)) = 0 ]; then
		for p in $pids; do wait "$p" || true; done
		pids=
	fi
done
for p in $pids; do wait "$p" || true; done
bad=0
for e in $ERAS; do
	cat log-$e
	n=$(grep -c 'equal to the truth' log-$e)
	want=$(echo $LEVELS | wc -w)
	if [ "$n" != "$want" ]; then
		echo "FAIL: layout $e: $n of $want levels passed"
		bad=1
	fi
done
[ $bad = 0 ] || fail "some layout/level did not match"

# the header's utsname comes from init_uts_ns through the page tables
for e in $ERAS; do
	gen kernel-$e.spec u$e.elf u$e.truth
	run_mdf u$e -d 0 u$e.elf u$e.kdump
	expect_rc 0 u$e
	"$PY" "$TESTS/kernel_check.py" u$e.truth u$e.kdump 0 --excluded-out u$e.excl >/dev/null
	rel=$(grep -a -m1 -o 'OSRELEASE=[^[:cntrl:]]*' u$e.elf | sed 's/OSRELEASE=//')
	check_dump u$e.elf u$e.kdump --quiet --excluded u$e.excl --osrelease "$rel" >u$e.cd ||
		{ cat u$e.cd; fail "$e: release"; }
	head -c 400 u$e.kdump | tr -c '[:print:]' '\n' | grep -qx "$rel" ||
		fail "$e: header utsname.release is not $rel"
	rm -f u$e.elf u$e.kdump
done
echo "ok: $(echo $ERAS | wc -w) layouts x $(echo $LEVELS | wc -w) levels"
