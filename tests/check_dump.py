#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare a dump file, read through python3-libkdumpfile, with its ELF input.

usage: check_dump.py INPUT.elf DUMP [--format diskdump|elf]
                     [--excluded FILE] [--expect-zero-excluded]
                     [--present-only] [--osrelease R] [--quiet]
                     [--excluded-may-stay]

For every page of every PT_LOAD of INPUT (the file bytes; p_filesz < p_memsz
tails count as zeros) the page read from DUMP at the same physical address
must be equal.  Pages listed in --excluded (lines "START END" of pfns, end
exclusive, as mkvmcore's truth file "zero" lines, or "zero START END") must be
missing: a kdump file raises NoDataException, an ELF file reads zeros or
raises it (p_filesz < p_memsz; ORACLES.md).  With --expect-zero-excluded
(dump level bit 0) an all-zero input page must read back as zeros from a
kdump file (shared zero page, REFERENCE 2.7) and as zeros or NoData from an
ELF file.  With --present-only every page the dump lacks counts as excluded
(for a dump whose kept set another tool decided, e.g. a refiltered one):
only the pages it has are compared, and at least one must be.

Exit 0 if everything matches, 1 with a message naming the first few bad
pfns otherwise.  It reads INPUT itself (struct module), not with any tool
under test.
"""
import mmap
import struct
import sys

import kdumpfile

PT_LOAD = 1


def elf_loads(path):
    """Return (page_size_guess, [(paddr, filesz, memsz, offset)]) of an ELF."""
    with open(path, 'rb') as f:
        ident = f.read(64)
        if ident[:4] != b'\x7fELF':
            raise SystemExit('%s: not an ELF file' % path)
        is64 = ident[4] == 2
        end = '<' if ident[5] == 1 else '>'
        if is64:
            phoff, = struct.unpack_from(end + 'Q', ident, 32)
            phentsize, phnum = struct.unpack_from(end + 'HH', ident, 54)
        else:
            phoff, = struct.unpack_from(end + 'I', ident, 28)
            phentsize, phnum = struct.unpack_from(end + 'HH', ident, 42)
        f.seek(phoff)
        ph = f.read(phentsize * phnum)
    loads = []
    for i in range(phnum):
        b = ph[i * phentsize:(i + 1) * phentsize]
        if is64:
            (p_type, _fl, off, _va, pa, fsz, msz, _al) = struct.unpack_from(
                end + 'IIQQQQQQ', b)
        else:
            (p_type, off, _va, pa, fsz, msz, _fl, _al) = struct.unpack_from(
                end + 'IIIIIIII', b)
        if p_type == PT_LOAD:
            loads.append((pa, fsz, msz, off))
    return loads


def read_ranges(path):
    out = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith('#'):
                continue
            if w[0] == 'zero':
                w = w[1:]
            elif not w[0][0].isdigit():
                continue
            out.append((int(w[0], 0), int(w[1], 0)))
    return out


class RangeSet:
    def __init__(self, ranges):
        self.r = sorted(ranges)
        self.starts = [a for a, _ in self.r]

    def __contains__(self, pfn):
        import bisect
        i = bisect.bisect_right(self.starts, pfn) - 1
        return i >= 0 and self.r[i][0] <= pfn < self.r[i][1]


def main(argv):
    args = argv[1:]
    opts = {'--format': None, '--excluded': None, '--osrelease': None}
    flags = set()
    pos = []
    i = 0
    while i < len(args):
        a = args[i]
        if a in opts:
            opts[a] = args[i + 1]
            i += 2
            continue
        if a in ('--expect-zero-excluded', '--quiet', '--excluded-may-stay',
                 '--present-only'):
            flags.add(a)
        else:
            pos.append(a)
        i += 1
    if len(pos) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src, dump = pos
    excluded = RangeSet(read_ranges(opts['--excluded'])) \
        if opts['--excluded'] else RangeSet([])
    zero_excl = '--expect-zero-excluded' in flags
    present_only = '--present-only' in flags
    # ELF output keeps runs of excluded pages shorter than a threshold as
    # data (makedumpfile's rule, REFERENCE 4): such a page may read back
    # as the input's bytes instead of zeros or no data.
    may_stay = '--excluded-may-stay' in flags

    try:
        k = kdumpfile.kdumpfile(dump)
    except Exception as e:  # noqa: BLE001 - any failure to open is a failure
        print('libkdumpfile cannot open %s: %s' % (dump, e))
        return 1
    fmt = k.attr['file.format']
    if opts['--format'] and fmt != opts['--format']:
        print('%s: file.format is %s, expected %s' % (dump, fmt, opts['--format']))
        return 1
    if opts['--osrelease']:
        rel = k.attr.get('linux.uts.release', None) if hasattr(k.attr, 'get') \
            else None
        try:
            rel = k.attr['linux.uts.release']
        except Exception:  # noqa: BLE001
            pass
        if rel != opts['--osrelease']:
            print('%s: linux.uts.release %r, expected %r' % (dump, rel,
                                                           opts['--osrelease']))
            return 1
    ps = 4096
    try:
        ps = int(k.attr['arch.page_size'])
    except Exception:  # noqa: BLE001
        pass
    zero_page = bytes(ps)
    phys = kdumpfile.KDUMP_MACHPHYSADDR
    nodata = kdumpfile.exceptions.NoDataException

    loads = elf_loads(src)
    bad = []
    seen = set()
    n_cmp = n_excl = n_zero = 0
    with open(src, 'rb') as f:
        mm = mmap.mmap(f.fileno(), 0, prot=mmap.PROT_READ)
        fsize = len(mm)
        for (pa, fsz, msz, off) in loads:
            first = pa // ps
            last = (pa + msz + ps - 1) // ps
            for pfn in range(first, last):
                if pfn in seen:
                    continue      # overlapping PT_LOADs (kernel text twice)
                seen.add(pfn)
                lo = max(pfn * ps, pa)
                hi = min((pfn + 1) * ps, pa + msz)
                # bytes of this page inside the segment, file part then zeros
                flo = lo - pa
                fhi = min(hi - pa, fsz)
                data = b''
                if fhi > flo:
                    data = mm[off + flo:min(off + fhi, fsize)]
                want = data + bytes((hi - lo) - len(data))
                if (lo, hi) != (pfn * ps, (pfn + 1) * ps):
                    continue      # partial pages: bitmap rules differ; skip
                is_zero = want == zero_page
                # listed pages must be gone; zero pages at -d 1 may be gone
                # (ELF) or read back as zeros (kdump keeps them, pointing at
                # the shared zero page, REFERENCE 2.7)
                must_gone = pfn in excluded
                may_gone = must_gone or present_only or \
                    (zero_excl and is_zero and fmt != 'diskdump')
                try:
                    got = k.read(phys, pfn * ps, ps)
                except nodata:
                    if may_gone:
                        n_excl += 1
                        continue
                    bad.append('pfn 0x%x: NoData, expected data' % pfn)
                    if len(bad) > 10:
                        break
                    continue
                except Exception as e:  # noqa: BLE001
                    bad.append('pfn 0x%x: read error %s' % (pfn, e))
                    if len(bad) > 10:
                        break
                    continue
                if present_only:
                    if got != want:
                        bad.append('pfn 0x%x: content differs' % pfn)
                    n_cmp += got == want
                    n_zero += is_zero and got == want
                elif must_gone and fmt == 'diskdump':
                    bad.append('pfn 0x%x: readable, expected excluded' % pfn)
                elif may_gone and got == zero_page:
                    n_excl += 1
                elif may_gone and may_stay and got == want:
                    n_cmp += 1
                elif may_gone:
                    bad.append('pfn 0x%x: excluded page not zero' % pfn)
                elif got != want:
                    bad.append('pfn 0x%x: content differs' % pfn)
                else:
                    n_cmp += 1
                    n_zero += is_zero
                if len(bad) > 10:
                    break
            if len(bad) > 10:
                break
        mm.close()
    if bad:
        print('%s: %d+ bad pages:' % (dump, len(bad)))
        for b in bad:
            print('  ' + b)
        return 1
    if '--quiet' not in flags:
        print('%s: %s, %d pages equal (%d zero), %d excluded as expected'
              % (dump, fmt, n_cmp, n_zero, n_excl))
    if n_cmp == 0:
        print('%s: no page compared' % dump)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
