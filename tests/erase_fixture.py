#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The --config fixture: a generated vmcore around tests/erase/vmlinux_fx.c
and tests/erase/mod_fx.c, with DWARF (the linked objects) and BTF (pahole
--btf_encode_detached, in the dump, found through generated kallsyms
tables), and the bytes each
scenario must erase, computed from the fixture's symbol table and layout.

  erase_fixture.py build DIR [short-btf|hole-btf|empty-dm]
      DIR/core.elf, DIR/root/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64,
      DIR/root/usr/lib/debug/lib/modules/6.1.0-56-amd64/kernel/mod_fx.ko,
      DIR/facts.json; with short-btf, __stop_BTF lies 100 bytes before the
      end the BTF header declares; with hole-btf, the BTF is placed so that
      it runs past the end of the kernel image's mapping (into unmapped
      memory); with empty-dm, dm_mod's name tree is empty
  erase_fixture.py config DIR SCENARIO OUT.conf OUT.expect
      the config of a scenario and what it must erase
  erase_fixture.py check CORE DUMP EXPECT
      DUMP (kdump-compressed or ELF) holds CORE's pages with exactly the
      expected bytes erased, its eraseinfo is the expected text, and every
      expected page is in it (REFERENCE.md 2.9, 10.2, 10.3)
  erase_fixture.py check-member CORE DUMP EXPECT
      the same for one member of a split dump, which holds only some pages
  erase_fixture.py corrupt-btf DIR OUT.elf [header|types]
      core.elf with the kernel's BTF header (default) or its first type
      made invalid
  erase_fixture.py diff ERASED PLAIN
      two kdump-compressed dumps of one vmcore at one dump level, with and
      without --config: "changed=N other=M eraseinfo=T" (bytes that differ;
      those that differ and are not 'X' or zero; the sum of the eraseinfo
      sizes of ERASED)
