#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Proves the README on a truly fresh Debian 12: builds a minimal root with
# `debootstrap --variant=minbase bookworm` (no make, no compiler), copies in
# this checkout and ../shared, and runs the README's two commands (its first
# two indented lines) in a chroot as root, each once, reporting exit code and
# wall time.  Not part of `make check`: it needs root, the network and about
# 15 minutes.
#
#   sh scripts/fresh-machine-check.sh [WORKDIR]     (default /var/tmp/mdf-fresh)
#
# Environment: MIRROR (default http://deb.debian.org/debian), KEEP=1 to leave
# the chroot in place afterwards.  Exit 0 only when both commands exit 0.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SHARED=$(cd "$ROOT/.." && pwd)/shared
WORK=${1:-/var/tmp/mdf-fresh}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
CH=$WORK/root

[ "$(id -u)" = 0 ] || { echo "fresh-machine-check: must run as root" >&2; exit 1; }
[ -d "$SHARED" ] || { echo "fresh-machine-check: no $SHARED" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || {
	echo "fresh-machine-check: installing debootstrap on the host" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2
}

# The README's first two indented lines, without their comments.
cmds=$(grep -E '^(    |	)[^ 	]' "$ROOT/README.md" | head -n 2 | sed -e 's/^[ 	]*//' -e 's/[ 	]*#.*$//')
demo_cmd=$(echo "$cmds" | sed -n 1p)
test_cmd=$(echo "$cmds" | sed -n 2p)
[ -n "$demo_cmd" ] && [ -n "$test_cmd" ] || { echo "fresh-machine-check: README has no two commands" >&2; exit 1; }

umount_all() {
	for m in $(awk -v r="$CH" 'index($2, r) == 1 {print $2}' /proc/mounts | sort -r); do
		umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
	done
}
cleanup() {
	umount_all
	[ "${KEEP:-0}" = 1 ] || rm -rf "$CH"
}
trap cleanup EXIT INT TERM

umount_all
rm -rf "$CH"
mkdir -p "$WORK"
t0=$(date +%s)
echo "== debootstrap --variant=minbase bookworm $CH $MIRROR"
debootstrap --variant=minbase bookworm "$CH" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || {
	tail -20 "$WORK/debootstrap.log"; exit 1; }
echo "   done in $(( $(date +%s) - t0 )) s; make: $(chroot "$CH" sh -c 'command -v make || echo absent'), cc: $(chroot "$CH" sh -c 'command -v cc || echo absent')"

# What a fresh bookworm machine has besides the base: its updates and
# security suites, name resolution.
cat >"$CH/etc/apt/sources.list" <<EOF
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
EOF
cp /etc/resolv.conf "$CH/etc/resolv.conf"

# The checkout (its tracked and untracked files, not build output) and
# ../shared, side by side as in the workplace.
mkdir -p "$CH/root/src/main" "$CH/root/src/shared"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) |
	tar -C "$CH/root/src/main" -xf -
cp -a "$SHARED/." "$CH/root/src/shared/"

mount -t proc proc "$CH/proc"
mount -t sysfs sys "$CH/sys"
mount --bind /dev "$CH/dev"
mount --bind /dev/pts "$CH/dev/pts" 2>/dev/null || true
mount -t tmpfs tmpfs "$CH/tmp"

run_in() {
	label=$1 cmd=$2
	log=$WORK/$label.log
	echo "== [$label] $cmd"
	s=$(date +%s)
	set +e
	chroot "$CH" /usr/bin/env -i HOME=/root TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		/bin/sh -c "cd /root/src/main && $cmd" >"$log" 2>&1
	rc=$?
	set -e
	dt=$(( $(date +%s) - s ))
	tail -n 4 "$log" | sed 's/^/   | /'
	echo "   [$label] exit $rc in ${dt} s (log: $log)"
	eval "${label}_rc=$rc ${label}_dt=$dt"
}

run_in demo "$demo_cmd"
run_in tests "$test_cmd"

echo
echo "fresh-machine-check: bookworm minbase chroot"
echo "  1. $demo_cmd: exit $demo_rc, ${demo_dt} s"
echo "  2. $test_cmd: exit $tests_rc, ${tests_dt} s"
[ "$demo_rc" = 0 ] && [ "$tests_rc" = 0 ]
