#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Writes the seeds of tests/fuzz/corpus/btf_locate from a built --config
fixture (tests/erase_fixture.py build DIR): the fixture's vmlinux BTF and
module BTF, a module list and a btf_modules list in the layout
tests/fuzz/fuzz_btf_locate.c expects, then a few broken variants.

  mk_btf_locate_seeds.py FIXTURE_DIR OUT_DIR
"""
import os
import struct
import subprocess
import sys

MEM_VA = 0xffff888000000000


def dump_section(path, name, tmp):
    subprocess.run(['objcopy', '--dump-section', '%s=%s' % (name, tmp), path, tmp + '.elf'],
                   check=True)
    os.unlink(tmp + '.elf')
    with open(tmp, 'rb') as f:
        data = f.read()
    os.unlink(tmp)
    return data


def image(btf, mbtf):
    mem = bytearray(0x10000)

    def put(off, b):
        mem[off:off + len(b)] = b

    def va(off):
        return MEM_VA + off
    btf_off, mbtf_off = 0x1000, 0x8000
    put(btf_off, btf)
    put(mbtf_off, mbtf)
    # modules head 0x100 <-> module.list (module at 0x200, list @8)
    put(0x100, struct.pack('<QQ', va(0x208), va(0x208)))
    put(0x208, struct.pack('<QQ', va(0x100), va(0x100)))
    put(0x218, b'mod_fx'.ljust(56, b'\0'))
    put(0x250, struct.pack('<Q', va(0x300)))            # kallsyms @80
    put(0x300, struct.pack('<QIxxxxQ', va(0x400), 3, va(0x500)))
    strtab = b'\0fx_mod_data\0fx_mod_name\0'
    put(0x500, strtab)
    put(0x418, struct.pack('<IBBHQQ', 1, 0x11, 0, 1, 0xffffffffc0100000, 20))
    put(0x430, struct.pack('<IBBHQQ', 13, 0x11, 0, 1, 0xffffffffc0100020, 16))
    # btf_modules head 0x600 <-> btf_module 0x700 (list @0, btf @24)
    put(0x600, struct.pack('<QQ', va(0x700), va(0x700)))
    put(0x700, struct.pack('<QQQQ', va(0x600), va(0x600), va(0x200), va(0x800)))
    put(0x800, struct.pack('<QI', va(mbtf_off), len(mbtf)) + b'mod_fx'.ljust(56, b'\0'))
    hdr = struct.pack('<QQQQ', btf_off, btf_off + len(btf), 0x100, 0x600) + bytes(32)
    return bytearray(hdr) + mem


def main(fx, out):
    os.makedirs(out, exist_ok=True)
    tmp = os.path.join(out, 'tmp.bin')
    btf = dump_section(os.path.join(fx, 'vmlinux'), '.BTF', tmp)
    mbtf = dump_section(os.path.join(fx, 'mod_fx.ko'), '.BTF', tmp)
    good = image(btf, mbtf)
    seeds = {'good': good}
    b = bytearray(good)
    struct.pack_into('<I', b, 64 + 0x1000 + 12, 0x7ffffff0)   # type_len past the end
    seeds['btf_type_len'] = b
    b = bytearray(good)
    b[64 + 0x1000 + 24 + 40:64 + 0x1000 + 24 + 200] = bytes(range(160))  # types garbage
    seeds['btf_garbage'] = b
    b = bytearray(good)
    struct.pack_into('<Q', b, 64 + 0x208, MEM_VA + 0x208)       # module list loops on itself
    seeds['modules_loop'] = b
    b = bytearray(good)
    struct.pack_into('<I', b, 64 + 0x308, 0xffffffff)           # num_symtab huge
    seeds['symtab_huge'] = b
    b = bytearray(good)
    struct.pack_into('<I', b, 64 + 0x808, 0x10000000)           # module BTF size huge
    seeds['mbtf_size'] = b
    b = bytearray(good)
    struct.pack_into('<Q', b, 8, 0)                              # __stop_BTF below start
    seeds['stop_below_start'] = b
    for name, data in seeds.items():
        with open(os.path.join(out, name), 'wb') as f:
            f.write(bytes(data))


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