"""
import json
import os
import shutil
import struct
import subprocess
import sys

TESTS = os.path.dirname(os.path.abspath(__file__))
RELEASE = '6.1.0-56-amd64'
TEXT = 0xffffffff81000000        # kernel image, KERNELOFFSET 0 (kernel kaslr=0)
KLOAD = 0x1000000                # its physical address (mkvmcore default kload)
PAGE_OFFSET = 0xffff8dab80000000  # mkvmcore's 4-level direct map
DATA_VA = TEXT + 0x500000        # .fxdata
BTF_VA = TEXT + 0x600000         # the kernel's BTF
KSYMS_VA = TEXT + 0x700000       # kallsyms tables
HEAP_PA = 0x2000000              # .fxheap
VM_VA = 0xffffc90000000000       # .fxvm: page 0 -> VM_PA[0], page 1 -> VM_PA[1]
VM_PA = [0x2401000, 0x2400000]
MOD_VA = 0xffffffffc0100000      # the module's data
MOD_PA = 0x2500000
# crypto_simd, cryptd, dm_crypt, then dm_mod (tests/erase/*_fx.c), each
# linked against those before it: two pages each; their slots in
# vmlinux_fx.c's module tables
DM_MODS = [('crypto_simd', 'crypto_simd_fx.c', 'crypto_simd.ko', 0xffffffffc0400000, 0x2800000),
           ('cryptd', 'cryptd_fx.c', 'cryptd.ko', 0xffffffffc0500000, 0x2900000),
           ('dm_crypt', 'dm_crypt_fx.c', 'dm-crypt.ko', 0xffffffffc0300000, 0x2700000),
           ('dm_mod', 'dm_mod_fx.c', 'dm-mod.ko', 0xffffffffc0200000, 0x2600000)]
DM_SLOTS = ('dm_mod', 'dm_crypt', 'crypto_simd', 'cryptd')
PS = 4096


def run(*cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode:
        sys.exit('%s failed: %s' % (' '.join(cmd), r.stderr.strip()))
    return r.stdout


def pa_of(va, f=None):
    """The physical address of a fixture virtual address."""
    if TEXT <= va < TEXT + 0x800000:
        return va - TEXT + KLOAD
    if PAGE_OFFSET <= va < PAGE_OFFSET + (1 << 30):
        return va - PAGE_OFFSET
    if VM_VA <= va < VM_VA + 2 * PS:
        return VM_PA[(va - VM_VA) // PS] + va % PS
    if MOD_VA <= va < MOD_VA + PS:
        return MOD_PA + va - MOD_VA
    for _, _, _, mva, mpa in DM_MODS:
        if mva <= va < mva + 2 * PS:
            return mpa + va - mva
    raise ValueError('no mapping for 0x%x' % va)


def pieces(va, n):
    """[pa, len) of an object, page by page."""
    out = []
    while n:
        k = min(n, PS - va % PS)
        out.append((pa_of(va), k))
        va += k
        n -= k
    return out


def symbols(path):
    syms = {}
    for line in run('nm', '-S', '--defined-only', path).splitlines():
        p = line.split()
        if len(p) == 4:
            syms[p[3]] = (int(p[0], 16), int(p[1], 16), p[2])
        elif len(p) == 3:
            syms[p[2]] = (int(p[0], 16), 0, p[1])
    return syms


def sections(path):
    """(name, va, size) of the allocated sections with contents."""
    out = []
    for line in run('readelf', '-S', '-W', path).splitlines():
        line = line.replace('[ ', '[')
        p = line.split()
        if len(p) < 8 or not p[0].startswith('[') or p[1] == 'Name' or not p[0][1:-1].isdigit():
            continue
        name, typ, addr, off, size = p[1], p[2], int(p[3], 16), int(p[4], 16), int(p[5], 16)
        if typ == 'PROGBITS' and 'A' in p[7] and size:
            out.append((name, addr, size))
    return out


def section_bytes(path, name, tmp):
    run('objcopy', '--dump-section', '%s=%s' % (name, tmp), path, tmp + '.elf')
    os.unlink(tmp + '.elf')
    with open(tmp, 'rb') as f:
        return f.read()


def poke_lines(va, data):
    lines = []
    for i in range(0, len(data), 2048):
        chunk = data[i:i + 2048]
        at = 0
        for pa, k in pieces(va + i, len(chunk)):
            lines.append('poke 0x%x hex:%s' % (pa, chunk[at:at + k].hex()))
            at += k
    return lines


def kallsyms_tables(syms):
    """6.1's tables with one-character tokens and base-relative offsets
    (kallsyms.c): returns {key: va} and the pokes."""
    entries = sorted((a, t, n) for n, (a, s, t) in syms.items()
                     if TEXT <= a <= TEXT + 0x1000000)
    num = len(entries)
    tok_index, tok_table = b'', b''
    for i in range(256):
        tok_index += struct.pack('<H', len(tok_table))
        tok_table += (bytes([i]) if i else b'') + b'\0'
    names = b''
    offsets = b''
    for a, t, n in entries:
        e = (t + n).encode()
        assert len(e) < 0x80
        names += bytes([len(e)]) + e
        offsets += struct.pack('<I', a - TEXT)
    lay = {'num_syms': 0, 'relative_base': 8, 'token_index': 0x100, 'token_table': 0x400,
           'offsets': 0x1000, 'names': 0x1000 + len(offsets) + 0x100}
    blob = {lay['num_syms']: struct.pack('<I', num), lay['relative_base']: struct.pack('<Q', TEXT),
            lay['token_index']: tok_index, lay['token_table']: tok_table,
            lay['offsets']: offsets, lay['names']: names}
    pokes = []
    for off, data in blob.items():
        pokes += poke_lines(KSYMS_VA + off, data)
    keys = {k: KSYMS_VA + v for k, v in lay.items()}
    return keys, pokes


def build(d, variant=''):
    if variant not in ('', 'short-btf', 'hole-btf', 'empty-dm'):
        sys.exit('unknown fixture variant %s' % variant)
    os.makedirs(d, exist_ok=True)
    src = os.path.join(TESTS, 'erase')
    tmp = os.path.join(d, 'section.bin')
    cflags = ['-g', '-O0', '-fno-eliminate-unused-debug-types', '-fdata-sections',
              '-fno-common', '-fno-pic', '-mcmodel=kernel', '-c']
    vo, vml = os.path.join(d, 'vmlinux_fx.o'), os.path.join(d, 'vmlinux')
    run('gcc', *cflags, '-o', vo, os.path.join(src, 'vmlinux_fx.c'))
    lds = os.path.join(d, 'vmlinux.lds')
    with open(lds, 'w') as f:
        f.write('ENTRY(_stext)\nSECTIONS\n{\n'
                '  .fxdata 0x%x : { *(.data .data.* .rodata .rodata.* .bss .bss.*) }\n'
                '  .fxheap 0x%x : { *(.fxheap) }\n'
                '  .fxvm 0x%x : { *(.fxvm) }\n'
                '  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }\n}\n'
                '_stext = 0x%x;\n' % (DATA_VA, PAGE_OFFSET + HEAP_PA, VM_VA + 0x800, TEXT))
    run('ld', '-T', lds, '-o', vml, vo)
    # raw BTF files (--btf_encode_detached): pahole -J would need
    # llvm-objcopy to add the section, which a fresh Debian 12 lacks
    vbtf, mbtf_path = os.path.join(d, 'vmlinux.btf'), os.path.join(d, 'mod_fx.btf')
    run('pahole', '--btf_encode_detached=' + vbtf, vml)
    with open(vbtf, 'rb') as f:
        btf = f.read()

    mo, mlinked = os.path.join(d, 'mod_fx.ko'), os.path.join(d, 'mod_fx.linked')
    run('gcc', *cflags, '-o', mo, os.path.join(src, 'mod_fx.c'))
    mlds = os.path.join(d, 'mod.lds')
    with open(mlds, 'w') as f:
        f.write('SECTIONS\n{\n  .fxmod 0x%x : { *(.data .data.* .rodata .rodata.* .bss .bss.*) }\n'
                '  /DISCARD/ : { *(.comment) *(.note.*) *(.eh_frame) }\n}\n' % MOD_VA)
    run('ld', '-T', mlds, '-o', mlinked, mo)
    run('pahole', '--btf_encode_detached=' + mbtf_path, '--btf_base', vbtf, mo)
    with open(mbtf_path, 'rb') as f:
        mbtf = f.read()

    dm = build_dm_modules(d, cflags + (['-DFX_DM_EMPTY'] if variant == 'empty-dm' else []),
                          vbtf)
    syms = symbols(vml)
    msyms = symbols(mlinked)
    # hole-btf: the blob's last 1 KiB lies past the image's 8 MiB mapping
    btf_va = TEXT + 0x800000 - (len(btf) - 1024) if variant == 'hole-btf' else BTF_VA
    syms['__start_BTF'] = (btf_va, 0, 'R')
    syms['__stop_BTF'] = (btf_va + len(btf) - (100 if variant == 'short-btf' else 0), 0, 'R')
    spec = ['kernel layout=6.1 ram=64M levels=4 kaslr=0']
    for i, pa in enumerate(VM_PA):
        spec.append('kmap 0x%x 0x%x' % (VM_VA + i * PS, pa))
    spec.append('kmap 0x%x 0x%x' % (MOD_VA, MOD_PA))
    for _, _, _, mva, mpa in DM_MODS:
        spec.append('kmap 0x%x 0x%x 2' % (mva, mpa))
    for name, va, size in sections(vml):
        spec += poke_lines(va, section_bytes(vml, name, tmp))
    for name, va, size in sections(mlinked):
        spec += poke_lines(va, section_bytes(mlinked, name, tmp))
    spec += poke_lines(btf_va, btf[:TEXT + 0x800000 - btf_va])
    # the module's symbol table, names and BTF (vmlinux_fx.c leaves room)
    strtab = b'\0'
    symtab = b'\0' * 24
    for n in ('fx_mod_data', 'fx_mod_name'):
        a, s, _ = msyms[n]
        symtab += struct.pack('<IBBHQQ', len(strtab), 0x11, 0, 1, a, s)
        strtab += n.encode() + b'\0'
    assert len(mbtf) <= 16384 and len(strtab) <= 64
    spec += poke_lines(syms['fx_mod_symtab'][0], symtab)
    spec += poke_lines(syms['fx_mod_strtab'][0], strtab)
    spec += poke_lines(syms['fx_mod_btf_data'][0], mbtf)
    spec += poke_lines(syms['fx_mod_btf'][0] + 8, struct.pack('<I', len(mbtf)))
    spec += dm_module_pokes(dm, syms)
    keys, pokes = kallsyms_tables(syms)
    spec += pokes
    for k, va in keys.items():
        spec.append('knote SYMBOL(kallsyms_%s)=%x' % (k, va))
    with open(os.path.join(d, 'core.spec'), 'w') as f:
        f.write('\n'.join(spec) + '\n')
    mk = os.environ.get('MKVMCORE')
    run(mk, os.path.join(d, 'core.spec'), os.path.join(d, 'core.elf'))

    dbg = os.path.join(d, 'root/usr/lib/debug')
    os.makedirs(os.path.join(dbg, 'boot'), exist_ok=True)
    os.makedirs(os.path.join(dbg, 'lib/modules', RELEASE, 'kernel'), exist_ok=True)
    shutil.copy(vml, os.path.join(dbg, 'boot', 'vmlinux-' + RELEASE))
    shutil.copy(mo, os.path.join(dbg, 'lib/modules', RELEASE, 'kernel', 'mod_fx.ko'))
    for name, _, ko, _, _ in DM_MODS:
        shutil.copy(dm[name]['o'], os.path.join(dbg, 'lib/modules', RELEASE, 'kernel', ko))
    with open(os.path.join(d, 'facts.json'), 'w') as f:
        json.dump({'syms': syms, 'msyms': msyms, 'btf_len': len(btf),
                   'dsyms': {k: v['syms'] for k, v in dm.items()}}, f)
    os.unlink(tmp)


def build_dm_modules(d, cflags, vbtf):
    """DM_MODS in order, each linked against the symbols of those before it
    (dm_mod's targets point into dm_crypt, dm_crypt's transforms into
    crypto_simd and cryptd): {name: {o, linked, syms, btf, sections}}."""
    src = os.path.join(TESTS, 'erase')
    out = {}
    for name, c, _, va, _ in DM_MODS:
        o, linked = os.path.join(d, name + '.o'), os.path.join(d, name + '.linked')
        run('gcc', *cflags, '-I', src, '-o', o, os.path.join(src, c))
        lds = os.path.join(d, name + '.lds')
        with open(lds, 'w') as f:
            f.write('SECTIONS\n{\n  .fxmod 0x%x : { *(.text .text.* .data .data.* .rodata '
                    '.rodata.* .bss .bss.*) }\n  /DISCARD/ : { *(.comment) *(.note.*) '
                    '*(.eh_frame) }\n}\n' % va)
        extra = ['--just-symbols=' + m['linked'] for m in out.values()]
        run('ld', '-T', lds, *extra, '-o', linked, o)
        bpath = os.path.join(d, name + '.btf')
        run('pahole', '--btf_encode_detached=' + bpath, '--btf_base', vbtf, o)
        with open(bpath, 'rb') as f:
            mbtf = f.read()
        own = {n: v for n, v in symbols(linked).items() if va <= v[0] < va + 2 * PS}
        assert len(mbtf) <= 16384 and len(own) <= 32
        out[name] = {'o': o, 'linked': linked, 'syms': own, 'btf': mbtf}
    return out


def dm_module_pokes(dm, syms):
    """The symbol tables, names and BTF of the DM_SLOTS modules in
    vmlinux_fx.c's fx_dm_* arrays."""
    spec = []
    tmp = os.path.join(os.path.dirname(dm['dm_mod']['o']), 'dm_sections.bin')
    for slot, name in enumerate(DM_SLOTS):
        m = dm[name]
        for sname, va, size in sections(m['linked']):
            spec += poke_lines(va, section_bytes(m['linked'], sname, tmp))
        strtab = b'\0'
        symtab = b'\0' * 24
        for n, (a, sz, _) in sorted(m['syms'].items()):
            symtab += struct.pack('<IBBHQQ', len(strtab), 0x11, 0, 1, a, sz)
            strtab += n.encode() + b'\0'
        assert len(strtab) <= 512
        spec += poke_lines(syms['fx_dm_symtab'][0] + slot * 32 * 24, symtab)
        spec += poke_lines(syms['fx_dm_strtab'][0] + slot * 512, strtab)
        spec += poke_lines(syms['fx_dm_btf_data'][0] + slot * 16384, m['btf'])
        # struct btf is 72 bytes (data, data_size, name[56]); mod_kallsyms 32
        spec += poke_lines(syms['fx_dm_btf'][0] + slot * 72 + 8, struct.pack('<I', len(m['btf'])))
        spec += poke_lines(syms['fx_dm_kallsyms'][0] + slot * 32 + 8,
                           struct.pack('<I', len(m['syms']) + 1))
    if os.path.exists(tmp):
        os.unlink(tmp)
    return spec


