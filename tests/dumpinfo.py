#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print one line of facts about a dump file, for shell tests.

  kdump:     format=kdump status=0x.. incomplete=0|1 block_size=N max_mapnr=N
             nr_cpus=N dump_level=N descs=N lost_descs=N past_eof=N
             (past_eof: descriptors whose data would end past the file's end)
  ELF:       format=elf class=64 phnum=N loads=N eflags=0x.. incomplete=0|1
  flattened: format=flat records=N end_marker=0|1 trailing=N
  else:      format=unknown size=N

Layouts: REFERENCE.md 2.2, 2.4, 2.7 (LP64 only), 3 and 4.
"""
import struct
import sys


def kdump(b, f, size):
    (ver,) = struct.unpack_from('<i', b, 8)
    status, bs, shs, bmb, mm = struct.unpack_from('<IiiII', b, 424)
    (ncpu,) = struct.unpack_from('<i', b, 460)
    f.seek(bs)
    sub = f.read(104)
    dl = struct.unpack_from('<i', sub, 8)[0] if len(sub) >= 12 else -1
    mm64 = struct.unpack_from('<Q', sub, 96)[0] if len(sub) >= 104 else mm
    # count descriptors of the 2nd bitmap
    nbits = 0
    f.seek((1 + shs) * bs + bmb * bs // 2)
    bm2 = f.read(bmb * bs // 2)
    nbits = sum(bin(x).count('1') for x in bm2)
    f.seek((1 + shs + bmb) * bs)
    descs = f.read(24 * nbits)
    lost = past = 0
    for i in range(len(descs) // 24):
        off, dsize, flags = struct.unpack_from('<qII', descs, 24 * i)
        if off == 0:
            lost += 1
        elif off + dsize > size:
            past += 1
    lost += nbits - len(descs) // 24
    print('format=kdump version=%d status=0x%x incomplete=%d block_size=%d '
          'max_mapnr=%d nr_cpus=%d dump_level=%d descs=%d lost_descs=%d past_eof=%d'
          % (ver, status, 1 if status & 8 else 0, bs, mm64, ncpu, dl, nbits,
             lost, past))


def elf(b):
    is64 = b[4] == 2
    e = '<' if b[5] == 1 else '>'
    if is64:
        (flags,) = struct.unpack_from(e + 'I', b, 48)
        phoff = struct.unpack_from(e + 'Q', b, 32)[0]
        phentsize, phnum = struct.unpack_from(e + 'HH', b, 54)
    else:
        (flags,) = struct.unpack_from(e + 'I', b, 36)
        phoff = struct.unpack_from(e + 'I', b, 28)[0]
        phentsize, phnum = struct.unpack_from(e + 'HH', b, 42)
    return is64, flags, phoff, phentsize, phnum, e


def flat(f, size):
    f.seek(4096)
    n = 0
    end = 0
    while True:
        h = f.read(16)
        if len(h) < 16:
            break
        off, sz = struct.unpack('>qq', h)
        if off == -1 and sz == -1:
            end = 1
            break
        if off < 0 or sz <= 0:
            break
        n += 1
        f.seek(sz, 1)
        if f.tell() > size:
            break
    trailing = max(0, size - f.tell()) if end else 0
    print('format=flat records=%d end_marker=%d trailing=%d' % (n, end, trailing))


def main():
    path = sys.argv[1]
    with open(path, 'rb') as f:
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        b = f.read(4096)
        if b[:8] in (b'KDUMP   ', b'DISKDUMP') and len(b) >= 464:
            kdump(b, f, size)
        elif b[:4] == b'\x7fELF' and len(b) >= 52:
            is64, flags, phoff, phentsize, phnum, e = elf(b)
            f.seek(phoff)
            ph = f.read(phentsize * phnum)
            loads = sum(1 for i in range(phnum)
                        if len(ph) >= (i + 1) * phentsize
                        and struct.unpack_from(e + 'I', ph, i * phentsize)[0] == 1)
            print('format=elf class=%d phnum=%d loads=%d eflags=0x%x incomplete=%d'
                  % (64 if is64 else 32, phnum, loads, flags, flags & 1))
        elif b[:16] == b'makedumpfile\0\0\0\0':
            flat(f, size)
        else:
            print('format=unknown size=%d' % size)


if __name__ == '__main__':
    main()
