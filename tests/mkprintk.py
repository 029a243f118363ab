#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""mkprintk: kernel log buffers for synthetic vmcores (REFERENCE.md 9).

Usage: mkprintk.py SCENARIO.json --inc OUT.inc --expect OUT.txt
                   [--expect-partial OUT.txt] [--spec OUT.spec]
                   [--vmcoreinfo OUT.vmcoreinfo]

Reads a scenario (JSON), simulates the kernel's printk writer for the chosen
format, and writes
  * a spec include for tests/mkvmcore.c: `run ... zero` pages, `poke` lines
    placing the structures in the kernel image of tests/specs/
    kernel-x86_64.inc (physical 0x1040000.., virtual 0xffffffff81040000..;
    the utsname page 0x1010000 and the page tables 0x1020000-0x1023fff are
    below), and the `vmcoreinfo` keys of that format;
  * the text `makedumpfile --dump-dmesg` must write: `[%5u.%06u] ` prefix,
    the caller column `[%8s] ` of makedumpfile 1.7.5+ ("T<pid>" or
    "C<cpu>") where the kernel records callers (the lockless ring, and
    printk_log with caller_id), escapes, continuation indentation;
  * with --expect-partial, the text of --dump-dmesg --partial-dmesg;
  * with --expect-172 / --expect-partial-172, the same texts as Debian's
    makedumpfile 1.7.2 writes them (no caller column);
  * with --spec, a whole spec: kernel-x86_64.inc plus the include;
  * with --vmcoreinfo, a VMCOREINFO file (for -i) with the keys of
    kernel-x86_64.inc and of the log.
One line of facts about the generated log goes to stdout (records, live,
visible, states, wrapped blocks, whether the newest record wrapped).
The expected text is computed from the model (which records are live and
visible), not by decoding the bytes written.