# ---- scenarios: the config, and the objects it must erase ----

HINTS = {
    'fx_banner': 'char[]', 'fx_head': 'struct fx_item', 'fx_msg': 'char *',
    'fx_secret': 'void *', 'fx_secret_len': 'long int', 'fx_vbig': 'struct fx_big *',
    'fx_anon': 'struct { key birth }', 'fx_items': 'struct fx_item[3]',
    'fx_ptrs': 'struct fx_item *[4]', 'fx_list': 'struct list_head',
    'fx_cycle': 'struct list_head', 'fx_hole': 'struct list_head',
    'fx_vcycle': 'struct fx_item *', 'fx_flags': 'struct fx_flags',
    'fx_keys': 'struct rb_root', 'fx_badtree': 'struct rb_root',
}
MEMBER_HINTS = {'fx_key.payload': 'struct fx_payload *'}
MHINTS = {'fx_mod_data': 'struct fx_mod_secret', 'fx_mod_name': 'char[16]'}


def scenario(name, f):
    """(config body lines, [(va, len, fill, eraseinfo line)]) of a scenario."""
    s = f['syms']
    m = f['msyms']

    def a(n, off=0):
        return s[n][0] + off
    basic = (['erase fx_banner', 'erase fx_head.name size 5', 'erase fx_msg',
              'erase fx_secret size fx_secret_len', 'erase fx_head.label nullify',
              'erase fx_vbig', 'erase fx_anon'],
             [(a('fx_banner'), 23, 'X', 'erase fx_banner size 23'),
              (a('fx_head', 4), 5, 'X', 'erase fx_head.name size 5'),
              (a('fx_msg_text'), 13, 'X', 'erase fx_msg size 13'),
              (a('fx_blob'), 100, 'X', 'erase fx_secret size 100'),
              (a('fx_head', 40), 8, '0', 'erase fx_head.label nullify'),
              (a('fx_vmbig'), 6000, 'X', 'erase fx_vbig size 6000'),
              (a('fx_anon'), 40, 'X', 'erase fx_anon size 40')])
    array = (['for it in fx_items', '\terase it.name', '\terase it.id', 'endfor',
              'for p in fx_ptrs', '\terase p.name size 3', 'endfor'],
             [o for i in range(3) for o in
              ((a('fx_items', 64 * i + 4), 12, 'X', 'erase it.name size 12'),
               (a('fx_items', 64 * i), 4, 'X', 'erase it.id size 4'))] +
             [(a(h, 4), 3, 'X', 'erase p.name size 3') for h in ('fx_h1', 'fx_h3')])
    via = (['for n in fx_head via next', '    erase n.name', 'endfor'],
           [(a(h, 4), 12, 'X', 'erase n.name size 12')
            for h in ('fx_head', 'fx_h1', 'fx_h2', 'fx_h3')])
    within = (['for n in fx_list within fx_item:list', '  erase n.name size 4',
               '  erase n.label', 'endfor'],
              [o for h, l, n in (('fx_h1', 'fx_alpha', 5), ('fx_h2', 'fx_beta', 4),
                                 ('fx_h3', 'fx_gamma', 5)) for o in
               ((a(h, 4), 4, 'X', 'erase n.name size 4'),
                (a(l), n, 'X', 'erase n.label size %d' % n))])
    within_next = ([l.replace('in fx_list ', 'in fx_list.next ') for l in within[0]],
                   within[1])
    module = (['[not_loaded_mod]', 'erase anything', '[mod_fx]',
               'erase fx_mod_data.key', 'erase fx_mod_name'],
              [(m['fx_mod_data'][0], 16, 'X', 'erase fx_mod_data.key size 16'),
               (m['fx_mod_name'][0], 16, 'X', 'erase fx_mod_name size 16')])
    rbtree = (['for k in fx_keys rbtree fx_key:node',
               '  erase k.payload.data size k.payload.datalen if k.type == &fx_type_user',
               '  erase k.serial if k.type != &fx_type_user', 'endfor'],
              [(a('fx_p1', 24), 5, 'X', 'erase k.payload.data size 5'),
               (a('fx_k2'), 4, 'X', 'erase k.serial size 4'),
               (a('fx_p3', 24), 9, 'X', 'erase k.payload.data size 9'),
               (a('fx_p4', 24), 3, 'X', 'erase k.payload.data size 3')])
    # configs/dm-crypt.conf itself: dm_crypt's key of the one crypt mapping,
    # its two transforms' contexts and, behind the simd one, the child's
    # context; nothing of the linear mappings
    ds = f['dsyms']['dm_crypt']
    cs = f['dsyms']['cryptd']
    with open(os.path.join(TESTS, '..', 'configs', 'dm-crypt.conf')) as cf:
        sample = [l.rstrip('\n') for l in cf]
    dmcrypt = (sample,
               [(ds['fx_cc1'][0] + 72, 32, 'X', 'erase t.private.key size 32'),
                (ds['fx_tfm0'][0] + 40, 8, 'X', 'erase c.base.__crt_ctx size 8'),
                (ds['fx_tfm1'][0] + 40, 48, 'X', 'erase c.base.__crt_ctx size 48'),
                (cs['fx_child_tfm'][0] + 40, 64, 'X',
                 'erase k.child.base.__crt_ctx size 64')])
    table = {'basic': basic, 'array': array, 'via': via, 'within': within,
             'within_next': within_next, 'module': module, 'rbtree': rbtree,
             'dmcrypt': dmcrypt}
    if name == 'all':
        parts = [table[k] for k in ('basic', 'array', 'via', 'within', 'rbtree', 'module')]
        return [l for p in parts for l in p[0]], [o for p in parts for o in p[1]]
    return table[name]


