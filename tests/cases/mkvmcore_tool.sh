#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The generator as a user tool (makedumpfile-mkvmcore(1)): the example CI
# script of the documentation (doc/ci-synthetic-vmcore.sh) passes with our
# makedumpfile on the example specs, and fails when makedumpfile does not
# do what the truth says (a wrapper that drops the dump level, and one
# that truncates the log).
. "$(dirname "$0")/../lib.sh"
ROOT=$(cd "$TESTS/.." && pwd)
CI=$ROOT/doc/ci-synthetic-vmcore.sh

"$MKVMCORE" --help > help.txt || fail "--help exit status"
grep -q 'man makedumpfile-mkvmcore' help.txt || fail "--help does not point at the man page"
"$MKVMCORE" > /dev/null 2>&1; [ $? = 2 ] || fail "no arguments: exit status should be 2"
printf 'printk 1 x\n' > noker.spec
"$MKVMCORE" noker.spec x.elf 2> noker.err; [ $? = 2 ] || fail "printk without kernel accepted"
grep -q 'printk needs a kernel' noker.err || { cat noker.err; fail "printk without kernel: message"; }

levels="0 1 2 4 8 16 31"
[ "$MDF_ASAN" = 1 ] && levels="1 31"
MAKEDUMPFILE=$MDF LEVELS=$levels sh "$CI" "$TESTS/specs" > ci.out 2>&1
rc=$?
cat ci.out
[ "$rc" = 0 ] || fail "the CI example fails with our makedumpfile"
n=$(grep -c '^ok ' ci.out)
[ "$n" = "$(( $(echo $levels | wc -w) + 1 ))" ] || fail "the CI example made $n checks"

# a makedumpfile that ignores -d: the page counts must not match
cat > wrong-level.sh <<EOW
#!/bin/sh
a=""
for x in "\$@"; do
	case \$a in -d) x=0 ;; esac
	set -- "\$@" "\$x"; shift; a=\$x
done
exec "$MDF" "\$@"
EOW
chmod +x wrong-level.sh
MAKEDUMPFILE=$TESTTMP/wrong-level.sh LEVELS="0 31" sh "$CI" "$TESTS/specs" > ci-wrong.out 2>&1
rc=$?
cat ci-wrong.out
[ "$rc" = 1 ] || fail "the CI example passed a makedumpfile that ignores -d"
grep -q '^FAIL -d 31' ci-wrong.out || fail "the CI example did not name the wrong level"
grep -q '^ok   -d 0' ci-wrong.out || fail "level 0 should still pass"

# a makedumpfile whose log loses its last line
cat > short-log.sh <<EOW
#!/bin/sh
"$MDF" "\$@" || exit
for x in "\$@"; do last=\$x; done
case " \$* " in *" --dump-dmesg "*) sed -i '\$d' "\$last" ;; esac
EOW
chmod +x short-log.sh
MAKEDUMPFILE=$TESTTMP/short-log.sh LEVELS="1" sh "$CI" "$TESTS/specs" > ci-log.out 2>&1
rc=$?
cat ci-log.out
[ "$rc" = 1 ] && grep -q '^FAIL --dump-dmesg' ci-log.out || fail "the CI example missed a short log"
echo "mkvmcore_tool ok"
