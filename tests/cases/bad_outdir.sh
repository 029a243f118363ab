#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Output directory not writable.  chmod does not stop root, so: a path whose
# "directory" is a regular file (ENOTDIR), and a read-only tmpfs (EROFS,
# skipped if it cannot be mounted).  Exit 1, one error line naming the
# output, nothing written.
. "$(dirname "$0")/../lib.sh"
gen small.spec in.elf
echo x >notadir
run_mdf notdir -c -d 1 in.elf notadir/out.kdump
no_crash notdir; expect_rc 1 notdir; one_line_error notdir notadir/out.kdump
mkdir ro
if mount -t tmpfs -o ro,size=1M tmpfs ro 2>/dev/null; then
	trap 'umount ro 2>/dev/null' EXIT
	run_mdf rofs -c -d 1 in.elf ro/out.kdump
	no_crash rofs; expect_rc 1 rofs; one_line_error rofs ro/out.kdump
	run_mdf rofsE -E -d 1 in.elf ro/out.elf
	no_crash rofsE; expect_rc 1 rofsE; one_line_error rofsE ro/out.elf
else
	note "cannot mount a read-only tmpfs; EROFS part skipped"
fi
echo "unwritable output ok"