def config(d, name, out_conf, out_expect):
    with open(os.path.join(d, 'facts.json')) as f:
        facts = json.load(f)
    lines, objs = scenario(name, facts)
    conf = ['# scenario %s (tests/erase_fixture.py)' % name, '[vmlinux]']
    conf += ['#@type %s %s' % kv for kv in sorted(HINTS.items())]
    conf += ['#@type %s %s' % kv for kv in sorted(MEMBER_HINTS.items())]
    for l in lines:
        conf.append(l)
        if l == '[mod_fx]':
            conf += ['#@type %s %s' % kv for kv in sorted(MHINTS.items())]
    with open(out_conf, 'w') as f:
        f.write('\n'.join(conf) + '\n')
    with open(out_expect, 'w') as f:
        for va, n, fill, line in objs:
            for pa, k in pieces(va, n):
                f.write('range 0x%x %d %s\n' % (pa, k, fill))
            f.write('line %s\n' % line)


# ---- checking a dump ----

def elf_loads(path):
    with open(path, 'rb') as f:
        h = f.read(64)
        phoff, = struct.unpack_from('<Q', h, 32)
        phnum, = struct.unpack_from('<H', h, 56)
        f.seek(phoff)
        ph = f.read(56 * phnum)
    loads, notes = [], []
    for i in range(phnum):
        t, _, off, va, pa, fsz, msz, _ = struct.unpack_from('<IIQQQQQQ', ph, 56 * i)
        if t == 1:
            loads.append((pa, off, fsz, msz))
        elif t == 4:
            notes.append((off, fsz))
    return loads, notes


