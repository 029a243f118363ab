#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's second command (and .ci/run's only step): install what the
# build and the tests need, then build and run every test.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
exec make check
