#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the arm64 entries of the memory-model fuzz corpus
(tests/fuzz/corpus/memmodel/arm64-*), in fuzz_memmodel.c's input format:

  u8 n; n * (u16 fact id, u64 value); u8 flags; u64 max_mapnr; u64 probe;
  then (u32 pa, u16 len, bytes) chunks of a 256 KiB physical memory.

Each entry is a small arm64 machine the target's arm64 base facts describe
(swapper_pg_dir at pa 0x10000, PHYS_OFFSET 0, mem_section root at linear
+0x4000): real tables for 4K/48 (linear map as a 1 GiB block, vmemmap by
pages) or 64K/52 (512 MiB blocks), with struct pages at pa 0x20000; then
the bad variants: absurd VA_BITS, TCR_EL1_T1SZ, kimage_voffset,
PHYS_OFFSET, an 8 KiB page size, and a page-table loop.

usage: mk_memmodel_arm64.py CORPUS_DIR"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fact_ids():
    ids, i = {}, 0
    for line in open(os.path.join(HERE, '..', '..', 'kernel_facts.def')):
        m = re.match(r'FACT_(SYMBOL|SIZE|OFFSET|LENGTH|LENGTH2|NUMBER)\((\w+)(?:, (\w+))?\)', line)
        if not m:
            continue
        kind, a, b = m.groups()
        key = {'SYMBOL': 'SYMBOL(%s)', 'SIZE': 'SIZE(%s)', 'NUMBER': 'NUMBER(%s)',
               'LENGTH': 'LENGTH(%s)'}.get(kind)
        ids[key % a if key else '%s(%s.%s)' % ('OFFSET' if kind == 'OFFSET' else 'LENGTH', a, b)] = i
        i += 1
    return ids


IDS = fact_ids()
TABLE, BLOCK, PAGE = 0x3, 0x1 | 1 << 10 | 3 << 8, 0x3 | 1 << 10 | 3 << 8


class Mem:
    def __init__(self):
        self.chunks = {}

    def put64(self, pa, v):
        self.chunks[pa] = struct.pack('<Q', v & (1 << 64) - 1)

    def put(self, pa, b):
        self.chunks[pa] = b

    def encode(self):
        out = b''
        for pa in sorted(self.chunks):
            b = self.chunks[pa]
            out += struct.pack('<IH', pa, len(b)) + b
        return out


def machine(big, loop=False):
    """(memory, probe VA): tables, mem_section, struct pages."""
    m = Mem()
    pgd = 0x10000
    if big:     # 64K pages, 52-bit VAs: 3 levels, shifts 42 / 29 / 16
        lin, vmemmap = 0xfff0000000000000, 0xfffffc0000000000
        ix = lambda va, s, bits: (va >> s) & ((1 << bits) - 1)  # noqa: E731
        pmd_l, pmd_v = 0x20000, 0x30000
        m.put64(pgd + 8 * ix(lin, 42, 10), pmd_l | TABLE)
        m.put64(pmd_l + 8 * ix(lin, 29, 13), 0 | BLOCK)            # 512 MiB at pa 0
        m.put64(pgd + 8 * ix(vmemmap, 42, 10), pmd_v | TABLE)
        m.put64(pmd_v + 8 * ix(vmemmap, 29, 13),
                (pgd if loop else 0x20000 & ~0x1fffffff) | (TABLE if loop else BLOCK))
        sp = 0x0          # struct pages of pfn 0.. at pa 0 (through the block)
    else:       # 4K pages, 48-bit VAs: 4 levels, shifts 39 / 30 / 21 / 12
        lin, vmemmap = 0xffff000000000000, 0xfffffc0000000000
        ix = lambda va, s, bits=9: (va >> s) & 511  # noqa: E731
        m.put64(pgd + 8 * ix(lin, 39), 0x11000 | TABLE)
        m.put64(0x11000 + 8 * ix(lin, 30), 0 | BLOCK)               # 1 GiB at pa 0
        m.put64(pgd + 8 * ix(vmemmap, 39), 0x12000 | TABLE)
        m.put64(0x12000 + 8 * ix(vmemmap, 30), 0x13000 | TABLE)
        m.put64(0x13000 + 8 * ix(vmemmap, 21), (pgd if loop else 0x14000) | TABLE)
        for i in range(16):
            m.put64(0x14000 + 8 * i, (0x20000 + i * 0x1000) | PAGE | 3 << 53)
        sp = 0x20000
    # mem_section: root array at linear + 0x4000 (pa 0x4000), its first
    # root at pa 0x8000 with section 0 present, mem_map = vmemmap
    m.put64(0x4000, lin + 0x8000)
    m.put64(0x8000, vmemmap | 0x3)
    # struct pages: buddy heads, page cache, anon, compound
    for i in range(64):
        flags = [0, 1 << 4 | 1 << 2, 1 << 16, 1 << 19 | 1 << 4][i % 4]
        m.put(sp + 64 * i, struct.pack('<QQQQQQII', flags, 0, 0,
                                       (lin + 0x9000 + 1) if i % 4 == 3 else lin + 0x9000,
                                       0, i & 7, 0xffffff7f if i % 4 == 0 else 0xffffffff, 1))
    return m, lin + 0x4000


def entry(overrides, flags, mem, probe, max_mapnr=0x400):
    b = struct.pack('<B', len(overrides))
    for key, v in overrides:
        b += struct.pack('<HQ', IDS[key], v & (1 << 64) - 1)
    return b + struct.pack('<BQQ', flags, max_mapnr, probe) + mem.encode()


def main(argv):
    out = argv[1]
    A64, P64K, P16K = 0x40, 0x80, 0x01
    lvl31 = 31 << 1
    m4, p4 = machine(False)
    m64, p64 = machine(True)
    ml, pl = machine(False, loop=True)
    ml64, pl64 = machine(True, loop=True)
    entries = {
        'arm64-4k48': entry([], A64 | lvl31, m4, p4),
        'arm64-64k52': entry([], A64 | P64K | lvl31, m64, p64),
        'arm64-16k47': entry([], A64 | P16K | lvl31, m4, p4),
        'arm64-vabits99': entry([('NUMBER(VA_BITS)', 99)], A64 | lvl31, m4, p4),
        'arm64-t1sz-bad': entry([('NUMBER(TCR_EL1_T1SZ)', 0x30)], A64 | lvl31, m4, p4),
        'arm64-kvoff-bad': entry([('NUMBER(kimage_voffset)', 0x1234)], A64 | lvl31, m4, p4),
        'arm64-kvoff-near': entry([('NUMBER(kimage_voffset)', 0xffff800007ff0000)],
                                  A64 | lvl31, m4, p4),
        'arm64-physoff-bad': entry([('NUMBER(PHYS_OFFSET)', 0x123)], A64 | lvl31, m4, p4),
        'arm64-pagesize-8k': entry([], A64 | P64K | P16K | lvl31, m4, p4),
        'arm64-pt-loop': entry([], A64 | lvl31, ml, pl),
        'arm64-64k-pt-loop': entry([], A64 | P64K | lvl31, ml64, pl64),
        'arm64-pacmask': entry([('NUMBER(KERNELPACMASK)', 0x00ff000000000000)], A64 | lvl31, m4,
                               (p4 & ~(0xff << 48)) | 0x5a << 48),
    }
    for name, data in entries.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(data)
    print('wrote %d entries' % len(entries))


if __name__ == '__main__':
    sys.exit(main(sys.argv))
