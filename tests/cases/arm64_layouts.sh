#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generated arm64 machines (tests/specs/arm64-*.spec, tests/mkvmcore_arm64.h):
# 4K/48-bit with KASLR (image and linear map), 64K/52-bit with 52-bit PAs,
# 64K 52-bit kernel on 48-bit hardware, 16K/47-bit, 4K/52-bit (5 levels,
# LPA2), 4.19's pre-5.4 layout (4K/39-bit) and 64K/42-bit (2 levels, pages
# only). For each:
#  * every dump level 0..31: bitmap 2 equals the generator's ground truth
#    (tests/kernel_check.py), python3-libkdumpfile reads every kept page
#    equal to the input (tests/check_dump.py), and --show-stats counts what
#    the truth's expect line says; under ASan levels 0 1 16 31;
#  * --vtop of the generator's sample addresses (image, linear map blocks,
#    vmemmap, mem_section) prints the truth's physical address after as
#    many table levels as the leaf's size implies;
#  * the kdump header carries utsname.machine "aarch64" and the page size
#    as its block size, and libkdumpfile names the architecture aarch64.
# On one 64 KiB and one 4 KiB machine also: -c, -p, -z with 2 threads, ELF
# output (-E), and --mem-usage's FREE and USER counts against the truth.
. "$(dirname "$0")/../lib.sh"
need_py

CONFIGS="4k48 64k52 64k52on48 16k47 4k52 4k39-419 64k42"
if [ "$MDF_ASAN" = 1 ]; then LEVELS="0 1 16 31"; else LEVELS=$(seq 0 31); fi

# one_config NAME: all checks of one machine, one line per passed check
one_config() {
	_c=$1
	gen arm64-$_c.spec $_c.elf $_c.truth
	for d in $LEVELS; do
		run_mdf r$_c-$d -d "$d" --show-stats $_c.elf $_c-$d.kdump
		no_crash r$_c-$d
		expect_rc 0 r$_c-$d
		"$PY" "$TESTS/kernel_check.py" $_c.truth $_c-$d.kdump "$d" \
			--excluded-out $_c-$d.excl >$_c-$d.chk ||
			{ cat $_c-$d.chk; fail "$_c -d $d: kept set differs from the truth"; }
		zflag=
		[ $((d & 1)) = 1 ] && zflag=--expect-zero-excluded
		check_dump $_c.elf $_c-$d.kdump --excluded $_c-$d.excl $zflag --quiet >$_c-$d.cd ||
			{ cat $_c-$d.cd; fail "$_c -d $d: page contents differ"; }
		# the report's counts equal the truth's "expect" line of the level
		"$PY" - r$_c-$d.out $_c.truth "$d" <<'PYEOF' || fail "$_c -d $d: --show-stats differs from the truth"
import re, sys
out, truth, level = open(sys.argv[1]).read(), open(sys.argv[2]).read(), sys.argv[3]
want = dict(kv.split('=') for kv in re.search(r'^expect level=%s (.*)$' % level, truth, re.M).group(1).split())
keys = {'Original pages': 'original', 'Excluded pages': 'excluded',
        'Pages filled with zero': 'zero', 'Non-private cache pages': 'cache',
        'Private cache pages': 'cache_private', 'User process data pages': 'user',
        'Free pages': 'free', 'Hwpoison pages': 'hwpoison', 'Offline pages': 'offline',
        'Remaining pages': 'remaining'}
for label, key in keys.items():
    got = int(re.search(r'%s *: 0x([0-9a-f]+)' % label, out).group(1), 16)
    if got != int(want[key]):
        print('%s: %d, truth %s' % (label, got, want[key])); sys.exit(1)
PYEOF
		echo "$_c -d $d: $(cat $_c-$d.chk), report as the truth's expect line"
		[ "$d" = 31 ] || rm -f $_c-$d.kdump
	done
	levels=$(sed -n 's/^kernel arch=arm64 .* levels=\([0-9]\) .*/\1/p' $_c.truth)
	ps=$(sed -n 's/^kernel arch=arm64 page=\([0-9]*\) .*/\1/p' $_c.truth)
	pshift=$(awk -v p="$ps" 'BEGIN { s = 0; while (2 ^ s < p) s++; print s }')
	n=0
	while read -r _ va pa size; do
		n=$((n + 1))
		run_mdf v$_c-$n --vtop "$va" -d 1 --dry-run $_c.elf out.kdump
		expect_rc 0 v$_c-$n
		got=$(awk 'p { print $2; exit } /^VIRTUAL/ { p = 1 }' v$_c-$n.out)
		[ "0x$got" = "$pa" ] || { cat v$_c-$n.out; fail "$_c --vtop $va: 0x$got, truth $pa"; }
		# a leaf of 2^s bytes ends the walk after levels - (s - pshift) / (pshift - 3) steps
		steps=$(grep -cE '^  (PGD|P4D|PUD|PMD|PTE) :' v$_c-$n.out)
		want=$(awk -v l="$levels" -v sz="$size" -v p="$pshift" \
			'BEGIN { s = 0; while (2 ^ s < sz) s++; print l - (s - p) / (p - 3) }')
		[ "$steps" = "$want" ] ||
			{ cat v$_c-$n.out; fail "$_c --vtop $va: $steps levels, truth $want (leaf $size)"; }
	done <<EOF
$(grep '^vtop ' $_c.truth)
EOF
	[ "$n" -ge 4 ] || fail "$_c: only $n vtop samples in the truth"
	echo "$_c vtop: $n addresses as the truth"
	# header (REFERENCE.md 2.2): utsname at 12, machine its 5th field;
	# block_size at 428
	"$PY" - $_c-31.kdump "$ps" <<'PYEOF' || fail "$_c: header"
import struct, sys
import kdumpfile
path, ps = sys.argv[1], int(sys.argv[2])
h = open(path, 'rb').read(4096)
machine = h[12 + 4 * 65:12 + 5 * 65].split(b'\0')[0]
bs, = struct.unpack_from('<i', h, 428)
k = kdumpfile.kdumpfile(path)
assert machine == b'aarch64', machine
assert bs == ps, (bs, ps)
assert k.attr['arch.name'] == 'aarch64', k.attr['arch.name']
print('header: machine %s, block size %d, libkdumpfile arch %s' % (machine.decode(), bs, k.attr['arch.name']))
PYEOF
	rm -f $_c.elf $_c-31.kdump
}

