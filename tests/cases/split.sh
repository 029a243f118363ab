#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --split and --reassemble (REFERENCE 2.10, 8.3) on a generated 6.1-like
# kernel, with 1, 2, 3 and 8 members: the members' ranges are contiguous
# and every member is a split file; the set opens in libkdumpfile as a set
# (the sid readers' 0.5.6; Debian 12's bindings open one file only) with the
# pages of our single file; Debian 1.7.2's --reassemble of our members gives
# those pages; our --reassemble of them is byte-identical to our single
# file; the members are the same bytes for any --num-threads; and our
# --reassemble of 1.7.2's members gives the pages of its own reassembly.
. "$(dirname "$0")/../lib.sh"
need_py

pages() { "$PY" "$TESTS/kdump_pages.py" "$@"; }
SID=/work/.sid-readers
SIDRUN=$SHARED/tools/sid-readers/run.sh
sid_ok=0
if [ -x "$SID/root/usr/bin/python3" ] && [ -x "$SIDRUN" ] && [ "$(id -u)" = 0 ]; then
	sid_ok=1
else
	note "sid readers absent: the libkdumpfile set checks are skipped"
fi

gen kernel-6.1.spec k.elf
run_mdf one -l -d 31 k.elf one.kdump
no_crash one; expect_rc 0 one
# 96 MiB of RAM in 256 KiB blocks: enough blocks for 8 members
SB="--splitblock-size 256"
counts="1 2 3 8"
[ "$MDF_ASAN" = 1 ] && counts="1 3"
for n in $counts; do
	outs=""
	for i in $(seq 1 "$n"); do outs="$outs m$n-$i"; done
	run_mdf split$n --split $SB -l -d 31 k.elf $outs
	no_crash split$n; expect_rc 0 split$n
	if [ "$n" -gt 1 ]; then
		want=$(echo $outs | sed 's/ /, /g; s/, \([^,]*\)$/, and \1/')
		grep -qF "The dumpfiles are saved to $want." split$n.out ||
			{ cat split$n.out; fail "split $n: final line"; }
	fi
	# ranges: contiguous from 0 to max_mapnr, split flag set
	"$PY" - $outs <<'EOF' || fail "split $n: member headers"
import struct, sys
at, hdr = 0, None
for p in sys.argv[1:]:
    b = open(p, 'rb').read(8192)
    bs = struct.unpack_from('<i', b, 428)[0]
    split, = struct.unpack_from('<i', b, bs + 12)
    start, end, mx = struct.unpack_from('<QQQ', b, bs + 80)
    if not split or start != at or end < start:
        sys.exit('%s: split=%d range %d-%d, expected start %d' % (p, split, start, end, at))
    if hdr is not None and b[:464] != hdr:
        sys.exit('%s: main header differs from the first member' % p)
    hdr, at = b[:464], end
if at != mx:
    sys.exit('ranges end at %d, max_mapnr %d' % (at, mx))
print('ranges ok, %d members' % len(sys.argv[1:]))
EOF
	run_mdf reas$n --reassemble $outs reas$n.kdump
	no_crash reas$n; expect_rc 0 reas$n
	cmp one.kdump reas$n.kdump || fail "split $n: our --reassemble differs from the single file"
	if [ -n "$REF_MDF" ]; then
		run_ref refreas$n --reassemble $outs refreas$n.kdump
		expect_rc 0 refreas$n
		pages one.kdump refreas$n.kdump || fail "split $n: 1.7.2's --reassemble differs"
	fi
	if [ $sid_ok = 1 ]; then
		set=$(for o in $outs; do printf '%s,' "$TESTTMP/$o"; done | sed 's/,$//')
		"$SIDRUN" "$SID" python3 "$TESTS/kdump_pages.py" "$set" "$TESTTMP/one.kdump" \
			>sid$n.log 2>&1 || { cat sid$n.log; fail "split $n: libkdumpfile set differs"; }
		tail -1 sid$n.log
	fi
done

# the same members whatever the thread count
for t in 1 3; do
	run_mdf thr$t --split $SB --num-threads $t -l -d 31 k.elf t$t-1 t$t-2 t$t-3
	no_crash thr$t; expect_rc 0 thr$t
	for i in 1 2 3; do
		cmp m3-$i t$t-$i || fail "--num-threads $t: member $i differs"
	done
done

if [ -n "$REF_MDF" ]; then
	# our --reassemble of 1.7.2's members: the pages of its own reassembly
	run_ref refsplit --split $SB -l -d 31 k.elf r1 r2 r3
	expect_rc 0 refsplit
	run_ref refown --reassemble r1 r2 r3 refown.kdump
	expect_rc 0 refown
	run_mdf ourref --reassemble r1 r2 r3 ourref.kdump
	no_crash ourref; expect_rc 0 ourref
	pages refown.kdump ourref.kdump || fail "our --reassemble of 1.7.2's members differs"
fi
echo "split ok"
