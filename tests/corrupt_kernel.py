# SPDX-License-Identifier: GPL-2.0-or-later
"""Seeded damage to the kernel data of a real x86_64 vmcore
(tests/cases/corrupt_kernel_data.sh).

    corrupt_kernel.py MDF CORE WORKDIR [--per N] [--stride S] [--regions a,b]

CORE is a writable copy of the sample 6.1 vmcore. The regions are found
from its VMCOREINFO note and PT_LOADs with an independent page-table walk
(REFERENCE.md 7.1, 6.1, 9.3):
  mem_section  the root array and the section arrays it points to
  vmemmap      the pages of struct pages (through the vmemmap mapping)
  pgtable      the top-level page table (init_top_pgt)
  printk       the printk ring: struct, descriptors, infos, text data
  kallsyms     the kallsyms tables (names, tokens, index, offsets, ...)
Each mutant (N per region, default 50, seeded) overwrites 1-8 spans of the
region (random bytes, zeros, 0xff, single bit flips), runs the commands
that read the region, and restores the bytes. Every run must end within
the timeout, without a signal or sanitizer report, with exit 0, or exit 1
and exactly one error line on stderr. Prints each region's outcomes.
"""
import os
import re
import struct
import subprocess
import sys

START_KERNEL_MAP = 0xffffffff80000000
TIMEOUT = int(os.environ.get('MDF_TIMEOUT', '120'))


class Rng:
    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.s >> 33) % n


class Core:
    def __init__(self, path):
        self.f = open(path, 'r+b')
        eh = self.f.read(64)
        phoff, = struct.unpack_from('<Q', eh, 32)
        phnum, = struct.unpack_from('<H', eh, 56)
        self.loads = []
        note = None
        for i in range(phnum):
            self.f.seek(phoff + 56 * i)
            p = self.f.read(56)
            typ, = struct.unpack_from('<I', p, 0)
            off, va, pa, fsz = struct.unpack_from('<QQQQ', p, 8)
            if typ == 1:
                self.loads.append((pa, fsz, off, va))
            elif typ == 4:
                note = (off, fsz)
        self.f.seek(note[0])
        notes = self.f.read(note[1])
        self.facts = {}
        pos = 0
        while pos + 12 <= len(notes):
            nsz, dsz, _ = struct.unpack_from('<III', notes, pos)
            name = notes[pos + 12:pos + 12 + nsz].rstrip(b'\0')
            dpos = pos + 12 + ((nsz + 3) & ~3)
            if name == b'VMCOREINFO':
                for line in notes[dpos:dpos + dsz].decode('latin-1').split('\n'):
                    k, _, v = line.partition('=')
                    self.facts[k] = v
            pos = dpos + ((dsz + 3) & ~3)
        self.phys_base = int(self.facts.get('NUMBER(phys_base)', '0')) % (1 << 64)
        self.root = (self.sym("init_top_pgt") - START_KERNEL_MAP + self.phys_base) % (1 << 64)

    def sym(self, name):
        return int(self.facts['SYMBOL(%s)' % name], 16)

    def num(self, key):
        return int(self.facts[key])

    def file_off(self, pa):
        for lpa, fsz, off, _ in self.loads:
            if lpa <= pa < lpa + fsz:
                return off + pa - lpa
        return None

    def read_pa(self, pa, n):
        off = self.file_off(pa)
        if off is None:
            return None
        self.f.seek(off)
        return self.f.read(n)

    def vtop(self, va):
        """4-level walk with 1 GiB / 2 MiB leaves (REFERENCE.md 7.1)."""
        table = self.root
        for shift in (39, 30, 21, 12):
            b = self.read_pa(table + ((va >> shift) & 511) * 8, 8)
            if b is None:
                return None
            e, = struct.unpack('<Q', b)
            if not e & 1:
                return None
            addr = e & 0x000ffffffffff000
            if shift == 12 or (shift in (30, 21) and e & 0x80):
                size = 1 << shift
                return (addr & ~(size - 1)) | (va & (size - 1))
            table = addr
        return None

    def read_va(self, va, n):
        pa = self.vtop(va)
        return None if pa is None else self.read_pa(pa, n)

    def spans_va(self, va, n):
        """File spans of [va, va + n), page by page."""
        out = []
        end = va + n
        while va < end:
            chunk = min(end - va, 4096 - (va & 4095))
            pa = self.vtop(va)
            off = None if pa is None else self.file_off(pa)
            if off is not None:
                out.append((off, chunk))
            va += chunk
        return out


