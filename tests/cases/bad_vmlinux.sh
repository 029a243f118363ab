#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Bad debug input through the command line (-g and -x for dumping, -i): a
# vmlinux without DWARF (stripped), a truncated one, a non-ELF file, an empty
# and a missing one; a -i file with garbage lines or without OSRELEASE. Each:
# exit 1, one error line naming the file, no crash. And the good vmlinux-like
# file built here does produce a -g file. (The real vmlinux: x-vmlinux-real.)
. "$(dirname "$0")/../lib.sh"
command -v gcc >/dev/null 2>&1 || skip "gcc missing"
src=$TESTS/dwarf
gcc -g -gdwarf-5 -O0 -nostdlib -static -no-pie -o vml "$src/decoy.c" "$src/kernel_like.c" ||
	fail "cannot build the vmlinux-like fixture"
run_mdf good -g good.txt -x vml
expect_rc 0 good
grep -q '^OSRELEASE=' good.txt || fail "-g output has no OSRELEASE"
grep -q '^SIZE(page)=' good.txt || fail "-g output has no SIZE(page)"

cp vml stripped && strip --strip-debug stripped
head -c 3000 vml >truncated
printf 'this is not an ELF file\n' >notelf
: >empty
for bad in stripped truncated notelf empty missing; do
	run_mdf g$bad -g g$bad.txt -x $bad
	no_crash g$bad; expect_rc 1 g$bad; one_line_error g$bad $bad
	[ -s g$bad.txt ] && fail "-g wrote a VMCOREINFO file from $bad"
	echo "ok: -g -x $bad: $(cat g$bad.errlines)"
done

# -x and -i on a dump
gen small-vmci.spec in.elf
for bad in stripped notelf; do
	run_mdf x$bad -l -d 31 -x $bad in.elf x$bad.kdump
	no_crash x$bad; expect_rc 1 x$bad; one_line_error x$bad $bad
	echo "ok: -x $bad: $(cat x$bad.errlines)"
done
printf 'OSRELEASE=6.1.0-56-amd64\nPAGESIZE=4096\nthis line is garbage\n' >garbage.vmci
printf 'PAGESIZE=4096\nSIZE(page)=64\n' >norelease.vmci
for bad in garbage norelease; do
	run_mdf i$bad -l -d 31 -i $bad.vmci in.elf i$bad.kdump
	no_crash i$bad; expect_rc 1 i$bad; one_line_error i$bad
	grep -q "$bad.vmci\|OSRELEASE" i$bad.errlines || fail "-i $bad: error names neither the file nor the key"
	echo "ok: -i $bad: $(cat i$bad.errlines)"
done
echo "bad debug input ok"
