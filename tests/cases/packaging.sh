#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Packaging as a distribution builds it (README "Building for a
# distribution"):
#  - CPPFLAGS, CFLAGS and LDFLAGS reach every compile and the link as
#    given; -Werror appears only with WERROR=-Werror (make check, CI);
#  - every library is linked dynamically, no copy of libstdc++ inside;
#  - make install DESTDIR=... installs exactly the documented files, under
#    PREFIX/SBINDIR/BINDIR/MANDIR/DOCDIR, unstripped unless INSTALL_STRIP=-s;
#  - the installed programs run.
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)
BD=$(cd "$(dirname "$MDF")" && pwd)
[ "$MDF_ASAN" = 1 ] && skip "packaging is checked on the normal build only"
command -v make >/dev/null || fail "make missing"

# -- flags: a dry run of a full build with marker flags
make -s -n -B -C "$ROOT" B="$TESTTMP/flags" CFLAGS="-O1 -DMDF_T_CFLAGS" \
	CPPFLAGS="-DMDF_T_CPPFLAGS" LDFLAGS="-Wl,-z,mdftldflags" all > dry.txt 2>&1 ||
	{ cat dry.txt; fail "make -n failed"; }
grep -E '(^| )(cc|gcc|\$\(CC\))? ?.* -c ' dry.txt | grep -- ' -o ' > compiles.txt
ncomp=$(wc -l < compiles.txt)
[ "$ncomp" -ge 20 ] || { cat dry.txt; fail "only $ncomp compile commands in make -n"; }
for m in -DMDF_T_CFLAGS -DMDF_T_CPPFLAGS; do
	n=$(grep -c -- "$m" compiles.txt)
	[ "$n" = "$ncomp" ] || fail "$m in $n of $ncomp compile commands"
done
grep -- '-o [^ ]*/makedumpfile ' dry.txt | grep -q -- '-Wl,-z,mdftldflags' ||
	{ cat dry.txt; fail "LDFLAGS not on the link of makedumpfile"; }
grep -- '-o [^ ]*/tests/mkvmcore ' dry.txt | grep -q -- '-Wl,-z,mdftldflags' ||
	fail "LDFLAGS not on the link of the generator"
# CFLAGS come after our own flags, so a distribution's -O/-g win
head -1 compiles.txt | grep -q -- '-Wundef .*-DMDF_T_CPPFLAGS .*-O1 -DMDF_T_CFLAGS' ||
	{ head -1 compiles.txt; fail "flag order: want warnings, CPPFLAGS, CFLAGS"; }
! grep -q -- '-Werror' compiles.txt || fail "-Werror without WERROR"
make -s -n -B -C "$ROOT" B="$TESTTMP/flags" WERROR=-Werror all > dry-werror.txt 2>&1
grep -- ' -c ' dry-werror.txt | grep -q -- '-Werror' || fail "WERROR=-Werror not applied"
note "flags: $ncomp compiles carry CPPFLAGS and CFLAGS, the link LDFLAGS, no -Werror by default"

# -- dynamic linking
readelf -d "$BD/makedumpfile" > dyn.txt
for lib in libdw libelf libz liblzo2 libsnappy libzstd; do
	grep -q "NEEDED.*\[$lib\.so" dyn.txt || { cat dyn.txt; fail "$lib is not linked dynamically"; }
done
! nm --defined-only "$BD/makedumpfile" 2>/dev/null | grep -qE '_ZN6snappy|_ZNSt|__cxa_|ZSTD_compress' ||
	fail "the binary carries a static copy of snappy, zstd or libstdc++"
note "dynamic: $(grep NEEDED dyn.txt | sed 's/.*\[\(.*\)\]/\1/' | tr '\n' ' ')"

# -- make install
inst() { _d=$1; shift; make -s -C "$ROOT" B="$BD" DESTDIR="$TESTTMP/$_d" "$@" install \
	> "$_d.log" 2>&1 || { cat "$_d.log"; fail "make install $*"; }; }
inst root
(cd root && find . \( -type f -o -type l \) | sed 's|^\.||' | sort) > files.txt
cat > want.txt <<'LIST'
/usr/bin/makedumpfile-mkvmcore
/usr/sbin/makedumpfile
/usr/share/doc/makedumpfile/README.md
/usr/share/doc/makedumpfile/examples/ci-synthetic-vmcore.sh
/usr/share/doc/makedumpfile/examples/dm-crypt.conf
/usr/share/doc/makedumpfile/examples/kernel-6.1.spec
/usr/share/doc/makedumpfile/examples/kernel-classes.inc
/usr/share/doc/makedumpfile/examples/keyrings.conf
/usr/share/doc/makedumpfile/examples/makedumpfile.conf.sample
/usr/share/doc/makedumpfile/examples/printk-ring.spec
/usr/share/doc/makedumpfile/examples/random.conf
/usr/share/doc/makedumpfile/examples/task-comm.conf
/usr/share/man/man1/makedumpfile-mkvmcore.1
/usr/share/man/man5/makedumpfile.conf.5
/usr/share/man/man8/makedumpfile.8
LIST
diff want.txt files.txt || fail "make install: the installed files differ from the list"
note "make install DESTDIR=root:"; sed 's/^/#   /' files.txt
[ "$(stat -c %a root/usr/sbin/makedumpfile)" = 755 ] || fail "mode of makedumpfile"
[ "$(stat -c %a root/usr/share/man/man8/makedumpfile.8)" = 644 ] || fail "mode of the man page"
[ -x root/usr/share/doc/makedumpfile/examples/ci-synthetic-vmcore.sh ] || fail "CI example not executable"
readelf -S root/usr/sbin/makedumpfile | grep -q '\.symtab' || fail "installed binary is stripped by default"
root/usr/sbin/makedumpfile -v > v.txt || fail "installed makedumpfile -v"
root/usr/bin/makedumpfile-mkvmcore "$SPECS/small.spec" gen.elf || fail "installed generator"
# the installed CI example runs with the installed programs and specs
MAKEDUMPFILE=$TESTTMP/root/usr/sbin/makedumpfile \
MKVMCORE=$TESTTMP/root/usr/bin/makedumpfile-mkvmcore LEVELS=31 \
	sh root/usr/share/doc/makedumpfile/examples/ci-synthetic-vmcore.sh > ci.out 2>&1 ||
	{ cat ci.out; fail "the installed CI example fails"; }
note "installed CI example: $(grep -c '^ok' ci.out) checks pass"

inst strip INSTALL_STRIP=-s
! readelf -S strip/usr/sbin/makedumpfile | grep -q '\.symtab' || fail "INSTALL_STRIP=-s did not strip"
strip/usr/sbin/makedumpfile -v > /dev/null || fail "stripped binary does not run"

inst dirs PREFIX=/opt/mdf SBINDIR=/sbin MANDIR=/opt/man DOCDIR=/opt/doc
for f in sbin/makedumpfile opt/mdf/bin/makedumpfile-mkvmcore opt/man/man8/makedumpfile.8 \
	 opt/man/man5/makedumpfile.conf.5 opt/doc/examples/makedumpfile.conf.sample; do
	[ -f "dirs/$f" ] || { find dirs; fail "PREFIX/SBINDIR/MANDIR/DOCDIR: no /$f"; }
done
note "PREFIX, SBINDIR, MANDIR, DOCDIR and INSTALL_STRIP honoured"
echo "packaging ok"
