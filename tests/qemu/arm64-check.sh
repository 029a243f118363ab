#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Host-side checks of our makedumpfile on a real arm64 vmcore made by
# tests/qemu/arm64-compare.sh (the qemu-kdump kit with ARCH=arm64: Debian's
# arm64 kernel under qemu-system-aarch64, /proc/vmcore copied out, Debian's
# arm64 makedumpfile 1.7.2 run in the capture kernel), on this x86_64 host:
#
#   tests/qemu/arm64-check.sh RESULT_DIR VMLINUX [OUR_BINARY]
#
#  1. ours -l -d 31 vs the capture kernel's 1.7.2 -l -d 31, page by page
#     (kdump_bitmaps.py): bitmap 1 must be identical; pfns only one side
#     keeps must all be explained by a rule: "image" (we never drop pages of
#     the kernel image: Debian's arm64 kernel has no CONFIG_KALLSYMS_ALL, so
#     its kallsyms lacks __init_end and the freed init sections cannot be
#     told apart; README "Kernel image pages are never dropped");
#     The same for our -d 1 file refiltered to -d 31 (kdump-compressed
#     input: the image's mapping ends where the freed init sections were
#     unmapped, so there the page set equals 1.7.2's);
#     --split into two files and --reassemble give back the single file,
#     byte for byte;
#  2. ours --dump-dmesg equals 1.7.2's text from the capture kernel, but for
#     the caller column (makedumpfile 1.7.5+ prints it, 1.7.2 does not);
#  3. drgn (python3-drgn) walks every task and reads its pid and comm on our
#     -d 31 output, and the list equals the walk on the raw vmcore;
#  4. -x VMLINUX on a copy whose VMCOREINFO note is hidden keeps the
#     note-only run's pfns (bitmap 2 identical), with the kernel-image
#     PT_LOAD and, its p_vaddr zeroed, by the banner search; --dump-dmesg
#     with -x on the hidden-note copy equals the note-only text; -g from
#     the vmlinux, then -i with its output on the hidden-note copy, keeps
#     the note-only run's pfns too;
#  5. -c, -p, -z with 2 threads and -E read back through libkdumpfile equal
#     to the vmcore for every kept page; --mem-usage and --vtop run.
# Exit 0 when all hold. Work files go to RESULT_DIR/host/.
set -eu

R=${1:?usage: $0 RESULT_DIR VMLINUX [OUR_BINARY]}
VMLINUX=${2:?usage: $0 RESULT_DIR VMLINUX [OUR_BINARY]}
HERE=$(cd "$(dirname "$0")" && pwd)
TESTS=$(cd "$HERE/.." && pwd)
OURS=${3:-$TESTS/../makedumpfile}
PY=${PY:-/usr/bin/python3}
CORE=$R/vmcore.elf
REF=$R/capture/makedumpfile-d31-lzo.kdump
REFDMESG=$R/capture/makedumpfile-dmesg.txt
H=$R/host
rc=0
mkdir -p "$H"
for f in "$CORE" "$REF" "$REFDMESG" "$VMLINUX" "$OURS"; do
	[ -e "$f" ] || { echo "FAIL: missing $f"; exit 1; }
done
t0=$(date +%s)
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; rc=1; }

# 1. page sets
"$OURS" -l -d 31 --message-level 31 -f "$CORE" "$H/ours-d31.kdump" >"$H/ours-d31.log" 2>&1 ||
	{ tail -5 "$H/ours-d31.log"; echo "FAIL: ours -d 31"; exit 1; }
args="--expect-image"
[ -f "$R/first/iomem.txt" ] && args="$args --iomem $R/first/iomem.txt"
# shellcheck disable=SC2086  # args is a list
"$PY" "$HERE/kdump_bitmaps.py" "$H/ours-d31.kdump" "$REF" $args --vmcore "$CORE" \
	>"$H/compare.txt" 2>&1 || true
