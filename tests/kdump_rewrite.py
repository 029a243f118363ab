#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Rewrites a kdump-compressed file for the refiltering tests.

usage: kdump_rewrite.py IN OUT [--hide-vmcoreinfo VMCI_OUT] [--unknown-machine]

--hide-vmcoreinfo: the sub header's VMCOREINFO offset and size become 0
  and the note is renamed, so no reader finds it; its text goes to VMCI_OUT
  (for -i). REFERENCE.md 2.4: offset_vmcoreinfo at sub header + 32,
  offset_note at + 48; the sub header starts at block_size (main header
  offset 428).
--unknown-machine: utsname as QEMU 11.1's dump-guest-memory writes it:
  machine "Unknown", the other five fields empty (six 65-byte fields at 12).
"""
import struct
import sys


def main(argv):
    args = argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    src, dst, rest = args[0], args[1], args[2:]
    b = bytearray(open(src, 'rb').read())
    while rest:
        opt = rest.pop(0)
        if opt == '--unknown-machine':
            b[12:12 + 65 * 6] = bytes(65 * 6)
            b[12 + 65 * 4:12 + 65 * 4 + 7] = b'Unknown'
        elif opt == '--hide-vmcoreinfo' and rest:
            bs = struct.unpack_from('<i', b, 428)[0]
            off, size = struct.unpack_from('<qQ', b, bs + 32)
            open(rest.pop(0), 'wb').write(b[off:off + size])
            struct.pack_into('<qQ', b, bs + 32, 0, 0)
            noff, nsize = struct.unpack_from('<qQ', b, bs + 48)
            i = b.find(b'VMCOREINFO', noff, noff + nsize)
            if i < 0:
                sys.exit(f'{src}: no VMCOREINFO note')
            b[i:i + 10] = b'NOTVMCINFO'
        else:
            sys.exit(__doc__)
    open(dst, 'wb').write(b)


if __name__ == '__main__':
    main(sys.argv)
