#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# --config on a generated vmcore (tests/erase_fixture.py around
# tests/erase/vmlinux_fx.c and mod_fx.c), each construct of the language:
# plain objects, sizes (N, from memory), nullify, char * strings, a
# vmalloc object over two pages mapped in reverse physical order, an
# anonymous struct; arrays (of structs and of pointers with NULLs); via;
# within (list_head and its .next); a module section and a section for a
# module that is not loaded (REFERENCE.md 10); and our additions: an rbtree
# loop, erase ... if EXPR ==|!= &SYMBOL, and a #@type STRUCT.MEMBER hint;
# and configs/dm-crypt.conf on a fake device-mapper (tests/erase/dm_*_fx.c:
# a name tree of two mappings, one crypt, one linear with an inactive
# table), for nested loops, count, loop guards and [MOD1+MOD2] sections.
#  * with -x (DWARF: the vmlinux, the module's .ko found beside it) and
#    without (the dump's BTF, made with pahole, through its kallsyms):
#    exactly the expected bytes differ from the vmcore, on every page the
#    dump holds, and the eraseinfo lists them (erase_fixture.py check);
#  * the two back ends write byte-identical dumps;
#  * all constructs at once also as ELF (ERASEINFO note), flattened
#    (-F | -R), with --num-threads 2, and split into 3 members (each
#    checked, and --reassemble equal to the single file);
#  * refiltering a dump that has eraseinfo with another config keeps the
#    first lines and erasures and adds the new ones (REFERENCE.md 2.9), and
#    Debian's makedumpfile 1.7.2 refiltering the result keeps them all.
. "$(dirname "$0")/../lib.sh"

for t in gcc ld pahole objcopy nm readelf; do
	command -v $t >/dev/null 2>&1 || skip "$t not installed (the fixture needs gcc, binutils, pahole)"
done
need_py
FX="$PY $TESTS/erase_fixture.py"
MKVMCORE=$MKVMCORE $FX build fx || fail "cannot build the fixture"
V=fx/root/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64

for sc in basic array via within within_next rbtree module dmcrypt; do
	$FX config fx $sc $sc.conf $sc.expect || fail "no scenario $sc"
	run_mdf $sc-dwarf -l -d 31 -x $V --config $sc.conf fx/core.elf $sc-dwarf.kdump
	no_crash $sc-dwarf
	expect_rc 0 $sc-dwarf
	$FX check fx/core.elf $sc-dwarf.kdump $sc.expect || fail "$sc with DWARF"
	run_mdf $sc-btf -l -d 31 --config $sc.conf fx/core.elf $sc-btf.kdump
	no_crash $sc-btf
	expect_rc 0 $sc-btf
	$FX check fx/core.elf $sc-btf.kdump $sc.expect || fail "$sc with BTF"
	cmp -s $sc-dwarf.kdump $sc-btf.kdump || fail "$sc: DWARF and BTF dumps differ"
	echo "ok: $sc: DWARF and BTF erase the same bytes"
done
grep -q 'Skipping the \[not_loaded_mod\] section: module not_loaded_mod is not loaded' \
	module-btf.err || fail "no message for the section of a module that is not loaded"
# configs/dm-crypt.conf (scenario dmcrypt above: the crypt mapping's key,
# its tfm contexts and the context of the child behind the simd wrapper,
# nothing of the linear mappings, via dm_mod's name tree): it
# needs dm_crypt's types and symbols beside dm_mod's, in either order; a
# [dm_mod] section alone lacks struct crypt_config, and a missing module
# skips the section
sed 's/^\[dm_mod+dm_crypt\]/[dm_crypt+dm-mod]/' dmcrypt.conf >dmcrypt2.conf
run_mdf dmcrypt2 -l -d 31 --config dmcrypt2.conf fx/core.elf dmcrypt2.kdump
expect_rc 0 dmcrypt2
$FX check fx/core.elf dmcrypt2.kdump dmcrypt.expect || fail "[dm_crypt+dm-mod]"
sed 's/^\[dm_mod+dm_crypt\]/[dm_mod]/' dmcrypt.conf >dmcrypt3.conf
for be in dwarf btf; do
	X=""
	[ $be = dwarf ] && X="-x $V"
	# shellcheck disable=SC2086  # X is empty or two words
	run_mdf dmcrypt3-$be -l -d 31 $X --config dmcrypt3.conf fx/core.elf dmcrypt3-$be.kdump
	expect_rc 1 dmcrypt3-$be
	grep -q "no type 'struct crypt_config \*' in" dmcrypt3-$be.err ||
		{ cat dmcrypt3-$be.err; fail "[dm_mod] alone found struct crypt_config ($be)"; }
	[ ! -e dmcrypt3-$be.kdump ] || fail "dmcrypt3-$be: an output file was created"
done
sed 's/^\[dm_mod+dm_crypt\]/[dm_mod+dm_crypt+not_loaded_mod]/' dmcrypt.conf >dmcrypt4.conf
run_mdf dmcrypt4 -l -d 31 --config dmcrypt4.conf fx/core.elf dmcrypt4.kdump
expect_rc 0 dmcrypt4
grep -q 'Skipping the \[dm_mod+dm_crypt+not_loaded_mod\] section: module not_loaded_mod is not loaded' \
	dmcrypt4.err || fail "no message for a [A+B] section with a module that is not loaded"
