#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Interface details distributions depend on (README "Interface details"):
#  - message level bit 8 echoes the VMCOREINFO note as 1.7.x does, and
#    openSUSE's kdump-save gets OSRELEASE and CRASHTIME out of the standard
#    error of `makedumpfile -F --message-level 8 --dump-dmesg` (its parser,
#    IFS=" =" read KEY VALUE, reproduced here), the same values as from
#    Debian's 1.7.2;
#  - progress lines of every phase (memory holes, the struct-page scan,
#    copying) in 1.7.x's layout, each ending at 100 %, and a STEP line each;
#  - --show-stats has no made-up "Cache hit" line.
. "$(dirname "$0")/../lib.sh"
gen printk-ring.spec in.elf truth

# openSUSE's parse of the debug lines
suse_parse() {
	OSRELEASE="" CRASHTIME=""
	OLD_IFS=$IFS
	IFS=" ="
	while read -r KEY VALUE; do
		[ "$KEY" = CRASHTIME ] && CRASHTIME=$VALUE
		[ "$KEY" = OSRELEASE ] && OSRELEASE=$VALUE
	done < "$1"
	IFS=$OLD_IFS
	echo "OSRELEASE=$OSRELEASE CRASHTIME=$CRASHTIME"
}
"$MDF" -F -l --message-level 8 --dump-dmesg in.elf > dmesg.out 2> dmesg.err
rc=$?
[ "$rc" = 0 ] || { cat dmesg.err; fail "-F --message-level 8 --dump-dmesg: exit status $rc"; }
got=$(suse_parse dmesg.err)
[ "$got" = "OSRELEASE=6.1.0-56-amd64 CRASHTIME=1700000000" ] ||
	{ cat dmesg.err; fail "openSUSE's parse gives '$got'"; }
sed -n 's/^dmesg //p' truth | cmp -s - dmesg.out || fail "the log on standard output differs"
grep -q '^VMCOREINFO   :$' dmesg.err || fail "no 'VMCOREINFO   :' line"
# every key of the note is echoed, indented by two blanks
n=$(grep -c '^  [A-Z][A-Z_]*[(=]' dmesg.err)
[ "$n" -ge 100 ] || fail "only $n VMCOREINFO lines echoed"
# nothing but the log on standard output, no common messages at level 8
! grep -q 'makedumpfile Completed' dmesg.err || fail "level 8 printed common messages"
note "openSUSE's parse: $got ($n note lines echoed)"
if [ -n "$REF_MDF" ]; then
	"$REF_MDF" -F -l --message-level 8 --dump-dmesg in.elf > ref.out 2> ref.err
	want=$(suse_parse ref.err)
	[ "$got" = "$want" ] || fail "1.7.2's debug lines give '$want', ours '$got'"
	cmp -s ref.out dmesg.out || fail "the log differs from 1.7.2's"
	note "1.7.2 gives the same: $want"
fi

# progress lines (stderr, level 1) and STEP lines (level 16)
run_mdf prog -l -d 31 --message-level 17 in.elf out.kd
[ "$rc" = 0 ] || { cat prog.err; fail "-d 31 --message-level 17"; }
tr '\r' '\n' < prog.err > prog.lines
for label in "Checking for memory holes" "Excluding unnecessary pages" "Copying data"; do
	# "%-50s: [%3u.%u %%] %c  %16s" (REFERENCE.md 1.7)
	pat=$(printf '%-50s: \\[100\\.0 %%\\] [/|\\\\-]  ' "$label")
	grep -q "^$pat" prog.lines || { cat prog.lines; fail "no 100 % progress line for '$label'"; }
	grep -q "^STEP \[$(printf '%-27s' "$label")\] : [0-9]*\.[0-9]\{6\} seconds$" prog.out ||
		{ cat prog.out; fail "no STEP line for '$label'"; }
done
grep -q 'eta: ' prog.lines || fail "the copy phase shows no eta"
# nothing else on stderr
grep -v -E '^(Checking for memory holes|Excluding unnecessary pages|Copying data) +: \[' prog.lines |
	grep -v '^$' > other.err
[ ! -s other.err ] || { cat other.err; fail "stderr has more than progress lines"; }
note "progress lines of 3 phases, each to 100 %, with STEP times"

# --show-stats: the report block without a Cache hit line
run_mdf stats -l -d 31 --show-stats in.elf out2.kd
grep -q '^Write bytes     : [0-9]*$' stats.out || fail "no Write bytes line"
! grep -q 'Cache hit' stats.out || fail "a made-up Cache hit line"
echo "interface ok"
