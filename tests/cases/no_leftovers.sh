#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A run that fails before writing any page leaves nothing behind (issue 16,
# defect 4): --work-dir pointing at a missing directory, at /dev/null, at
# "", and --dump-dmesg on a dump whose ring is unusable, exit 1 with one
# error line and leave no output file, so a rerun without -f works.
# Before the fix each left a 0-byte output file and the rerun failed with
# "File exists".
. "$(dirname "$0")/../lib.sh"
gen small-vmci.spec in.elf
for wd in "$TESTTMP/missing/dir" /dev/null ""; do
	for fmt in "-c -d 1" "-l -d 31" "-F -c -d 1"; do
		n=wd$(printf '%s%s' "$wd" "$fmt" | cksum | cut -d' ' -f1)
		case $fmt in
		-F*) run_mdf "$n" $fmt --work-dir "$wd" in.elf; mv "$n.out" "$n.flat" ;;
		*) run_mdf "$n" $fmt --work-dir "$wd" in.elf out.kdump ;;
		esac
		no_crash "$n"; expect_rc 1 "$n"
		# (-F sends "makedumpfile Failed." to stderr too)
		case $fmt in -F*) ;; *) one_line_error "$n" ;; esac
		[ -e out.kdump ] && fail "$n: --work-dir '$wd' left $(ls -l out.kdump)"
		# a rerun without -f and without the bad --work-dir works
		case $fmt in -F*) continue ;; esac
		run_mdf "$n.again" $fmt in.elf out.kdump
		no_crash "$n.again"; expect_rc 0 "$n.again"
		rm -f out.kdump
	done
done
# --dump-dmesg where the log cannot be read (this generated kernel has no
# printk ring): exit 1, no file.
run_mdf dmesg --dump-dmesg in.elf log.txt
no_crash dmesg; expect_rc 1 dmesg; one_line_error dmesg
[ -e log.txt ] && fail "--dump-dmesg on an unusable ring left $(ls -l log.txt)"
# the same with -f over an old log: the old log is kept as it was
echo "old log" >log.txt
run_mdf dmesgf -f --dump-dmesg in.elf log.txt
no_crash dmesgf; expect_rc 1 dmesgf
[ "$(cat log.txt)" = "old log" ] || fail "-f --dump-dmesg failure lost the old log"
# no temporary files are left either
ls | grep -q '\.tmp' && fail "temporary files left: $(ls | grep '\.tmp')"
echo "no leftovers"
