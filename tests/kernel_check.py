#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare the 2nd bitmap of a kdump-compressed dump with mkvmcore's truth.

usage: kernel_check.py TRUTH DUMP LEVEL [--excluded-out FILE]

TRUTH is mkvmcore --truth output of a `kernel` spec: its "load" lines give
the RAM pfns (bitmap 1) and its "kclass START END NAME ORDER" lines the page
classes.  The expected kept set for dump level LEVEL (REFERENCE.md 1.3, 6.3)
is every RAM pfn minus: free blocks (16), page cache without PG_private and
shmem (2 or 4), page cache with PG_private (4), anon, THP and hugetlb (8),
unaccepted memory (16), hwpoison and offline pages (always: the scan runs at every level because the
note exports PG_hwpoison, REFERENCE.md 6.6).  Slab, image, kernel data,
reserved and plain pages are never excluded.  Zero pages stay in bitmap 2
of a kdump file (REFERENCE.md 2.6), so -d 1 changes nothing here.

Prints one line per differing range (with the truth's class) and exits 1 on
any difference; --excluded-out writes the expected excluded pfn ranges in
check_dump.py's --excluded format.
"""
import struct
import sys

RULES = {
    'free': 16, 'cache': 2 | 4, 'shmem': 2 | 4, 'cache_private': 4,
    'anon': 8, 'thp': 8, 'hugetlb': 8, 'hwpoison': -1, 'offline': -1,
    'unaccepted': 16,
}


def read_truth(path):
    ram, classes = [], []
    for line in open(path):
        w = line.split()
        if not w:
            continue
        if w[0] == 'load':
            kv = dict(x.split('=') for x in w[2:])
            ram.append((int(kv['pfn_start'], 16), int(kv['pfn_end'], 16)))
        elif w[0] == 'kclass':
            classes.append((int(w[1], 16), int(w[2], 16), w[3], int(w[4])))
    return ram, classes


def expected_excluded(classes, level):
    out = []
    for (s, e, name, _order) in classes:
        r = RULES.get(name, 0)
        if r == -1 or (r & level):
            out.append((s, e))
    return out


def bitmap2(path):
    with open(path, 'rb') as f:
        b = f.read(4096)
        if b[:8] != b'KDUMP   ':
            raise SystemExit('%s: not a kdump-compressed file' % path)
        _status, bs, shs, bmb, mm = struct.unpack_from('<IiiII', b, 424)
        f.seek(bs)
        sub = f.read(104)
        if len(sub) >= 104:
            mm = struct.unpack_from('<Q', sub, 96)[0]
        f.seek((1 + shs) * bs + bmb * bs // 2)
        return f.read(bmb * bs // 2), mm


def ranges_of(pfns):
    out = []
    for p in sorted(pfns):
        if out and out[-1][1] == p:
            out[-1][1] = p + 1
        else:
            out.append([p, p + 1])
    return out


def main(argv):
    if len(argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    truth, dump, level = argv[1], argv[2], int(argv[3], 0)
    ram, classes = read_truth(truth)
    excl = expected_excluded(classes, level)
    if '--excluded-out' in argv:
        with open(argv[argv.index('--excluded-out') + 1], 'w') as f:
            for s, e in excl:
                f.write('0x%x 0x%x\n' % (s, e))
    bm, max_mapnr = bitmap2(dump)
    want = bytearray(len(bm))
    for s, e in ram:
        for p in range(s, min(e, max_mapnr)):
            want[p >> 3] |= 1 << (p & 7)
    for s, e in excl:
        for p in range(s, e):
            want[p >> 3] &= ~(1 << (p & 7)) & 0xff
    if bytes(want) == bm:
        n = sum(bin(x).count('1') for x in bm)
        print('level %d: %d pfns kept, equal to the truth' % (level, n))
        return 0
    extra, missing = [], []
    for i, (a, b) in enumerate(zip(bm, want)):
        if a == b:
            continue
        for bit in range(8):
            m = 1 << bit
            if a & m and not b & m:
                extra.append(i * 8 + bit)
            elif b & m and not a & m:
                missing.append(i * 8 + bit)

    def cls(p):
        for (s, e, name, order) in classes:
            if s <= p < e:
                return '%s/order %d' % (name, order)
        return 'plain'
    print('level %d: bitmap 2 differs from the truth' % level)
    for what, lst in (('kept, truth excludes', extra),
                      ('excluded, truth keeps', missing)):
        for s, e in ranges_of(lst)[:20]:
            print('  pfns 0x%x-0x%x %s (class %s)' % (s, e, what, cls(s)))
    return 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
