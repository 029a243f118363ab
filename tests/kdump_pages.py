#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare two dumps page for page through python3-libkdumpfile.

usage: kdump_pages.py A B [--set-only] [--subset] [--except=PFN,...] [--quiet]

Every pfn below the larger max_pfn is read from both (KDUMP_MACHPHYSADDR).
A page must be present in both or missing in both (NoDataException), and a
page present in both must hold the same bytes.  With --set-only only the
presence is compared; with --subset every page of A must be in B with the
same bytes (B may hold more); --except names pfns (hex) not compared.  A split set is given as A1,A2,... (libkdumpfile
opens the members together: that needs the newer bindings, libkdumpfile
0.5.6 of the sid readers; Debian 12's 0.5.1 opens one file only).  Prints one
summary line; exit 0 if the dumps match, 1 with the first few differing pfns
otherwise; exit 77 if a set is asked of bindings that cannot open one.
"""
import os
import sys

import kdumpfile

NEW_API = hasattr(kdumpfile, 'Context')
if NEW_API:
    PHYS = kdumpfile.MACHPHYSADDR
    NODATA = (kdumpfile.NoDataError, kdumpfile.AddressTranslationError)
else:
    PHYS = kdumpfile.KDUMP_MACHPHYSADDR
    NODATA = (kdumpfile.exceptions.NoDataException,
              kdumpfile.exceptions.AddressTranslationException)


def open_dump(spec):
    paths = spec.split(',')
    if not NEW_API:
        if len(paths) > 1:
            print('SKIP: these libkdumpfile bindings cannot open a split set')
            sys.exit(77)
        return kdumpfile.kdumpfile(paths[0])
    k = kdumpfile.Context()
    k.attr['file.set.number'] = len(paths)
    for i, p in enumerate(paths):
        k.attr['file.set.%d.fd' % i] = os.open(p, os.O_RDONLY)
    return k


def main(argv):
    opts = [a for a in argv[1:] if a.startswith('--')]
    pos = [a for a in argv[1:] if not a.startswith('--')]
    set_only = '--set-only' in opts
    subset = '--subset' in opts
    skip = set()
    for o in opts:
        if o.startswith('--except='):
            skip |= {int(x, 16) for x in o[len('--except='):].split(',') if x}
    a, b = open_dump(pos[0]), open_dump(pos[1])
    ps = int(a.attr['arch.page_size'])
    if int(b.attr['arch.page_size']) != ps:
        print('page sizes differ')
        return 1
    top = max(int(a.attr['max_pfn']), int(b.attr['max_pfn']))
    phys, nodata = PHYS, NODATA
    bad, both, only_a, only_b = [], 0, 0, 0

    def rd(k, pfn):
        try:
            return k.read(phys, pfn * ps, ps)
        except nodata:
            return None
    for pfn in range(top):
        if pfn in skip:
            continue
        x, y = rd(a, pfn), rd(b, pfn)
        if x is None and y is None:
            continue
        if x is None:
            only_b += 1
            if not subset:
                bad.append((pfn, 'only in B'))
            continue
        if y is None:
            only_a += 1
            bad.append((pfn, 'only in A'))
            continue
        both += 1
        if not set_only and x != y:
            bad.append((pfn, 'contents differ'))
    summary = '%d pages in both, %d only in A, %d only in B' % (both, only_a, only_b)
    if bad:
        print('DIFFER: %s; first: %s' % (summary, ', '.join(
            '0x%x %s' % p for p in bad[:8])))
        return 1
    if '--quiet' not in opts:
        print('equal: %s' % summary)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
