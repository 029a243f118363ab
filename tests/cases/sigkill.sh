#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 3600 (on a loaded 2-core machine)
# SIGKILL at 20 seeded random moments during -c -d 1 of a generated 2 GiB
# vmcore (issue 16; a kill by the OOM killer or a watchdog looks the same):
#   - every file left on disk is flagged incomplete (kdump status 0x8), or
#     absent (a new output has no name until its flagged header is
#     written);
#   - python3-libkdumpfile opens what is left and reads the kept pages equal
#     to the input (lost pages fail), crash reports the incomplete flag;
#   - with -f over an existing good dump, the old dump is intact after every
#     kill, and no other file is left.
# The moments are uniform over the length of a complete run (seed
# MDF_KILL_SEED, default 16).  The sanitizer build: a 256 MiB vmcore and 6
# moments.
. "$(dirname "$0")/../lib.sh"
size=2G moments=20
[ "$MDF_ASAN" = 1 ] && size=256M moments=6
printf 'class 64\nmachine x86_64\nseed 9\ncpus 1\nload paddr=0x100000 size=%s vaddr=0xffff888000100000 fill=zero:4,text:2,random:1\n' $size >big.spec
gen big.spec big.elf
ms() { date +%s%3N; }
t0=$(ms)
MDF_TIMEOUT=1800 run_mdf timed -c -d 1 big.elf timed.kdump
expect_rc 0 timed
T=$(( $(ms) - t0 ))
rm -f timed.kdump
# the old dump -f runs must not lose: LZO, so a replacement would show
MDF_TIMEOUT=1800 run_mdf good -l -d 1 big.elf good.kdump
expect_rc 0 good
sum_good=$(cksum <good.kdump)
note "a complete run takes ${T} ms"
have_crash=0
command -v crash >/dev/null 2>&1 && have_crash=1
"$PY" -c 'import kdumpfile' 2>/dev/null && have_kdf=1 || have_kdf=0

# the kept part reads back equal to the input (kdumpfile), lost pages fail
read_back() {
	"$PY" - "$1" big.elf <<'P'
import struct, sys, kdumpfile
dump, src = sys.argv[1], sys.argv[2]
with open(src, 'rb') as f:
    eh = f.read(64)
    phoff, = struct.unpack_from('<Q', eh, 32)
    phnum, = struct.unpack_from('<H', eh, 56)
    loads = []
    for i in range(phnum):
        f.seek(phoff + 56 * i)
        p = f.read(56)
        if struct.unpack_from('<I', p, 0)[0] == 1:
            off, va, pa, fsz = struct.unpack_from('<QQQQ', p, 8)
            loads.append((pa, fsz, off))
    k = kdumpfile.kdumpfile(dump)
    ok = lost = 0
    pa0, fsz, off = loads[0]
    for pfn in range(0, fsz // 4096, 251):
        try:
            got = k.read(kdumpfile.KDUMP_MACHPHYSADDR, pa0 + pfn * 4096, 4096)
        except Exception:
            lost += 1
            continue
        f.seek(off + pfn * 4096)
        if got != f.read(4096):
            print('page 0x%x differs from the input' % (pa0 // 4096 + pfn))
            sys.exit(1)
        ok += 1
print('read back: %d pages equal to the input, %d lost' % (ok, lost))
P
}

seed=${MDF_KILL_SEED:-16}
i=0 killed=0 finished=0
while [ $i -lt $moments ]; do
	i=$((i + 1))
	seed=$(( (seed * 1103515245 + 12345) % 2147483648 ))
	# within the first 80% of the timed run, so that machine load rarely
	# lets a run finish first
	span=$(( T * 4 / 5 ))
	at=$(( 20 + seed % (span > 40 ? span - 20 : 20) ))
	secs=$(awk "BEGIN { printf \"%.3f\", $at / 1000 }")
	# a new output
	"$MDF" -c -d 1 big.elf k$i.kdump >k$i.out 2>k$i.err &
	pid=$!
	sleep "$secs"
	kill -KILL $pid 2>/dev/null
	wait $pid
	krc=$?
	if [ $krc = 0 ]; then
		# the run finished first (the machine was faster than the
		# timed run): then the dump must say it is complete
		dumpinfo k$i.kdump | grep -q 'incomplete=0' || fail "kill $i: finished run flagged"
		note "kill $i at ${at} ms: the run had finished"
		finished=$((finished + 1))
		rm -f k$i.kdump
		continue
	fi
	[ $krc = 137 ] || fail "kill $i: exit $krc, expected 137 (SIGKILL)"
	killed=$((killed + 1))
	if [ -e k$i.kdump ]; then
		info=$(dumpinfo k$i.kdump)
		case $info in
		*incomplete=1*) ;;
		*) fail "kill $i at ${at} ms: file not flagged incomplete: $info" ;;
		esac
		msg="flagged"
		if [ $have_kdf = 1 ]; then
			r=$(read_back k$i.kdump) || fail "kill $i: $r"
			msg="$msg, $r"
		fi
		if [ $have_crash = 1 ]; then
			crash -d1 --osrelease k$i.kdump 2>&1 | grep -q 'DUMP_DH_COMPRESSED_INCOMPLETE' ||
				fail "kill $i: crash does not report the incomplete flag"
			msg="$msg, crash: incomplete"
		fi
		note "kill $i at ${at} ms: $msg"
	else
		note "kill $i at ${at} ms: no file (killed before its header)"
	fi
	rm -f k$i.kdump
	# -f over the good dump
	cp good.kdump f.kdump
	"$MDF" -f -c -d 1 big.elf f.kdump >f$i.out 2>f$i.err &
	pid=$!
	sleep "$secs"
	kill -KILL $pid 2>/dev/null
	wait $pid
	frc=$?
	if [ $frc = 0 ]; then
		dumpinfo f.kdump | grep -q 'status=0x1 incomplete=0' || fail "kill $i: -f run finished: $(dumpinfo f.kdump)"
	else
		# the old dump, or - killed after the rename, before the exit -
		# the new one, complete; never anything in between
		if [ "$(cksum <f.kdump)" != "$sum_good" ]; then
			dumpinfo f.kdump | grep -q 'status=0x1 incomplete=0' ||
				fail "kill $i at ${at} ms: -f lost the old dump: $(dumpinfo f.kdump)"
			note "kill $i: killed after the rename: the new dump is complete"
		fi
	fi
	left=$(ls | grep '^f\.kdump\.' || true)
	for l in $left; do
		dumpinfo "$l" | grep -q 'incomplete=1' || fail "kill $i: $l not flagged"
	done
	rm -f f.kdump f.kdump.*
done
[ $killed -ge $((moments * 3 / 4)) ] || fail "only $killed of $moments runs were killed ($finished finished first)"
echo "$killed kills ($finished runs finished first): every file left is flagged incomplete or absent; -f kept the old dump"