# truth_count TRUTH CLASS...: pfns the truth puts in those classes
truth_count() {
	"$PY" - "$@" <<'PYEOF'
import sys
n = 0
for line in open(sys.argv[1]):
    w = line.split()
    if w and w[0] == 'kclass' and w[3] in sys.argv[2:]:
        n += int(w[2], 16) - int(w[1], 16)
print(n)
PYEOF
}

pids=
i=0
for c in $CONFIGS; do
	( one_config "$c" ) >log-$c 2>&1 &
	pids="$pids $!"
	i=$((i + 1))
	if [ $((i % 2)) = 0 ]; then
		for p in $pids; do wait "$p" || true; done
		pids=
	fi
done
for p in $pids; do wait "$p" || true; done
bad=0
want=$(echo $LEVELS | wc -w)
for c in $CONFIGS; do
	cat log-$c
	n=$(grep -c 'equal to the truth' log-$c)
	if [ "$n" != "$want" ] || ! grep -q "^$c vtop:" log-$c || ! grep -q '^header:' log-$c; then
		echo "FAIL: $c: $n of $want levels passed (or vtop/header failed)"
		bad=1
	fi
done
[ $bad = 0 ] || fail "some arm64 machine/level did not match"

# Codecs, threads, ELF output and --mem-usage on a 64 KiB and a 4 KiB machine.
for c in 64k52 4k48; do
	gen arm64-$c.spec $c.elf $c.truth
	"$PY" "$TESTS/kernel_check.py" $c.truth /dev/null 31 --excluded-out $c.excl >/dev/null 2>&1 || true
	for z in c p z l; do
		run_mdf z$c$z -$z -d 31 --num-threads 2 $c.elf $c-$z.kdump
		no_crash z$c$z
		expect_rc 0 z$c$z
		check_dump $c.elf $c-$z.kdump --excluded $c.excl --expect-zero-excluded --quiet \
			>$c-$z.cd || { cat $c-$z.cd; fail "$c -$z: page contents differ"; }
		rm -f $c-$z.kdump
	done
	run_mdf e$c -E -d 31 $c.elf $c-e.elf
	no_crash e$c
	expect_rc 0 e$c
	check_dump $c.elf $c-e.elf --format elf --excluded $c.excl --expect-zero-excluded \
		--excluded-may-stay --quiet \
		>$c-e.cd || { cat $c-e.cd; fail "$c -E: page contents differ"; }
	run_mdf m$c --mem-usage $c.elf
	no_crash m$c
	expect_rc 0 m$c
	free=$(truth_count $c.truth free)
	user=$(truth_count $c.truth anon thp hugetlb)
	gfree=$(awk '/^FREE/ { print $2 }' m$c.out)
	guser=$(awk '/^USER/ { print $2 }' m$c.out)
	[ "$gfree" = "$free" ] && [ "$guser" = "$user" ] ||
		{ cat m$c.out; fail "$c --mem-usage: FREE $gfree USER $guser, truth $free $user"; }
	echo "$c: -c -p -z -l with 2 threads and -E read back equal; --mem-usage FREE $free USER $user"
	rm -f $c.elf $c-e.elf
done
echo "ok: $(echo $CONFIGS | wc -w) arm64 machines x $want levels"
