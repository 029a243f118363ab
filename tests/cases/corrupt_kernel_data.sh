#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# case-timeout: 3600 (on a loaded 2-core machine)
# Corrupted kernel data in the real sample vmcore (issue 16): 50 seeded
# mutants in each of the mem_section array, the vmemmap pages (struct
# pages), the top-level page table, the printk ring and the kallsyms
# tables (tests/corrupt_kernel.py finds them with its own page-table walk).
# Every run of -l -d 31 (and --dump-dmesg for the ring and the page table)
# ends within the timeout, without a signal or sanitizer report, with exit
# 0 (damaged struct pages or sections keep their pages, a damaged kallsyms
# table falls back to protecting the whole kernel image, a damaged log
# record is skipped) or exit 1 with one error line.  The outcomes per region
# are printed.  The sanitizer build runs every 5th mutant.
. "$(dirname "$0")/../lib.sh"
real_core
cp "$core" core.elf && chmod u+w core.elf || fail "cannot copy the vmcore"
mkdir work
stride=1
[ "$MDF_ASAN" = 1 ] && stride=5
MDF_TIMEOUT=${MDF_TIMEOUT:-300} "$PY" "$TESTS/corrupt_kernel.py" "$MDF" core.elf work --per 50 \
	--stride $stride || fail "corrupted kernel data runs failed"
