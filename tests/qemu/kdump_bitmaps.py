#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare the page sets of two kdump-compressed files (ours vs Debian's).

usage: kdump_bitmaps.py OURS REF [--iomem FILE] [--vmcore ELF] [--expect-image]
                        [--expect-partial] [--expect-pfn PFN]... [--max-ranges N]
                        [--class NAME=KDUMP]...

Reads each file's main and sub header (REFERENCE.md 2.2, 2.4, LP64), both
bitmaps (2.1, 2.6: bit N is byte N>>3, bit N&7), and prints:

  - per file: dump_level, max_mapnr, RAM pfns (bitmap 1), kept pfns (bitmap 2)
    and, with dump level bit 0, how many of those point at the shared zero
    block (2.7) and how many carry data
  - pfns in bitmap 1 of only one file, pfns kept by only one file, and pfns
    both keep but only one stores as the zero block, as ranges, each with
    what we know about it:
      image      inside the kernel image: the kernel-text PT_LOAD of the ELF
                 given with --vmcore (_text.._end), else Kernel code .. Kernel
                 bss of the crashed kernel's /proc/iomem (--iomem)
      reserved   inside a "Reserved" or "Crash kernel" range of iomem
      NAME N     N pages of the range are excluded in the kdump file given
                 with --class NAME=FILE (a single-level dump, e.g. Debian's
                 -d 16 as free=FILE; for a file with dump level bit 0, its
                 zero-block pages count as excluded)
      zero=N/M   N of the M pages are all zeros in the ELF vmcore (--vmcore;
                 a file holding only the head of /proc/vmcore is enough for
                 the image range, not for this)

