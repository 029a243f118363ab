# SPDX-License-Identifier: GPL-2.0-or-later
# The kernel_layouts checks on the other generated eras (tests/specs/
# kernel-*.spec, tests/mkvmcore_eras.h): 3.10 as RHEL 7 runs it (3.10
# struct page, _mapcount buddy, PG_slab, destructor in the first tail's
# lru, no compound_head), 4.18 (RHEL 8, 5-level paging), 5.14 (RHEL 9),
# 6.8 (PG_hugetlb) and 7.2 (compound_info mask, unaccepted memory): every
# dump level keeps exactly the generator's ground truth and
# python3-libkdumpfile reads every kept page back.
LAYOUT_ERAS="3.10 4.18 5.14 6.8 7.2"
. "$(dirname "$0")/kernel_layouts.sh"
