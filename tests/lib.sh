# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for tests/cases/*.sh (sourced).  Environment from run.sh:
#   MDF       our makedumpfile          MKVMCORE  the generator
#   TESTTMP   fresh temp dir (removed)  SHARED    the shared folder
#   REF_MDF   Debian's makedumpfile     PY        /usr/bin/python3
#   MDF_ASAN  1 under the sanitizer build (use smaller inputs)
# A case exits 0 = pass, 77 = skipped, anything else = fail.

set -u
TESTS=$(cd "$(dirname "$0")/.." && pwd)
SPECS=$TESTS/specs
: "${MDF:?MDF not set}" "${MKVMCORE:?MKVMCORE not set}" "${TESTTMP:?TESTTMP not set}"
: "${PY:=/usr/bin/python3}" "${MDF_ASAN:=0}"
if [ -z "${REF_MDF:-}" ] || [ ! -x "$REF_MDF" ]; then
	for REF_MDF in /usr/sbin/makedumpfile /usr/bin/makedumpfile ""; do
		[ -n "$REF_MDF" ] && [ -x "$REF_MDF" ] && break
	done
fi
export REF_MDF
cd "$TESTTMP" || exit 1

skip() { echo "SKIP: $*"; exit 77; }
fail() { echo "FAIL: $*"; exit 1; }
note() { echo "# $*"; }

[ -x "$MDF" ] || fail "no makedumpfile binary at $MDF"
[ -x "$MKVMCORE" ] || fail "no generator at $MKVMCORE"

need_ref() { [ -n "$REF_MDF" ] || skip "reference makedumpfile not installed"; }
need_py() { "$PY" -c 'import kdumpfile' 2>/dev/null || skip "python3-libkdumpfile missing"; }

# gen SPEC OUT [TRUTH]: run the generator on a spec file (name in tests/specs
# or a path).
gen() {
	_spec=$1
	[ -f "$_spec" ] || _spec=$SPECS/$1
	if [ $# -ge 3 ]; then
		"$MKVMCORE" "$_spec" "$2" --truth "$3" || fail "mkvmcore $1 failed"
	else
		"$MKVMCORE" "$_spec" "$2" || fail "mkvmcore $1 failed"
	fi
}

# run_mdf NAME ARGS...: run our binary, stdout/stderr to NAME.out/NAME.err,
# exit code to $rc.  Never fails by itself.
# A run longer than MDF_TIMEOUT seconds (default 600) is killed: rc 124, a
# hang on bad input is a failure like a crash.
run_mdf() {
	_n=$1; shift
	timeout -k 5 "${MDF_TIMEOUT:-600}" "$MDF" "$@" >"$_n.out" 2>"$_n.err"
	rc=$?
	[ $rc = 124 ] && echo "timed out after ${MDF_TIMEOUT:-600}s: $*" >>"$_n.err"
	return 0
}
run_ref() {
	_n=$1; shift
	"$REF_MDF" "$@" >"$_n.out" 2>"$_n.err"
	rc=$?
	return 0
}

# expect_rc WANT NAME: check $rc, print the run's output on mismatch.
expect_rc() {
	if [ "$rc" != "$1" ]; then
		echo "--- $2 stdout"; cat "$2.out" 2>/dev/null
		echo "--- $2 stderr"; cat "$2.err" 2>/dev/null
		fail "$2: exit status $rc, expected $1"
	fi
}

# A sanitizer report or a signal is a crash, whatever the exit code says.
no_crash() {
	if grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer|Segmentation fault|core dumped' "$1.err" 2>/dev/null; then
		cat "$1.err"; fail "$1: sanitizer report or crash"
	fi
	[ "${rc:-0}" -lt 128 ] || fail "$1: killed by signal $((rc - 128))"
}

# one_line_error NAME FILE: stderr (minus progress lines) has at most ... a
# single error line and it names FILE (basename is enough).
one_line_error() {
	# progress items (REFERENCE 1.7: 50-column label, ": [", percentage,
	# " %] ", spinner, 2 spaces, 16-column eta) are separated by \r and
	# may run straight into the next message
	tr '\r' '\n' <"$1.err" |
		sed -E 's/^.{50}: \[[ 0-9.]{5} %\] .  .{16}//' |
		grep -v -E '^(STEP \[|[[:space:]]*$)' >"$1.errlines"
	_n=$(grep -c . "$1.errlines")
	if [ "$_n" -lt 1 ]; then
		cat "$1.err"; fail "$1: no error message on stderr"
	fi
	if [ -n "${2:-}" ] && ! grep -qF "$(basename "$2")" "$1.errlines"; then
		cat "$1.err"; fail "$1: error message does not name $(basename "$2")"
	fi
	if [ "$_n" -gt 1 ]; then
		note "stderr has $_n lines (expected one error line):"
		cat "$1.errlines"
		fail "$1: more than one error line on stderr"
	fi
}

# dumpinfo FILE: one line of facts (tests/dumpinfo.py).
dumpinfo() { "$PY" "$TESTS/dumpinfo.py" "$1"; }

check_dump() { "$PY" "$TESTS/check_dump.py" "$@"; }

# size_of FILE
size_of() { stat -c %s "$1"; }

# real_core: sets $core to the decompressed shared 6.1 vmcore (cached in
# $TESTCACHE, or an existing /tmp copy), or skips the case when it is absent.
real_core() {
	_zst=$SHARED/vmcores/vmcore-6.1-small.elf.zst
	_want=423276544
	[ -f "$_zst" ] || skip "no shared vmcore at $_zst"
	core=""
	for _c in "$TESTCACHE/vmcore-6.1-small.elf" /tmp/vmcore-6.1-small.elf; do
		[ -f "$_c" ] && [ "$(size_of "$_c")" = $_want ] && { core=$_c; return 0; }
	done
	command -v zstd >/dev/null 2>&1 || skip "zstd not installed"
	mkdir -p "$TESTCACHE"
	zstd -q -d --long=28 -o "$TESTCACHE/vmcore.tmp.$$" "$_zst" || fail "zstd failed"
	mv "$TESTCACHE/vmcore.tmp.$$" "$TESTCACHE/vmcore-6.1-small.elf"
	core=$TESTCACHE/vmcore-6.1-small.elf
}

# check_partial FILE: a dump left behind by a failed run must say so: kdump
# status bit 0x8, ELF e_flags bit 0, or a flattened stream without end
# marker (REFERENCE 2.11, 3, 4).  No file or an empty file is fine.
check_partial() {
	[ -s "$1" ] || return 0
	_i=$(dumpinfo "$1")
	case $_i in
	*incomplete=1*|*end_marker=0*) note "partial output flagged: $_i" ;;
	*) fail "$1 left behind and not flagged incomplete: $_i" ;;
	esac
}