A difference is "expected" when it is a pfn given with --expect-pfn; with
--expect-partial, a pfn where a "System RAM" range of iomem starts or ends
inside the page (the first RAM range 0x1000-0x9fbff ends in pfn 0x9f: we
count and dump it, Debian's cyclic path makes it a hole); or, with
--expect-image, a pfn of the kernel image that only OURS keeps (we never
drop kernel-image pages).  Everything else is UNEXPLAINED.

Exit status: 0 page sets equal or all differences expected, 1 otherwise,
2 on a file we cannot read.
"""
import re
import struct
import sys

PAGE = 4096


def die(msg):
    print('kdump_bitmaps: ' + msg, file=sys.stderr)
    sys.exit(2)


class Kdump:
    """Headers and both bitmaps of one kdump-compressed file."""

    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as f:
            head = f.read(464)
            if len(head) < 464 or head[:8] not in (b'KDUMP   ', b'DISKDUMP'):
                die('%s: not a kdump-compressed file' % path)
            (self.version,) = struct.unpack_from('<i', head, 8)
            self.release = head[142:207].split(b'\0')[0].decode('ascii', 'replace')
            (self.status, self.bs, self.shs, self.bmb,
             mm32) = struct.unpack_from('<IiiII', head, 424)
            if self.bs <= 0 or self.bs > 1 << 20 or self.shs < 0 or self.bmb > 1 << 26:
                die('%s: header not sane (block_size %d, sub_hdr_size %d, '
                    'bitmap_blocks %d)' % (path, self.bs, self.shs, self.bmb))
            f.seek(self.bs)
            sub = f.read(104)
            if len(sub) < 104:
                die('%s: short sub header' % path)
            self.dump_level = struct.unpack_from('<i', sub, 8)[0]
            self.max_mapnr = struct.unpack_from('<Q', sub, 96)[0] if self.version >= 6 else mm32
            half = self.bmb * self.bs // 2
            f.seek((1 + self.shs) * self.bs)
            self.bm1 = f.read(half)
            self.bm2 = f.read(half)
            if len(self.bm1) != half or len(self.bm2) != half:
                die('%s: bitmaps cut short' % path)
            if self.max_mapnr > half * 8:
                die('%s: max_mapnr %d beyond the bitmap (%d bits)' % (path, self.max_mapnr, half * 8))
            self.ram = popcount(self.bm1)
            self.kept = popcount(self.bm2)
            self.zero = self._zero_pfns(f)

    def _zero_pfns(self, f):
        """pfns whose descriptor points at the shared zero block (REFERENCE.md
        2.7: with dump level bit 0 the first data chunk is one zero page and
        every zero page's descriptor is {data start, block_size, flags 0})."""
        if not self.dump_level & 1 or self.kept == 0:
            return []
        table = (1 + self.shs + self.bmb) * self.bs
        f.seek(table)
        descs = f.read(24 * self.kept)
        if len(descs) != 24 * self.kept:
            die('%s: descriptor table cut short' % self.path)
        start = table + 24 * self.kept
        pfns = set_bits(self.bm2)
        out = []
        for i, (off, size, flags) in enumerate(struct.iter_unpack('<qII8x', descs)):
            if off == start and size == self.bs and flags == 0:
                out.append(pfns[i])
        return out


def popcount(b):
    return bin(int.from_bytes(b, 'little')).count('1')


def set_bits(b):
    """pfns of the set bits of bitmap b (LSB-first, REFERENCE.md 2.6)."""
    n = int.from_bytes(b, 'little')
    out = []
    while n:
        low = n & -n
        out.append(low.bit_length() - 1)
        n ^= low
    return out


def only_in(a, b):
    """pfns set in bitmap a but not in b; both are bytes of the same use."""
    n = len(a)
    if len(b) < n:
        b = b + bytes(n - len(b))
    x = int.from_bytes(a, 'little') & ~int.from_bytes(b[:n], 'little')
    return set_bits(x.to_bytes(n, 'little')) if x else []


def ranges(pfns):
    out = []
    for p in pfns:
        if out and out[-1][1] == p - 1:
            out[-1][1] = p
        else:
            out.append([p, p])
    return out


def read_iomem(path):
    """(image_lo_pfn, image_hi_pfn, [(lo_pfn, hi_pfn, name)], {partial pfns})
    from a /proc/iomem listing."""
    img = []
    spans = []
    partial = set()
    with open(path) as f:
        for line in f:
            m = re.match(r'\s*([0-9a-f]+)-([0-9a-f]+) : (.*)', line)
            if not m:
                continue
            lo, hi, name = int(m.group(1), 16), int(m.group(2), 16), m.group(3).strip()
            if name in ('Kernel code', 'Kernel rodata', 'Kernel data', 'Kernel bss'):
                img.append((lo, hi))
            spans.append((lo // PAGE, hi // PAGE, name))
            if name == 'System RAM' and not line.startswith(' '):
                if lo % PAGE:
                    partial.add(lo // PAGE)
                if (hi + 1) % PAGE:
                    partial.add(hi // PAGE)
    if img:
        return (min(x[0] for x in img) // PAGE, max(x[1] for x in img) // PAGE, spans,
                partial)
    return None, None, spans, partial


class Elf:
    """Just enough of an ELF64 vmcore to find the kernel image and read a
    physical page.  The file may be only the head of /proc/vmcore (headers
    and notes): then pages read as 'not in vmcore'."""

    def __init__(self, path):
        self.f = open(path, 'rb')
        self.f.seek(0, 2)
        self.size = self.f.tell()
        self.f.seek(0)
        h = self.f.read(64)
        if h[:4] != b'\x7fELF' or h[4] != 2 or h[5] != 1:
            die('%s: not a little-endian ELF64 file' % path)
        phoff = struct.unpack_from('<Q', h, 32)[0]
        phentsize, phnum = struct.unpack_from('<HH', h, 54)
        self.f.seek(phoff)
        ph = self.f.read(phentsize * min(phnum, 4096))
        self.loads = []
        self.image = None
        for i in range(len(ph) // phentsize):
            t, _, off, vaddr, paddr, filesz, memsz, _ = struct.unpack_from('<IIQQQQQQ', ph,
                                                                           i * phentsize)
            if t != 1:
                continue
            # kexec-tools describes the kernel image (_text.._end, from the
            # kernel-text PT_LOAD of /proc/kcore) as a PT_LOAD in the
            # __START_KERNEL_map area, besides the direct-map copies.
            if vaddr >= 0xffffffff80000000 and memsz:
                self.image = (paddr // PAGE, (paddr + memsz - 1) // PAGE)
            elif off + filesz <= self.size:
                self.loads.append((paddr, filesz, off))

    def is_zero(self, pfn):
        """True/False for a page in a PT_LOAD's file data, None if not there."""
        pa = pfn * PAGE
        for paddr, filesz, off in self.loads:
            if paddr <= pa < paddr + filesz:
                self.f.seek(off + pa - paddr)
                data = self.f.read(min(PAGE, paddr + filesz - pa))
                return not any(data)
        return None


def describe(lo, hi, img, spans, elf, classes=()):
    notes = []
    for name, excl in classes:
        n = sum(1 for p in range(lo, hi + 1) if p in excl)
        if n:
            notes.append('%s %d' % (name, n))
    if img[0] is not None:
        n = max(0, min(hi, img[1]) - max(lo, img[0]) + 1)
        if n:
            notes.append('image %d' % n if n != hi - lo + 1 else 'image')
    for slo, shi, name in spans:
        if (name.startswith('Reserved') or name.startswith('Crash kernel')) and slo <= hi and lo <= shi:
            notes.append(name.lower())
            break
    if elf is not None and elf.loads:
        z = [elf.is_zero(p) for p in range(lo, hi + 1)]
        inside = [v for v in z if v is not None]
        notes.append('zero=%d/%d' % (sum(1 for v in inside if v), len(inside)))
        if len(inside) < len(z):
            notes.append('%d not in vmcore' % (len(z) - len(inside)))
    return ', '.join(notes)


def report(title, pfns, expected, img, spans, elf, max_ranges, classes=()):
    """Print one direction of difference; return its unexplained pfn count."""
    rs = ranges(pfns)
    bad = 0
    print('%s: %d pfns in %d ranges' % (title, len(pfns), len(rs)))
    for k, (lo, hi) in enumerate(rs):
        n = hi - lo + 1
        exp = sum(1 for p in range(lo, hi + 1) if expected(p))
        bad += n - exp
        if k < max_ranges:
            tag = 'expected' if exp == n else ('UNEXPLAINED' if exp == 0 else
                                              'UNEXPLAINED %d of %d' % (n - exp, n))
            span = '0x%x' % lo if lo == hi else '0x%x-0x%x' % (lo, hi)
            d = describe(lo, hi, img, spans, elf, classes)
            print('  %-24s %7d  %s%s' % (span, n, tag, ' [' + d + ']' if d else ''))
    if len(rs) > max_ranges:
        print('  ... %d more ranges' % (len(rs) - max_ranges))
    return bad


def main(argv):
    pos, iomem, vmcore, exp_pfns, exp_image, max_ranges = [], None, None, set(), False, 40
    exp_partial = False
    class_args = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == '--iomem':
            iomem = argv[i + 1]; i += 2
        elif a == '--vmcore':
            vmcore = argv[i + 1]; i += 2
        elif a == '--expect-pfn':
            exp_pfns.add(int(argv[i + 1], 0)); i += 2
        elif a == '--class':
            class_args.append(argv[i + 1].split('=', 1)); i += 2
        elif a == '--expect-partial':
            exp_partial = True; i += 1
        elif a == '--expect-image':
            exp_image = True; i += 1
        elif a == '--max-ranges':
            max_ranges = int(argv[i + 1]); i += 2
        else:
            pos.append(a); i += 1
    if len(pos) != 2:
        die(__doc__.split('\n\n')[1])
    ours, ref = Kdump(pos[0]), Kdump(pos[1])
    img = (None, None)
    spans = []
    if iomem:
        lo, hi, spans, partial = read_iomem(iomem)
        img = (lo, hi)
        if exp_partial:
            exp_pfns |= partial
            print('partial RAM pages (iomem): %s' % ' '.join('0x%x' % p for p in sorted(partial)))
    elf = Elf(vmcore) if vmcore else None
    classes = []
    for name, path in class_args:
        k = Kdump(path)
        excl = set(set_bits(k.bm1)) - set(set_bits(k.bm2)) | set(k.zero)
        classes.append((name, excl))
        print('class %s: %s (dump_level %d): %d pfns excluded' % (name, path, k.dump_level,
                                                                  len(excl)))
    if elf is not None and elf.image is not None:
        img = elf.image
        print('kernel image (ELF kernel-text PT_LOAD, _text.._end): pfn 0x%x-0x%x (%d pages)'
              % (img[0], img[1], img[1] - img[0] + 1))
    elif img[0] is not None:
        print('kernel image (iomem Kernel code..bss): pfn 0x%x-0x%x (%d pages)'
              % (img[0], img[1], img[1] - img[0] + 1))

    for label, k in (('ours', ours), ('ref ', ref)):
        print('%s: %s  dump_level=%d max_mapnr=%d ram_pfns=%d kept_pfns=%d '
              'zero_block_pfns=%d data_pfns=%d status=0x%x'
              % (label, k.path, k.dump_level, k.max_mapnr, k.ram, k.kept, len(k.zero),
                 k.kept - len(k.zero), k.status))
    if ours.dump_level != ref.dump_level:
        print('NOTE: dump levels differ (%d vs %d)' % (ours.dump_level, ref.dump_level))

    def exp_ours(p):
        return p in exp_pfns or (exp_image and img[0] is not None and img[0] <= p <= img[1])

    def exp_ref(p):
        return p in exp_pfns

    bad = 0
    r1a, r1b = only_in(ours.bm1, ref.bm1), only_in(ref.bm1, ours.bm1)
    if r1a or r1b:
        bad += report('RAM (bitmap 1) only in ours', r1a, lambda p: p in exp_pfns,
                      img, spans, elf, max_ranges)
        bad += report('RAM (bitmap 1) only in ref', r1b, lambda p: p in exp_pfns,
                      img, spans, elf, max_ranges)
    else:
        print('bitmap 1 (RAM): identical')
    ka, kb = only_in(ours.bm2, ref.bm2), only_in(ref.bm2, ours.bm2)
    print('kept by both: %d' % (ours.kept - len(ka)))
    bad += report('kept only by ours', ka, exp_ours, img, spans, elf, max_ranges, classes)
    bad += report('kept only by ref', kb, exp_ref, img, spans, elf, max_ranges, classes)
    if classes and (ka or kb):
        for title, pf in (('kept only by ours', ka), ('kept only by ref', kb)):
            if pf:
                pset = set(pf)
                print('%s, by reference class: %s' % (title, ', '.join(
                    '%s %d' % (n, len(pset & e)) for n, e in classes) + ', none %d' % len(
                    pset - set().union(*(e for _, e in classes)))))
    # Pages both keep, but as the shared zero block in one file only: a
    # difference in the zero test, not in the page set.
    if (ours.dump_level & 1) and (ref.dump_level & 1):
        both = set(set_bits(ours.bm2)) & set(set_bits(ref.bm2))
        za, zb = set(ours.zero) & both, set(ref.zero) & both
        zonly_a, zonly_b = sorted(za - zb), sorted(zb - za)
        if zonly_a or zonly_b:
            bad += report('kept by both, zero block only in ours', zonly_a, lambda p: p in exp_pfns,
                          img, spans, elf, max_ranges)
            bad += report('kept by both, zero block only in ref', zonly_b, lambda p: p in exp_pfns,
                          img, spans, elf, max_ranges)
        else:
            print('zero-block pages among those kept by both: identical (%d)' % len(za))
    if not (ka or kb or r1a or r1b) and bad == 0:
        print('RESULT: identical page sets')
        return 0
    print('RESULT: %s (%d pfns unexplained)' % ('differences all expected' if bad == 0
                                                 else 'UNEXPLAINED differences', bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
