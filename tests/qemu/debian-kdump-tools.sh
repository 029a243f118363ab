#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's kdump-tools flow, unchanged, with our makedumpfile in a real kdump
# capture kernel (guest/debian.sh: --dump-dmesg, then
# `makedumpfile -F -c -d 31 /proc/vmcore | cat > dump-incomplete` and the
# rename; then the same dump killed halfway by SIGKILL and by SIGTERM).
# Checks on the host: exit statuses; the log equals Debian 1.7.2's from the
# same boot; the stream rearranged by our -R and by Debian's 1.7.2 -R gives
# the same file, which crash opens (panic, log, backtrace); a killed flow
# leaves a stream without an end marker that -R calls incomplete, exit 1.
#
#   usage: tests/qemu/debian-kdump-tools.sh [OUR_BINARY]   (default ./makedumpfile)
# Settings: see flows-lib.sh. Exit status 0 if every check passed.
set -uo pipefail
. "$(dirname "$0")/flows-lib.sh"
flow_start debian-kdump-tools "${1:-}"
# the kit's own run of Debian's 1.7.2 (-l -d 31, --dump-dmesg) in the same
# boot gives the reference log
export CAPTURE_MDF=1 COPY_VMCORE=${COPY_VMCORE:-0}
flow_run "$HERE/guest/debian.sh"

STAMP=$(rc_of stamp)
D=$C/var/crash/$STAMP
check "--dump-dmesg exit status 0" is_rc dmesg 0
check "makedumpfile -F -c -d 31 exit status 0 (and cat's)" eval 'is_rc dump 0 && is_rc cat 0'
check "renamed to dump.$STAMP, no dump-incomplete left" eval '[ -s "$D/dump.$STAMP" ] && [ ! -e "$D/dump-incomplete" ]'
# ours has the caller column of 1.7.5+ ("[    T123] "), 1.7.2's has none
check "the log equals Debian 1.7.2's --dump-dmesg of the same boot, but for the caller column" \
	eval 'awk -f "$HERE/dmesg-nocaller.awk" "$D/dmesg.$STAMP" > "$RESULT/dmesg-nocaller" &&
	      cmp "$RESULT/dmesg-nocaller" "$C/makedumpfile-dmesg.txt"'
note "log: $(wc -l < "$D/dmesg.$STAMP") lines; dump.$STAMP: $(stat -c %s "$D/dump.$STAMP") bytes (flattened)"

W=$RESULT/host
mkdir -p "$W"
"$OURS" -R "$W/dump.kdump" < "$D/dump.$STAMP" > "$W/R.log" 2>&1
check "our -R of the stream: exit status 0" test $? = 0
timeout 900 "$REF_MDF" -R "$W/dump-ref.kdump" < "$D/dump.$STAMP" > "$W/R-ref.log" 2>&1
check "Debian 1.7.2's -R of the stream: exit status 0" test $? = 0
check "both -R give the same file" cmp "$W/dump.kdump" "$W/dump-ref.kdump"
check "crash opens the rearranged dump (sys shows the sysrq panic, log, bt)" crash_opens "$W/dump.kdump"
[ -s "$W/dump.kdump.crash" ] && note "crash: $(grep -m1 'PANIC:' "$W/dump.kdump.crash" | sed 's/^ *//')"
if "$PY" -c 'import kdumpfile' 2>/dev/null; then
	"$PY" - "$W/dump.kdump" > "$W/libkdumpfile.txt" 2>&1 <<'PYEOF'
import sys, kdumpfile
k = kdumpfile.kdumpfile(sys.argv[1])
print(k.attr['file.format'], k.attr['linux.uts.release'])
PYEOF
	check "libkdumpfile opens it" grep -q '^diskdump ' "$W/libkdumpfile.txt"
fi

for sig in KILL TERM; do
	K=$C/killed-$sig
	rc=$(rc_of killed-$sig)
	note "killed by SIG$sig after $(stat -c %s "$K/dump-incomplete" 2>/dev/null) bytes; makedumpfile's status $rc"
	check "SIG$sig: the dump did not complete" eval '[ "$rc" != 0 ]'
	check "SIG$sig: the stream has no end marker" no_end_marker "$K/dump-incomplete"
	check "SIG$sig: -R in the capture kernel says incomplete, exit status 1" \
		eval 'is_rc R-killed-$sig 1 && grep -q "incomplete" "$K/R.log"'
	note "SIG$sig -R: $(grep -m1 'incomplete' "$K/R.log")"
	"$OURS" -R "$W/killed-$sig.kdump" < "$K/dump-incomplete" > "$W/R-killed-$sig.log" 2>&1
	check "SIG$sig: our -R on the host: exit status 1" test $? = 1
done
flow_end
