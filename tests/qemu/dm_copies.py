#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the key copies found by dm_needles.py live (tests/qemu/dm-crypt-erase.sh).

  dm_copies.py HITS.json CRASH VMLINUX VMCORE MODDIR

Groups the hits in the source dump ("vmcore") into regions, asks crash
(with the debug vmlinux and the modules' debug files under MODDIR, Debian's
-dbg layout) which slab object holds each region (kmem), and marks the
regions still present in the erased outputs ("dwarf", "btf"). Then, from
each mapping's struct crypt_config (the object holding the whole 64-byte
key, crypt_config.key), prints the transform chain: the tfm dm-crypt holds,
its algorithm, the crypto_simd context's cryptd transform, the cryptd
context's child and the child's algorithm and context address.
"""
import json
import re
import subprocess
import sys

MODS = [('dm_mod', 'drivers/md/dm-mod.ko'), ('dm_crypt', 'drivers/md/dm-crypt.ko'),
        ('crypto_simd', 'crypto/crypto_simd.ko'), ('cryptd', 'crypto/cryptd.ko'),
        ('aesni_intel', 'arch/x86/crypto/aesni-intel.ko')]
MARK = 7770000000


def crash(argv, cmds, moddir):
    pre = ['mod -s %s %s/%s' % (n, moddir, p) for n, p in MODS]
    # markers between the commands: printed numbers (crash's echo prints
    # nothing when it reads an input file, and p drops string quotes)
    script = '\n'.join(pre + ['p %d\n%s' % (MARK + i, c) for i, c in enumerate(cmds)]) + '\n'
    path = 'crash-cmds.txt'
    with open(path, 'w') as f:
        f.write(script)
    out = subprocess.run([argv[0], '-s', argv[1], argv[2], '-i', path],
                         stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, timeout=600).stdout.decode('utf-8', 'replace')
    res = {}
    cur = None
    for line in out.splitlines():
        m = re.match(r'^\$\d+ = (\d+)$', line)
        if m and MARK <= int(m.group(1)) < MARK + len(cmds):
            cur = cmds[int(m.group(1)) - MARK]
            res[cur] = []
        elif cur is not None:
            res[cur].append(line)
    return res, out


def regions(hits):
    """Merge hits whose bytes touch into regions [lo, hi) with their needles."""
    out = []
    for h in sorted(hits, key=lambda h: (h['paddr'], -h['len'])):
        lo, hi = h['paddr'], h['paddr'] + h['len']
        if out and lo <= out[-1][1]:
            out[-1][1] = max(out[-1][1], hi)
            out[-1][2].append(h)
        else:
            out.append([lo, hi, [h]])
    return out


def print_region(lo, hi, hs, left, pob):
    """The first lines of a copy's report: where it is, which needles, and
    which outputs still hold it (left: {label: {(paddr, needle)}})."""
    names = sorted({h['needle'] for h in hs if not h['chunk']}) or \
        sorted({h['needle'] for h in hs})
    kept = [lab for lab in left if any((h['paddr'], h['needle']) in left[lab] for h in hs)]
    print('- paddr 0x%x-0x%x (%d bytes), vaddr 0x%x: %s' % (lo, hi, hi - lo, pob + lo, ', '.join(names)))
    if 'ctl' in left and 'ctl' not in kept:
        print('  in none of the -d 31 outputs: its page is excluded by -d 31')
    elif kept == ['ctl']:
        print('  in ctl.elf only: erased by the config')
    else:
        print('  left in: %s' % ', '.join(kept))


def val(lines):
    m = re.search(r'=\s*(.*)$', ' '.join(lines).strip())
    v = m.group(1).strip() if m else ' '.join(lines).strip()
    # char arrays: the string without its trailing NULs
    return re.sub(r'(\\000)+"', '"', v)


def kmem_cache(lines):
    for i, line in enumerate(lines):
        if 'CACHE' in line and 'OBJSIZE' in line and i + 1 < len(lines):
            f = lines[i + 1].split()
            return '%s (object size %s)' % (f[-1], f[1]) if len(f) >= 2 else ' '.join(f)
    for i, line in enumerate(lines):
        if line.split()[:2] == ['PAGE', 'PHYSICAL'] and i + 1 < len(lines):
            f = lines[i + 1].split()
            return 'none: not a slab object; page %s, mapping %s, flags %s' % (
                f[0], f[2] if len(f) > 2 else '?', f[-1])
    return ' | '.join(l.strip() for l in lines if l.strip())[:300] or '?'


def main(argv):
    if len(argv) != 6:
        sys.stderr.write(__doc__)
        return 2
    r = json.load(open(argv[1]))
    cargv = argv[2:5]
    moddir = argv[5]
    src = [h for h in r['files']['vmcore']['hits'] if h['paddr'] is not None]
    left = {}
    for lab in ('ctl', 'dwarf', 'btf'):
        if lab in r['files']:
            left[lab] = {(h['paddr'], h['needle']) for h in r['files'][lab]['hits']}
    regs = regions(src)
    base, _ = crash(cargv, ['p/x page_offset_base',
                            'p/x (unsigned long)&((struct crypt_config *)0)->key'], moddir)
    pob = int(val(base['p/x page_offset_base']), 16)
    keyoff = int(val(base['p/x (unsigned long)&((struct crypt_config *)0)->key']), 16)
    cmds = ['kmem %x' % (pob + lo) for lo, _, _ in regs]
    ccs = []
    for h in src:
        if h['needle'].endswith('.key64'):
            ccs.append((h['needle'].split('.')[0], pob + h['paddr'] - keyoff))
    chain = []
    for kname, cc in ccs:
        cce = '((struct crypt_config *)0x%x)' % cc
        t = cce + '->cipher_tfm.tfms[0]'
        sctx = '((struct simd_skcipher_ctx *)%s->base.__crt_ctx)' % t
        cd = sctx + '->cryptd_tfm'
        cctx = '((struct cryptd_skcipher_ctx *)%s->base.base.__crt_ctx)' % cd
        ch = cctx + '->child'
        steps = [
            ('crypt_config', 'p/x %s' % cc),
            ('crypt_config.cipher_string', 'p %s->cipher_string' % cce),
            ('crypt_config.key_size', 'p %s->key_size' % cce),
            ('crypt_config.tfms_count', 'p %s->tfms_count' % cce),
            ('tfms[0] (struct crypto_skcipher *)', 'p/x %s' % t),
            ('tfms[0]->base.__crt_alg->cra_name', 'p %s->base.__crt_alg->cra_name' % t),
            ('tfms[0]->base.__crt_alg->cra_driver_name', 'p %s->base.__crt_alg->cra_driver_name' % t),
            ('tfms[0]->base.__crt_alg->cra_ctxsize', 'p %s->base.__crt_alg->cra_ctxsize' % t),
            ('tfms[0]->base.__crt_alg->cra_alignmask', 'p %s->base.__crt_alg->cra_alignmask' % t),
            ('&tfms[0]->base.__crt_ctx (struct simd_skcipher_ctx)', 'p/x &%s->base.__crt_ctx' % t),
            ('simd ctx->cryptd_tfm (struct cryptd_skcipher *)', 'p/x %s' % cd),
            ('cryptd_tfm->base.base.__crt_alg->cra_driver_name', 'p %s->base.base.__crt_alg->cra_driver_name' % cd),
            ('cryptd_tfm->base.base.__crt_alg->cra_ctxsize', 'p %s->base.base.__crt_alg->cra_ctxsize' % cd),
            ('&cryptd_tfm->base.base.__crt_ctx (struct cryptd_skcipher_ctx)', 'p/x &%s->base.base.__crt_ctx' % cd),
            ('cryptd ctx->refcnt', 'p %s->refcnt.refs.counter' % cctx),
            ('cryptd ctx->child (struct crypto_skcipher *)', 'p/x %s' % ch),
            ('child->base.__crt_alg->cra_name', 'p %s->base.__crt_alg->cra_name' % ch),
            ('child->base.__crt_alg->cra_driver_name', 'p %s->base.__crt_alg->cra_driver_name' % ch),
            ('child->base.__crt_alg->cra_ctxsize', 'p %s->base.__crt_alg->cra_ctxsize' % ch),
            ('child->base.__crt_alg->cra_alignmask', 'p %s->base.__crt_alg->cra_alignmask' % ch),
            ('child->base.__crt_alg->cra_flags', 'p/x %s->base.__crt_alg->cra_flags' % ch),
            ('&child->base.__crt_ctx', 'p/x &%s->base.__crt_ctx' % ch),
            ('sizeof(struct aesni_xts_ctx)', 'p sizeof(struct aesni_xts_ctx)'),
        ]
        chain.append((kname, cc, steps))
        cmds += [c for _, c in steps]
        cmds += ['kmem %s' % '0x%x' % cc]
    res, raw = crash(cargv, cmds, moddir)
    # the slab caches of the transforms (their addresses are known now)
    objs = []
    for _, _, steps in chain:
        for label, c in steps:
            if label.endswith('*)'):
                m = re.match(r'0x[0-9a-f]+$', val(res.get(c, [''])))
                if m:
                    objs.append('kmem ' + m.group(0))
    res2, raw2 = crash(cargv, objs, moddir) if objs else ({}, '')
    with open('crash-out.txt', 'w') as f:
        f.write(raw + raw2)

    print('page_offset_base 0x%x; offsetof(struct crypt_config, key) = %d' % (pob, keyoff))
    print()
    print('Copies in the source dump (regions of touching hits), and the slab object of each:')
    for lo, hi, hs in regs:
        print_region(lo, hi, hs, left, pob)
        km = res.get('kmem %x' % (pob + lo), [])
        obj = None
        print('  slab cache (crash kmem): %s' % kmem_cache(km))
        for line in km:
            m = re.match(r'\s*\[?([0-9a-f]{16})\]?\s*$', line)
            if m and obj is None:
                obj = int(m.group(1), 16)
        if obj is not None:
            print('  object 0x%x, the copy at offset +0x%x (%d) in it' % (obj, pob + lo - obj, pob + lo - obj))
    print()
    for kname, cc, steps in chain:
        print('Transform chain of the mapping keyed with %s (crypt_config 0x%x):' % (kname, cc))
        for label, c in steps:
            v = val(res.get(c, ['?']))
            print('  %-62s %s' % (label, v))
            if label.endswith('*)') and ('kmem ' + v) in res2:
                print('  %-62s %s' % ('  its slab cache', kmem_cache(res2['kmem ' + v])))
        print('  %-62s %s' % ('crypt_config slab cache', kmem_cache(res.get('kmem 0x%x' % cc, []))))
        print()
    # the children's contexts, for the script's what-if check
    kids = []
    for kname, cc, steps in chain:
        d = {label: val(res.get(c, ['?'])) for label, c in steps}
        try:
            ctx = int(d['&child->base.__crt_ctx'], 16)
            size = int(d['child->base.__crt_alg->cra_ctxsize'])
        except ValueError:
            continue
        kids.append({'key': kname, 'paddr': ctx - pob, 'size': size})
    with open('children.json', 'w') as f:
        json.dump(kids, f)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
