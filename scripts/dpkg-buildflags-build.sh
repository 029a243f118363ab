#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds and installs makedumpfile the way a Debian package build does:
# with the CPPFLAGS, CFLAGS and LDFLAGS dpkg-buildflags exports (all
# hardening on), no -Werror, then `make install DESTDIR=`. Prints the flags,
# one compile and the link command, the installed files and the hardening
# the binary got. Not part of make check (it is a full build); the case
# packaging checks the same flag handling with make -n.
#
#   usage: scripts/dpkg-buildflags-build.sh OUTDIR
set -eu
OUT=$(realpath -m "${1:?usage: $0 OUTDIR}")
cd "$(dirname "$0")/.."
command -v dpkg-buildflags >/dev/null || { echo "dpkg-buildflags missing (dpkg-dev)" >&2; exit 1; }
export DEB_BUILD_MAINT_OPTIONS=hardening=+all
eval "$(dpkg-buildflags --export=sh)"
echo "== dpkg-buildflags (DEB_BUILD_MAINT_OPTIONS=$DEB_BUILD_MAINT_OPTIONS)"
echo "CPPFLAGS=$CPPFLAGS"
echo "CFLAGS=$CFLAGS"
echo "LDFLAGS=$LDFLAGS"
rm -rf "$OUT"
mkdir -p "$OUT"
make -j2 B="$OUT/build" "$OUT/build/makedumpfile" "$OUT/build/tests/mkvmcore" > "$OUT/build.log" 2>&1 ||
	{ tail -30 "$OUT/build.log"; exit 1; }
echo "== one compile and the link, as run"
grep -m1 ' -c codec.c ' "$OUT/build.log"
grep -- "-o $OUT/build/makedumpfile " "$OUT/build.log"
echo "== warnings: $(grep -c 'warning:' "$OUT/build.log" || true)"
make B="$OUT/build" DESTDIR="$OUT/root" install > "$OUT/install.log" 2>&1 ||
	{ cat "$OUT/install.log"; exit 1; }
echo "== make install DESTDIR=$OUT/root"
(cd "$OUT/root" && find . -type f | sed 's|^\.||' | sort)
B=$OUT/root/usr/sbin/makedumpfile
echo "== hardening of $B"
ok() { printf '  %-22s %s\n' "$1" "$2"; }
readelf -hW "$B" | grep -q 'Type:.*DYN' && ok PIE yes || ok PIE no
readelf -lW "$B" | grep -q GNU_RELRO && ok RELRO yes || ok RELRO no
readelf -dW "$B" | grep -qE 'BIND_NOW|FLAGS_1.*NOW' && ok "BIND_NOW" yes || ok BIND_NOW no
readelf --dyn-syms -W "$B" | grep -q '__stack_chk_fail' && ok "stack protector" yes || ok "stack protector" no
n=$(readelf --dyn-syms -W "$B" | grep -c '__[a-z]*_chk@' || true)
ok "_FORTIFY_SOURCE" "$n fortified calls ($(readelf --dyn-syms -W "$B" | grep -o '__[a-z]*_chk@' | tr -d @ | sort -u | tr '\n' ' '))"
"$B" -v | head -2
