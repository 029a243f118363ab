#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A small QMP client for the tests/qemu scripts that dump a live guest.

  qmp.py SOCKET dump FILE        stop the VM, dump-guest-memory to FILE
                                 (ELF, paging off), quit QEMU
  qmp.py SOCKET dump-all PREFIX  the same in every format this QEMU writes
                                 (elf and kdump-*), each to PREFIX-FORMAT;
                                 prints each format written

As a module: connect(SOCKET) returns cmd(NAME, **ARGS), which sends one
command and returns its result; a QMP error ends the program with it.
"""
import json
import socket
import sys


def connect(path):
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    f = s.makefile('rw')

    def cmd(name, **args):
        f.write(json.dumps({'execute': name, 'arguments': args} if args
                           else {'execute': name}) + '\n')
        f.flush()
        while True:
            r = json.loads(f.readline())
            if 'error' in r:
                sys.exit('%s: %s' % (name, r['error']))
            if 'return' in r:
                return r['return']

    json.loads(f.readline())  # the greeting
    cmd('qmp_capabilities')
    return cmd


def main(argv):
    if len(argv) != 4 or argv[2] not in ('dump', 'dump-all'):
        sys.exit(__doc__)
    cmd = connect(argv[1])
    cmd('stop')
    if argv[2] == 'dump':
        cmd('dump-guest-memory', paging=False, protocol='file:' + argv[3], format='elf')
    else:
        for fm in cmd('query-dump-guest-memory-capability')['formats']:
            if fm != 'elf' and not fm.startswith('kdump'):
                continue
            cmd('dump-guest-memory', paging=False,
                protocol='file:%s-%s' % (argv[3], fm), format=fm)
            print(fm, flush=True)
    cmd('quit')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
