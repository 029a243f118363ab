#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Damaged kdump-compressed input (REFERENCE 2): a file cut short, descriptors
# pointing past the end, page data that does not decompress, a bitmap that
# disagrees with the descriptors, absurd headers, another layout: exit 1 with
# one error line naming the file, never a crash or a hang, any output flagged
# incomplete. A source that says it is incomplete, or a flattened stream
# without its end, is read with its missing pages lost: the refiltered dump
# keeps them lost and says it is incomplete.
. "$(dirname "$0")/../lib.sh"

gen small-vmci.spec in.elf
run_mdf src -c -d 1 in.elf src.kdump
expect_rc 0 src

# mutate NAME PYTHON-STATEMENTS: a copy of src.kdump changed by the code
# (b: bytearray of the file; bs, desc, data, bm2: its layout; d(i): offset of
# descriptor i).
mutate() {
	"$PY" - "$1" "$2" <<'EOF' || fail "mutating $1"
import struct, sys
b = bytearray(open('src.kdump', 'rb').read())
bs = struct.unpack_from('<i', b, 428)[0]
shs = struct.unpack_from('<i', b, 432)[0]
bmb = struct.unpack_from('<I', b, 436)[0]
bm2 = (1 + shs) * bs + bmb * bs // 2
desc = (1 + shs + bmb) * bs
def d(i):
    return desc + 24 * i
def doff(i):
    return struct.unpack_from('<Q', b, d(i))[0]
exec(sys.argv[2])
open(sys.argv[1], 'wb').write(b)
EOF
}

mutate trunc.in 'b = b[:len(b) - 5000]'
expect_bad_input trunc trunc.in -c -d 1
mutate pasteof.in 'struct.pack_into("<Q", b, d(40), len(b) + 8192)'
expect_bad_input pasteof pasteof.in -c -d 1
mutate badsize.in 'struct.pack_into("<I", b, d(41) + 8, 70000)'
expect_bad_input badsize badsize.in -c -d 1
# a zlib page read for recompression (-l) fails to decompress
mutate baddata.in '
i = next(i for i in range(2, 200) if struct.unpack_from("<I", b, d(i) + 12)[0] == 1)
b[doff(i):doff(i) + 8] = b"\x55" * 8'
expect_bad_input baddata baddata.in -l -d 1
mutate bitmap.in 'b[bm2 + 20:bm2 + 32] = b"\xff" * 12  # bits for the hole 0xa0-0x100'
expect_bad_input bitmap bitmap.in -c -d 1
mutate version.in 'struct.pack_into("<i", b, 8, 77)'
expect_bad_input version version.in
mutate blocksz.in 'struct.pack_into("<i", b, 428, 3000)'
expect_bad_input blocksz blocksz.in
mutate mapnr.in 'struct.pack_into("<Q", b, bs + 96, 1 << 39)'
expect_bad_input mapnr mapnr.in
mutate notes.in 'struct.pack_into("<Q", b, bs + 56, 1 << 40)'
expect_bad_input notes notes.in
mutate level.in 'struct.pack_into("<i", b, bs + 8, 1000)'
expect_bad_input level level.in
mutate be.in 'struct.pack_into(">i", b, 428, bs)'
expect_bad_input be be.in
mutate short.in 'b = b[:300]'
expect_bad_input short short.in

# incomplete source (REFERENCE 2.11): status 0x8, the last pages' data cut
# off and their descriptors zero: the refilter finishes, keeps them lost
# and flags its output incomplete.
mutate incomplete.in '
struct.pack_into("<I", b, 424, struct.unpack_from("<I", b, 424)[0] | 8)
n = sum(bin(x).count("1") for x in b[bm2:desc])
cut = doff(n - 10)
for i in range(n - 10, n):
    b[d(i):d(i) + 24] = bytes(24)
b = b[:cut]'
run_mdf inc -c -d 1 incomplete.in inc.kdump
no_crash inc
expect_rc 0 inc
info=$(dumpinfo inc.kdump)
note "refiltered incomplete source: $info"
case $info in *incomplete=1*lost_descs=10*) ;; *) fail "incomplete source: $info" ;; esac

# a flattened stream without its end: read, pages past its end lost
"$MDF" -F -c -d 1 in.elf >full.flat 2>/dev/null || fail "-F failed"
sz=$(size_of full.flat)
head -c $((sz - 3000)) full.flat >cut.flat
run_mdf cut -c -d 1 cut.flat cut.kdump
no_crash cut
expect_rc 0 cut
grep -q "ends without its end marker" cut.out cut.err || { cat cut.out cut.err; fail "no note on the cut stream"; }
case $(dumpinfo cut.kdump) in *incomplete=1*) ;; *) fail "cut stream: output not flagged: $(dumpinfo cut.kdump)" ;; esac
echo "bad kdump input ok"
