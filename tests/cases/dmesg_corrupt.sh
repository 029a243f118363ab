#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Corrupted kernel logs (dmesg.h: "a corrupted log gives the records read so
# far, then an MDF_ERR_CORRUPT error"): lockless ring with the tail id far
# behind the head (a warning line and the newest count ids, exit 0), a stale descriptor id, a text_len past its block, an
# impossible geometry, descs/data pointers into unmapped memory; structured
# records with a cycle, log_first_idx past the buffer, a len leading
# outside it, a len shorter than the header, a text_len past the record.
# Each run: no hang (timeout), no sanitizer report, and either exit 0 with
# the generator's text (clipped/skipped records) or the valid records, exit
# 1 and one error line.
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"
MDF_TIMEOUT=60

# bad NAME: exit 1, one error line, and the records before the damage.
bad() {
	rm -f "$1.exp.txt"
	run_mdf "$1" --dump-dmesg "$1.elf" "$1.exp.txt"
	no_crash "$1"; expect_rc 1 "$1"
	one_line_error "$1"
	[ -f "$1.exp.txt" ] || : >"$1.exp.txt"
	same "$1.exp.txt" "$1.exp" "$1 (records before the damage)"
	# a cut log says so (issue 16, as 1.7.2 does)
	grep -q '^The dmesg log may be incomplete.$' "$1.out" ||
		fail "$1: no 'The dmesg log may be incomplete.' line"
	echo "ok: $1: $(wc -l <"$1.exp.txt") lines, then: $(cat "$1.errlines")"
}
# ring NAME CORRUPT_JSON: a wrapped 32-descriptor ring with one corruption
ring() {
	scenario "$1" <<J
{"format": "lockless", "count_bits": 5, "size_bits": 11, "gen": {"n": 200, "seed": 41},
 "corrupt": [$2]}
J
}
# log NAME CORRUPT_JSON: a wrapped structured log with one corruption
log() {
	scenario "$1" <<J
{"format": "structured", "log_buf_len": 2048, "gen": {"n": 90, "seed": 43},
 "corrupt": [$2]}
J
}

ring tail_far '{"kind": "tail_far"}'
[ "$(grep -c '^\[' tail_far.exp)" -ge 30 ] || fail "tail_far: expected 30+ records"
# dmesg.c (and its unit test): a warning, then the newest count ids, exit 0
dmesg_ok tail_far exp
one_line_error tail_far.exp
grep -q 'printing the last 32 ids' tail_far.exp.errlines || fail "tail_far: warning text"
ring stale '{"kind": "stale_id", "seq": -5}'
dmesg_ok stale exp
ref_ok stale exp
ring text_len '{"kind": "text_len", "seq": -3, "value": 65535}'
dmesg_ok text_len exp
ref_ok text_len exp
ring geom_size '{"kind": "geometry", "size_bits": 63}'
bad geom_size
ring geom_count '{"kind": "geometry", "count_bits": 40}'
bad geom_count
ring data_ptr '{"kind": "data_ptr"}'
bad data_ptr
ring descs_ptr '{"kind": "descs_ptr"}'
bad descs_ptr

log cycle '{"kind": "cycle", "seq": "after_wrap", "to": "first"}'
[ "$(grep -c '^\[' cycle.exp)" -ge 5 ] || fail "cycle: expected 5+ records"
bad cycle
log first_past '{"kind": "first_idx_past"}'
bad first_past
log len_past '{"kind": "len_past", "seq": -4}'
bad len_past
log short_len '{"kind": "short_len", "seq": -6}'
bad short_len
log st_text_len '{"kind": "text_len", "seq": -2, "value": 65535}'
# (1.7.2 reads text_len bytes past the record here; we clip to the record)
dmesg_ok st_text_len exp
echo "corrupted logs ok"