Scenario keys (all optional except format):
  format      "plain" (< 3.5), "structured" (struct printk_log, 3.11-5.9),
              "structured-old" (struct log, 3.5-3.10), "lockless" (5.10+)
  records     list of records: {"text": S (latin-1: "\\u00e2" is byte e2),
              "hex": HEX (instead of text), "ts": ns, "level": 0-7,
              "facility": N, "caller": N, "dict": S (structured),
              "state": reserved|committed|finalized|reusable (lockless, applied
              after all records are written; the record must still be live),
              "dataless": "none"|"failed" (lockless: NO_LPOS / FAILED_LPOS)}
  gen         {"n": N, "seed": S, "ts0": ns, "step": ns}: N generated records
              appended after `records` (varied lengths, some with newlines
              and unprintable bytes)
  states, no_data   {"INDEX": value}: set "state" / "dataless" of record
              INDEX (negative counts from the end) after `gen`
  osrelease   OSRELEASE and utsname release of the kernel image (default by
              format: plain 3.0.101, structured-old 3.10.0, structured 5.4.0,
              lockless 6.1.0-56-amd64 as kernel-x86_64.inc); with --spec a
              copy of kernel-x86_64.inc is written next to the spec
  count_bits, size_bits   lockless geometry (default 4 and 10)
  log_buf_len             plain/structured buffer size (default 2048)
  caller      structured: printk_log has caller_id (SIZE 20; 5.1+)
  clear_seq   lockless: clear_seq value (default 0); "head+1" = one past the
              newest record; structured: clear_idx = index of record seq N
              (default: the first record)
  latch       lockless: latched_seq.latch value (default 3: val[1] is live)
  last_wraps  structured/lockless: filler records are added, and the last
              record lengthened, so that the newest record is cut by the wrap
              (structured: len-0 marker, record at index 0; lockless: its data
              block crosses the ring's end and is stored at offset 0)
  tail        plain: text appended after the records (e.g. no final newline)
  corrupt     list of corruptions, each {"kind": K, ...}:
      lockless:  tail_far (tail_id = head_id - 5*count; expected = the last
                 count ids; dmesg.c warns), stale_id {"seq": N} (descriptor
                 of record N carries the id of the previous wrap: skipped),
                 text_len {"seq": N, "value": V} (text_len past the block:
                 clipped to the block), geometry {"size_bits": V} or
                 {"count_bits": V} (error), data_ptr / descs_ptr (pointer to
                 unmapped memory: error)
      structured: cycle {"seq": N, "to": M} (record N's len leads back to
                 record M: records up to N, then an error; N may be
                 "after_wrap", the live record at index 0, M "first"),
                 first_idx_past (log_first_idx beyond the buffer: error), len_past {"seq": N}
                 (record N's len leads outside the buffer: records up to N,
                 then an error), short_len {"seq": N} (len < header: records
                 before N, then an error), text_len {"seq": N, "value": V}
                 (clipped to the record)
  A negative "seq" counts from the newest record.
  The expected-output files always hold what is written before any error;
  the case decides the exit status it expects.
"""
import contextlib
import copy
import io
import json
import os
import random
import struct
import sys

PHYS_BASE = 0x1040000           # first byte we may use
PHYS_END = 0x1100000            # end of the 1 MiB kernel image load
KVIRT = 0xffffffff81000000      # vaddr of physical 0x1000000
KPHYS = 0x1000000
UNMAPPED = 0xffffffff82000000   # inside the text mapping range, no PT_LOAD

MASK64 = (1 << 64) - 1
ID_MASK = (1 << 62) - 1
ST_RESERVED, ST_COMMITTED, ST_FINALIZED, ST_REUSABLE = 0, 1, 2, 3
STATES = {"reserved": 0, "committed": 1, "finalized": 2, "reusable": 3}
FAILED_LPOS, NO_LPOS = 0x1, 0x3


def va(paddr):
    return KVIRT + (paddr - KPHYS)


class Image:
    """Bytes at physical addresses in [PHYS_BASE, PHYS_END)."""

    def __init__(self):
        self.mem = bytearray(PHYS_END - PHYS_BASE)
        self.used = PHYS_BASE

    def alloc(self, size, align=8):
        a = (self.used + align - 1) & ~(align - 1)
        if a + size > PHYS_END:
            sys.exit("mkprintk: structures do not fit below 0x%x" % PHYS_END)
        self.used = a + size
        return a

    def put(self, paddr, data):
        o = paddr - PHYS_BASE
        self.mem[o:o + len(data)] = data

    def u64(self, paddr, v):
        self.put(paddr, struct.pack("<Q", v & MASK64))

    def u32(self, paddr, v):
        self.put(paddr, struct.pack("<I", v & 0xffffffff))

    def u16(self, paddr, v):
        self.put(paddr, struct.pack("<H", v & 0xffff))

    def u8(self, paddr, v):
        self.put(paddr, bytes([v & 0xff]))

    def spec_lines(self):
        """run lines zeroing the used pages, then pokes of nonzero chunks."""
        end = (self.used + 4095) & ~4095
        out = ["run 0x%x %d zero" % (PHYS_BASE >> 12, (end - PHYS_BASE) >> 12)]
        chunk = 1024
        for o in range(0, end - PHYS_BASE, chunk):
            b = bytes(self.mem[o:o + chunk])
            if any(b):
                out.append("poke 0x%x hex:%s" % (PHYS_BASE + o, b.hex()))
        return out


# ---- expected text (REFERENCE.md 9.3, output formatting) ----

# True while the texts with the caller column are built (main builds twice).
CALLER_COLUMN = [False]


def fmt_record(ts, text, caller=None):
    out = ["[%5d.%06d] " % (ts // 1000000000, ts % 1000000000 // 1000)]
    indent = 15
    if caller is not None and CALLER_COLUMN[0]:
        # bit 31: a CPU number, else a task id (REFERENCE.md 9.3)
        out.append("[%8s] " % (("C%d" if caller & 0x80000000 else "T%d") % (caller & 0x7fffffff)))
        indent = 26
    for b in text:
        if b == 0x0a:
            out.append("\n" + " " * indent)
        elif 0x20 <= b <= 0x7e or 0x09 <= b <= 0x0d:
            out.append(chr(b))
        elif b >= 0x80:
            out.append("\\x%08x" % (b - 256 + (1 << 32)))
        else:
            out.append("\\x%02x" % b)
    out.append("\n")
    return "".join(out).encode("latin-1")


# ---- records ----

def rec_text(r):
    if "hex" in r:
        return bytes.fromhex(r["hex"])
    return r.get("text", "").encode("latin-1")


def gen_records(g):
    rnd = random.Random(g.get("seed", 1))
    ts = g.get("ts0", 1000000)
    step = g.get("step", 1234567)
    words = ["usb", "pci", "0000:00:1f.2", "eth0", "link", "up", "ACPI:", "mem",
             "audit:", "type=2000", "x86/fpu:", "Supporting", "XSAVE", "clocksource"]
    out = []
    for i in range(g["n"]):
        n = rnd.randint(1, 9)
        t = "%d: " % i + " ".join(rnd.choice(words) for _ in range(n))
        if i % 17 == 5:
            t += "\n continued line"
        if i % 23 == 7:
            t += "\u00e2\u0080\u0099\u0007\tend"
        out.append({"text": t, "ts": ts, "level": rnd.randint(0, 7),
                    "caller": rnd.randint(0, 4000), "generated": True})
        ts += step + rnd.randint(0, 999999)
    return out


# ---- format 1: plain text buffer (< 3.5), REFERENCE.md 9.1 ----

def build_plain(sc, img):
    length = sc.get("log_buf_len", 2048)
    # generated records become "<level>text\n" lines, as < 3.5 kernels
    # stored them; given records are taken as they are
    stream = b"".join(b"<%d>%s\n" % (r["level"], rec_text(r)) if r.get("generated")
                      else rec_text(r) for r in sc["records"])
    stream += sc.get("tail", "").encode("latin-1")
    buf = bytearray(length)
    for i, b in enumerate(stream):
        buf[i % length] = b
    vars_ = img.alloc(32)
    data = img.alloc(length, 4096)
    img.u64(vars_, va(data))
    img.u32(vars_ + 8, length)
    img.u64(vars_ + 16, len(stream))  # log_end (u32 from 2.6.25; upper half 0)
    img.put(data, buf)
    keys = ["SYMBOL(log_buf)=%x" % va(vars_), "SYMBOL(log_buf_len)=%x" % va(vars_ + 8),
            "SYMBOL(log_end)=%x" % va(vars_ + 16)]
    text = stream[-length:] if len(stream) > length else stream
    print("plain: log_buf_len=%d log_end=%d wrapped=%d" %
          (length, len(stream), int(len(stream) > length)))
    return keys, text, text  # 1.7.2 ignores --partial-dmesg here


# ---- format 2: structured records (3.5 - 5.9), REFERENCE.md 9.2 ----

def build_structured(sc, img):
    old = sc["format"] == "structured-old"
    caller = sc.get("caller", False) and not old
    hdr = 20 if caller else 16
    align = 8 if old else 4
    length = sc.get("log_buf_len", 2048)
    buf = bytearray(length)
    live = []          # [seq, idx, ts, text, dict, len]
    wraps = []         # seqs written at index 0 after a wrap marker
    first_idx = next_idx = 0
    seq = 0

    def has_space(size):
        if not live or next_idx > first_idx:
            free = max(length - next_idx, first_idx)
        else:
            free = first_idx - next_idx
        return free >= size + hdr

    records = list(sc["records"])
    if sc.get("last_wraps"):
        records = records[:-1]
    want_wrap = bool(sc.get("last_wraps") and sc["records"])
    while seq < len(records) or (want_wrap and seq == len(records)):
        if seq == len(records):
            # the last record does not fit before the end: a len-0 wrap
            # marker, then the record at index 0; fillers first
            rem = length - next_idx
            if rem - hdr > length // 3:
                records.append({"text": "filler %d " % seq + "f" * (length // 8),
                                "ts": records[-1].get("ts", 0) if records else 0})
            else:
                last = dict(sc["records"][-1])
                t = rec_text(last)
                last.pop("hex", None)
                last["text"] = (t + b"w" * max(0, rem - hdr - len(t))).decode("latin-1")
                records.append(last)
                want_wrap = False
        r = records[seq]
        text, dct = rec_text(r), r.get("dict", "").encode("latin-1")
        size = hdr + len(text) + len(dct)
        size += (-size) % align
        if size + hdr > length:
            sys.exit("mkprintk: record %d does not fit in log_buf_len" % seq)
        while live and not has_space(size):
            live.pop(0)
            first_idx = live[0][1] if live else next_idx
        if next_idx + size + hdr > length:
            buf[next_idx:next_idx + hdr] = bytes(hdr)  # len 0: wrap marker
            wraps.append(seq)
            next_idx = 0  # has_space() kept [0, size + hdr) free
        h = struct.pack("<QHHHBB", r.get("ts", 0), size, len(text), len(dct),
                        r.get("facility", 0), (r.get("level", 6) & 7) << 5)
        if caller:
            h += struct.pack("<I", r.get("caller", 0))
        body = h + text + dct
        buf[next_idx:next_idx + len(body)] = body
        buf[next_idx + len(body):next_idx + size] = bytes(size - len(body))
        live.append([seq, next_idx, r.get("ts", 0), text, dct, size,
                     r.get("caller", 0) if caller else None])
        if len(live) == 1:
            first_idx = next_idx
        next_idx += size
        seq += 1
    if not live:
        first_idx = next_idx
    print("%s: records=%d live=%d first_idx=%d next_idx=%d wraps=%d last_wrapped=%d"
          % (sc["format"], seq, len(live), first_idx, next_idx, len(wraps),
             int(bool(wraps) and wraps[-1] == seq - 1)))
    by_seq = {l[0]: l for l in live}
    cs = sc.get("clear_seq")
    clear_idx = by_seq[cs][1] if cs is not None else first_idx
    order = [l[0] for l in live]
    stop = None  # seq after which output stops (error)
    skip_last = False
    def pick(v):
        if v == "first":
            return order[0]
        if v == "after_wrap":  # the live record at index 0 after the last wrap
            return [w for w in wraps if w in by_seq][-1]
        return order[v] if v < 0 else v

    for c in sc.get("corrupt", []):
        k = c["kind"]
        if "seq" in c:
            c = dict(c, seq=pick(c["seq"]))
        if k == "cycle":
            l = by_seq[c["seq"]]
            to = by_seq[pick(c["to"])][1]
            if to <= l[1]:
                sys.exit("mkprintk: cycle target must follow in the buffer; use a wrapped log")
            struct.pack_into("<H", buf, l[1] + 8, to - l[1])
            stop = c["seq"]
        elif k == "first_idx_past":
            first_idx = length + 64
            stop = -1
        elif k == "len_past":
            l = by_seq[c["seq"]]
            struct.pack_into("<H", buf, l[1] + 8, length - l[1] + 8)
            stop = c["seq"]
        elif k == "short_len":
            l = by_seq[c["seq"]]
            struct.pack_into("<H", buf, l[1] + 8, 4)
            stop, skip_last = c["seq"], True
        elif k == "text_len":
            l = by_seq[c["seq"]]
            v = c["value"]
            struct.pack_into("<H", buf, l[1] + 10, v)
            room = min(l[5] - hdr, length - l[1] - hdr)
            l[3] = bytes(buf[l[1] + hdr:l[1] + hdr + min(v, room)])
        else:
            sys.exit("mkprintk: unknown corruption %s" % k)

    def text_from(start_seq):
        out = []
        for s in order:
            if start_seq is None or s < start_seq:
                continue
            if stop is not None and stop < 0:
                break
            if stop is not None and s == stop and skip_last:
                break
            l = by_seq[s]
            out.append(fmt_record(l[2], l[3], l[6]))
            if s == stop:
                break
        return b"".join(out)

    full = text_from(order[0] if order else None)
    part = text_from(cs if cs is not None else (order[0] if order else None))
    name = "log" if old else "printk_log"
    vars_ = img.alloc(32)
    data = img.alloc(length, 4096)
    img.u64(vars_, va(data))
    img.u32(vars_ + 8, length)
    img.u32(vars_ + 12, first_idx)
    img.u32(vars_ + 16, next_idx)
    img.u32(vars_ + 20, clear_idx)
    img.put(data, buf)
    keys = ["SYMBOL(log_buf)=%x" % va(vars_), "SYMBOL(log_buf_len)=%x" % va(vars_ + 8),
            "SYMBOL(log_first_idx)=%x" % va(vars_ + 12),
            "SYMBOL(log_next_idx)=%x" % va(vars_ + 16),
            "SYMBOL(clear_idx)=%x" % va(vars_ + 20),
            "SIZE(%s)=%d" % (name, hdr), "OFFSET(%s.ts_nsec)=0" % name,
            "OFFSET(%s.len)=8" % name, "OFFSET(%s.text_len)=10" % name]
    if caller:
        keys.append("OFFSET(printk_log.caller_id)=16")
    return keys, full, part


# ---- format 3: lockless ring buffer (5.10+), REFERENCE.md 9.3 ----

DESC_SIZE, INFO_SIZE, RB_SIZE = 24, 88, 88


def build_lockless(sc, img):
    cbits = sc.get("count_bits", 4)
    sbits = sc.get("size_bits", 10)
    count, size = 1 << cbits, 1 << sbits
    desc0 = (-(count + 1)) & 0xffffffff  # computed in 32 bits (REFERENCE 9.3)
    descs = {desc0 % count: [ST_REUSABLE, desc0, FAILED_LPOS, FAILED_LPOS]}
    infos = {}
    data = bytearray(size)
    head_id = tail_id = desc0
    head_lpos = (1 << 64) - size  # BLK0_LPOS; kept unbounded, masked on write
    blocks = []                   # live data blocks: [id, begin, next]
    recs = {}                     # id -> (seq, ts, text)

    def make_reusable_upto(lpos):
        while blocks and blocks[0][1] < lpos:
            bid = blocks.pop(0)[0]
            if descs[bid % count][1] == bid:
                descs[bid % count][0] = ST_REUSABLE

    records = list(sc["records"])
    if sc.get("last_wraps"):
        records = records[:-1]
    seq = 0
    want_wrap = bool(sc.get("last_wraps") and sc["records"])
    while seq < len(records) or (want_wrap and seq == len(records)):
        if seq == len(records):
            # the last record crosses the end of the data ring (its data
            # then sits at offset 0); fillers first if the end is far
            rem = size - head_lpos % size
            if rem > size // 4:
                records.append({"text": "filler %d " % seq + "f" * (size // 8),
                                "ts": records[-1].get("ts", 0) if records else 0})
            else:
                last = dict(sc["records"][-1])
                t = rec_text(last)
                last.pop("hex", None)
                last["text"] = (t + b"w" * max(0, rem - len(t))).decode("latin-1")
                records.append(last)
                want_wrap = False
                sc["records"] = records
        r = records[seq]
        did = (head_id + 1) & ID_MASK
        if ((did - count) & ID_MASK) == tail_id:
            d = descs[tail_id % count]
            if d[0] not in (ST_FINALIZED, ST_REUSABLE):
                sys.exit("mkprintk: tail descriptor busy")
            d[0] = ST_REUSABLE
            if d[2] not in (FAILED_LPOS, NO_LPOS):
                make_reusable_upto(d[3])
            tail_id = (tail_id + 1) & ID_MASK
        text = rec_text(r)
        dl = r.get("dataless")
        if dl or not text:
            begin = nxt = FAILED_LPOS if dl == "failed" else NO_LPOS
        else:
            bsize = (8 + len(text) + 7) & ~7
            if bsize > size // 2:
                sys.exit("mkprintk: record %d too long for the data ring" % seq)
            begin = head_lpos
            nxt = begin + bsize
            wraps = begin // size != nxt // size
            if wraps:
                nxt = (nxt // size) * size + bsize
            make_reusable_upto(nxt - size)
            data[begin % size:begin % size + 8] = struct.pack("<Q", did)
            at = 0 if wraps else begin % size
            if wraps:
                data[0:8] = struct.pack("<Q", did)
            data[at + 8:at + 8 + len(text)] = text
            head_lpos = nxt
            blocks.append([did, begin, nxt])
        descs[did % count] = [ST_FINALIZED, did, begin, nxt]  # masked on write
        infos[did % count] = (seq, r.get("ts", 0), len(text), r.get("facility", 0),
                              (r.get("level", 6) & 7) << 5, r.get("caller", 0))
        recs[did] = (seq, r.get("ts", 0), text, r.get("caller", 0))
        head_id = did
        seq += 1
    n = len(sc["records"])
    first_id = (desc0 + 1) & ID_MASK
    for i, r in enumerate(sc["records"]):
        if "state" in r:
            did = (first_id + i) & ID_MASK
            d = descs[did % count]
            if d[1] != did:
                sys.exit("mkprintk: record %d is no longer in the ring" % i)
            d[0] = STATES[r["state"]]

    rb_data, rb_descs = None, None
    err_after = False
    extra_skip = set()
    for c in sc.get("corrupt", []):
        k = c["kind"]
        if c.get("seq", 0) < 0:
            c = dict(c, seq=n + c["seq"])
        if k == "tail_far":
            tail_id = (head_id - 5 * count) & ID_MASK
            err_after = True
        elif k == "stale_id":
            did = (first_id + c["seq"]) & ID_MASK
            descs[did % count][1] = (did - count) & ID_MASK
            extra_skip.add(did)
        elif k == "text_len":
            did = (first_id + c["seq"]) & ID_MASK
            i = list(infos[did % count])
            i[2] = c["value"]
            infos[did % count] = tuple(i)
            d = descs[did % count]
            b, e = d[2] % size, d[3] % size
            b = 0 if b > e else b
            room = max(e - b - 8, 0)
            recs[did] = (recs[did][0], recs[did][1],
                         bytes(data[b + 8:b + 8 + min(c["value"], room)]), recs[did][3])
        elif k == "geometry":
            cbits = c.get("count_bits", cbits)
            sbits = c.get("size_bits", sbits)
        elif k == "data_ptr":
            rb_data = UNMAPPED
        elif k == "descs_ptr":
            rb_descs = UNMAPPED
        else:
            sys.exit("mkprintk: unknown corruption %s" % k)

    def visible(did):
        d = descs[did % count]
        return (d[1] == did and d[0] in (ST_COMMITTED, ST_FINALIZED) and
                d[2] % size != d[3] % size and did not in extra_skip)

    ids = []
    if head_id != desc0 or n:
        dist = (head_id - tail_id) & ID_MASK
        if dist >= count:
            dist = count - 1
        ids = [(head_id - dist + i) & ID_MASK for i in range(dist + 1)]
    if rb_data or rb_descs or "geometry" in [c["kind"] for c in sc.get("corrupt", [])]:
        ids = []
    live = [i for i in ids if i in recs]
    ids = [i for i in live if visible(i)]
    wrapped = [i for i in ids if descs[i % count][2] % size > descs[i % count][3] % size]
    st = [descs[i % count][0] for i in live]
    print("lockless: records=%d head_id=0x%x tail_id=0x%x live=%d visible=%d "
          "reserved=%d committed=%d finalized=%d reusable=%d dataless=%d "
          "wrapped_blocks=%d last_wrapped=%d" %
          (n, head_id, tail_id, len(live), len(ids), st.count(0), st.count(1),
           st.count(2), st.count(3),
           len([i for i in live if descs[i % count][2] % size == descs[i % count][3] % size]),
           len(wrapped), int(bool(ids) and wrapped[-1:] == [head_id])))
    full = b"".join(fmt_record(recs[i][1], recs[i][2], recs[i][3]) for i in ids)
    cs = sc.get("clear_seq", 0)
    if cs == "head+1":
        cs = n
    part = b"".join(fmt_record(recs[i][1], recs[i][2], recs[i][3]) for i in ids
                    if recs[i][0] >= cs)

    # memory layout
    vars_ = img.alloc(64)                # prb pointer, then clear_seq
    rb = img.alloc(RB_SIZE, 64)
    p_descs = img.alloc(count * DESC_SIZE, 4096)
    p_infos = img.alloc(count * INFO_SIZE, 4096)
    p_data = img.alloc(size, 4096)
    img.u64(vars_, va(rb))
    latch = sc.get("latch", 3)
    cs_addr = vars_ + 16
    img.u32(cs_addr, latch)
    img.u64(cs_addr + 8 + 8 * (latch & 1), cs)
    img.u64(cs_addr + 8 + 8 * (1 - (latch & 1)), 0x7777777777)
    img.u32(rb + 0, cbits)
    img.u64(rb + 8, rb_descs or va(p_descs))
    img.u64(rb + 16, va(p_infos))
    img.u64(rb + 24, head_id)
    img.u64(rb + 32, tail_id)
    img.u32(rb + 48, sbits)
    img.u64(rb + 56, rb_data or va(p_data))
    img.u64(rb + 64, head_lpos)
    img.u64(rb + 72, blocks[0][1] if blocks else head_lpos)
    # infos[0].seq = -count before the first record (kernel's static init)
    img.u64(p_infos, (-count) & MASK64)
    for idx, (st, did, b, e) in descs.items():
        img.u64(p_descs + idx * DESC_SIZE, (st << 62) | did)
        img.u64(p_descs + idx * DESC_SIZE + 8, b & MASK64)
        img.u64(p_descs + idx * DESC_SIZE + 16, e & MASK64)
    for idx, (seq, ts, tl, fac, fl, caller) in infos.items():
        o = p_infos + idx * INFO_SIZE
        img.u64(o, seq)
        img.u64(o + 8, ts)
        img.u16(o + 16, tl)
        img.u8(o + 18, fac)
        img.u8(o + 19, fl)
        img.u32(o + 20, caller)
    img.put(p_data, data)
    keys = ["SYMBOL(prb)=%x" % va(vars_), "SYMBOL(printk_rb_static)=%x" % va(rb),
            "SYMBOL(clear_seq)=%x" % va(cs_addr),
            "SIZE(printk_ringbuffer)=88", "OFFSET(printk_ringbuffer.desc_ring)=0",
            "OFFSET(printk_ringbuffer.text_data_ring)=48",
            "OFFSET(printk_ringbuffer.fail)=80", "SIZE(prb_desc_ring)=48",
            "OFFSET(prb_desc_ring.count_bits)=0", "OFFSET(prb_desc_ring.descs)=8",
            "OFFSET(prb_desc_ring.infos)=16", "OFFSET(prb_desc_ring.head_id)=24",
            "OFFSET(prb_desc_ring.tail_id)=32", "SIZE(prb_desc)=24",
            "OFFSET(prb_desc.state_var)=0", "OFFSET(prb_desc.text_blk_lpos)=8",
            "SIZE(prb_data_blk_lpos)=16", "OFFSET(prb_data_blk_lpos.begin)=0",
            "OFFSET(prb_data_blk_lpos.next)=8", "SIZE(printk_info)=88",
            "OFFSET(printk_info.seq)=0", "OFFSET(printk_info.ts_nsec)=8",
            "OFFSET(printk_info.text_len)=16", "OFFSET(printk_info.caller_id)=20",
            "OFFSET(printk_info.dev_info)=24", "SIZE(dev_printk_info)=64",
            "OFFSET(dev_printk_info.subsystem)=0", "LENGTH(printk_info_subsystem)=16",
            "OFFSET(dev_printk_info.device)=16", "LENGTH(printk_info_device)=48",
            "SIZE(prb_data_ring)=32", "OFFSET(prb_data_ring.size_bits)=0",
            "OFFSET(prb_data_ring.data)=8", "OFFSET(prb_data_ring.head_lpos)=16",
            "OFFSET(prb_data_ring.tail_lpos)=24", "SIZE(atomic_long_t)=8",
            "OFFSET(atomic_long_t.counter)=0", "SIZE(latched_seq)=24",
            "OFFSET(latched_seq.val)=8"]
    return keys, full, part


KINC_RELEASE = "6.1.0-56-amd64"   # the release kernel-x86_64.inc declares
DEFAULT_RELEASE = {"plain": "3.0.101", "structured-old": "3.10.0",
                   "structured": "5.4.0", "lockless": KINC_RELEASE}


def main(argv):
    args = {"--inc": None, "--expect": None, "--expect-partial": None, "--spec": None,
            "--vmcoreinfo": None, "--expect-172": None, "--expect-partial-172": None}
    pos = []
    i = 0
    while i < len(argv):
        if argv[i] in args and i + 1 < len(argv):
            args[argv[i]] = argv[i + 1]
            i += 2
        else:
            pos.append(argv[i])
            i += 1
    if len(pos) != 1 or not args["--inc"] or not args["--expect"]:
        sys.exit(__doc__.split("\n\n")[1])
    with open(pos[0], encoding="utf-8") as f:
        sc = json.load(f)
    sc.setdefault("records", [])
    if "gen" in sc:
        sc["records"] = sc["records"] + gen_records(sc["gen"])
    for top, key in (("states", "state"), ("no_data", "dataless")):
        for k, v in sc.get(top, {}).items():
            sc["records"][int(k)] = dict(sc["records"][int(k)], **{key: v})
    build = {"plain": build_plain, "structured": build_structured,
             "structured-old": build_structured, "lockless": build_lockless}
    if sc.get("format") not in build:
        sys.exit("mkprintk: format must be one of %s" % ", ".join(build))
    # the same (deterministic) log twice: 1.7.2's texts, then ours
    with contextlib.redirect_stdout(io.StringIO()):
        _, full172, part172 = build[sc["format"]](copy.deepcopy(sc), Image())
    CALLER_COLUMN[0] = True
    img = Image()
    keys, full, part = build[sc["format"]](sc, img)
    with open(args["--inc"], "w") as f:
        f.write("# generated by tests/mkprintk.py from %s (format %s)\n"
                % (pos[0], sc["format"]))
        for k in keys:
            f.write("vmcoreinfo %s\n" % k)
        for line in img.spec_lines():
            f.write(line + "\n")
    kinc = os.path.join(os.path.dirname(os.path.abspath(__file__)), "specs",
                        "kernel-x86_64.inc")
    with open(kinc) as f:
        ktext = f.read()
    rel = sc.get("osrelease", DEFAULT_RELEASE[sc["format"]])
    if rel != KINC_RELEASE:
        # 1.7.2 picks the log layout partly from the release: give the
        # kernel image the release of the format's era
        ktext = ktext.replace("OSRELEASE=" + KINC_RELEASE, "OSRELEASE=" + rel)
        ktext = ktext.replace("str:" + KINC_RELEASE, "str:" + rel)
    if args["--spec"]:
        kcopy = kinc
        if rel != KINC_RELEASE:
            kcopy = os.path.abspath(args["--spec"]) + ".kernel.inc"
            with open(kcopy, "w") as f:
                f.write(ktext)
        with open(args["--spec"], "w") as f:
            f.write("include %s\ninclude %s\n" % (kcopy, os.path.abspath(args["--inc"])))
    if args["--vmcoreinfo"]:
        lines = [l[len("vmcoreinfo "):] for l in ktext.split("\n")
                 if l.startswith("vmcoreinfo ")]
        if not any(l.startswith("SYMBOL(_stext)=") for l in lines):
            # as `makedumpfile -g` writes it: lets a reader without the
            # note find KERNELOFFSET from the kernel-text PT_LOAD
            lines.append("SYMBOL(_stext)=%x" % KVIRT)
        with open(args["--vmcoreinfo"], "w") as f:
            f.write("".join(l + "\n" for l in lines + keys))
    with open(args["--expect"], "wb") as f:
        f.write(full)
    for key, text in (("--expect-partial", part), ("--expect-172", full172),
                      ("--expect-partial-172", part172)):
        if args[key]:
            with open(args[key], "wb") as f:
                f.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
