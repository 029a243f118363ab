#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Example CI check of makedumpfile against synthetic vmcores
# (makedumpfile-mkvmcore(1)): generate a 6.1-like machine, dump it at
# several dump levels and compare the --show-stats page counts with the
# generator's ground truth ("expect" lines); generate a machine with a
# kernel log and compare --dump-dmesg with the truth's "dmesg" lines.
#
#   usage: ci-synthetic-vmcore.sh [SPEC_DIR]
#
# SPEC_DIR holds kernel-6.1.spec and printk-ring.spec (default: this
# script's folder, as installed in /usr/share/doc/makedumpfile/examples).
# Environment: MAKEDUMPFILE (default makedumpfile), MKVMCORE (default
# makedumpfile-mkvmcore), LEVELS (default "0 1 2 4 8 16 31"), CODEC
# (default -l). Prints one line per check; exit status 0 if all pass.
set -u
SPECS=${1:-$(cd "$(dirname "$0")" && pwd)}
MAKEDUMPFILE=${MAKEDUMPFILE:-makedumpfile}
MKVMCORE=${MKVMCORE:-makedumpfile-mkvmcore}
LEVELS=${LEVELS:-0 1 2 4 8 16 31}
CODEC=${CODEC:--l}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mdf-ci.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
failed=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; failed=1; }

# stats FILE: the --show-stats counts as "key=value ..." (decimal), named
# as the generator's "expect" lines name them
stats() {
	awk -F' *: *' '
		function num(s) { return s + 0 }
		/^Original pages/            { o = o " original=" num($2) }
		/^ *Excluded pages/          { o = o " excluded=" num($2) }
		/Pages filled with zero/     { o = o " zero=" num($2) }
		/Non-private cache pages/    { o = o " cache=" num($2) }
		/^ *Private cache pages/     { o = o " cache_private=" num($2) }
		/User process data pages/    { o = o " user=" num($2) }
		/^ *Free pages/              { o = o " free=" num($2) }
		/Hwpoison pages/             { o = o " hwpoison=" num($2) }
		/Offline pages/              { o = o " offline=" num($2) }
		/^ *Remaining pages/         { o = o " remaining=" num($2) }
		END { print substr(o, 2) }' "$1"
}

# 1. page counts per dump level
if ! "$MKVMCORE" "$SPECS/kernel-6.1.spec" "$WORK/vmcore" --truth "$WORK/truth"; then
	bad "makedumpfile-mkvmcore kernel-6.1.spec"
	exit 1
fi
for L in $LEVELS; do
	out=$WORK/dump-$L
	if ! "$MAKEDUMPFILE" $CODEC -d "$L" --message-level 18 "$WORK/vmcore" "$out" \
		> "$WORK/stats-$L" 2>&1; then
		bad "-d $L: makedumpfile failed: $(tail -1 "$WORK/stats-$L")"
		continue
	fi
	tail -1 "$WORK/stats-$L" | grep -qx 'makedumpfile Completed.' ||
		bad "-d $L: no 'makedumpfile Completed.' line"
	# awk implementations differ on hex numbers: convert with printf
	while IFS= read -r line; do
		case $line in
		*": 0x"*) printf '%s: %d\n' "${line%%: 0x*}" "0x${line##*: 0x}" 2>/dev/null ||
				printf '%s\n' "$line" ;;
		*) printf '%s\n' "$line" ;;
		esac
	done < "$WORK/stats-$L" > "$WORK/stats-$L.dec"
	got=$(stats "$WORK/stats-$L.dec")
	want=$(sed -n "s/^expect level=$L //p" "$WORK/truth")
	if [ "$got" = "$want" ]; then
		ok "-d $L: $got"
	else
		bad "-d $L: makedumpfile reports: $got"
		echo "     the truth says:         $want"
	fi
done

# 2. the kernel log
if "$MKVMCORE" "$SPECS/printk-ring.spec" "$WORK/vmcore-log" --truth "$WORK/truth-log" &&
   "$MAKEDUMPFILE" --dump-dmesg "$WORK/vmcore-log" "$WORK/dmesg.txt" > "$WORK/dmesg.log" 2>&1; then
	sed -n 's/^dmesg //p' "$WORK/truth-log" > "$WORK/dmesg.want"
	if cmp -s "$WORK/dmesg.want" "$WORK/dmesg.txt"; then
		ok "--dump-dmesg: $(wc -l < "$WORK/dmesg.txt") lines as the truth says"
	else
		bad "--dump-dmesg differs from the truth:"
		diff "$WORK/dmesg.want" "$WORK/dmesg.txt" | head -20
	fi
else
	bad "--dump-dmesg: $(tail -1 "$WORK/dmesg.log" 2>/dev/null)"
fi
exit $failed
