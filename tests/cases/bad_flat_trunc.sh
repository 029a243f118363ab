#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -R of a truncated flattened stream (cut inside a record header, inside a
# payload, and right before the end marker): exit 1, one error line; the
# partial file is flagged incomplete if it is a kdump file.
. "$(dirname "$0")/../lib.sh"
gen small.spec in.elf
"$MDF" -F -c -d 1 in.elf >full.flat 2>F.err || { cat F.err; fail "-F failed"; }
sz=$(size_of full.flat)
for cut in 4100 $((sz / 2)) $((sz - 16)) 4096 100; do
	head -c $cut full.flat >t$cut.flat
	run_mdf r$cut -R t$cut.kdump <t$cut.flat
	no_crash r$cut; expect_rc 1 r$cut; one_line_error r$cut
	check_partial t$cut.kdump
done
echo "truncated streams ok"
