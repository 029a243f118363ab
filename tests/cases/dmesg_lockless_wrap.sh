#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A wrapped lockless ring (REFERENCE.md 9.3) with records in every state:
# ids past 2^32 (the boot id is computed in 32 bits), descriptors made
# reusable by both ring wraps, reserved and committed records at the head,
# a reusable record among finalized ones, data-less records (NO_LPOS and
# FAILED_LPOS), data blocks that wrap to the ring's start, and a clear_seq
# behind the latch's second slot.  Only committed and finalized records with
# data are printed.  Checked against the generator's text and Debian 1.7.2.
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"

scenario ring <<'J'
{"format": "lockless", "count_bits": 5, "size_bits": 10, "gen": {"n": 300, "seed": 21},
 "states": {"-1": "reserved", "-2": "committed", "-3": "reserved", "-5": "committed",
	    "-9": "reusable"},
 "no_data": {"-4": "none", "-7": "failed"}}
J
for w in reserved=2 committed=2 dataless=2; do has_stat $w; done
case $stats in *" wrapped_blocks=0 "*|*" reusable=0 "*|*" reusable=1 "*) fail "ring: $stats" ;; esac
case $stats in *"head_id=0x1"*) ;; *) fail "ring: ids did not pass 2^32: $stats" ;; esac
dmesg_ok ring exp
ref_ok ring exp

# Many more records than descriptors, text ring the limit (count 2^8).
scenario big <<'J'
{"format": "lockless", "count_bits": 8, "size_bits": 14, "gen": {"n": 2000, "seed": 5},
 "states": {"-1": "committed"}}
J
case $stats in *" wrapped_blocks=0 "*) fail "big: no wrapped block: $stats" ;; esac
dmesg_ok big exp
ref_ok big exp
echo "wrapped ring ok"
