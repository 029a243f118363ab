#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --dump-dmesg --partial-dmesg (REFERENCE.md 9.2, 9.3): only records since
# the last `dmesg -C`.  Lockless ring: clear_seq in the middle (where 1.7.2's
# formula holds, checked against it too), clear_seq % count > head % count
# (1.7.2 loops there; we must print seq >= clear_seq), clear_seq = head + 1
# (nothing), clear_seq = 0 in a wrapped ring (everything), clear_seq older
# than the tail (everything).  Structured records: clear_idx at a record in
# the middle.  Plain buffer: the option is ignored (whole buffer), as 1.7.2.
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"

# partial NAME CLEAR: a 300-record wrapped ring (head seq 299, 299 % 32 = 11)
partial() {
	scenario "$1" <<J
{"format": "lockless", "count_bits": 5, "size_bits": 11, "gen": {"n": 300, "seed": 33},
 "clear_seq": $2}
J
	dmesg_ok "$1" pexp --partial-dmesg
}

partial mid 295
[ "$(wc -l <mid.pexp)" -ge 5 ] || fail "mid: expected at least 5 lines"
ref_ok mid pexp --partial-dmesg
partial mid_high 285
grep -q '^\[ *[0-9.]*\] 285: ' mid_high.pexp172 || fail "mid_high: seq 285 not expected"
grep -q '^\[ *[0-9.]*\] 284: ' mid_high.pexp172 && fail "mid_high: seq 284 expected"
partial none '"head+1"'
[ -s none.pexp ] && fail "clear_seq = head + 1 must give no text"
# an empty log says it may be incomplete (issue 16, as 1.7.2 does); a
# log with text does not
grep -q '^The dmesg log may be incomplete.$' none.pexp.out ||
	fail "empty log: no 'The dmesg log may be incomplete.' line"
grep -q 'may be incomplete' mid.pexp.out && fail "a whole log says it may be incomplete"
partial never 0
same never.pexp never.exp "clear_seq 0 = full log"
partial old 100
same old.pexp old.exp "clear_seq older than the tail = full log"

scenario st <<'J'
{"format": "structured", "log_buf_len": 2048, "gen": {"n": 80, "seed": 2}, "clear_seq": 70}
J
[ "$(wc -l <st.pexp)" -ge 10 ] || fail "st: expected at least 10 lines"
cmp -s st.pexp st.exp && fail "st: partial text equals the full text"
dmesg_ok st pexp --partial-dmesg
ref_ok st pexp --partial-dmesg
dmesg_ok st exp

scenario pl <<'J'
{"format": "plain", "log_buf_len": 1024, "gen": {"n": 20, "seed": 2}}
J
dmesg_ok pl pexp --partial-dmesg
same pl.pexp pl.exp "plain: --partial-dmesg prints the whole buffer"
ref_ok pl pexp --partial-dmesg
echo "partial ok"
