#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Print the task list of a dump, one "PID COMM" line per task, sorted.

usage: drgn_tasks.py DUMP VMLINUX

drgn (python3-drgn) opens DUMP (ELF itself, kdump-compressed through
libkdumpfile) with the debug VMLINUX and walks the kernel's task list; a
read of a page the dump lacks raises drgn.FaultError and ends the script with
exit status 1 (ORACLES.md, drgn).
"""
import sys

import drgn
from drgn.helpers.linux.pid import for_each_task


def main(argv):
    prog = drgn.Program()
    prog.set_core_dump(argv[1])
    prog.load_debug_info([argv[2]])
    tasks = sorted((int(t.pid), t.comm.string_().decode(errors='replace'))
                   for t in for_each_task(prog))
    for pid, comm in tasks:
        print(pid, comm)
    return 0 if tasks else 1


if __name__ == '__main__':
    sys.exit(main(sys.argv))
