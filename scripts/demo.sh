#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README's first command: install what the build needs (compiler, make,
# libraries), then build and run the demo. No make variable is evaluated
# before the packages are there: make starts only after install-deps.sh.
set -e
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
exec make demo
