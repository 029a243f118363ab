#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Makes the seeds of fuzz_split (tests/fuzz/corpus/split/) from split sets
# of a small generated vmcore: 2, 3 and 4 members, each codec, packed as
# fuzz_split.c reads them (a member-count byte, then each member but the
# last as a 4-byte little-endian length and its bytes, then the last).
# Usage: sh tests/fuzz/mk_split_seeds.sh [BUILD_DIR]   (default build)
set -eu
B=${1:-build}
top=$(pwd)
out=$top/tests/fuzz/corpus/split
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
cd "$tmp"
printf 'class 64\nmachine x86_64\nseed 5\ncpus 1\nload paddr=0x100000 size=32K vaddr=0xffff888000100000 fill=random:1,zero:1\n' >s.spec
"$top/$B/tests/mkvmcore" s.spec s.elf >/dev/null
for n in 2 3 4; do
	for c in none -c -l -p -z; do
		opt=$c
		[ "$c" = none ] && opt=
		set --
		i=1
		while [ $i -le $n ]; do set -- "$@" m$i; i=$((i + 1)); done
		rm -f m*
		"$top/$B/makedumpfile" --split --splitblock-size 1 $opt -d 0 s.elf "$@" >/dev/null 2>&1
		python3 - "$out/set$n$c" "$@" <<'PY'
import struct, sys
dst, members = sys.argv[1], sys.argv[2:]
blob = bytes([len(members) - 2])
for i, m in enumerate(members):
    data = open(m, 'rb').read()
    if i + 1 < len(members):
        blob += struct.pack('<I', len(data))
    blob += data
open(dst, 'wb').write(blob)
PY
	done
done
ls -la "$out"