def eraseinfo(path):
    with open(path, 'rb') as f:
        head = f.read(4096)
        if head[:8] == b'KDUMP   ':
            bs, = struct.unpack_from('<i', head, 428)
            f.seek(bs)
            sub = f.read(104)
            off, size = struct.unpack_from('<qQ', sub, 64)
            if not off:
                return None
            f.seek(off)
            return f.read(size).decode()
    _, notes = elf_loads(path)
    with open(path, 'rb') as f:
        for off, size in notes:
            f.seek(off)
            blob = f.read(size)
            p = 0
            while p + 12 <= len(blob):
                nsz, dsz, typ = struct.unpack_from('<III', blob, p)
                name = blob[p + 12:p + 12 + nsz]
                desc = p + 12 + ((nsz + 3) & ~3)
                if name == b'ERASEINFO\0':
                    return blob[desc:desc + dsz].decode()
                p = desc + ((dsz + 3) & ~3)
    return None


def check_member(core, dump, expect):
    """check for one member of a split dump: it holds only some pages."""
    check(core, dump, expect, partial=True)


def check(core, dump, expect, partial=False):
    import kdumpfile
    ranges, lines = [], []
    with open(expect) as f:
        for l in f:
            k, rest = l.rstrip('\n').split(' ', 1)
            if k == 'range':
                pa, n, fill = rest.split()
                ranges.append((int(pa, 16), int(n), fill))
            else:
                lines.append(rest)
    text = eraseinfo(dump)
    want = ''.join(l + '\n' for l in lines)
    if text != want:
        sys.exit('eraseinfo differs:\n--- got\n%s--- expected\n%s' % (text, want))
    k = kdumpfile.kdumpfile(dump)
    loads, _ = elf_loads(core)
    bad = 0
    need = {pa // PS for pa, n, fill in ranges}
    seen = set()
    src = open(core, 'rb')
    for pa0, off, fsz, msz in loads:
        for p in range(pa0 // PS, (pa0 + fsz) // PS):
            if p * PS < pa0:
                continue
            src.seek(off + p * PS - pa0)
            orig = bytearray(src.read(PS))
            try:
                got = k.read(kdumpfile.KDUMP_MACHPHYSADDR, p * PS, PS)
            except kdumpfile.exceptions.NoDataException:
                continue
            seen.add(p)
            exp = orig
            for fillpass in ('X', '0'):
                for pa, n, fill in ranges:
                    if fill != fillpass or pa // PS != p:
                        continue
                    o = pa - p * PS
                    exp[o:o + n] = (b'X' if fill == 'X' else b'\0') * n
            if bytes(got) != bytes(exp):
                diff = [i for i in range(PS) if got[i] != exp[i]]
                print('pfn 0x%x: %d bytes differ from the expected, first at +0x%x: got %r '
                      'expected %r' % (p, len(diff), diff[0], bytes(got[diff[0]:diff[0] + 8]),
                                       bytes(exp[diff[0]:diff[0] + 8])))
                bad += 1
    missing = need - seen
    if missing and not partial:
        sys.exit('pages with erased bytes are not in the dump: %s' %
                 ', '.join('0x%x' % p for p in sorted(missing)))
    if bad:
        sys.exit('%d pages differ' % bad)
    print('ok: %d ranges in %d pages erased exactly, %d pages compared' %
          (len(ranges), len(need), len(seen)))
    if partial:
        print('held=%d of %d' % (len(need & seen), len(need)))


def corrupt_btf(d, out, what='header'):
    """header: makes the BTF header's type_len point far past the blob;
    types: gives the first type an invalid kind (31); in every copy of its
    page (the kernel-text PT_LOAD repeats the direct map's)."""
    shutil.copy(os.path.join(d, 'core.elf'), out)
    pa = pa_of(BTF_VA)
    loads, _ = elf_loads(out)
    done = 0
    with open(out, 'r+b') as f:
        for pa0, off, fsz, msz in loads:
            if pa0 <= pa < pa0 + fsz:
                if what == 'header':
                    f.seek(off + pa - pa0 + 12)   # btf_header.type_len
                    f.write(struct.pack('<I', 0x7ffffff0))
                else:   # hdr_len + type_off, then btf_type.info's top byte
                    f.seek(off + pa - pa0 + 4)
                    hl, toff = struct.unpack('<II', f.read(8))
                    f.seek(off + pa - pa0 + hl + toff + 7)
                    f.write(b'\x1f')
                done += 1
    if not done:
        sys.exit('BTF not in a PT_LOAD')


def bitmap2(path):
    with open(path, 'rb') as f:
        h = f.read(464)
        bs, shs, bmb = struct.unpack_from('<iiI', h, 428)
        half = bmb * bs // 2
        f.seek((1 + shs) * bs + half)
        return f.read(half)


def diff(erased, plain):
    import kdumpfile
    ba, bb = bitmap2(erased), bitmap2(plain)
    ka, kb = kdumpfile.kdumpfile(erased), kdumpfile.kdumpfile(plain)
    changed = other = 0
    for pfn in range(min(len(ba), len(bb)) * 8):
        if not ((ba[pfn >> 3] >> (pfn & 7)) & 1 and (bb[pfn >> 3] >> (pfn & 7)) & 1):
            continue
        a = ka.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * PS, PS)
        b = kb.read(kdumpfile.KDUMP_MACHPHYSADDR, pfn * PS, PS)
        if a == b:
            continue
        for i in range(PS):
            if a[i] != b[i]:
                changed += 1
                if a[i] not in (0x58, 0):
                    other += 1
    text = eraseinfo(erased) or ''
    total = 0
    for line in text.splitlines():
        p = line.split()
        total += int(p[-1]) if p[-2] == 'size' else 8
    print('changed=%d other=%d eraseinfo=%d' % (changed, other, total))


if __name__ == '__main__':
    cmds = {'build': (build, 1), 'build-variant': (build, 2), 'config': (config, 4), 'check': (check, 3),
            'check-member': (check_member, 3),
            'corrupt-btf': (corrupt_btf, 2), 'corrupt-btf-what': (corrupt_btf, 3), 'diff': (diff, 2)}
    if len(sys.argv) == 4 and sys.argv[1] == 'build':
        sys.argv[1] = 'build-variant'
    if len(sys.argv) == 5 and sys.argv[1] == 'corrupt-btf':
        sys.argv[1] = 'corrupt-btf-what'
    if len(sys.argv) < 2 or sys.argv[1] not in cmds or len(sys.argv) != cmds[sys.argv[1]][1] + 2:
        sys.exit(__doc__)
    cmds[sys.argv[1]][0](*sys.argv[2:])
