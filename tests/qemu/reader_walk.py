#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Walk a kernel dump with drgn the way a debugging session would, and print
what was read, one line per object, so that two dumps of the same crash (the
raw vmcore and a filtered one) can be compared with cmp.

usage: reader_walk.py VMLINUX DUMP

Runs with Debian sid's drgn 0.3.0 (../shared/tools/sid-readers). Prints:

  task PID COMM stack=SHA1 trace=PC,PC,...   every task (for_each_task): its
        pid and comm, a hash of its whole kernel stack (THREAD_SIZE bytes at
        task.stack) and the unwound kernel stack trace
  cache NAME size=OBJSIZE objects=N sum=SHA1   every slab cache, with every
        allocated object walked (slab_cache_for_each_allocated_object) and
        a hash of the objects' addresses
  printk SEQ TS TEXT   every record of the printk ring (get_printk_records)
  module NAME BASE SIZE   the module list (for_each_module)

A read that fails (drgn.FaultError, e.g. an excluded page) is printed in
place of the value as FAULT(<address>), so a filtered dump that lost a page
the walk needs prints a different line instead of stopping. The last line
is "end tasks=N caches=N printk=N modules=N faults=N".
"""
import hashlib
import sys

import drgn
from drgn import FaultError
from drgn.helpers.linux.pid import for_each_task

THREAD_SIZE = 16384  # x86_64 without KASAN
faults = 0


def fault(e):
    global faults
    faults += 1
    return 'FAULT(%#x)' % getattr(e, 'address', 0)


def walk_tasks(prog):
    n = 0
    for t in for_each_task(prog):
        n += 1
        try:
            pid = int(t.pid)
            comm = t.comm.string_().decode(errors='replace')
        except FaultError as e:
            print('task', fault(e))
            continue
        try:
            stack = hashlib.sha1(prog.read(int(t.stack), THREAD_SIZE)).hexdigest()
        except FaultError as e:
            stack = fault(e)
        try:
            trace = ','.join('%x' % f.pc for f in prog.stack_trace(t))
        except FaultError as e:
            trace = fault(e)
        except ValueError as e:  # e.g. a task that cannot be unwound
            trace = 'none(%s)' % e
        print('task %d %s stack=%s trace=%s' % (pid, comm, stack, trace))
    return n


def walk_caches(prog):
    from drgn.helpers.linux.slab import (for_each_slab_cache,
                                         slab_cache_for_each_allocated_object)
    n = 0
    for s in for_each_slab_cache(prog):
        n += 1
        try:
            name = s.name.string_().decode(errors='replace')
            size = int(s.object_size)
        except FaultError as e:
            print('cache', fault(e))
            continue
        h = hashlib.sha1()
        count = 0
        try:
            for obj in slab_cache_for_each_allocated_object(s, 'void'):
                h.update(b'%x;' % obj.value_())
                count += 1
            objs = 'objects=%d sum=%s' % (count, h.hexdigest())
        except FaultError as e:
            objs = 'objects=%s after %d' % (fault(e), count)
        except ValueError as e:  # a cache drgn cannot walk (e.g. SLOB)
            objs = 'objects=none(%s)' % e
        print('cache %s size=%d %s' % (name, size, objs))
    return n


def walk_printk(prog):
    from drgn.helpers.linux.printk import get_printk_records
    n = 0
    try:
        for r in get_printk_records(prog):
            n += 1
            print('printk %d %d %s' % (r.seq, r.timestamp,
                                       r.text.decode(errors='replace').replace('\n', '\\n')))
    except FaultError as e:
        print('printk', fault(e), 'after', n)
    return n


def walk_modules(prog):
    from drgn.helpers.linux.module import for_each_module
    n = 0
    try:
        for m in for_each_module(prog):
            n += 1
            try:
                name = m.name.string_().decode()
                try:
                    base, size = int(m.mem[0].base), int(m.mem[0].size)
                except (AttributeError, LookupError):  # before 6.4: core_layout
                    base, size = int(m.core_layout.base), int(m.core_layout.size)
                print('module %s %x %d' % (name, base, size))
            except FaultError as e:
                print('module', fault(e))
    except FaultError as e:
        print('modules', fault(e), 'after', n)
    return n


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])
    counts = [walk_tasks(prog), walk_caches(prog), walk_printk(prog), walk_modules(prog)]
    print('end tasks=%d caches=%d printk=%d modules=%d faults=%d' % (*counts, faults))


if __name__ == '__main__':
    main()
