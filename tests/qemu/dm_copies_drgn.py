#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Where the key copies found by dm_needles.py live, read with drgn.

  dm_copies_drgn.py HITS.json VMLINUX VMCORE MODDIR

The drgn counterpart of dm_copies.py (tests/qemu/dm-crypt-erase.sh,
LOCATE=drgn), for kernels Debian 12's crash cannot read (6.12, 7.x); run
with a drgn that knows them (the sid readers' 0.3.0). Groups the hits in
the source dump into regions, names the slab object of each
(slab_object_info), marks the regions still in the erased outputs, and
prints each mapping's transform chain from its struct crypt_config: every
transform's cra_name, cra_driver_name, cra_ctxsize, cra_alignmask, the
skcipher_alg's init function and its context's address; a crypto_simd
wrapper (init simd_skcipher_init) is followed to its cryptd transform and
that one's child. Writes children.json (the children's contexts, for the
script's what-if) when there is a child.
"""
import glob
import json
import os
import sys

import drgn
from drgn import Object, container_of, offsetof
from drgn.helpers.linux.slab import slab_object_info

from dm_copies import print_region, regions  # same folder


def load(vmlinux, vmcore, moddir):
    prog = drgn.Program()
    prog.set_core_dump(vmcore)
    kos = sorted(glob.glob(os.path.join(moddir, '**', '*.ko'), recursive=True))
    try:
        prog.load_debug_info([vmlinux] + kos)
    except drgn.MissingDebugInfoError as e:
        # modules we have no debug file for (not ours): not needed here
        sys.stderr.write('drgn: %s\n' % str(e).splitlines()[0])
    return prog


def cstr(arr):
    return arr.string_().decode('utf-8', 'replace')


def slab_of(prog, addr):
    try:
        info = slab_object_info(prog, addr)
    except (drgn.FaultError, LookupError, ValueError) as e:
        return None, 'slab lookup failed: %s' % e
    if info is None:
        return None, 'none: not a slab object'
    return info.address, '%s (object size %d), object 0x%x (%s), the copy at +0x%x' % (
        cstr(info.slab_cache.name), info.slab_cache.object_size.value_(), info.address,
        'allocated' if info.allocated else 'FREE' if info.allocated is False else '?',
        addr - info.address)


def func_name(prog, fn):
    v = fn.value_()
    if not v:
        return 'NULL'
    try:
        return prog.symbol(v).name
    except LookupError:
        return '0x%x' % v


def tfm_lines(prog, label, tfm_base):
    """tfm_base: a struct crypto_tfm (object, not pointer)."""
    alg = tfm_base.__crt_alg
    sk = container_of(alg, 'struct skcipher_alg', 'base')
    ctx = tfm_base.__crt_ctx.address_
    init = func_name(prog, sk.init)
    mod = alg.cra_module
    lines = [
        ('%s cra_name' % label, cstr(alg.cra_name)),
        ('%s cra_driver_name' % label, cstr(alg.cra_driver_name)),
        ('%s cra_priority' % label, alg.cra_priority.value_()),
        ('%s cra_ctxsize' % label, alg.cra_ctxsize.value_()),
        ('%s cra_alignmask' % label, alg.cra_alignmask.value_()),
        ('%s cra_flags' % label, hex(alg.cra_flags.value_())),
        ('%s cra_module' % label, cstr(mod.name) if mod.value_() else '(built in)'),
        ('%s skcipher_alg.init' % label, init),
        ('%s &__crt_ctx' % label, hex(ctx)),
    ]
    return lines, init, ctx, alg.cra_ctxsize.value_()


def chain(prog, cc):
    out = []
    out.append(('crypt_config.cipher_string', cstr(cc.cipher_string)))
    out.append(('crypt_config.key_size', cc.key_size.value_()))
    out.append(('crypt_config.tfms_count', cc.tfms_count.value_()))
    t = cc.cipher_tfm.tfms[0]
    out.append(('tfms[0] (struct crypto_skcipher *)', hex(t.value_())))
    out.append(('  its slab object', slab_of(prog, t.value_())[1]))
    lines, init, ctx, size = tfm_lines(prog, 'tfms[0]', t.base)
    out += lines
    child = None
    if init == 'simd_skcipher_init':
        sctx = Object(prog, 'struct simd_skcipher_ctx *', ctx)
        cd = sctx.cryptd_tfm
        out.append(('simd ctx->cryptd_tfm (struct cryptd_skcipher *)', hex(cd.value_())))
        out.append(('  its slab object', slab_of(prog, cd.value_())[1]))
        cl, _, cctxa, _ = tfm_lines(prog, 'cryptd', cd.base.base)
        out += cl
        cctx = Object(prog, 'struct cryptd_skcipher_ctx *', cctxa)
        ch = cctx.child
        out.append(('cryptd ctx->child (%s)' % ch.type_, hex(ch.value_())))
        out.append(('  its slab object', slab_of(prog, ch.value_())[1]))
        chl, _, chctx, chsize = tfm_lines(prog, 'child', ch.base)
        out += chl
        child = (chctx, chsize)
    else:
        out.append(('(no crypto_simd wrapper: the key schedule is in tfms[0]\'s own context)', ''))
    return out, child


def main(argv):
    if len(argv) != 5:
        sys.stderr.write(__doc__)
        return 2
    r = json.load(open(argv[1]))
    prog = load(argv[2], argv[3], argv[4])
    pob = prog['page_offset_base'].value_()
    keyoff = offsetof(prog.type('struct crypt_config'), 'key')
    src = [h for h in r['files']['vmcore']['hits'] if h['paddr'] is not None]
    left = {}
    for lab in ('ctl', 'dwarf', 'btf'):
        if lab in r['files']:
            left[lab] = {(h['paddr'], h['needle']) for h in r['files'][lab]['hits']}
    print('drgn %s; %s' % (drgn.__version__, prog['init_uts_ns'].name.release.string_().decode()))
    print('page_offset_base 0x%x; offsetof(struct crypt_config, key) = %d' % (pob, keyoff))
    print()
    print('Copies in the source dump (regions of touching hits), and the slab object of each:')
    for lo, hi, hs in regions(src):
        print_region(lo, hi, hs, left, pob)
        print('  slab: %s' % slab_of(prog, pob + lo)[1])
    print()
    kids = []
    for h in src:
        if not h['needle'].endswith('.key64'):
            continue
        kname = h['needle'].split('.')[0]
        ccaddr = pob + h['paddr'] - keyoff
        obj, desc = slab_of(prog, ccaddr)
        print('Transform chain of the mapping keyed with %s (crypt_config 0x%x; %s):' % (kname, ccaddr, desc))
        if obj != ccaddr:
            print('  (not the start of a slab object: not a crypt_config)')
            print()
            continue
        cc = Object(prog, 'struct crypt_config *', ccaddr)
        try:
            lines, child = chain(prog, cc)
        except (drgn.FaultError, LookupError) as e:
            print('  chain stopped: %s' % e)
            print()
            continue
        for label, v in lines:
            print('  %-62s %s' % (label, v))
        print()
        if child:
            kids.append({'key': kname, 'paddr': child[0] - pob, 'size': child[1]})
    if kids:
        with open('children.json', 'w') as f:
            json.dump(kids, f)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
