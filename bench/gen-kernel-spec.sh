#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a mkvmcore spec for a generated 6.1-like x86_64 machine of $1 MiB
# (default 8192) for the -d 31 benchmark: real page contents (half zero, a
# tenth random), and a class mix like a busy machine's: about half free
# (order-10 blocks), a quarter page cache, user pages, THP and slab, the rest
# kernel data. Class ranges start above the kernel image and the struct-page
# arrays the generator places low in memory.
mib=${1:-8192}
pfns=$((mib * 256))
base=$((pfns / 16))
[ $base -lt $((0x8000)) ] && base=$((0x8000))
n=$(((pfns - base) / 64))   # one 64th of the rest, in pfns
n=$((n / 1024 * 1024))      # whole order-10 blocks
at=$base
cls() {
	printf 'kpages 0x%x 0x%x %s\n' $at $(($2 * n)) "$1"
	at=$((at + $2 * n))
}
echo "kernel layout=6.1 ram=${mib}M levels=4 kaslr=0x19000000 fill=zero:45,random:10,text:15,pattern:20,mostlyzero:10"
cls cache 10
cls cache_private 4
cls anon 6
cls thp 2
cls "slab order=3" 2
cls "free order=10" 34
