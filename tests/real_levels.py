#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare our kdump output with Debian makedumpfile 1.7.2's on the real
vmcore at one dump level, pfn by pfn, and reconcile the page counts.

usage: real_levels.py VMCORE OURS.kdump REF.kdump OURS_STATS REF_STATS

Bitmap 2 (REFERENCE.md 2.6) of both files must be equal except for pfns
explained by one of our documented rules, each listed with its rule:
  kernel-image   a pfn of the kernel image (the kernel-text PT_LOAD's range)
                 that only we keep: we never drop kernel-image pages
                 (README "Decisions"; makedumpfile issue #21)
  partial-page   the last, partial page of a PT_LOAD (0x9f on this dump):
                 we dump it, 1.7.2 leaves it out (REFERENCE.md 6.7)
Anything else fails. Then the per-class counts of both --show-stats reports
(REFERENCE.md 1.7) must reconcile: free pages equal, and for the cache,
private cache and user classes the reference's count minus ours summed over
the classes equals the number of kernel-image pfns only we keep.
"""
import re
import struct
import sys

START_KERNEL_MAP = 0xffffffff80000000


def loads(path):
    with open(path, 'rb') as f:
        eh = f.read(64)
        phoff, = struct.unpack_from('<Q', eh, 32)
        phentsize, phnum = struct.unpack_from('<HH', eh, 54)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    out = []
    for i in range(phnum):
        t, _, off, va, pa, fsz, msz = struct.unpack_from('<IIQQQQQ', ph, i * phentsize)
        if t == 1:
            out.append((va, pa, msz))
    return out


def bitmap2(path):
    with open(path, 'rb') as f:
        h = f.read(464)
        if h[:8] != b'KDUMP   ':
            sys.exit('%s: not a kdump-compressed file' % path)
        bs, shs, bmb = struct.unpack_from('<iiI', h, 428)
        f.seek((1 + shs) * bs + bmb * bs // 2)
        return f.read(bmb * bs // 2)


def kept(bm):
    s = set()
    for i, b in enumerate(bm):
        while b:
            low = b & -b
            s.add(i * 8 + low.bit_length() - 1)
            b ^= low
    return s


def ranges(pfns):
    out, run = [], None
    for p in sorted(pfns):
        if run and p == run[1]:
            run[1] = p + 1
        else:
            if run:
                out.append(run)
            run = [p, p + 1]
    if run:
        out.append(run)
    return out


def stats(path):
    text = open(path, 'rb').read().decode('latin-1').replace('\r', '\n')
    names = {'Pages filled with zero': 'zero', 'Non-private cache pages': 'cache',
             'Private cache pages': 'private', 'User process data pages': 'user',
             'Free pages': 'free'}
    got = {}
    for line in text.splitlines():
        m = re.match(r'\s*(.+?)\s*:\s*0x([0-9a-f]+)\s*$', line)
        if m and m.group(1) in names:
            got[names[m.group(1)]] = int(m.group(2), 16)
    return got


def main():
    core, ours_f, ref_f, ours_s, ref_s = sys.argv[1:6]
    ls = loads(core)
    image = set()
    partial = set()
    for va, pa, msz in ls:
        if va >= START_KERNEL_MAP:
            image.update(range(pa >> 12, (pa + msz + 4095) >> 12))
        if (pa + msz) % 4096:
            partial.add((pa + msz) >> 12)
    ours, ref = kept(bitmap2(ours_f)), kept(bitmap2(ref_f))
    only_ours, only_ref = ours - ref, ref - ours
    bad = 0
    for lo, hi in ranges(only_ref):
        print('UNEXPLAINED: pfns 0x%x-0x%x kept only by the reference' % (lo, hi - 1))
        bad += 1
    img = 0
    for lo, hi in ranges(only_ours):
        for p in range(lo, hi):
            if p in partial:
                rule = 'partial-page'
            elif p in image:
                rule = 'kernel-image'
                img += 1
            else:
                rule = None
            if rule is None:
                print('UNEXPLAINED: pfn 0x%x kept only by us' % p)
                bad += 1
        rules = {('partial-page' if p in partial else 'kernel-image' if p in image
                  else 'UNEXPLAINED') for p in range(lo, hi)}
        print('only ours: pfns 0x%x-0x%x (%d): %s' % (lo, hi - 1, hi - lo,
                                                      ', '.join(sorted(rules))))
    print('kept: ours %d, reference %d; only ours %d (kernel-image %d), only reference %d'
          % (len(ours), len(ref), len(only_ours), img, len(only_ref)))
    so, sr = stats(ours_s), stats(ref_s)
    for k in ('cache', 'private', 'user', 'free'):
        if k not in so or k not in sr:
            print('FAIL: class %s missing from a report (%s / %s)' % (k, so, sr))
            return 1
    if so['free'] != sr['free']:
        print('FAIL: free pages ours %d, reference %d' % (so['free'], sr['free']))
        bad += 1
    delta = sum(sr[k] - so[k] for k in ('cache', 'private', 'user'))
    neg = [k for k in ('cache', 'private', 'user') if sr[k] < so[k]]
    print('classes ours %s, reference %s: reference - ours = %d' % (so, sr, delta))
    if neg or delta != img:
        print('FAIL: class counts do not reconcile with the %d kernel-image pfns' % img)
        bad += 1
    return 1 if bad else 0


sys.exit(main())
