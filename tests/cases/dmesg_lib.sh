#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers of the dmesg_*.sh cases (sourced with DMESG_LIB=1 after
# lib.sh).  Run as a case by itself, it checks the generator
# tests/mkprintk.py against hand-written text: the prefix, escapes and
# continuation indentation of REFERENCE.md 9.3, so the other cases'
# expected files rest on a checked formatter.
if [ -z "${DMESG_LIB:-}" ]; then
	. "$(dirname "$0")/../lib.sh"
	DMESG_LIB=1
	DMESG_LIB_SELFTEST=1
fi

# scenario NAME < JSON: tests/mkprintk.py writes NAME.spec (kernel-x86_64.inc
# plus the log), NAME.exp / NAME.pexp (expected full / partial text, with
# the caller column of makedumpfile 1.7.5+ where the kernel records
# callers), NAME.exp172 / NAME.pexp172 (the same as Debian's 1.7.2 writes
# them, without it) and NAME.vmci (VMCOREINFO file); mkvmcore writes
# NAME.elf.  Sets $stats.
scenario() {
	cat >"$1.json"
	"$PY" "$TESTS/mkprintk.py" "$1.json" --inc "$1.inc" --spec "$1.spec" \
		--expect "$1.exp" --expect-partial "$1.pexp" --vmcoreinfo "$1.vmci" \
		--expect-172 "$1.exp172" --expect-partial-172 "$1.pexp172" \
		>"$1.stats" || fail "mkprintk.py $1"
	stats=$(cat "$1.stats")
	note "$1: $stats"
	gen "$TESTTMP/$1.spec" "$1.elf"
}
# has_stat WORD: the generator's fact line contains WORD (the scenario
# really covers what the case is about).
has_stat() { case " $stats " in *" $1 "*) ;; *) fail "scenario lacks $1: $stats" ;; esac; }
# same FILE WANT LABEL: byte-identical, else a diff and a failure.
same() {
	cmp -s "$1" "$2" && return 0
	diff -u "$2" "$1" | head -40
	fail "$3: output differs from the generator's text"
}
# dmesg_ok NAME WANT [OPTS...]: our --dump-dmesg OPTS NAME.elf exits 0 and
# writes WANT.
dmesg_ok() {
	dn=$1 dw=$2; shift 2
	rm -f "$dn.$dw.txt"
	run_mdf "$dn.$dw" --dump-dmesg "$@" "$dn.elf" "$dn.$dw.txt"
	no_crash "$dn.$dw"; expect_rc 0 "$dn.$dw"
	same "$dn.$dw.txt" "$dn.$dw" "$dn $*"
	echo "ok: $dn $* ($(wc -l <"$dn.$dw") lines)"
}
# ref_ok NAME WANT [OPTS...]: Debian's makedumpfile 1.7.2 agrees with the
# generator's text for 1.7.2 (WANT172: an independent check of the
# generator); skipped without the reference.
ref_ok() {
	[ -n "$REF_MDF" ] || { note "no reference makedumpfile"; return 0; }
	dn=$1 dw=$2; shift 2
	rm -f "$dn.$dw.ref.txt"
	timeout 30 "$REF_MDF" --dump-dmesg "$@" "$dn.elf" "$dn.$dw.ref.txt" >"$dn.$dw.ref.log" 2>&1 ||
		{ cat "$dn.$dw.ref.log"; fail "$dn: reference makedumpfile failed"; }
	same "$dn.$dw.ref.txt" "$dn.${dw}172" "reference on $dn $*"
	echo "ok: reference agrees on $dn $*"
}

# no_caller FILE: FILE's text without the caller column (as 1.7.2 writes
# it): "[ts] [    T123] text" loses "[    T123] ", a continuation line 11
# of its 26 leading spaces. Fails (status 1) if a line has neither form.
no_caller() {
	awk '
	/^\[ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]\] \[ *[TC][0-9]+\] / {
		i = index($0, "] ["); print substr($0, 1, i + 1) substr($0, i + 13); next }
	substr($0, 1, 26) == "                          " { print substr($0, 12); next }
	{ bad = 1; print }
	END { exit bad }' "$1"
}

if [ -n "${DMESG_LIB_SELFTEST:-}" ]; then
	scenario fmt <<'J'
{"format": "lockless", "records": [
 {"text": "Linux version 6.1.0", "ts": 0},
 {"text": "a\nb", "ts": 1999999999, "caller": 2147483771},
 {"text": "\u00e2\u0080\u0099\u0007\t\u000b\u000c\r\u007f\u0000x", "ts": 123456789012345,
  "caller": 4000000},
 {"text": "", "ts": 5}]}
J
	has_stat records=4
	has_stat visible=3
	printf '%s\n' '[    0.000000] [      T0] Linux version 6.1.0' \
		'[    1.999999] [    C123] a' '                          b' >want
	printf '[123456.789012] [T4000000] \\xffffffe2\\xffffff80\\xffffff99\\x07\t\v\f\r\\x7f\\x00x\n' >>want
	same fmt.exp want "generator formatting"
	printf '%s\n' '[    0.000000] Linux version 6.1.0' '[    1.999999] a' \
		'               b' >want
	printf '[123456.789012] \\xffffffe2\\xffffff80\\xffffff99\\x07\t\v\f\r\\x7f\\x00x\n' >>want
	same fmt.exp172 want "generator formatting (1.7.2)"
	no_caller fmt.exp >fmt.nc || fail "no_caller: a line without the caller column"
	same fmt.nc fmt.exp172 "no_caller"
	echo "generator formatting ok"
fi