# expect_bad_input NAME INPUT [OPTIONS...]: our run on INPUT must exit 1 with
# one error line naming INPUT, no sanitizer report, and any output flagged.
expect_bad_input() {
	_bn=$1 _bin=$2
	shift 2
	[ $# -gt 0 ] || set -- -c -d 1
	MDF_TIMEOUT=${MDF_TIMEOUT:-120} run_mdf "$_bn" "$@" "$_bin" "$_bn.kdump"
	no_crash "$_bn"
	expect_rc 1 "$_bn"
	one_line_error "$_bn" "$_bin"
	check_partial "$_bn.kdump"
	echo "ok: $_bn: $(cat "$_bn.errlines")"
}

# real_vmlinux: sets $VMLINUX to the Debian 6.1.0-56 debug vmlinux matching
# the shared vmcore. Only with MDF_REAL_DEBUG=1 (else the case is skipped):
# uses $MDF_VMLINUX or a copy already extracted, else downloads the debug
# package (about 860 MB) and extracts only the vmlinux into $TESTCACHE, as
# shared/vmcores/README.md describes.
real_vmlinux() {
	[ "${MDF_REAL_DEBUG:-0}" = 1 ] ||
		skip "set MDF_REAL_DEBUG=1 to run (needs the 6.1.0-56 debug vmlinux, see vmcores/README.md)"
	_rel=usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
	for VMLINUX in "${MDF_VMLINUX:-}" "$TESTCACHE/$_rel" "/tmp/vmlinux-dbg/$_rel"; do
		[ -n "$VMLINUX" ] && [ "$(size_of "$VMLINUX" 2>/dev/null)" = 633378432 ] && return 0
	done
	mkdir -p "$TESTCACHE/dbg" && (
		cd "$TESTCACHE/dbg" || exit 1
		apt-get download linux-image-6.1.0-56-amd64-dbg >/dev/null 2>&1 || exit 1
		dpkg-deb --fsys-tarfile linux-image-6.1.0-56-amd64-dbg_*.deb 2>/dev/null |
			tar -x -C "$TESTCACHE" --occurrence=1 "./$_rel"
		rm -f linux-image-6.1.0-56-amd64-dbg_*.deb
	)
	VMLINUX=$TESTCACHE/$_rel
	[ "$(size_of "$VMLINUX" 2>/dev/null)" = 633378432 ] ||
		skip "could not download the 6.1.0-56 debug vmlinux"
}
