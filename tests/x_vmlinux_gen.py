#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers for tests/cases/x-vmlinux-generated.sh.

  x_vmlinux_gen.py layout CORE BASE_SPEC OUT_SPEC OUT_LDS
      From CORE's VMCOREINFO note (a generated vmcore, tests/mkvmcore.c):
      OUT_LDS, a linker script putting the globals of
      tests/dwarf/gen61_vmlinux.c at the generator's link-time addresses
      (note SYMBOL - KERNELOFFSET), and OUT_SPEC, BASE_SPEC plus pokes that
      write into the image what the generator leaves zero: the mem_section
      pointer (its value: the note's root array), __pgtable_l5_enabled and
      linux_banner (REFERENCE.md 5.4, 6.1, 7.1).
  x_vmlinux_gen.py hide CORE OUT
      OUT = CORE with the VMCOREINFO note's name patched to "VMCOREINFX".
  x_vmlinux_gen.py bm2 DUMP
      "<set bits> <sha256> <bitmap 1 set bits>" of bitmap 2 of a
      kdump-compressed file (REFERENCE.md 2.1, 2.2, 2.6).
"""
import hashlib
import os
import shutil
import struct
import sys

START_KERNEL_MAP = 0xffffffff80000000
# Must equal linux_banner in tests/dwarf/gen61_vmlinux.c (the PT_LOAD
# derivation compares the two).
BANNER = 'Linux version 6.1.0-56-amd64 (mkvmcore) #1 SMP PREEMPT_DYNAMIC mkvmcore\\n'
# Free places in the generator's zero "other symbols" area, past node_data
# (node_online_map + 0x300, 1024 pointers).
EXTRA = {'mem_section': 0x3000, '__pgtable_l5_enabled': 0x3010, 'linux_banner': 0x4000}
# Fixture globals placed at the note's own SYMBOL addresses.
FROM_NOTE = ['init_top_pgt', 'init_uts_ns', 'node_online_map', 'vmap_area_list', 'node_data']


def note_text(core):
    with open(core, 'rb') as f:
        head = f.read(0x10000)
    i = head.find(b'OSRELEASE=')
    if i < 0:
        sys.exit('%s: no VMCOREINFO text' % core)
    text = head[i:head.find(b'\0', i)].decode()
    return dict(l.split('=', 1) for l in text.splitlines() if '=' in l)


def first_kernel_load(core):
    with open(core, 'rb') as f:
        h = f.read(64)
        phoff, = struct.unpack_from('<Q', h, 32)
        phnum, = struct.unpack_from('<H', h, 56)
        f.seek(phoff)
        ph = f.read(56 * phnum)
    for i in range(phnum):
        p_type, _, _, vaddr, paddr, _, memsz, _ = struct.unpack_from('<IIQQQQQQ', ph, 56 * i)
        if p_type == 1 and vaddr >= START_KERNEL_MAP:
            return vaddr, paddr, memsz
    sys.exit('%s: no kernel-text PT_LOAD' % core)


def layout(core, base_spec, out_spec, out_lds):
    n = note_text(core)
    k = int(n['KERNELOFFSET'], 16)
    phys_base = int(n['NUMBER(phys_base)'])
    link = {s: int(n['SYMBOL(%s)' % s], 16) - k for s in FROM_NOTE}
    sym_base = link['node_online_map']
    assert link['node_data'] + 8 * int(n['LENGTH(node_data)']) <= sym_base + EXTRA['mem_section']
    for s, off in EXTRA.items():
        link[s] = sym_base + off
    stext = int(n['SYMBOL(_stext)'], 16) - k
    _, _, memsz = first_kernel_load(core)

    lds = ['ENTRY(_stext)', 'SECTIONS', '{']
    for s, a in sorted(link.items(), key=lambda x: x[1]):
        lds.append('  . = 0x%x;' % a)
        lds.append('  .k.%s : { *(.data.%s) *(.bss.%s) *(.rodata.%s) }' % (s, s, s, s))
    lds.append('}')
    lds.append('_stext = 0x%x;' % stext)
    lds.append('_text = 0x%x;' % stext)
    lds.append('_end = 0x%x;' % (stext + memsz))
    lds.append('swapper_pg_dir = init_top_pgt;')
    with open(out_lds, 'w') as f:
        f.write('\n'.join(lds) + '\n')

    def pa(s):
        return link[s] - START_KERNEL_MAP + k + phys_base

    with open(out_spec, 'w') as f:
        f.write('include %s\n' % os.path.abspath(base_spec))
        f.write('poke 0x%x u64:0x%x\n' % (pa('mem_section'), int(n['SYMBOL(mem_section)'], 16)))
        f.write('poke 0x%x u32:%d\n' % (pa('__pgtable_l5_enabled'),
                                        int(n['NUMBER(pgtable_l5_enabled)'])))
        f.write('poke 0x%x str:%s\n' % (pa('linux_banner'), BANNER))


def hide(core, out):
    shutil.copyfile(core, out)
    with open(out, 'r+b') as f:
        head = f.read(0x4000)
        i = head.find(b'VMCOREINFO\0')
        if i < 0:
            sys.exit('%s: no VMCOREINFO note name' % core)
        f.seek(i)
        f.write(b'VMCOREINFX')


def bm2(dump):
    with open(dump, 'rb') as f:
        h = f.read(464)
        bs, shs, bmb = struct.unpack_from('<iiI', h, 428)
        half = bmb * bs // 2
        f.seek((1 + shs) * bs)
        b1 = f.read(half)
        b = f.read(half)
    if len(b) != half or not half:
        sys.exit('%s: short bitmap' % dump)
    print('%d %s %d' % (sum(bin(x).count('1') for x in b), hashlib.sha256(b).hexdigest(),
                        sum(bin(x).count('1') for x in b1)))


if __name__ == '__main__':
    cmds = {'layout': (layout, 4), 'hide': (hide, 2), 'bm2': (bm2, 1)}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != cmds[sys.argv[1]][1] + 2:
        sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])
