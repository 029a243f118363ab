#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# openSUSE's kdump flow (kdump-save), unchanged, with our makedumpfile in a
# real kdump capture kernel (guest/opensuse.sh): `makedumpfile -F -l
# --message-level 8 --dump-dmesg /proc/vmcore > fifo`, OSRELEASE= and
# CRASHTIME= taken from its standard error with kdump-save's own parser,
# then the flattened -l -d 31 dump. Checks on the host: exit statuses; the
# parsed OSRELEASE and CRASHTIME are the crashed kernel's (uname -r of the
# first kernel, the note's CRASHTIME) and what Debian's 1.7.2 gives in the
# same boot; the log equals 1.7.2's; the dump rearranges and crash opens it.
#
#   usage: tests/qemu/opensuse-kdump.sh [OUR_BINARY]   (default ./makedumpfile)
# Settings: see flows-lib.sh. Exit status 0 if every check passed.
set -uo pipefail
. "$(dirname "$0")/flows-lib.sh"
flow_start opensuse-kdump "${1:-}"
export CAPTURE_MDF=0 COPY_VMCORE=0
flow_run "$HERE/guest/opensuse.sh"

D=$C/$(awk '$1 == "dumpdir" {print $2}' "$C/flow-rc.txt")
OSREL=$(awk '$1 == "osrelease" {print $2}' "$C/flow-rc.txt")
CTIME=$(awk '$1 == "crashtime" {print $2}' "$C/flow-rc.txt")
check "--dump-dmesg: exit status 0, and the fifo's reader's" eval 'is_rc dmesg 0 && is_rc save_dmesg 0'
FIRST=$(cat "$RESULT/first/uname.txt" 2>/dev/null | awk '{print $3}')
note "parsed: OSRELEASE=$OSREL CRASHTIME=$CTIME ($(date -u -d @"$CTIME" +%FT%TZ 2>/dev/null)); the first kernel's uname: $(cat "$RESULT/first/uname.txt" 2>/dev/null)"
check "OSRELEASE is the crashed kernel's release" eval '[ -n "$OSREL" ] && grep -qw -- "$OSREL" "$RESULT/first/uname.txt"'
# Debian's 1.7.2 in the same boot, parsed the same way
REF=$(IFS=" ="; while read -r K V; do [ "$K" = OSRELEASE ] && o=$V; [ "$K" = CRASHTIME ] && t=$V; done < "$C/ref-stderr"; echo "$o $t")
note "Debian 1.7.2 gives: OSRELEASE CRASHTIME = $REF"
check "OSRELEASE and CRASHTIME equal Debian 1.7.2's" test "$OSREL $CTIME" = "$REF"
check "CRASHTIME is a time during the run (after the first kernel's boot records)" \
	eval '[ "$CTIME" -gt 1600000000 ] 2>/dev/null'
# ours has the caller column of 1.7.5+ ("[    T123] "), 1.7.2's has none
check "the log equals Debian 1.7.2's but for the caller column" \
	eval 'awk -f "$HERE/dmesg-nocaller.awk" "$D/dmesg" > "$RESULT/dmesg-nocaller" &&
	      cmp "$RESULT/dmesg-nocaller" "$C/ref-dmesg"'
check "README.txt has the kernel version and the crash time" \
	eval 'grep -q "^Kernel version: $OSREL$" "$D/README.txt" && grep -q "^Crash time: 2[0-9-]*T[0-9:]*$" "$D/README.txt"'
check "the dump: exit status 0, and the fifo's reader's" eval 'is_rc vmcore 0 && is_rc save_vmcore 0'
W=$RESULT/host
mkdir -p "$W"
"$OURS" -R "$W/vmcore.kdump" < "$D/vmcore" > "$W/R.log" 2>&1
check "our -R of the dump: exit status 0" test $? = 0
check "crash opens it" crash_opens "$W/vmcore.kdump"
flow_end