sed 's/^/   /' "$H/compare.txt"
if grep -q '^bitmap 1 (RAM): identical' "$H/compare.txt" &&
	grep -Eq '^RESULT: (identical page sets|differences all expected)' "$H/compare.txt"; then
	ok "-d 31 page set equals 1.7.2's up to the listed rules"
else
	bad "-d 31 page set: unexplained differences (see $H/compare.txt)"
fi

# 1b. refiltering our own kdump file (the input layer's kdump back end
# names the machine by utsname "aarch64")
"$OURS" -l -d 1 -f "$CORE" "$H/ours-d1.kdump" >"$H/ours-d1.log" 2>&1 &&
	"$OURS" -l -d 31 -f "$H/ours-d1.kdump" "$H/refilter-d31.kdump" >"$H/refilter.log" 2>&1 ||
	bad "refiltering -d 1 to -d 31 failed: $(tail -1 "$H/refilter.log" 2>/dev/null)"
# shellcheck disable=SC2086  # args is a list
"$PY" "$HERE/kdump_bitmaps.py" "$H/refilter-d31.kdump" "$REF" $args --vmcore "$CORE" \
	>"$H/compare-refilter.txt" 2>&1 || true
if grep -q '^bitmap 1 (RAM): identical' "$H/compare-refilter.txt" &&
	grep -Eq '^RESULT: (identical page sets|differences all expected)' "$H/compare-refilter.txt"; then
	ok "refiltered -d 1 -> -d 31: $(grep '^RESULT' "$H/compare-refilter.txt")"
else
	bad "refiltered -d 31: unexplained differences (see $H/compare-refilter.txt)"
fi
rm -f "$H/ours-d1.kdump" "$H/refilter-d31.kdump"

# 1c. --split into two files, then --reassemble: byte for byte the
# single-file -d 31 dump
"$OURS" -l -d 31 --split -f "$CORE" "$H/split1.kdump" "$H/split2.kdump" >"$H/split.log" 2>&1 &&
	"$OURS" --reassemble "$H/split1.kdump" "$H/split2.kdump" -f "$H/reassembled.kdump" \
		>"$H/reassemble.log" 2>&1 &&
	cmp -s "$H/reassembled.kdump" "$H/ours-d31.kdump" &&
	ok "--split in two, --reassemble: byte-identical to the single -d 31 file" ||
	bad "--split/--reassemble: $(tail -1 "$H/split.log" "$H/reassemble.log" 2>/dev/null | tail -1)"
rm -f "$H/split1.kdump" "$H/split2.kdump" "$H/reassembled.kdump"

# 2. dmesg
"$OURS" --dump-dmesg -f "$CORE" "$H/dmesg.txt" >"$H/dmesg.log" 2>&1 || bad "--dump-dmesg failed"
# ours has the caller column of makedumpfile 1.7.5+, 1.7.2 has none:
# compare without it
awk -f "$(dirname "$0")/dmesg-nocaller.awk" "$H/dmesg.txt" >"$H/dmesg-nocaller.txt" ||
	bad "--dump-dmesg: a line without the caller column"
if cmp -s "$H/dmesg-nocaller.txt" "$REFDMESG"; then
	ok "--dump-dmesg equals 1.7.2's but for the caller column ($(wc -l <"$H/dmesg.txt") lines)"
else
	bad "--dump-dmesg differs from 1.7.2's"
fi

# 3. drgn
cat >"$H/tasks.py" <<'EOF'
import sys
import drgn
from drgn.helpers.linux.pid import for_each_task
prog = drgn.Program()
prog.set_core_dump(sys.argv[1])
prog.load_debug_info([sys.argv[2]])
for pid, comm in sorted((int(t.pid), t.comm.string_().decode()) for t in for_each_task(prog)):
    print(pid, comm)
