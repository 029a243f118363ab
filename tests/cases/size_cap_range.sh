#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 2400 (on a loaded 2-core machine)
# -L never writes more than -L bytes (issue 16, defect 5): -L 1 ... 600 for
# a kdump-compressed and an ELF dump.  Below the size of the format's first
# header (464 bytes for kdump, 64 for ELF64) the run is refused before
# anything is written: exit 1, one error line, no file.  At or above it
# the file is at most -L bytes, or absent when no page fit, and any file
# left says it is incomplete.  Before the fix -L 1 ... 463 (kdump) and
# -L 1 ... 63 (ELF) wrote the whole header past the cap.  The sanitizer
# build runs every 7th size.
. "$(dirname "$0")/../lib.sh"
gen small.spec in.elf
step=1
[ "$MDF_ASAN" = 1 ] && step=7
for fmt in kdump elf; do
	case $fmt in kdump) opts="-c -d 0" hdr=464 ;; elf) opts="-E -d 0" hdr=64 ;; esac
	L=1
	while [ $L -le 600 ]; do
		n=$fmt$L
		run_mdf "$n" $opts -L $L in.elf out.$fmt
		no_crash "$n"; expect_rc 1 "$n"
		if [ -e out.$fmt ]; then
			sz=$(size_of out.$fmt)
			[ "$sz" -le $L ] || fail "$n: file of $sz bytes exceeds -L $L"
			[ $L -ge $hdr ] || fail "$n: a file was written below the header size"
			check_partial out.$fmt
		fi
		if [ $L -lt $hdr ]; then
			one_line_error "$n"
			grep -q "smaller than the" "$n.err" || fail "$n: $(cat "$n.err")"
		fi
		rm -f out.$fmt
		L=$((L + step))
	done
done
# the same through a flattened stream: payload bytes never pass -L
run_mdf flat -F -c -d 0 -L 100 in.elf
no_crash flat; expect_rc 1 flat
[ "$(size_of flat.out)" -eq 0 ] || fail "-F -L 100 wrote a stream: $(size_of flat.out) bytes"
echo "size caps ok"
