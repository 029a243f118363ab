# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the distribution-flow scripts of tests/qemu (debian-kdump-tools.sh,
# fedora-kdump-utils.sh, opensuse-kdump.sh, static-initramfs.sh), sourced by
# bash. Each script writes a guest script with the distribution's own
# commands, runs it in a real kdump capture kernel with the qemu-kdump kit
# (its HOOK runs our makedumpfile, named "makedumpfile" and first in PATH,
# as the distribution's scripts call it), and checks the results on the host.
#
# Settings (environment):
#   KIT=/work/shared/tools/qemu-kdump   the kit
#   QKD_DIR=/work/qk                    its folder (downloads, builds; runs are serialised)
#   RESULT_BASE=/work/scratch/i11/qemu  where each run's folder goes
#   PROFILE=small                       kit profile (512 MiB guest)
#   VMLINUX_DBG=/work/cache/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64
#                                       the matching debug vmlinux (crash)
#   any other kit variable (CAPTURE_CPUS, CRASHKERNEL, KPKG, ...) passes through

KIT=${KIT:-/work/shared/tools/qemu-kdump}
export QKD_DIR=${QKD_DIR:-/work/qk}
export PROFILE=${PROFILE:-small}
RESULT_BASE=${RESULT_BASE:-/work/scratch/i11/qemu}
VMLINUX_DBG=${VMLINUX_DBG:-/work/cache/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}
REF_MDF=${REF_MDF:-/usr/bin/makedumpfile}
PY=${PY:-/usr/bin/python3}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
NFAIL=0

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# check DESCRIPTION COMMAND...: one PASS/FAIL line in checks.txt
check() {
	local what=$1
	shift
	if "$@"; then
		echo "PASS  $what" | tee -a "$RESULT/checks.txt"
	else
		echo "FAIL  $what" | tee -a "$RESULT/checks.txt"
		NFAIL=$((NFAIL + 1))
	fi
}

# note TEXT: an informative line in checks.txt
note() { echo "      $*" | tee -a "$RESULT/checks.txt"; }

# flow_start NAME [OUR_BINARY]: the result folder and the hook staging folder
# (our binary as hook/makedumpfile, and its -v)
flow_start() {
	FLOW=$1
	OURS=$(realpath "${2:-$ROOT/makedumpfile}")
	[ -x "$OURS" ] || die "no executable at $OURS (build it first: make)"
	RESULT=$(realpath -m "${RESULT:-$RESULT_BASE/$FLOW-$(date +%Y%m%d-%H%M%S)}")
	STAGE=$RESULT/hook
	mkdir -p "$STAGE"
	: > "$RESULT/checks.txt"
	cp "$OURS" "$STAGE/makedumpfile"
	"$STAGE/makedumpfile" -v > "$RESULT/ours-version.txt" 2>&1 || true
	sha256sum "$OURS" > "$RESULT/ours-sha256.txt"
	log "$FLOW: ours is $OURS ($(head -1 "$RESULT/ours-version.txt")); results in $RESULT"
}

# flow_run GUEST_SCRIPT [FILE...]: runs the guest script (sh, in /out/capture,
# VMCORE=/proc/vmcore) in the capture kernel; the files go beside it in /hook
flow_run() {
	local g=$1 files="" f
	shift
	install -m 644 "$g" "$STAGE/$(basename "$g")"
	files="$STAGE/$(basename "$g")"
	for f in "$@"; do files="$files $f"; done
	log "$FLOW: booting the kit (PROFILE=$PROFILE, QKD_DIR=$QKD_DIR)"
	local t0 waited=0
	t0=$(date +%s)
	# the kit refuses to start while another run holds its folder's lock:
	# wait for it (up to LOCK_WAIT seconds, default 3 hours)
	while :; do
		(cd "$KIT" && OUT=$RESULT HOOK=$STAGE/makedumpfile HOOK_FILES=$files \
			HOOK_CMD="sh /hook/$(basename "$g")" ./mkvmcore.sh "$QKD_DIR") \
			> "$RESULT/mkvmcore.log" 2>&1 && break
		grep -q 'another run is using' "$RESULT/mkvmcore.log" ||
			die "mkvmcore.sh failed; see $RESULT/mkvmcore.log"
		[ "$waited" -lt "${LOCK_WAIT:-10800}" ] || die "$QKD_DIR stayed busy for $waited s"
		[ "$waited" = 0 ] && log "$FLOW: another run is using $QKD_DIR; waiting"
		# block until the holder lets go (the kit's own lock file), then
		# try again at once
		local w0
		w0=$(date +%s)
		timeout 3600 flock "$QKD_DIR/.lock" true 2> /dev/null || sleep 20
		waited=$((waited + $(date +%s) - w0 + 1))
	done
	log "$FLOW: kit run took $(( $(date +%s) - t0 )) s (waited $waited s for the kit)"
	C=$RESULT/capture
	[ -d "$C" ] || die "no $C"
	note "capture kernel: $(grep -a 'capture kernel: /proc/vmcore' "$RESULT/console.log" | sed 's/^.*capture kernel: //' | head -1)"
	note "hook: $(grep '^hook_s' "$C/capture-times.txt" 2>/dev/null)"
}

# rc_of NAME: the exit status the guest script recorded as "NAME STATUS" in
# flow-rc.txt (empty if none)
rc_of() { awk -v n="$1" '$1 == n {print $2}' "$C/flow-rc.txt" 2>/dev/null | tail -1; }

# is_rc NAME WANT
is_rc() { [ "$(rc_of "$1")" = "$2" ]; }

# crash_opens DUMP: crash reads the dump with the debug vmlinux and shows the
# panic and the end of the log (output in DUMP.crash)
crash_opens() {
	[ -r "$VMLINUX_DBG" ] || { note "no $VMLINUX_DBG: crash skipped"; return 1; }
	printf 'sys\nlog\nbt\nquit\n' > "$RESULT/crash.cmds"
	timeout 600 crash -s "$VMLINUX_DBG" "$1" -i "$RESULT/crash.cmds" < /dev/null > "$1.crash" 2>&1 ||
		{ tail -20 "$1.crash"; return 1; }
	grep -q 'PANIC: .*sysrq triggered crash' "$1.crash" &&
		grep -q 'sysrq: Trigger a crash' "$1.crash" || { tail -20 "$1.crash"; return 1; }
}

# no_end_marker FILE: the flattened stream does not end with the end marker
# (a 16-byte record header of all 0xff: offset -1, size -1; REFERENCE.md 3)
no_end_marker() {
	[ "$(tail -c 16 "$1" | od -An -tx1 | tr -d ' \n')" != ffffffffffffffffffffffffffffffff ]
}

# flow_end: the summary; exit status 1 if a check failed
flow_end() {
	echo "== $FLOW: $(grep -c '^PASS' "$RESULT/checks.txt") passed, $NFAIL failed; $RESULT" |
		tee -a "$RESULT/checks.txt"
	[ "$NFAIL" = 0 ]
}
