#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Explain the pages two kdump-compressed dumps of the same vmcore keep
differently, by what the dumped kernel itself says about each page (drgn).

usage: explain_pfns.py OURS REF VMLINUX VMCORE [--name REF_NAME]

Reads bitmap 2 of both files (kdump_bitmaps.py), and for every pfn kept by
only one of them asks drgn (Debian sid's 0.3.0, through
../shared/tools/sid-readers) on the raw VMCORE what the page is: a tail of
a compound page (and its head's kind and order), a slab, free (buddy),
anonymous, page cache or reserved page, a page of the kernel image (the
kernel-text PT_LOAD of VMCORE) or one whose struct page cannot be read.
Prints one line per (side, kind) with a count and example pfns, then the
totals and the difference as a share of REF's kept pages.
"""
import os
import sys
from collections import defaultdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kdump_bitmaps as kb  # noqa: E402

import drgn  # noqa: E402
from drgn import FaultError  # noqa: E402
from drgn.helpers.linux import mm  # noqa: E402


def kind(prog, page):
    """What a (head or single) struct page is, by the kernel's own tests."""
    tests = [('slab', 'PageSlab'), ('free (buddy)', 'PageBuddy'),
             ('hugetlb', 'PageHuge'), ('page table', 'PageTable'),
             ('offline', 'PageOffline'), ('reserved', 'PageReserved')]
    for name, fn in tests:
        f = getattr(mm, fn, None)
        try:
            if f is not None and f(page):
                return name
        except (FaultError, ValueError, LookupError):
            pass
    mapping = page.mapping.value_()
    lru = getattr(mm, 'PageLRU', None)
    if mapping & 1:
        return 'anonymous'
    if lru is not None and lru(page):
        return 'page cache'
    flags = page.flags
    if flags.type_.kind != drgn.TypeKind.INT:  # 6.16+: memdesc_flags_t
        flags = flags.f
    return 'other (flags %#x, mapping %#x)' % (flags.value_() & 0xfffff, mapping)


def explain(prog, pfn, image):
    if image and image[0] <= pfn <= image[1]:
        where = 'kernel image, '
    else:
        where = ''
    try:
        page = mm.pfn_to_page(prog, pfn)
        if mm.PageTail(page):
            head = mm.compound_head(page)
            order = mm.compound_order(head).value_()
            return '%stail of a %s compound page of order %d' % (where, kind(prog, head), order)
        order = mm.compound_order(page).value_() if mm.PageHead(page) else 0
        return '%s%s%s' % (where, kind(prog, page), ' head of order %d' % order if order else '')
    except FaultError:
        return where + 'struct page unreadable'


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    ours, ref = kb.Kdump(argv[1]), kb.Kdump(argv[2])
    name = argv[argv.index('--name') + 1] if '--name' in argv else 'ref'
    image = kb.Elf(argv[4]).image
    prog = drgn.Program()
    prog.set_core_dump(argv[4])
    prog.load_debug_info([argv[3]])
    total = 0
    for side, pfns in (('kept only by ours', kb.only_in(ours.bm2, ref.bm2)),
                       ('kept only by %s' % name, kb.only_in(ref.bm2, ours.bm2))):
        groups = defaultdict(list)
        for p in pfns:
            groups[explain(prog, p, image)].append(p)
        print('%s: %d pfns' % (side, len(pfns)))
        for k, ps in sorted(groups.items(), key=lambda x: -len(x[1])):
            print('  %6d  %s  (e.g. %s)' % (len(ps), k, ', '.join('%#x' % p for p in ps[:4])))
        total += len(pfns)
    print('kept: ours %d, %s %d; differing pfns %d = %.3f%% of %s\'s kept pages'
          % (ours.kept, name, ref.kept, total, 100.0 * total / max(ref.kept, 1), name))


if __name__ == '__main__':
    main(sys.argv)
