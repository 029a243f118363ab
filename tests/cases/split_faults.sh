#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Faults of --split and --reassemble: ENOSPC on one of several members and
# SIGTERM during a split dump end with exit 1, every member flagged
# incomplete, no thread or process left, nothing hanging, never more threads
# than --num-threads; --reassemble with a
# missing, duplicated, overlapping or foreign member gives one error line
# naming the file and writes nothing.
. "$(dirname "$0")/../lib.sh"

# 64 MiB of incompressible pages (incompressible: the files are large) in
# 8 MiB split blocks.
printf 'class 64\nmachine x86_64\nseed 9\ncpus 1\nload paddr=0x100000 size=64M vaddr=0xffff888000100000 fill=random:3,zero:1\n' >big.spec
gen big.spec big.elf
SB="--splitblock-size 8192"

# ENOSPC on the second of three members (a 4 MiB tmpfs)
mkdir mnt
if mount -t tmpfs -o size=4M tmpfs mnt 2>/dev/null; then
	trap 'umount mnt 2>/dev/null' EXIT
	MDF_TIMEOUT=120 run_mdf full --split $SB -c -d 0 big.elf a.kdump mnt/b.kdump c.kdump
	no_crash full; expect_rc 1 full; one_line_error full mnt/b.kdump
	for f in a.kdump mnt/b.kdump c.kdump; do
		case $(dumpinfo $f) in
		*incomplete=1*) note "$f: $(dumpinfo $f)" ;;
		*) fail "ENOSPC on one member: $f not flagged incomplete: $(dumpinfo $f)" ;;
		esac
	done
	umount mnt
	trap - EXIT
else
	note "cannot mount a tmpfs: the ENOSPC part is skipped"
fi

# SIGTERM in the middle. 256 MiB of incompressible pages take seconds, and
# the run is stopped (SIGSTOP) the moment its first member has data, so the
# SIGTERM is pending before the dump can finish, however fast the machine.
printf 'class 64\nmachine x86_64\nseed 11\ncpus 1\nload paddr=0x100000 size=256M vaddr=0xffff888000100000 fill=random:1\n' >huge.spec
gen huge.spec huge.elf
for threads in 1 2 4; do
	rm -f t$threads-*.kdump
	"$MDF" --split $SB --num-threads $threads -c -d 0 huge.elf t$threads-1.kdump \
		t$threads-2.kdump t$threads-3.kdump >term$threads.out 2>term$threads.err &
	pid=$!
	i=0
	while [ ! -s t$threads-1.kdump ] && [ $i -lt 400 ]; do sleep 0.01; i=$((i + 1)); done
	kill -STOP $pid || fail "SIGTERM: the run ended before it could be signalled"
	# --num-threads N threads in all, whatever the members (each writes
	# a member, or helps one: kdump_out.c kw_help)
	nt=$(ls /proc/$pid/task | wc -l)
	[ "$nt" -le "$threads" ] || fail "--num-threads $threads: $nt threads during the split dump"
	kill -TERM $pid
	kill -CONT $pid
	# nothing hangs: the run ends within a few seconds of the signal
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
	kill -0 $pid 2>/dev/null && { kill -KILL $pid; fail "SIGTERM: still running 10 s later"; }
	wait $pid
	rc=$?
	expect_rc 1 term$threads
	no_crash term$threads
	one_line_error term$threads
	for i in 1 2 3; do
		f=t$threads-$i.kdump
		[ -s $f ] || { note "$f: not started (empty)"; continue; }
		case $(dumpinfo $f) in
		*incomplete=1*) ;;
		*) fail "SIGTERM: $f not flagged incomplete: $(dumpinfo $f)" ;;
		esac
	done
	# no process of ours is left
	pgrep -f "t$threads-1.kdump" >/dev/null && fail "SIGTERM: a process is left behind"
	note "SIGTERM with --num-threads $threads ($nt threads): every member flagged"
done

# --reassemble: bad member sets
run_mdf ok --split $SB -c -d 1 big.elf m1 m2 m3
no_crash ok; expect_rc 0 ok
run_mdf other --split --splitblock-size 4096 -l -d 1 big.elf o1 o2 o3
expect_rc 0 other
cp m2 m2copy
bad_set() {
	_name=$1 _file=$2
	shift 2
	run_mdf $_name --reassemble "$@" $_name.out.kdump
	no_crash $_name; expect_rc 1 $_name; one_line_error $_name "$_file"
	[ ! -e $_name.out.kdump ] || fail "--reassemble $*: an output was written"
	echo "ok: $_name: $(cat $_name.errlines)"
}
bad_set missing m3 m1 m3
bad_set twice m2 m1 m2 m2 m3
bad_set copy m2copy m1 m2 m2copy m3
bad_set overlap o2 m1 o2 m3
bad_set foreign o2 m1 o2
bad_set notkdump big.elf m1 big.elf m3
echo "split faults ok"
