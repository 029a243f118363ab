#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `makedumpfile -F --dump-dmesg VMCORE` writes the log text (not a flattened
# stream) to standard output, as Debian 1.7.2 does ("The dmesg log is saved
# to STDOUT."); messages go to stderr.  Lockless and structured logs.
. "$(dirname "$0")/../lib.sh"
DMESG_LIB=1
. "$TESTS/cases/dmesg_lib.sh"

for fmt in lockless structured; do
	scenario $fmt <<J
{"format": "$fmt", "count_bits": 5, "size_bits": 11, "log_buf_len": 2048,
 "gen": {"n": 100, "seed": 17}}
J
	[ -s $fmt.exp ] || fail "$fmt: empty expected text"
	run_mdf $fmt.F -F --dump-dmesg $fmt.elf
	no_crash $fmt.F; expect_rc 0 $fmt.F
	same $fmt.F.out $fmt.exp "$fmt: -F --dump-dmesg stdout"
	echo "ok: $fmt -F --dump-dmesg ($(wc -l <$fmt.F.out) lines on stdout)"
	if [ -n "$REF_MDF" ]; then
		timeout 30 "$REF_MDF" -F --dump-dmesg $fmt.elf >$fmt.ref.out 2>$fmt.ref.err ||
			{ cat $fmt.ref.err; fail "$fmt: reference -F --dump-dmesg failed"; }
		same $fmt.ref.out $fmt.exp172 "$fmt: reference -F --dump-dmesg"
		echo "ok: reference agrees"
	fi
done
echo "stdout ok"
