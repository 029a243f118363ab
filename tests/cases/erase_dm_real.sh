#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# configs/dm-crypt.conf against the real 6.1.0-56 debug modules dm-mod.ko,
# dm-crypt.ko, crypto_simd.ko and cryptd.ko (MDF_REAL_DEBUG=1): every
# member path of the sample, in both its sections, resolves in their DWARF. The shared vmcore has no dm_mod loaded (its
# section is skipped, case erase_real), so the dump is the generated
# fixture with an empty name tree (erase_fixture.py build DIR empty-dm)
# and the fixture's module debug files replaced by the real ones: the
# sample's paths are all checked from the types before the empty tree is
# walked (nested loops included), and a misspelt member fails the run.
# The modules come from MDF_DM_DEBUG_DIR, from beside the debug vmlinux
# (../lib/modules/6.1.0-56-amd64/kernel/{drivers/md,crypto}), from the test cache,
# or from the debug package MDF_DBG_DEB (linux-image-6.1.0-56-amd64-dbg).
. "$(dirname "$0")/../lib.sh"
real_vmlinux
for t in gcc ld pahole objcopy nm readelf; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed (the fixture needs gcc, binutils, pahole)"
done
k=lib/modules/6.1.0-56-amd64/kernel
mods="drivers/md/dm-mod.ko drivers/md/dm-crypt.ko crypto/crypto_simd.ko crypto/cryptd.ko"
# the folder that holds all four (by their paths under kernel/, or flat)
have_mods() {
	for m in $mods; do
		[ -f "$1/$m" ] || [ -f "$1/$(basename $m)" ] || return 1
	done
}
dir=""
for d in "${MDF_DM_DEBUG_DIR:-}" "$(dirname "$VMLINUX")/../$k" "$TESTCACHE/usr/lib/debug/$k"; do
	[ -n "$d" ] && have_mods "$d" && { dir=$d; break; }
done
if [ -z "$dir" ] && [ -f "${MDF_DBG_DEB:-}" ]; then
	# shellcheck disable=SC2046  # one path per module
	dpkg-deb --fsys-tarfile "$MDF_DBG_DEB" |
		tar -x -C "$TESTCACHE" $(for m in $mods; do echo "./usr/lib/debug/$k/$m"; done) ||
		fail "cannot extract the dm and crypto modules from $MDF_DBG_DEB"
	dir=$TESTCACHE/usr/lib/debug/$k
fi
[ -n "$dir" ] || skip "no 6.1.0-56 debug dm-mod.ko/dm-crypt.ko/crypto_simd.ko/cryptd.ko (set MDF_DM_DEBUG_DIR or MDF_DBG_DEB)"
FX="$PY $TESTS/erase_fixture.py"
MKVMCORE=$MKVMCORE $FX build fx empty-dm || fail "cannot build the fixture"
kdir=fx/root/usr/lib/debug/$k
for m in $mods; do
	f=$dir/$m
	[ -f "$f" ] || f=$dir/$(basename $m)
	cp "$f" "$kdir/" || fail "cannot copy the real $m"
done
V=fx/root/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
C=$TESTS/../configs/dm-crypt.conf

run_mdf real -D -l -d 31 -x $V --config "$C" fx/core.elf real.kdump
no_crash real
expect_rc 0 real
grep -q "Skipping" real.err && { cat real.err; fail "the section was skipped"; }
[ "$(grep -c 'erase: for h in name_rb_tree (line [0-9]*): 0 elements' real.out)" = 2 ] ||
	{ grep erase: real.out; fail "the name tree was not walked by both sections"; }
note "dm-crypt.conf: every member path resolves in the real dm-mod.ko, dm-crypt.ko, crypto_simd.ko and cryptd.ko"
# the same check fails on a member the real modules do not have, at every
# level of nesting
for m in 'h.md.map.targets/h.md.map.target' 't.private.key_size/t.private.keysize' \
	'c.base.__crt_alg.cra_ctxsize/c.base.__crt_alg.ctxsize' \
	's.cryptd_tfm.base.base/s.cryptd_tfm.base.bse' 'if a.init ==/if a.initx ==' \
	'k.child.base.__crt_alg/k.child.base.__crt_algo'; do
	n=$((${n:-0} + 1))
	sed "s|${m%/*}|${m#*/}|" "$C" >bad$n.conf
	cmp -s "$C" bad$n.conf && fail "no '${m%/*}' in the sample"
	run_mdf bad$n -l -d 31 -x $V --config bad$n.conf fx/core.elf bad$n.kdump
	no_crash bad$n
	expect_rc 1 bad$n
	grep -q "no member $(echo "${m#*/}" | sed 's/.*\.//; s/ .*//') in struct" bad$n.err ||
		{ cat bad$n.err; fail "bad$n: no error for ${m#*/}"; }
done
echo "erase_dm_real: configs/dm-crypt.conf resolves against the real 6.1 dm and crypto modules' DWARF"
