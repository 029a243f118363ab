#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Input that is neither ELF nor kdump nor sadump (text; and random bytes).
. "$(dirname "$0")/../lib.sh"
yes 'this is not a vmcore' | head -c 100000 >text.core
expect_bad_input text text.core
head -c 65536 /dev/urandom >random.core
expect_bad_input random random.core -l -d 0
