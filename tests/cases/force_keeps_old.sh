#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# -f never loses an old file to a run that fails (issue 16): the new dump
# goes to PATH.tmpXXXXXX beside the old one and is renamed over it only
# when it is finished.
#   - ENOSPC (1 MiB tmpfs holding an old dump): exit 1, the old dump intact,
#     no temporary file left, and the error says the old dump was kept and
#     that removing it would free the space;
#   - SIGTERM in the middle: the old dump intact;
#   - -L cap reached: the old dump intact (only a finished dump replaces it);
#   - success: the new dump replaces the old one, no temporary file left;
#   - through a symlink: the target is replaced, the link stays a link;
#   - /dev/null: written in place, not replaced.
. "$(dirname "$0")/../lib.sh"
gen small-vmci.spec small.elf
printf 'class 64\nmachine x86_64\nseed 5\nload paddr=0 size=4M fill=random:3,zero:1\n' >big.spec
gen big.spec big.elf
printf 'class 64\nmachine x86_64\nseed 3\ncpus 1\nload paddr=0x100000 size=256M vaddr=0xffff888000100000 fill=random:1\n' >huge.spec
gen huge.spec huge.elf
no_tmp() { ls -a "$1" | grep -q '\.tmp' && fail "$2: temporary file left: $(ls -a "$1")"; return 0; }

# an old, good dump
run_mdf old -c -d 1 small.elf old.kdump
expect_rc 0 old
sum_old=$(cksum <old.kdump)

# ENOSPC
mkdir mnt
if mount -t tmpfs -o size=1M tmpfs mnt 2>/dev/null; then
	trap 'umount mnt 2>/dev/null' EXIT
	cp old.kdump mnt/dump
	run_mdf nospc -f -c -d 1 big.elf mnt/dump
	no_crash nospc; expect_rc 1 nospc; one_line_error nospc mnt/dump
	[ "$(cksum <mnt/dump)" = "$sum_old" ] || fail "ENOSPC: the old dump was changed"
	no_tmp mnt nospc
	grep -q "old dump file ([0-9]* bytes) was kept; removing it would free its space" nospc.err ||
		fail "ENOSPC message: $(cat nospc.err)"
	# without the old file the same run keeps its partial dump, flagged
	rm mnt/dump
	run_mdf nospc2 -f -c -d 1 big.elf mnt/dump
	no_crash nospc2; expect_rc 1 nospc2
	dumpinfo mnt/dump | grep -q 'incomplete=1' || fail "partial dump: $(dumpinfo mnt/dump)"
	umount mnt; trap - EXIT
else
	note "cannot mount a tmpfs: ENOSPC part skipped"
fi

# SIGTERM in the middle of a -f run
cp old.kdump term.kdump
"$MDF" -f -c -d 0 huge.elf term.kdump >term.out 2>term.err &
pid=$!
# (the new file has no name until it is complete: wait until it has data)
i=0
while [ $i -lt 200 ]; do
	sz=$(stat -L -c %s /proc/$pid/fd/* 2>/dev/null | sort -n | tail -1)
	[ "${sz:-0}" -gt 1000000 ] && break
	sleep 0.05; i=$((i + 1))
done
kill -TERM $pid; wait $pid; rc=$?
expect_rc 1 term; no_crash term
[ "$(cksum <term.kdump)" = "$sum_old" ] || fail "SIGTERM: the old dump was changed"
no_tmp . term

# -L reached: the incomplete new dump does not replace the old one
cp old.kdump cap.kdump
run_mdf cap -f -c -d 1 -L 20000 big.elf cap.kdump
no_crash cap; expect_rc 1 cap
[ "$(cksum <cap.kdump)" = "$sum_old" ] || fail "-L: the old dump was changed"
no_tmp . cap

# success replaces
cp old.kdump new.kdump
run_mdf new -f -E -d 1 small.elf new.kdump
no_crash new; expect_rc 0 new
dumpinfo new.kdump | grep -q 'format=elf .*incomplete=0' || fail "not replaced: $(dumpinfo new.kdump)"
no_tmp . new

# through a symlink
mkdir real
cp old.kdump real/target.kdump
ln -s real/target.kdump link.kdump
run_mdf link -f -E -d 1 small.elf link.kdump
no_crash link; expect_rc 0 link
[ -L link.kdump ] || fail "the symlink was replaced by a file"
dumpinfo real/target.kdump | grep -q 'format=elf' || fail "target not replaced"
no_tmp real link

# a device is written in place
run_mdf null -f -c -d 1 small.elf /dev/null
no_crash null; expect_rc 0 null
[ -c /dev/null ] || fail "/dev/null is no longer a device"
echo "-f keeps the old file until the new one is complete"
