#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare two kdump-compressed files (ours vs the reference) field by field.

usage: kdump_cmp.py OURS REF [--allow FIELD]... [--pages]

Byte-identical files pass at once.  Otherwise every differing header field is
named (REFERENCE.md 2.2 and 2.4, LP64), and the first difference in each other
region (notes, bitmaps, descriptor table, page data, tail) is reported.  Only
fields given with --allow may differ; each allowed field must be explained
where the caller passes it.  Exit 0 = equal apart from allowed fields.

--pages: the compressed bytes may differ (our -c uses libdeflate, our -l
LZO1X-1(11): README), so the descriptor table, the page data and the file
size are not compared as bytes.  Instead the two descriptor tables must have
the same length and agree, entry by entry, on which pages are the shared zero
page (REFERENCE.md 2.7), and every page the 2nd bitmap keeps must read the
same from both files through python3-libkdumpfile (the readers' decoder).
"""
import struct
import sys

MAIN = [  # (name, offset, fmt) of disk_dump_header, LP64
    ('signature', 0, '8s'), ('header_version', 8, '<i'),
    ('utsname.sysname', 12, '65s'), ('utsname.nodename', 77, '65s'),
    ('utsname.release', 142, '65s'), ('utsname.version', 207, '65s'),
    ('utsname.machine', 272, '65s'), ('utsname.domainname', 337, '65s'),
    ('pad', 402, '6s'), ('timestamp.tv_sec', 408, '<q'),
    ('timestamp.tv_usec', 416, '<q'), ('status', 424, '<I'),
    ('block_size', 428, '<i'), ('sub_hdr_size', 432, '<i'),
    ('bitmap_blocks', 436, '<I'), ('max_mapnr', 440, '<I'),
    ('total_ram_blocks', 444, '<I'), ('device_blocks', 448, '<I'),
    ('written_blocks', 452, '<I'), ('current_cpu', 456, '<I'),
    ('nr_cpus', 460, '<i'),
]
SUB = [  # kdump_sub_header at block_size, LP64
    ('phys_base', 0, '<Q'), ('dump_level', 8, '<i'), ('split', 12, '<i'),
    ('start_pfn', 16, '<Q'), ('end_pfn', 24, '<Q'),
    ('offset_vmcoreinfo', 32, '<q'), ('size_vmcoreinfo', 40, '<Q'),
    ('offset_note', 48, '<q'), ('size_note', 56, '<Q'),
    ('offset_eraseinfo', 64, '<q'), ('size_eraseinfo', 72, '<Q'),
    ('start_pfn_64', 80, '<Q'), ('end_pfn_64', 88, '<Q'),
    ('max_mapnr_64', 96, '<Q'),
]


def fields(b, table, base):
    out = {}
    for name, off, fmt in table:
        size = struct.calcsize(fmt)
        chunk = b[base + off:base + off + size]
        out[name] = struct.unpack(fmt, chunk)[0] if len(chunk) == size else None
    return out


def regions(b):
    bs = struct.unpack_from('<i', b, 428)[0]
    shs = struct.unpack_from('<i', b, 432)[0]
    bmb = struct.unpack_from('<I', b, 436)[0]
    if bs <= 0 or bs > 1 << 20 or shs < 0 or bmb > 1 << 24:
        return None
    bm1 = (1 + shs) * bs
    desc = bm1 + bmb * bs
    bm2 = bm1 + bmb * bs // 2
    nbits = sum(bin(x).count('1') for x in b[bm2:desc])
    data = desc + 24 * nbits
    return [('main header block 0 (after fields)', 464, bs),
            ('sub header block(s) incl. notes', bs + 104, bm1),
            ('1st bitmap', bm1, bm2), ('2nd bitmap', bm2, desc),
            ('page descriptor table', desc, data),
            ('page data + eraseinfo', data, max(len(b), data))]


def kept_pfns(b):
    """pfns set in the 2nd bitmap, in order."""
    bs = struct.unpack_from('<i', b, 428)[0]
    shs = struct.unpack_from('<i', b, 432)[0]
    bmb = struct.unpack_from('<I', b, 436)[0]
    bm2 = (1 + shs) * bs + bmb * bs // 2
    for i, byte in enumerate(b[bm2:bm2 + bmb * bs // 2]):
        for bit in range(8):
            if byte >> bit & 1:
                yield i * 8 + bit


def compare_pages(pa, pb, a, b):
    """The --pages check; returns a list of problems."""
    import kdumpfile
    bad = []
    ra, rb = regions(a), regions(b)
    if ra is None or rb is None:
        return ['header not sane']
    desc, data = ra[4][1], ra[4][2]
    if (rb[4][1], rb[4][2]) != (desc, data):
        return ['descriptor tables differ in place or length: [0x%x,0x%x) vs [0x%x,0x%x)'
                % (desc, data, rb[4][1], rb[4][2])]
    bs = struct.unpack_from('<i', a, 428)[0]
    ka, kb = kdumpfile.kdumpfile(pa), kdumpfile.kdumpfile(pb)
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    n = 0
    for i, pfn in enumerate(kept_pfns(a)):
        oa = struct.unpack_from('<Q', a, desc + 24 * i)[0]
        ob = struct.unpack_from('<Q', b, desc + 24 * i)[0]
        if (oa == data) != (ob == data):
            bad.append('pfn 0x%x: shared zero page in one file only' % pfn)
        else:
            try:
                if ka.read(phys, pfn * bs, bs) != kb.read(phys, pfn * bs, bs):
                    bad.append('pfn 0x%x: page content differs' % pfn)
            except Exception as e:  # noqa: BLE001 - a read failure is a difference
                bad.append('pfn 0x%x: read error %s' % (pfn, e))
        n += 1
        if len(bad) > 10:
            break
    if not bad:
        print('same %d pages' % n)
    return bad


def main(argv):
    allow = set()
    pos = []
    pages = False
    i = 1
    while i < len(argv):
        if argv[i] == '--allow':
            allow.add(argv[i + 1])
            i += 2
        elif argv[i] == '--pages':
            pages = True
            i += 1
        else:
            pos.append(argv[i])
            i += 1
    a = open(pos[0], 'rb').read()
    b = open(pos[1], 'rb').read()
    if pages:
        allow |= {'page descriptor table', 'page data + eraseinfo', 'size'}
    if a == b:
        print('identical (%d bytes)' % len(a))
        return 0
    bad = []
    diffs = []
    bs = struct.unpack_from('<i', b, 428)[0]
    for table, base, label in ((MAIN, 0, 'header'), (SUB, bs, 'sub header')):
        fa, fb = fields(a, table, base), fields(b, table, base)
        for name, _, _ in table:
            if fa[name] != fb[name]:
                msg = '%s.%s: ours %r, reference %r' % (label, name, fa[name], fb[name])
                diffs.append(msg)
                if name not in allow:
                    bad.append(msg)
    ra = regions(a)
    if ra is None:
        bad.append('our header is not sane')
    else:
        for name, lo, hi in ra:
            x, y = a[lo:hi], b[lo:hi]
            if x != y:
                n = min(len(x), len(y))
                first = next((k for k in range(n) if x[k] != y[k]), n)
                msg = '%s [0x%x,0x%x): first difference at file offset 0x%x (lengths %d/%d)' % (
                    name, lo, hi, lo + first, len(x), len(y))
                diffs.append(msg)
                if name not in allow:
                    bad.append(msg)
    if len(a) != len(b) and 'size' not in allow:
        bad.append('file size: ours %d, reference %d' % (len(a), len(b)))
    if pages and not bad:
        bad = compare_pages(pos[0], pos[1], a, b)
    for d in diffs:
        print(('allowed: ' if d not in bad else 'DIFFERS: ') + d)
    for d in bad:
        if d not in diffs:
            print('DIFFERS: ' + d)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