def regions(c):
    r = {}
    # mem_section: the root array (LENGTH entries) and what it points to
    ms = c.sym('mem_section')
    nroots = c.num('LENGTH(mem_section)')
    spans = c.spans_va(ms, nroots * 8)
    roots = c.read_va(ms, nroots * 8) or b''
    ptrs = [p for p in struct.unpack('<%dQ' % (len(roots) // 8), roots) if p]
    for p in ptrs[:8]:
        spans += c.spans_va(p, 4096)
    r['mem_section'] = spans
    # vmemmap: section 0's mem_map is the vmemmap base
    sec0 = c.read_va(ptrs[0], 8)
    vmemmap = struct.unpack('<Q', sec0)[0] & ~0x3f
    max_pfn = max(pa + fsz for pa, fsz, _, _ in c.loads) // 4096
    r['vmemmap'] = c.spans_va(vmemmap, max_pfn * c.num('SIZE(page)'))
    r['pgtable'] = [(c.file_off(c.root), 4096)]
    # printk ring (6.1 layout, REFERENCE.md 9.3)
    rb = struct.unpack('<Q', c.read_va(c.sym('prb'), 8))[0]
    s = c.read_va(rb, 88)
    count = 1 << struct.unpack_from('<I', s, 0)[0]
    descs, infos = struct.unpack_from('<QQ', s, 8)
    size = 1 << struct.unpack_from('<I', s, 48)[0]
    data, = struct.unpack_from('<Q', s, 56)
    r['printk'] = c.spans_va(rb, 88) + c.spans_va(descs, count * 24) + \
        c.spans_va(infos, count * 88) + c.spans_va(data, size)
    ks = []
    for name, n in (('kallsyms_num_syms', 8), ('kallsyms_relative_base', 8),
                    ('kallsyms_token_index', 512), ('kallsyms_token_table', 4096),
                    ('kallsyms_offsets', 65536), ('kallsyms_names', 65536)):
        ks += c.spans_va(c.sym(name), n)
    r['kallsyms'] = ks
    return r


COMMANDS = {
    'mem_section': [['-l', '-d', '31']],
    'vmemmap': [['-l', '-d', '31']],
    'pgtable': [['-l', '-d', '31'], ['--dump-dmesg']],
    'printk': [['--dump-dmesg']],
    'kallsyms': [['-l', '-d', '31']],
}


def damage(c, spans, rng):
    """Overwrites 1-8 spans; returns [(off, old bytes)]."""
    total = sum(n for _, n in spans)
    undo = []
    for _ in range(1 + rng.next(8)):
        at = rng.next(total)
        for off, n in spans:
            if at < n:
                break
            at -= n
        kind = rng.next(4)
        ln = min(1 + rng.next(64), n - at)
        pos = off + at
        c.f.seek(pos)
        old = c.f.read(ln)
        if kind == 0:
            new = bytes(rng.next(256) for _ in range(ln))
        elif kind == 1:
            new = b'\0' * ln
        elif kind == 2:
            new = b'\xff' * ln
        else:
            new = bytearray(old)
            new[rng.next(ln)] ^= 1 << rng.next(8)
            new = bytes(new)
        c.f.seek(pos)
        c.f.write(new)
        undo.append((pos, old))
    c.f.flush()
    return undo


def error_lines(err):
    lines = []
    for line in err.replace('\r', '\n').split('\n'):
        line = re.sub(r'^.{50}: \[[ 0-9.]{5} %\] .  .{16}', '', line)
        if line.strip() and not line.startswith('STEP ['):
            lines.append(line)
    return lines


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    mdf, core, work = argv[1:4]
    per = int(argv[argv.index('--per') + 1]) if '--per' in argv else 50
    stride = int(argv[argv.index('--stride') + 1]) if '--stride' in argv else 1
    only = argv[argv.index('--regions') + 1].split(',') if '--regions' in argv else None
    c = Core(core)
    regs = regions(c)
    failures = 0
    for name in COMMANDS:
        if only and name not in only:
            continue
        spans = regs[name]
        rng = Rng(hash(name) % 1000 if False else sum(map(ord, name)))
        outcomes = {}
        print('%s: %d bytes in %d spans' % (name, sum(n for _, n in spans), len(spans)))
        for m in range(per):
            undo = damage(c, spans, rng)
            try:
                if m % stride:
                    continue
                for args in COMMANDS[name]:
                    out = os.path.join(work, 'out')
                    if os.path.exists(out):
                        os.unlink(out)
                    tag = ' '.join(args)
                    try:
                        p = subprocess.run([mdf] + args + [core, out], capture_output=True,
                                           timeout=TIMEOUT)
                        rc, so, se = p.returncode, p.stdout.decode('latin-1'), \
                            p.stderr.decode('latin-1')
                    except subprocess.TimeoutExpired:
                        rc, so, se = None, '', 'timed out'
                    problem = None
                    if rc is None or rc < 0 or rc >= 128 or \
                            re.search(r'AddressSanitizer|runtime error:|LeakSanitizer', se):
                        problem = 'crash or hang: exit %s: %s' % (rc, se[-400:])
                    elif rc == 1:
                        el = error_lines(se)
                        if len(el) != 1:
                            problem = 'exit 1 with %d error lines: %s' % (len(el), el[:3])
                        key = '%s: exit 1: %s' % (tag, re.sub(r'0x[0-9a-f]+|\d+', 'N', el[0])[:90]
                                                  if el else '')
                    elif rc != 0:
                        problem = 'exit %s: %s' % (rc, se[-300:])
                    if rc == 0:
                        warn = re.findall(r'WARNING: [^\n]*|may be incomplete', so)
                        key = '%s: exit 0%s' % (tag, ' with a warning' if warn else '')
                    if problem:
                        failures += 1
                        print('FAIL %s mutant %d (%s): %s' % (name, m, tag, problem))
                    else:
                        outcomes[key] = outcomes.get(key, 0) + 1
            finally:
                for pos, old in reversed(undo):
                    c.f.seek(pos)
                    c.f.write(old)
                c.f.flush()
        for k in sorted(outcomes):
            print('  %4d  %s' % (outcomes[k], k))
    print('%d failures' % failures)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
