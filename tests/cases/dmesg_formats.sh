#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --dump-dmesg on generated vmcores, one per kernel log format
# (REFERENCE.md 9.1-9.3): plain text buffer (< 3.5, unwrapped and wrapped so
# the oldest line is cut), structured printk_log records (with and without
# caller_id) and the older `log` struct, the lockless ring; an empty log of
# each; a log whose newest record is cut by the wrap (structured: len-0
# marker and the record at index 0; lockless: a data block crossing the
# ring's end).  Our output must equal the generator's text, and so must
# Debian makedumpfile 1.7.2's where it is installed.
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"

both() { dmesg_ok "$1" exp; ref_ok "$1" exp; }

scenario plain <<'J'
{"format": "plain", "log_buf_len": 4096,
 "records": [{"text": "<6>Linux version 2.6.32 (test)\n"},
	     {"text": "<4>odd bytes \u00e2\u0080\u0099 \u0007 kept raw\n"}]}
J
has_stat wrapped=0
both plain

scenario plain_wrap <<'J'
{"format": "plain", "log_buf_len": 1024, "gen": {"n": 60, "seed": 3},
 "tail": "partial line without newline"}
J
has_stat wrapped=1
both plain_wrap

# 1.7.2 fails on an empty plain buffer ("Can't read dmesg log.", it reads
# 0 bytes); we write an empty file, so no reference check here.
scenario plain_empty <<'J'
{"format": "plain"}
J
dmesg_ok plain_empty exp

scenario structured <<'J'
{"format": "structured", "log_buf_len": 8192, "caller": true,
 "records": [{"text": "Linux version 5.4.0", "ts": 0, "caller": 7, "dict": "SUBSYSTEM=pci"},
	     {"text": "two\nlines", "ts": 2000001000, "level": 3}],
 "gen": {"n": 20, "seed": 9}}
J
has_stat wraps=0
both structured

scenario structured_wrap <<'J'
{"format": "structured", "log_buf_len": 2048, "gen": {"n": 150, "seed": 4}}
J
case $stats in *" wraps=0 "*) fail "structured_wrap did not wrap: $stats" ;; esac
both structured_wrap

scenario structured_old <<'J'
{"format": "structured-old", "log_buf_len": 2048, "gen": {"n": 40, "seed": 6}}
J
both structured_old

scenario structured_empty <<'J'
{"format": "structured"}
J
[ -s structured_empty.exp ] && fail "empty log has expected text"
both structured_empty

scenario structured_lastcut <<'J'
{"format": "structured", "log_buf_len": 2048, "gen": {"n": 30, "seed": 8},
 "records": [], "last_wraps": true}
J
has_stat last_wrapped=1
both structured_lastcut

scenario lockless <<'J'
{"format": "lockless", "count_bits": 5, "size_bits": 12,
 "records": [{"text": "Linux version 6.1.0", "ts": 0, "caller": 2147483649},
	     {"text": "multi\nline\n", "ts": 999}],
 "gen": {"n": 20, "seed": 2}}
J
has_stat visible=22
both lockless

scenario lockless_empty <<'J'
{"format": "lockless", "count_bits": 4, "size_bits": 10}
J
[ -s lockless_empty.exp ] && fail "empty log has expected text"
both lockless_empty

scenario lockless_lastcut <<'J'
{"format": "lockless", "count_bits": 5, "size_bits": 10, "gen": {"n": 25, "seed": 12},
 "last_wraps": true}
J
has_stat last_wrapped=1
both lockless_lastcut
echo "all formats ok"
