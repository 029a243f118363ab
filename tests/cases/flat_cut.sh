#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 1800 (on a loaded 2-core machine)
# -R of a flattened stream cut at any point gives a file flagged incomplete
# (issue 16): our streams carry the header with the incomplete flag first
# and the finished header last, just before the end marker, and -R keeps
# the flag set in its output until the end marker has arrived and the data
# is synced.  For kdump-compressed and ELF streams, cut at 60 points spread
# over the stream, every byte of the last record headers and around the
# first records: exit 1, and the output absent or flagged incomplete.  The
# whole stream: exit 0, the same bytes as the direct dump, not flagged.
# 1.7.2's own streams (header written first, unflagged) get the same
# treatment from our -R.
. "$(dirname "$0")/../lib.sh"
gen small-vmci.spec in.elf
cut_all() {	# NAME STREAM DIRECT
	total=$(size_of "$2")
	pts=""
	i=0
	while [ $i -lt 60 ]; do pts="$pts $((total * i / 60))"; i=$((i + 1)); done
	i=1
	while [ $i -le 64 ]; do pts="$pts $((total - i))"; i=$((i + 1)); done
	for p in 4095 4096 4100 4111 4112 4113 4500 4576 4577 5000 8000; do
		[ $p -lt $total ] && pts="$pts $p"
	done
	for p in $pts; do
		rm -f "$1.out"
		head -c "$p" "$2" | timeout 60 "$MDF" -R "$1.out" >"$1.r.out" 2>"$1.r.err"
		rc=$?
		no_crash "$1.r"
		[ $rc = 1 ] || fail "$1 cut at $p of $total: exit $rc"
		if [ -s "$1.out" ]; then
			case $(dumpinfo "$1.out") in
			*incomplete=1*) ;;
			*) fail "$1 cut at $p of $total: output not flagged: $(dumpinfo "$1.out")" ;;
			esac
		fi
	done
	rm -f "$1.out"
	timeout 60 "$MDF" -R "$1.out" <"$2" >"$1.r.out" 2>"$1.r.err"; rc=$?
	expect_rc 0 "$1.r"
	cmp "$1.out" "$3" || fail "$1: -R of the whole stream differs from the direct dump"
	dumpinfo "$1.out" | grep -q 'incomplete=0' || fail "$1: complete stream flagged"
	echo "ok: $1: $(echo $pts | wc -w) cuts of $total bytes"
}
"$MDF" -F -c -d 1 in.elf >kd.flat 2>/dev/null || fail "-F failed"
run_mdf kddirect -c -d 1 in.elf kd.direct; expect_rc 0 kddirect
cut_all kd kd.flat kd.direct
"$MDF" -F -E -d 1 in.elf >elf.flat 2>/dev/null || fail "-F -E failed"
run_mdf elfdirect -E -d 1 in.elf elf.direct; expect_rc 0 elfdirect
cut_all elf elf.flat elf.direct
if [ -n "$REF_MDF" ]; then
	"$REF_MDF" -F -c -d 1 in.elf >ref.flat 2>/dev/null
	"$REF_MDF" -c -d 1 in.elf ref.direct >/dev/null 2>&1
	if [ -s ref.flat ] && [ -s ref.direct ]; then
		cut_all ref ref.flat ref.direct
	else
		note "the reference did not write a stream: its part skipped"
	fi
fi