# the simd section (ours: as STRUCT[:MEMBER]) follows only the wrapper:
# without its guard the plain transform's context (key bytes) would be read
# as a simd context, whose pointer is then no kernel address; a member
# that is not the object's type, and an unknown struct, are errors too
for v in 'guard|s/if a.init == \&simd_skcipher_init$/if a.init != \&simd_skcipher_init/|not a kernel address' \
	'member|s/as skcipher_alg:base$/as skcipher_alg:min_keysize/|is struct crypto_alg, but skcipher_alg.min_keysize is an integer' \
	'struct|s/as simd_skcipher_ctx /as no_such_ctx /|unknown struct no_such_ctx'; do
	name=${v%%|*}
	rest=${v#*|}
	sed "${rest%%|*}" dmcrypt.conf >dmcrypt-$name.conf
	! cmp -s dmcrypt.conf dmcrypt-$name.conf || fail "dmcrypt-$name: the sed changed nothing"
	run_mdf dmcrypt-$name -l -d 31 -x $V --config dmcrypt-$name.conf fx/core.elf dmcrypt-$name.kdump
	no_crash dmcrypt-$name
	expect_rc 1 dmcrypt-$name
	grep -q "dmcrypt-$name.conf:[0-9]*:[0-9]*: .*${rest#*|}" dmcrypt-$name.err ||
		{ cat dmcrypt-$name.err; fail "dmcrypt-$name: not the expected error"; }
	[ ! -e dmcrypt-$name.kdump ] || fail "dmcrypt-$name: an output file was created"
done
echo "ok: dm-crypt.conf erases exactly the crypt mapping's key, its tfm contexts and the simd wrapper's child context (DWARF, BTF)"

$FX config fx all all.conf all.expect
run_mdf elf -E -d 1 -x $V --config all.conf fx/core.elf all.elf
no_crash elf
expect_rc 0 elf
$FX check fx/core.elf all.elf all.expect || fail "ELF output"
timeout 300 "$MDF" -F -l -d 31 --config all.conf fx/core.elf 2>flat.err >all.flat ||
	fail "-F failed: $(cat flat.err)"
run_mdf rearr -f -R all-flat.kdump <all.flat
expect_rc 0 rearr
$FX check fx/core.elf all-flat.kdump all.expect || fail "flattened output"
run_mdf threads -l -d 31 --num-threads 2 -x $V --config all.conf fx/core.elf all-t.kdump
no_crash threads
expect_rc 0 threads
$FX check fx/core.elf all-t.kdump all.expect || fail "--num-threads 2"
cmp -s all-t.kdump all-flat.kdump || fail "threaded and flattened dumps differ"
# --split: every member erases the bytes of the pages it holds and carries
# the whole eraseinfo; --reassemble gives back the single file
run_mdf split -l -d 31 --split --splitblock-size 4096 --config all.conf fx/core.elf \
	all-s1.kdump all-s2.kdump all-s3.kdump
no_crash split
expect_rc 0 split
held=0
for m in all-s1.kdump all-s2.kdump all-s3.kdump; do
	$FX check-member fx/core.elf $m all.expect >$m.chk || { cat $m.chk; fail "--split member $m"; }
	cat $m.chk
	held=$((held + $(sed -n 's/^held=\([0-9]*\) of .*/\1/p' $m.chk)))
	total=$(sed -n 's/^held=[0-9]* of \([0-9]*\)/\1/p' $m.chk)
done
# the members hold each erased page once between them
[ "$held" = "$total" ] || fail "--split: the members hold $held of the $total erased pages"
run_mdf reasm --reassemble all-s1.kdump all-s2.kdump all-s3.kdump all-r.kdump
expect_rc 0 reasm
$FX check fx/core.elf all-r.kdump all.expect || fail "--reassemble of erased members"
run_mdf single -l -d 31 --config all.conf fx/core.elf all-1.kdump
expect_rc 0 single
cmp -s all-r.kdump all-1.kdump || fail "reassembled erased members differ from the single file"
echo "ok: --split erases in every member; --reassemble equals the single file"
$FX config fx via via2.conf via2.expect
run_mdf refilter -l -d 31 --config via2.conf basic-btf.kdump refiltered.kdump
no_crash refilter
expect_rc 0 refilter
cat basic.expect via2.expect >both.expect
$FX check fx/core.elf refiltered.kdump both.expect || fail "refiltering with a second config"
if [ -n "$REF_MDF" ]; then
	run_ref ref -l -d 31 refiltered.kdump ref.kdump
	expect_rc 0 ref
	$FX check fx/core.elf ref.kdump both.expect || fail "1.7.2's refiltering lost erasures"
	note "1.7.2 keeps our eraseinfo when it refilters"
fi
echo "erase_generated: every construct erases exactly its bytes with DWARF and BTF, in kdump, ELF and flattened output"
