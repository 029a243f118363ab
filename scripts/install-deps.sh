#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian packages the build and the tests need, when missing.
# Called by `make demo`, `make check` and .ci/run. g++ brings libstdc++.a,
# which the LINKTYPE=static binary needs for libsnappy (C++), and
# libbz2-dev/liblzma-dev the static libdw's own libraries; groff-base
# renders the man pages for the case options. libbpf-dev: the BTF back end
# of --config; dwarves (pahole) and binutils build the --config test
# fixture's BTF and tables.
# Needs root (or sudo) only when something is missing.
set -e
PKGS="gcc g++ make pkg-config libdw-dev libelf-dev zlib1g-dev libdeflate-dev liblzo2-dev libsnappy-dev \
libzstd-dev libbz2-dev liblzma-dev libbpf-dev libcmocka-dev zstd python3 python3-libkdumpfile \
python3-drgn makedumpfile crash time groff-base binutils dwarves"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends $missing >&2
