# SPDX-License-Identifier: GPL-2.0-or-later
"""Mutants of a real vmcore's VMCOREINFO note (tests/cases/mutate_note.sh).

    mutate_note.py MDF CORE WORKDIR [--stride N] [--list]

CORE is a writable copy of the sample vmcore; its note is rewritten for each
mutant (tests/vmcore_note.py) and restored at the end. The mutants are a
fixed, seeded set: for every line of the note two of these damages (changed
digit, removed line, NUL inside the key, a value too large for 64 bits, the
largest 64-bit value, zero), plus whole-note damages. For each mutant:

  -c -d 0      must succeed (no kernel facts are needed);
  -l -d 31     must succeed, or exit 1 with an error that names a fact the
               mutant damaged (SYMBOL(..)/SIZE(..)/OFFSET(..)/LENGTH(..)/
               NUMBER(..)/PAGESIZE/...);
  --dump-dmesg must succeed with the original log when the mutant leaves
               the printk facts intact, and otherwise must not crash;

and a line the parser cannot use must be reported with its line number.
Every run: no signal, no sanitizer report, within the timeout.
--stride N runs every Nth mutant (the sanitizer build); --list prints them.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vmcore_note  # noqa: E402

TIMEOUT = int(os.environ.get('MDF_TIMEOUT', '300'))
# Keys the lockless-ring reader uses (REFERENCE.md 9.3); a mutant that
# touches none of them must not change the log.
PRINTK = re.compile(r'prb|printk|clear_seq|latched_seq|atomic_long_t|log_buf|log_first|'
                    r'log_next|dev_printk|text_data')
FACT = re.compile(r'(?:SYMBOL|SIZE|OFFSET|LENGTH|NUMBER)\([^)]*\)|PAGESIZE|OSRELEASE|KERNELOFFSET')
KINDS = ['digit', 'remove', 'nulkey', 'overflow', 'u64max', 'zero']


class Rng:
    """A small LCG: the same mutants on every Python version."""
    def __init__(self, seed):
        self.s = seed

    def next(self, n):
        self.s = (self.s * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        return (self.s >> 33) % n


def mutate_line(line, kind, rng):
    """The damaged line (None = removed)."""
    if kind == 'remove':
        return None
    key, eq, val = line.partition(b'=')
    if kind == 'nulkey':
        cut = 1 + rng.next(max(1, len(key) - 1))
        return key[:cut] + b'\0' + key[cut:] + eq + val
    hexval = key.startswith(b'SYMBOL(') or key in (b'KERNELOFFSET', b'BUILD-ID') or \
        val.startswith(b'0x')
    if kind == 'digit':
        digits = [i for i, c in enumerate(val) if chr(c).isdigit() or
                  (hexval and chr(c) in 'abcdef')]
        if not digits:
            return key + eq + val + b'7'
        i = digits[rng.next(len(digits))]
        alphabet = b'0123456789abcdef' if hexval else b'0123456789'
        old = alphabet.index(bytes([val[i]]))
        new = alphabet[(old + 1 + rng.next(len(alphabet) - 1)) % len(alphabet)]
        return key + eq + val[:i] + bytes([new]) + val[i + 1:]
    if kind == 'overflow':
        return key + eq + (b'1' + b'f' * 16 if hexval else b'9' * 21)
    if kind == 'u64max':
        return key + eq + (b'f' * 15 + b'e' if hexval else b'18446744073709551615')
    return key + eq + b'0'  # zero


def mutants(text):
    """(name, new text, lineno or 0, damaged key or None, damages a printk fact)."""
    lines = text.rstrip(b'\0').split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    out = []
    rng = Rng(16)
    for i, line in enumerate(lines):
        for k in (i % len(KINDS), (i + 3) % len(KINDS)):
            kind = KINDS[k]
            new = mutate_line(line, kind, rng)
            body = lines[:i] + ([] if new is None else [new]) + lines[i + 1:]
            key = line.partition(b'=')[0].decode()
            out.append(('line%d-%s' % (i + 1, kind), b'\n'.join(body) + b'\n', i + 1, key,
                        bool(PRINTK.search(key))))
    whole = [
        ('empty', b''),
        ('all-nul', b'\0' * len(text)),
        ('half', text[:len(text) // 2]),
        ('crlf', text.replace(b'\n', b'\r\n')[:len(text) + 60]),
        ('no-newlines', text.replace(b'\n', b' ')),
        ('garbage-tail', text + bytes(range(1, 40))),
        ('binary', bytes((i * 37 + 11) % 256 for i in range(len(text)))),
        ('doubled-first-half', text[:len(text) // 2] + text[:len(text) // 2]),
    ]
    for name, t in whole:
        out.append((name, t, 0, None, True))
    return out


def run(mdf, args, tag, work):
    out = os.path.join(work, 'out.' + tag)
    if os.path.exists(out):
        os.unlink(out)
    try:
        p = subprocess.run([mdf] + args + [out], capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None, '', 'timed out after %ds' % TIMEOUT, out
    return p.returncode, p.stdout.decode('latin-1'), p.stderr.decode('latin-1'), out


def crashed(rc, err):
    return rc is None or rc < 0 or rc >= 128 or \
        re.search(r'AddressSanitizer|runtime error:|LeakSanitizer', err)


def check(mdf, core, work, m, ref_log):
    name, text, lineno, key, printk = m
    vmcore_note.Core(core).set_text(text)
    problems = []
    rc, so, se, out = run(mdf, ['-c', '-d', '0', core], 'd0', work)
    if crashed(rc, se) or rc != 0:
        problems.append('-c -d 0: exit %s: %s' % (rc, se.strip()[-300:]))
    bad_line = lineno and re.search(r"line %d: .*line skipped" % lineno, so)
    rc, so31, se, out = run(mdf, ['-l', '-d', '31', core], 'd31', work)
    if crashed(rc, se):
        problems.append('-l -d 31: crash: %s' % se.strip()[-300:])
    elif rc == 1:
        named = set(FACT.findall(se))
        if not named:
            problems.append('-l -d 31: exit 1 naming no fact: %s' % se.strip()[-300:])
        elif key is not None and key not in named:
            problems.append('-l -d 31: exit 1 naming %s, not the damaged %s: %s'
                            % (sorted(named), key, se.strip()[-300:]))
    elif rc != 0:
        problems.append('-l -d 31: exit %s: %s' % (rc, se.strip()[-300:]))
    rc, sod, se, out = run(mdf, ['--dump-dmesg', core], 'dmesg', work)
    if crashed(rc, se):
        problems.append('--dump-dmesg: crash: %s' % se.strip()[-300:])
    elif not printk:
        log = open(out, 'rb').read() if os.path.exists(out) else b''
        if rc != 0 or log != ref_log:
            problems.append('--dump-dmesg: exit %s, log %s the original: %s'
                            % (rc, 'equals' if log == ref_log else 'differs from', se.strip()[-300:]))
    # A line the parser could not use is reported by number (removed lines
    # and valid-but-wrong values leave nothing to report).
    kind = name.rsplit('-', 1)[-1]
    numeric = key and not key.startswith(('OSRELEASE', 'BUILD-ID', 'CONFIG_'))
    if lineno and (kind == 'nulkey' or (kind == 'overflow' and numeric)) and not bad_line:
        problems.append('no warning naming line %d' % lineno)
    if kind == 'zero' and key and key.startswith('SYMBOL(') and not bad_line:
        problems.append('SYMBOL set to 0 without a warning naming line %d' % lineno)
    outcome = 'ok' if rc == 0 else 'exit %s' % rc
    return problems, outcome


def main(argv):
    if len(argv) < 4:
        sys.stderr.write(__doc__)
        return 2
    mdf, core, work = argv[1:4]
    stride = int(argv[argv.index('--stride') + 1]) if '--stride' in argv else 1
    c = vmcore_note.Core(core)
    orig = c.text()
    ms = mutants(orig)
    if '--list' in argv:
        for m in ms:
            print(m[0], m[3] or '')
        return 0
    print('%d mutants, running every %d' % (len(ms), stride))
    rc, so, se, out = run(mdf, ['--dump-dmesg', core], 'ref', work)
    if rc != 0:
        print('FAIL: --dump-dmesg on the intact core: exit %s: %s' % (rc, se))
        return 1
    ref_log = open(out, 'rb').read()
    failures = 0
    counts = {}
    try:
        for i, m in enumerate(ms):
            if i % stride:
                continue
            problems, outcome = check(mdf, core, work, m, ref_log)
            counts[outcome] = counts.get(outcome, 0) + 1
            if problems:
                failures += 1
                print('FAIL %s: %s' % (m[0], '; '.join(problems)))
    finally:
        vmcore_note.Core(core).set_text(orig)
    print('dmesg outcomes: %s' % counts)
    print('%d mutants checked, %d failed' % (sum(counts.values()), failures))
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
