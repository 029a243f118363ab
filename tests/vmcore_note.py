# SPDX-License-Identifier: GPL-2.0-or-later
"""Read and rewrite the VMCOREINFO note of an ELF64 little-endian vmcore in
place (the tests' way to give a real dump a damaged note).

    vmcore_note.py get CORE            print the note's text
    vmcore_note.py set CORE TEXTFILE   replace the note's text (bytes as given)

The notes are rebuilt with the new descriptor (the others unchanged) and
must fit between the program headers and the first PT_LOAD's data; they go
at the first page boundary there (as kexec places them) when they fit, else
at the start of the gap, the rest of which is zeroed. PT_NOTE p_offset,
p_filesz and p_memsz follow.
"""
import struct
import sys


def _align4(n):
    return (n + 3) & ~3


class Core:
    def __init__(self, path):
        self.path = path
        with open(path, 'rb') as f:
            eh = f.read(64)
            if eh[:4] != b'\x7fELF' or eh[4] != 2 or eh[5] != 1:
                raise ValueError('%s: not an ELF64 little-endian file' % path)
            self.phoff, = struct.unpack_from('<Q', eh, 32)
            self.phentsize, self.phnum = struct.unpack_from('<HH', eh, 54)
            self.phdrs = []
            for i in range(self.phnum):
                f.seek(self.phoff + i * self.phentsize)
                self.phdrs.append(bytearray(f.read(56)))
            note = [i for i, p in enumerate(self.phdrs) if struct.unpack_from('<I', p, 0)[0] == 4]
            if len(note) != 1:
                raise ValueError('%s: expected one PT_NOTE' % path)
            self.note_idx = note[0]
            p = self.phdrs[self.note_idx]
            self.note_off, = struct.unpack_from('<Q', p, 8)
            self.note_size, = struct.unpack_from('<Q', p, 32)
            f.seek(self.note_off)
            self.notes = f.read(self.note_size)
        loads = [struct.unpack_from('<Q', p, 8)[0] for p in self.phdrs
                 if struct.unpack_from('<I', p, 0)[0] == 1]
        # The gap between the program headers and the first segment data:
        # the notes go at the first page boundary in it (where kexec puts
        # them), or at its start when they are too long for that.
        self.gap_start = self.phoff + self.phnum * self.phentsize
        self.gap_end = min([o for o in loads if o >= self.gap_start] or
                           [self.note_off + self.note_size])
        self.room = self.gap_end - ((self.gap_start + 15) & ~15)

    def entries(self):
        """(name, type, desc) of every note."""
        out, pos, n = [], 0, self.notes
        while pos + 12 <= len(n):
            namesz, descsz, typ = struct.unpack_from('<III', n, pos)
            name = n[pos + 12:pos + 12 + namesz]
            dpos = pos + 12 + _align4(namesz)
            out.append((name, typ, n[dpos:dpos + descsz]))
            pos = dpos + _align4(descsz)
        return out

    def text(self):
        for name, _, desc in self.entries():
            if name.rstrip(b'\0') == b'VMCOREINFO':
                return desc
        raise ValueError('%s: no VMCOREINFO note' % self.path)

    def set_text(self, text):
        blob = b''
        for name, typ, desc in self.entries():
            if name.rstrip(b'\0') == b'VMCOREINFO':
                desc = text
            blob += struct.pack('<III', len(name), len(desc), typ)
            blob += name + b'\0' * (_align4(len(name)) - len(name))
            blob += desc + b'\0' * (_align4(len(desc)) - len(desc))
        if len(blob) > self.room:
            raise ValueError('new notes (%d bytes) do not fit in %d' % (len(blob), self.room))
        off = (self.gap_start + 4095) & ~4095
        if off + len(blob) > self.gap_end:
            off = (self.gap_start + 15) & ~15
        p = self.phdrs[self.note_idx]
        struct.pack_into('<Q', p, 8, off)
        struct.pack_into('<QQ', p, 32, len(blob), len(blob))
        with open(self.path, 'r+b') as f:
            f.seek(self.phoff + self.note_idx * self.phentsize)
            f.write(p)
            f.seek(self.gap_start)
            f.write(b'\0' * (self.gap_end - self.gap_start))
            f.seek(off)
            f.write(blob)
        self.notes, self.note_size, self.note_off = blob, len(blob), off


def main(argv):
    if len(argv) >= 3 and argv[1] == 'get':
        sys.stdout.buffer.write(Core(argv[2]).text())
        return 0
    if len(argv) == 4 and argv[1] == 'set':
        with open(argv[3], 'rb') as f:
            Core(argv[2]).set_text(f.read())
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
