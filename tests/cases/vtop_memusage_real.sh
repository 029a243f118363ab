#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --vtop on the real 6.1 vmcore prints the same page-table walk as Debian's
# makedumpfile 1.7.2 for a kernel-text and a direct-map address, in its
# layout (REFERENCE.md 1.7);
# and --mem-usage works on the vmcore file (1.7.2 only runs it on
# /proc/kcore) with counts that agree with our own -d 31 --show-stats report.
. "$(dirname "$0")/../lib.sh"
need_ref
real_core
# init_uts_ns (text) and a direct-map address inside the kdump PT_LOAD that
# starts at physical 1 MiB.
text=$(grep -a -m1 -o 'SYMBOL(init_uts_ns)=[0-9a-f]*' "$core" | sed 's/.*=//')
direct=$("$PY" - "$core" <<'PY'
import struct, sys
with open(sys.argv[1], 'rb') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 32); n, = struct.unpack_from('<H', eh, 56)
    f.seek(phoff); ph = f.read(56 * n)
for i in range(n):
    t, _, off, va, pa, fs, ms = struct.unpack_from('<IIQQQQQ', ph, 56 * i)
    if t == 1 and va < 0xffffffff80000000 and pa == 0x100000:
        print('%x' % (va + 0x123000))
PY
)
[ -n "$text" ] && [ -n "$direct" ] || fail "could not find test addresses"
for va in $text $direct; do
	run_mdf v$va --vtop 0x$va --dry-run -l -d 1 "$core" out.kdump
	expect_rc 0 v$va
	"$REF_MDF" --vtop 0x$va --dry-run -l -d 1 "$core" out.kdump >r$va.out 2>&1 ||
		{ cat r$va.out; fail "reference --vtop failed"; }
	sed -n '/^Translating/,/^$/p' v$va.out >ours.txt
	sed -n '/^Translating/,/^$/p' r$va.out >ref.txt
	[ -s ours.txt ] || { cat v$va.out; fail "no translation printed for $va"; }
	cmp ours.txt ref.txt || { diff ours.txt ref.txt; fail "--vtop $va differs from the reference"; }
	cat ours.txt
done
run_mdf mu --mem-usage "$core"
expect_rc 0 mu
no_crash mu
cat mu.out
run_mdf d31 -l -d 31 --show-stats "$core" d31.kdump
expect_rc 0 d31
for row in "FREE:Free pages" "USER:User process data pages" \
	   "NON_PRI_CACHE:Non-private cache pages" "PRI_CACHE:Private cache pages"; do
	name=${row%%:*} label=${row#*:}
	mu=$(awk -v n="$name" '$1 == n { print $2 }' mu.out)
	st=$(sed -n "s/^ *$label *: 0x\([0-9a-f]*\)$/\1/p" d31.out)
	[ -n "$mu" ] && [ -n "$st" ] || fail "$name: missing from a report"
	[ "$mu" = "$(printf %d 0x$st)" ] || fail "$name: --mem-usage $mu, -d 31 report $((0x$st))"
done
grep -q '^Total pages on system:' mu.out || fail "no total line"
echo "vtop and mem-usage ok"
