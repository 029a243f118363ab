#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Copies of dm-crypt keys in ELF dumps (for tests/qemu/dm-crypt-erase.sh).

  dm_needles.py selftest
  dm_needles.py search OUT.json NAME=KEYHEX... -- LABEL=FILE.elf...
  dm_needles.py overwrite CHILDREN.json FILE.elf   (the what-if check)

For every aes-xts-plain64 key (64 bytes: two AES-256 keys, the data key
then the tweak key, as the kernel's xts_aesni_setkey splits it) the needles
are: the whole key; each 32-byte half; each half's AES-256 encryption key
schedule (15 round keys, 240 bytes, FIPS-197 5.2) and its decryption
schedule as the kernel stores it for AES-NI and the generic code alike
(struct crypto_aes_ctx.key_dec: the last encryption round key, the
InvMixColumns of round keys 13..1, then round key 0; FIPS-197 5.3.5); and
every 16-byte round key of both schedules on its own, so that partial
copies count; and the key as hex text (the table line's form). Each file is searched for each needle; the hits go to
OUT.json with their file offset and, from the ELF program headers, their
physical address. A summary is printed.
"""
import json
import mmap
import struct
import sys


def _xtime(a):
    a <<= 1
    return (a ^ 0x11b) & 0xff if a & 0x100 else a


def _gmul(a, b):
    r = 0
    while b:
        if b & 1:
            r ^= a
        a = _xtime(a)
        b >>= 1
    return r


def _sbox():
    box = []
    for x in range(256):
        inv = 0
        if x:
            # x^254 is the inverse in GF(2^8)
            inv, p, e = 1, x, 254
            while e:
                if e & 1:
                    inv = _gmul(inv, p)
                p = _gmul(p, p)
                e >>= 1
        s = inv
        for k in range(1, 5):
            s ^= ((inv << k) | (inv >> (8 - k))) & 0xff
        box.append(s ^ 0x63)
    return box


SBOX = _sbox()


def enc_schedule(key):
    """The 15 round keys of AES-256 (FIPS-197 5.2, Nk = 8)."""
    assert len(key) == 32
    w = [list(key[4 * i:4 * i + 4]) for i in range(8)]
    rcon = 1
    for i in range(8, 60):
        t = list(w[i - 1])
        if i % 8 == 0:
            t = [SBOX[b] for b in t[1:] + t[:1]]
            t[0] ^= rcon
            rcon = _xtime(rcon)
        elif i % 8 == 4:
            t = [SBOX[b] for b in t]
        w.append([a ^ b for a, b in zip(w[i - 8], t)])
    return [bytes(sum(w[4 * r:4 * r + 4], [])) for r in range(15)]


def inv_mix(rk):
    out = bytearray()
    for c in range(4):
        a = rk[4 * c:4 * c + 4]
        for row in range(4):
            m = (14, 11, 13, 9)[-row:] + (14, 11, 13, 9)[:-row] if row else (14, 11, 13, 9)
            out.append(_gmul(a[0], m[0]) ^ _gmul(a[1], m[1]) ^ _gmul(a[2], m[2]) ^ _gmul(a[3], m[3]))
    return bytes(out)


def dec_schedule(enc):
    return [enc[14]] + [inv_mix(enc[r]) for r in range(13, 0, -1)] + [enc[0]]


def selftest():
    # FIPS-197 appendix A.3: the last words of the AES-256 expansion
    key = bytes.fromhex('603deb1015ca71be2b73aef0857d7781'
                        '1f352c073b6108d72d9810a30914dff4')
    enc = enc_schedule(key)
    assert enc[14] == bytes.fromhex('fe4890d1e6188d0b046df344706c631e'), enc[14].hex()
    assert enc[1] == key[16:]
    # FIPS-197 5.3.5 example column (Appendix B round 1: InvMixColumns
    # undoes MixColumns of d4 bf 5d 30 -> 04 66 81 e5)
    assert inv_mix(bytes.fromhex('046681e5' * 4)) == bytes.fromhex('d4bf5d30' * 4)
    print('dm_needles selftest: ok')


def needles(keys):
    """[(name, bytes, is_chunk)] for every key; equal byte strings once."""
    out, seen = [], {}
    for kname, key in keys:
        out.append((kname + '.key64', key, False))
        # the key as dmsetup and the table take it, hex text
        out.append((kname + '.hex128', key.hex().encode(), False))
        for hname, half in (('data', key[:32]), ('tweak', key[32:])):
            base = '%s.%s' % (kname, hname)
            enc = enc_schedule(half)
            dec = dec_schedule(enc)
            out.append((base + '.key32', half, False))
            out.append((base + '.enc240', b''.join(enc), False))
            out.append((base + '.dec240', b''.join(dec), False))
            for r in range(15):
                out.append(('%s.enc.rk%02d' % (base, r), enc[r], True))
            for r in range(1, 14):
                # dec[0] and dec[14] are enc rk14 and rk0
                out.append(('%s.dec.rk%02d' % (base, r), dec[r], True))
    uniq = []
    for n, b, c in out:
        if b in seen:
            continue
        seen[b] = n
        uniq.append((n, b, c))
    return uniq


def load_segments(mm):
    if mm[:4] != b'\x7fELF' or mm[4] != 2:
        raise SystemExit('not an ELF64 file')
    phoff, = struct.unpack_from('<Q', mm, 0x20)
    phentsize, phnum = struct.unpack_from('<HH', mm, 0x36)
    segs = []
    for i in range(phnum):
        p_type, _fl, off, _va, pa, filesz, _ms, _al = struct.unpack_from(
            '<IIQQQQQQ', mm, phoff + i * phentsize)
        if p_type == 1:
            segs.append((off, off + filesz, pa))
    return segs


def paddr(segs, off):
    for lo, hi, pa in segs:
        if lo <= off < hi:
            return pa + off - lo
    return None


def search(outpath, keyargs, files):
    keys = []
    for a in keyargs:
        n, h = a.split('=', 1)
        keys.append((n, bytes.fromhex(h.strip())))
    nd = needles(keys)
    result = {'needles': {n: {'len': len(b), 'chunk': c, 'hex': b.hex()} for n, b, c in nd},
              'files': {}}
    for label, path in files:
        with open(path, 'rb') as f:
            mm = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
            segs = load_segments(mm)
            hits = []
            for n, b, c in nd:
                pos = mm.find(b)
                while pos >= 0:
                    pa = paddr(segs, pos)
                    hits.append({'needle': n, 'len': len(b), 'chunk': c, 'offset': pos,
                                 'paddr': pa})
                    pos = mm.find(b, pos + 1)
            mm.close()
        result['files'][label] = {'path': path, 'hits': hits}
        nwhole = sum(1 for h in hits if not h['chunk'])
        nchunk = len(hits) - nwhole
        print('%-8s %s: %d hits (%d whole keys/schedules, %d 16-byte round keys)'
              % (label, path, len(hits), nwhole, nchunk))
    with open(outpath, 'w') as f:
        json.dump(result, f, indent=1)


def overwrite(kidsjson, path):
    """X the children's contexts (children.json of dm_copies.py) in PATH."""
    kids = json.load(open(kidsjson))
    with open(path, 'r+b') as f:
        mm = mmap.mmap(f.fileno(), 0)
        segs = load_segments(mm)
        for k in kids:
            pa = k['paddr']
            for lo, hi, base in segs:
                if base <= pa and pa + k['size'] <= base + (hi - lo):
                    o = lo + pa - base
                    mm[o:o + k['size']] = b'X' * k['size']
        mm.close()


def main(argv):
    if len(argv) >= 2 and argv[1] == 'selftest':
        selftest()
        return 0
    if len(argv) == 4 and argv[1] == 'overwrite':
        overwrite(argv[2], argv[3])
        return 0
    if len(argv) >= 4 and argv[1] == 'search' and '--' in argv:
        i = argv.index('--')
        files = [tuple(a.split('=', 1)) for a in argv[i + 1:]]
        search(argv[2], argv[3:i], files)
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == '__main__':
    sys.exit(main(sys.argv))
