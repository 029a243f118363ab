# SPDX-License-Identifier: GPL-2.0-or-later
# Bounded memory and cycle independence on kernel-like images.
# 1. A 32 GiB 6.12-like machine (tests/specs/kernel-32g.spec, written
#    sparsely, ~60 MiB of disk): -d 31 with --cyclic-buffer 4096 keeps peak
#    RSS under 64 MiB while the struct-page scan runs over all 8 Mi pfns
#    (--show-stats: 0x7a0000 free pages); the kept set equals the truth.
# 2. Outputs are byte-identical across cyclic buffer sizes (4096 KiB = one
#    cycle, 64 KiB = 16 cycles, 1 KiB = 1024 cycles on 32 GiB; 1 KiB = 3
#    cycles on the 96 MiB 6.1 layout).
. "$(dirname "$0")/../lib.sh"

# small layout, several cycles
gen kernel-6.1.spec k61.elf k61.truth
for cb in 4096 1; do
	run_mdf c$cb -d 31 --cyclic-buffer $cb k61.elf c$cb.kdump
	no_crash c$cb
	expect_rc 0 c$cb
done
cmp c4096.kdump c1.kdump || fail "6.1: output differs between --cyclic-buffer 4096 and 1"
"$PY" "$TESTS/kernel_check.py" k61.truth c1.kdump 31 || fail "6.1 cyclic: kept set differs"
rm -f k61.elf ./*.kdump

if [ "$MDF_ASAN" = 1 ]; then
	echo "ASan build: 32 GiB RSS check not meaningful (shadow memory); done"
	exit 0
fi
[ -x /usr/bin/time ] || skip "/usr/bin/time missing"
gen kernel-32g.spec big.elf big.truth
echo "# input $(size_of big.elf) bytes, $(du -k big.elf | cut -f1) KiB on disk"
for cb in 4096 64 1; do
	timeout -k 5 300 /usr/bin/time -f 'maxrss %M' "$MDF" -d 31 \
		--cyclic-buffer $cb --show-stats big.elf b$cb.kdump >b$cb.out 2>b$cb.err
	rc=$?
	no_crash b$cb
	expect_rc 0 b$cb
	rss=$(grep -o 'maxrss [0-9]*' b$cb.err | cut -d' ' -f2)
	echo "cyclic-buffer $cb KiB: peak RSS $rss KiB"
	[ "$rss" -lt 65536 ] || fail "peak RSS $rss KiB >= 64 MiB with --cyclic-buffer $cb"
	grep -q 'Free pages *: 0x0*7a0000$' b$cb.out ||
		{ cat b$cb.out; fail "--show-stats: free pages is not 0x7a0000 (scan did not cover all pfns)"; }
done
"$PY" "$TESTS/kernel_check.py" big.truth b4096.kdump 31 || fail "32 GiB: kept set differs"
cmp b4096.kdump b64.kdump || fail "32 GiB: output differs between cyclic buffers 4096 and 64"
cmp b4096.kdump b1.kdump || fail "32 GiB: output differs between cyclic buffers 4096 and 1"
echo "ok"
