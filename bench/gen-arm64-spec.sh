#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a mkvmcore spec for a generated arm64 machine of $1 MiB (default
# 8192) for the -d 31 benchmark: Debian 6.1's geometry (4 KiB pages, 48-bit
# VAs, KASLR, RAM from 1 GiB as on QEMU's virt board), and the page contents
# and class mix of bench/gen-kernel-spec.sh's x86_64 machine, so the two
# rows compare the same work per page. Classes start above the kernel image
# and the struct-page arrays, which the generator places low in RAM.
mib=${1:-8192}
pfns=$((mib * 256))
base=$((pfns / 16))
[ $base -lt $((0x8000)) ] && base=$((0x8000))
n=$(((pfns - base) / 64))   # one 64th of the rest, in pfns
n=$((n / 1024 * 1024))      # whole order-10 blocks
at=$base
cls() {
	printf 'a64pages 0x%x 0x%x %s\n' $at $(($2 * n)) "$1"
	at=$((at + $2 * n))
}
echo "arm64 layout=6.1 ram=${mib}M page=4k va=48 kaslr=0x5dd33da00000 fill=zero:45,random:10,text:15,pattern:20,mostlyzero:10"
cls cache 10
cls cache_private 4
cls anon 6
cls thp 2
cls "slab order=3" 2
cls "free order=10" 34