EOF
if "$PY" -c 'import drgn' 2>/dev/null; then
	"$PY" "$H/tasks.py" "$CORE" "$VMLINUX" >"$H/tasks-raw.txt" 2>"$H/tasks-raw.err" || true
	"$PY" "$H/tasks.py" "$H/ours-d31.kdump" "$VMLINUX" >"$H/tasks-ours.txt" 2>"$H/tasks-ours.err" || true
	n=$(wc -l <"$H/tasks-raw.txt")
	if [ "$n" -gt 10 ] && cmp -s "$H/tasks-raw.txt" "$H/tasks-ours.txt"; then
		ok "drgn walks the same $n tasks (pid, comm) on ours -d 31 as on the vmcore"
	else
		cat "$H/tasks-ours.err" "$H/tasks-raw.err" | tail -5
		bad "drgn task walk differs ($n tasks on the vmcore)"
	fi
else
	bad "python3-drgn is not installed"
fi

# 4. -x with the note hidden
bm2() { "$PY" "$TESTS/x_vmlinux_gen.py" bm2 "$1"; }
"$PY" - "$CORE" "$H/nonote.elf" "$H/notext.elf" <<'EOF'
import os, shutil, struct, sys
core, nonote, notext = sys.argv[1:]
for dst, zero_text in ((nonote, False), (notext, True)):
    if os.path.exists(dst) and os.path.getsize(dst) == os.path.getsize(core):
        continue
    shutil.copyfile(core, dst + '.tmp')
    with open(dst + '.tmp', 'r+b') as f:
        head = f.read(0x4000)
        i = head.find(b'VMCOREINFO\0')
        assert i > 0, 'no VMCOREINFO note name'
        f.seek(i); f.write(b'VMCOREINFX')
        if zero_text:
            # kexec's first PT_LOAD is the kernel image (after the PT_NOTE)
            phoff, = struct.unpack_from('<Q', head, 32)
            f.seek(phoff + 56 * 1 + 16); f.write(struct.pack('<Q', 0))
    os.rename(dst + '.tmp', dst)
EOF
want=$(bm2 "$H/ours-d31.kdump")
for v in nonote notext; do
	"$OURS" -l -d 31 -D -x "$VMLINUX" -f "$H/$v.elf" "$H/x-$v.kdump" >"$H/x-$v.log" 2>&1 ||
		{ bad "-x on the $v copy failed: $(tail -1 "$H/x-$v.log")"; continue; }
	got=$(bm2 "$H/x-$v.kdump")
	how=$(tr '\r' '\n' <"$H/x-$v.log" | grep -m1 -E 'maps the image|linux_banner at' || true)
	if [ "$got" = "$want" ]; then ok "-x, note hidden ($v): bitmap 2 as the note-only run ($how)"
	else bad "-x, note hidden ($v): bitmap 2 $got, note-only $want"; fi
done
# -g from the arm64 vmlinux, then -i with it on the hidden-note copy
"$OURS" -g "$H/a64.vmcoreinfo" -x "$VMLINUX" -f >"$H/g.log" 2>&1 || bad "-g failed"
"$OURS" -l -d 31 -D -i "$H/a64.vmcoreinfo" -f "$H/nonote.elf" "$H/i-nonote.kdump" \
	>"$H/i-nonote.log" 2>&1 || bad "-i on the hidden-note copy failed: $(tail -1 "$H/i-nonote.log")"
[ "$(bm2 "$H/i-nonote.kdump" 2>/dev/null)" = "$want" ] &&
	ok "-g from the arm64 vmlinux, then -i on the hidden-note copy: bitmap 2 as the note-only run" ||
	bad "-i on the hidden-note copy: bitmap 2 differs"
rm -f "$H/i-nonote.kdump"
"$OURS" --dump-dmesg -x "$VMLINUX" -f "$H/nonote.elf" "$H/dmesg-x.txt" >/dev/null 2>&1 ||
	bad "--dump-dmesg -x on the hidden-note copy failed"
cmp -s "$H/dmesg-x.txt" "$H/dmesg.txt" && ok "--dump-dmesg -x, note hidden: same text" ||
	bad "--dump-dmesg -x, note hidden: text differs"
rm -f "$H/x-nonote.kdump" "$H/x-notext.kdump"

