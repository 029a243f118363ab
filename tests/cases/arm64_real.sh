#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The host-side checks of a real arm64 dump (tests/qemu/arm64-check.sh: page
# set against Debian's arm64 1.7.2 in the capture kernel, dmesg, drgn task
# walk, -x with the note hidden, codecs, threads, -E, --mem-usage, --vtop).
# Needs a result folder of tests/qemu/arm64-compare.sh in MDF_ARM64_RESULT
# and its debug vmlinux (MDF_ARM64_VMLINUX, default the kit's
# /work/qk/vmlinux-6.1.0-56-arm64); skipped otherwise.
. "$(dirname "$0")/../lib.sh"
need_py
R=${MDF_ARM64_RESULT:-}
[ -n "$R" ] && [ -f "$R/vmcore.elf" ] || skip "no arm64 result folder (MDF_ARM64_RESULT)"
V=${MDF_ARM64_VMLINUX:-/work/qk/vmlinux-6.1.0-56-arm64}
[ -s "$V" ] || skip "no arm64 debug vmlinux ($V)"
[ "$MDF_ASAN" = 1 ] && note "sanitizer build: the checks take a few minutes"
# a private copy of the folder's inputs: the checks write into RESULT/host
mkdir -p r/capture r/first
ln -s "$R/vmcore.elf" r/vmcore.elf
cp "$R/capture/makedumpfile-d31-lzo.kdump" "$R/capture/makedumpfile-dmesg.txt" r/capture/
[ -f "$R/first/iomem.txt" ] && cp "$R/first/iomem.txt" r/first/
sh "$TESTS/qemu/arm64-check.sh" "$TESTTMP/r" "$V" "$MDF" || fail "arm64 real-dump checks failed"