# 5. codecs, threads, ELF output, --mem-usage, --vtop
"$PY" - "$H/ours-d31.kdump" "$H/excl.txt" <<'EOF'
import struct, sys
# pfns in bitmap 1 but not bitmap 2 of our -d 31 file: what every codec's
# file must leave out too (REFERENCE.md 2.6)
b = open(sys.argv[1], 'rb').read(1 << 20)
bs, shs, bmb = struct.unpack_from('<iiI', b, 428)
f = open(sys.argv[1], 'rb')
f.seek((1 + shs) * bs)
bm = f.read(bmb * bs)
half = len(bm) // 2
out, start = [], None
for i in range(half * 8):
    ram = bm[i >> 3] >> (i & 7) & 1
    kept = bm[half + (i >> 3)] >> (i & 7) & 1
    if ram and not kept:
        if start is None:
            start = i
    elif start is not None:
        out.append((start, i)); start = None
if start is not None:
    out.append((start, half * 8))
open(sys.argv[2], 'w').write(''.join('0x%x 0x%x\n' % r for r in out))
EOF
for z in c p z; do
	"$OURS" -$z -d 31 --num-threads 2 -f "$CORE" "$H/ours-$z.kdump" >"$H/ours-$z.log" 2>&1 ||
		{ bad "-$z failed"; continue; }
	if "$PY" "$TESTS/check_dump.py" "$CORE" "$H/ours-$z.kdump" --excluded "$H/excl.txt" \
		--expect-zero-excluded --quiet >"$H/ours-$z.cd" 2>&1; then
		ok "-$z --num-threads 2: every kept page reads back equal (libkdumpfile)"
	else
		head -3 "$H/ours-$z.cd"; bad "-$z: page contents differ"
	fi
	rm -f "$H/ours-$z.kdump"
done
"$OURS" -E -d 31 -f "$CORE" "$H/ours.elf" >"$H/ours-e.log" 2>&1 || bad "-E failed"
"$PY" "$TESTS/check_dump.py" "$CORE" "$H/ours.elf" --format elf --excluded "$H/excl.txt" \
	--expect-zero-excluded --excluded-may-stay --quiet >"$H/ours-e.cd" 2>&1 &&
	ok "-E -d 31: every page reads back equal or excluded" ||
	{ head -3 "$H/ours-e.cd"; bad "-E: page contents differ"; }
rm -f "$H/ours.elf"
"$OURS" --mem-usage "$CORE" >"$H/mem-usage.txt" 2>&1 && grep -q '^FREE' "$H/mem-usage.txt" &&
	ok "--mem-usage: $(awk '/^FREE/ {print "FREE " $2} /^USER/ {print "USER " $2}' "$H/mem-usage.txt" | paste -sd, -)" ||
	bad "--mem-usage failed"
ms=$(head -c 1048576 "$CORE" | grep -a -o 'SYMBOL(mem_section)=[0-9a-f]*' | head -1 | cut -d= -f2)
po=$(head -c 1048576 "$CORE" | grep -a -o 'NUMBER(PHYS_OFFSET)=0x[0-9a-f]*' | head -1 | cut -d= -f2)
va=$(head -c 1048576 "$CORE" | grep -a -o 'NUMBER(VA_BITS)=[0-9]*' | head -1 | cut -d= -f2)
"$OURS" --vtop "0x$ms" -d 1 --dry-run "$CORE" "$H/x.kdump" >"$H/vtop.txt" 2>&1 || bad "--vtop failed"
got=$(awk 'p { print $2; exit } /^VIRTUAL/ { p = 1 }' "$H/vtop.txt")
want=$("$PY" -c "print('%x' % ((0x$ms - (((1 << 64) - 1) << $va & ((1 << 64) - 1))) + $po))")
[ "$got" = "$want" ] && ok "--vtop 0x$ms (linear map): $got = VA - PAGE_OFFSET + PHYS_OFFSET" ||
	bad "--vtop 0x$ms: $got, expected $want"
echo "arm64-check: $(($(date +%s) - t0)) s"
exit $rc
