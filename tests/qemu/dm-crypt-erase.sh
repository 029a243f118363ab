#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Does the dm-crypt erase sample reach every copy of a dm-crypt key? (issue 14)
#
#   usage: tests/qemu/dm-crypt-erase.sh [KIT_DIR]     (default /work/qk)
#          SKIP_BOOT=1 RESULT=DIR tests/qemu/dm-crypt-erase.sh   (checks only)
#
# Boots a live Debian guest (default linux-image-6.1.0-56-amd64) with the
# qemu-kdump kit of ../shared/tools, as tests/qemu/qemu-dumps.sh does, with
# QEMU's max CPU (AES-NI; TCG by default: KVM hung on our 2-core host) and
# without the memory fill. Where the kit's guest would crash itself, this one
# runs tests/qemu/guest/dmcrypt-setup.sh: two aes-xts-plain64 dm-crypt
# mappings on loop devices, made by tests/qemu/guest/dmcreate.c (the
# device-mapper ioctls, DM_SECURE_DATA_FLAG set as cryptsetup does), one live
# with data written through it, one loaded but not resumed (inactive table),
# with random 64-byte keys made here (key.hex, key2.hex in RESULT); then it
# waits. The VM is stopped and dumped over QMP (dump-guest-memory, ELF,
# paging off) to RESULT/vmcore.elf.
# Checks, with our makedumpfile and CONFIG (default configs/dm-crypt.conf):
#   ctl.elf    -d 31 -E                                (no config: the control)
#   dwarf.elf  -d 31 -E -x VMLINUX --config CONFIG     (module debug files of
#              the -dbg package beside the vmlinux, in DBGROOT)
#   btf.elf    -d 31 -E --config CONFIG                (the dump's BTF)
# dwarf.elf and btf.elf must be byte-identical. tests/qemu/dm_needles.py
# searches all four files and vmcore.elf for each key, each 32-byte half
# (XTS's data and tweak keys), each half's AES-256 encryption and decryption
# key schedule and each of their 16-byte round keys (hits.json). vmcore.elf
# and ctl.elf must hold them (the search can fail); crash with the debug
# vmlinux names the slab object of every copy (copies.txt) and shows the
# transform chain of the live mapping (chain.txt).
# Exit 0 only when no needle is left in dwarf.elf and btf.elf; what is left
# is printed (and in report.txt).
#
# Environment: KERNEL (the kernel release, default 6.1.0-56-amd64; also
# 6.12.118+deb12-amd64, 7.2.13+deb14-amd64: any release the kit can boot
# whose -dbg package and debug vmlinux are in the kit's folder), from which
# KPKG (linux-image-$KERNEL), SUITE (sid for 7.x), DBG_DEB (the kit's
# download of linux-image-$KERNEL-dbg), VMLINUX (the debug vmlinux: for 6.1
# the one of /work/cache, else the kit's vmlinux-$KERNEL) follow; each can
# be set. MDF (our binary, default build/makedumpfile), CONFIG, RESULT
# (default $OUTDIR/dm-crypt-erase for 6.1, $OUTDIR/dm-crypt-erase-$KERNEL
# otherwise; OUTDIR default /work/scratch/i14k), DBGROOT (where the debug
# files go, default $OUTDIR/dbg, made once per kernel), SKIP_BOOT=1 (reuse
# RESULT's vmcore.elf and keys), ACCEL (default tcg), PROFILE (kit profile,
# default small), CRASH (default crash), LOCATE (how copies are located:
# crash, drgn or none; default crash for 6.1, drgn for newer kernels:
# Debian 12's crash 8.0.2 does not open them, sid's crash 9.0.2 stops on 7.x),
# READERS (the sid readers root drgn runs in, default /work/.sid-readers).
# Needs root for the kit (it installs missing tools).
set -euo pipefail
T0=$(date +%s)
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
MDF=$(realpath "${MDF:-$ROOT/build/makedumpfile}")
PY=${PY:-/usr/bin/python3}
CRASH=${CRASH:-crash}
CONFIG=$(realpath "${CONFIG:-$ROOT/configs/dm-crypt.conf}")
KERNEL=${KERNEL:-6.1.0-56-amd64}
KREL=$KERNEL
KITSRC=${QKD_KIT:-$ROOT/../shared/tools/qemu-kdump}
export QKD_DIR=${1:-/work/qk}
export KPKG=${KPKG:-linux-image-$KREL}
case $KREL in 7.*) SUITE=${SUITE-sid} ;; esac
export SUITE=${SUITE:-}
OUTDIR=$(realpath -m "${OUTDIR:-/work/scratch/i14k}")
if [ "$KREL" = 6.1.0-56-amd64 ]; then
    VMLINUX=${VMLINUX:-/work/cache/usr/lib/debug/boot/vmlinux-6.1.0-56-amd64}
    DBG_DEB=${DBG_DEB:-$QKD_DIR/cache/linux-image-6.1.0-56-amd64-dbg_6.1.192-2_amd64.deb}
    RESULT=$(realpath -m "${RESULT:-$OUTDIR/dm-crypt-erase}")
    LOCATE=${LOCATE:-crash}
else
    VMLINUX=${VMLINUX:-$QKD_DIR/vmlinux-$KREL}
    if [ -z "${DBG_DEB:-}" ]; then
        DBG_DEB=
        for f in "$QKD_DIR/cache/linux-image-$KREL-dbg_"*_amd64.deb; do [ -f "$f" ] && DBG_DEB=$f; done
    fi
    RESULT=$(realpath -m "${RESULT:-$OUTDIR/dm-crypt-erase-$KREL}")
    LOCATE=${LOCATE:-drgn}
fi
VMLINUX=$(realpath -m "$VMLINUX")
READERS=${READERS:-/work/.sid-readers}
DBGROOT=$(realpath -m "${DBGROOT:-$OUTDIR/dbg}")
export PROFILE=${PROFILE:-small} ACCEL=${ACCEL:-tcg}
# Nothing of makedumpfile runs in the guest; no crash, so no capture kernel
# runs; no memory fill (the keys are what matters).
export MAKEDUMPFILE=none MEM_USAGE=0 CAPTURE_MDF=0 FILL=0
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
step() { log "$* (t+$(( $(date +%s) - T0 )) s)"; }
[ -x "$MDF" ] || die "no binary at $MDF (make first)"
[ -f "$CONFIG" ] || die "no config $CONFIG"
[ -f "$VMLINUX" ] || die "no debug vmlinux $VMLINUX"
mkdir -p "$RESULT"

# ---- the debug files: vmlinux and the modules' .ko, Debian's -dbg layout --------
# Our makedumpfile looks for a module's debug file under ../lib/modules/R
# beside the vmlinux's folder (README, "Modules").
MODS="drivers/md/dm-mod.ko drivers/md/dm-crypt.ko arch/x86/crypto/aesni-intel.ko
      crypto/crypto_simd.ko crypto/cryptd.ko crypto/xts.ko crypto/ecb.ko drivers/block/loop.ko"
DBGMOD=$DBGROOT/usr/lib/debug/lib/modules/$KREL/kernel
# Some are built into newer kernels (7.x: crypto_simd, cryptd; 6.12: ecb):
# what the package has is taken, once (the stamp).
STAMP=$DBGMOD/.dm-crypt-erase-extracted
if [ ! -f "$STAMP" ]; then
    [ -f "$DBG_DEB" ] || die "no debug package '$DBG_DEB' (set DBG_DEB)"
    step "extracting the modules' debug files from $DBG_DEB"
    mkdir -p "$DBGROOT"
    # tar says "Not found in archive" for a built-in one and exits 2: checked below
    # shellcheck disable=SC2046
    nice dpkg-deb --fsys-tarfile "$DBG_DEB" |
        nice tar -x -C "$DBGROOT" $(for m in $MODS; do echo "./usr/lib/debug/lib/modules/$KREL/kernel/$m"; done) 2>/dev/null || true
    got=0
    for m in $MODS; do [ -s "$DBGMOD/$m" ] && got=$((got + 1)); done
    [ -s "$DBGMOD/drivers/md/dm-crypt.ko" ] || die "no dm-crypt.ko in $DBG_DEB"
    echo "$got of the modules' debug files" > "$STAMP"
fi
for m in $MODS; do [ -s "$DBGMOD/$m" ] || log "note: no debug file $m in the -dbg package (built in?)"; done
mkdir -p "$DBGROOT/usr/lib/debug/boot"
ln -sfn "$VMLINUX" "$DBGROOT/usr/lib/debug/boot/vmlinux-$KREL"
DBGVMLINUX=$DBGROOT/usr/lib/debug/boot/vmlinux-$KREL

# ---- the guest ------------------------------------------------------------------
boot_and_dump() {
    # shellcheck disable=SC1091
    . "$KITSRC/lib.sh"
    # shellcheck source=tests/qemu/live-guest.sh
    . "$ROOT/tests/qemu/live-guest.sh"
    exec 9> "$QKD_DIR/.lock"
    step "waiting for the kit's lock"
    flock 9
    # the keys: XTS takes two AES-256 keys, 64 bytes
    head -c 64 /dev/urandom | xxd -p -c 64 > "$RESULT/key.hex"
    head -c 64 /dev/urandom | xxd -p -c 64 > "$RESULT/key2.hex"
    kernel_tree
    [ "$KVER" = "$KREL" ] || die "the kit's kernel is $KVER, not $KREL"
    # 7.x has no cryptd nor crypto_simd at all (CONFIG_CRYPTO_CRYPTD unset):
    # only what the kernel has (a module or built in) is asked for
    local m
    for m in loop dm_crypt cryptd crypto_simd aesni_intel ecb xts; do
        # shellcheck disable=SC2153  # KROOT: set by the kit's kernel_tree
        if modprobe -d "$KROOT" -S "$KVER" --show-depends "$m" > /dev/null 2>&1; then
            GUEST_MODULES="$GUEST_MODULES $m"
        else
            log "note: $KVER has no $m (neither a module nor built in)"
        fi
    done
    live_initramfs "$RESULT" "sh /dmcrypt-setup.sh"
    local R=$LIVE_TREE
    gcc -static -O2 -Wall -o "$R/bin/dmcreate" "$ROOT/tests/qemu/guest/dmcreate.c"
    install -m 0644 "$ROOT/tests/qemu/guest/dmcrypt-setup.sh" "$R/dmcrypt-setup.sh"
    cp "$RESULT/key.hex" "$R/etc/dmkey.hex"
    cp "$RESULT/key2.hex" "$R/etc/dmkey2.hex"
    live_pack
    pick_accel
    make_disks
    step "guest ready to boot ($KVER, $GUEST_MEM MiB, $ACCEL_USED, -cpu ${ACCEL_ARGS[*]: -1})"
    rm -f "$RESULT/vmcore.elf"
    live_start "$RESULT"
    grep -a 'LAB: \(cpu\|modules\|lab_crypt\|non-zero\|xts\|dmcreate\|losetup\)\|insmod.*failed' "$CONSOLE_LOG" |
        tee "$RESULT/guest.txt" >&2 || true
    grep -aq 'LAB: lab_crypt is ' "$CONSOLE_LOG" || die "the guest made no dm-crypt mapping; see $CONSOLE_LOG"
    step "guest waiting with its mappings"
    "$PY" "$ROOT/tests/qemu/qmp.py" "$QMP" dump "$RESULT/vmcore.elf"
    wait $QPID || true
    trap - EXIT
    rm -f "$QEMU_PIDFILE" "$QMP" "$BUILD/data.img" "$BUILD/out.img"
    [ -s "$RESULT/vmcore.elf" ] || die "no ELF dump"
    step "QEMU wrote vmcore.elf ($(stat -c %s "$RESULT/vmcore.elf") bytes)"
}

if [ "${SKIP_BOOT:-0}" = 1 ]; then
    for f in vmcore.elf key.hex key2.hex guest.txt; do
        [ -s "$RESULT/$f" ] || die "SKIP_BOOT=1: no $RESULT/$f"
    done
    step "reusing $RESULT/vmcore.elf"
else
    boot_and_dump
fi

# ---- checks -------------------------------------------------------------------------
cd "$RESULT"
fail=0
# the point is AES-NI: the CPU must have it and xts(aes) must be aesni's
grep -q 'LAB: cpu aes flag: [1-9]' guest.txt || die "the guest's CPU has no aes flag (guest.txt)"
# the driver crypto_alloc_skcipher("xts(aes)") picks: the highest priority
# (6.1: xts-aes-aesni; newer kernels add AVX and VAES variants, which one
# depends on the CPU features QEMU offers)
XTS_DRIVER=$(grep -o ' xts(aes)=[^ ]*' guest.txt | sed 's/^ xts(aes)=//; s/(\([0-9]*\))$/ \1/' |
             sort -k2,2nr | head -1 | cut -d' ' -f1)
echo "$XTS_DRIVER" > xts-driver.txt
case $XTS_DRIVER in
    xts-aes-*) log "xts(aes) is served by $XTS_DRIVER (highest priority; guest.txt)" ;;
    *) die "xts(aes) is not served by an AES-NI driver: '${XTS_DRIVER}' (guest.txt)" ;;
esac
grep -q 'LAB: lab_crypt_new is ' guest.txt || die "no inactive mapping (guest.txt)"
rm -f ctl.elf dwarf.elf btf.elf
run() {  # run NAME ARGS...: our makedumpfile, its messages in NAME.log
    local n=$1; shift
    if ! nice "$MDF" "$@" vmcore.elf "$n.elf" > "$n.log" 2>&1; then
        log "FAIL $n: makedumpfile $* exited non-zero: $(grep -v '^\s*$' "$n.log" | tail -2 | tr '\n' ' ')"
        fail=1
        return 1
    fi
    step "$n.elf: makedumpfile $* ($(stat -c %s "$n.elf") bytes)"
}
run ctl -d 31 -E || true
run dwarf -d 31 -E -x "$DBGVMLINUX" --config "$CONFIG" || true
run btf -d 31 -E --config "$CONFIG" || true
grep -h 'erase\|Skipping' dwarf.log btf.log | sort | uniq -c >&2 || true
if [ -s dwarf.elf ] && [ -s btf.elf ]; then
    if cmp -s dwarf.elf btf.elf; then
        log "ok   dwarf.elf and btf.elf are byte-identical"
    else
        log "FAIL dwarf.elf and btf.elf differ: $(cmp dwarf.elf btf.elf 2>&1 | head -1)"
        fail=1
    fi
fi
files=(vmcore=vmcore.elf)
for n in ctl dwarf btf; do [ -s "$n.elf" ] && files+=("$n=$n.elf"); done
nice "$PY" "$ROOT/tests/qemu/dm_needles.py" search hits.json \
    "key=$(cat key.hex)" "key2=$(cat key2.hex)" -- "${files[@]}" | tee needles.txt >&2
step "needles searched"

# where each copy is: crash (or drgn) with the debug vmlinux (and the
# modules' debug files) on the source dump names the slab object of every
# hit and shows each mapping's transform chain
rm -f children.json
case $LOCATE in
crash)
    nice "$PY" "$ROOT/tests/qemu/dm_copies.py" hits.json "$CRASH" "$DBGVMLINUX" vmcore.elf "$DBGMOD" \
        > copies.txt 2> copies.err || log "note: dm_copies.py failed (copies.err)" ;;
drgn)
    if [ -e "$READERS/root/.readers-ok" ]; then
        nice "$ROOT/../shared/tools/sid-readers/run.sh" "$READERS" python3 "$ROOT/tests/qemu/dm_copies_drgn.py" \
            "$RESULT/hits.json" "$VMLINUX" "$RESULT/vmcore.elf" "$DBGMOD" \
            > copies.txt 2> copies.err || log "note: dm_copies_drgn.py failed (copies.err)"
    else
        log "note: no sid readers root in $READERS: the copies are not located (LOCATE=drgn)"
    fi ;;
none) log "LOCATE=none: the copies are not located" ;;
*) die "LOCATE must be crash, drgn or none, not '$LOCATE'" ;;
esac
step "copies located"
# What if the config also erased each child transform's context
# (__crt_ctx, cra_ctxsize bytes, addresses from crash)? Simulated on a copy
# of btf.elf; not a check: it tells whether erasing the child is enough,
# before the language can say it.
if [ -s children.json ] && [ -s btf.elf ]; then
    cp btf.elf whatif.elf
    "$PY" "$ROOT/tests/qemu/dm_needles.py" overwrite children.json whatif.elf
    nice "$PY" "$ROOT/tests/qemu/dm_needles.py" search whatif.json \
        "key=$(cat key.hex)" "key2=$(cat key2.hex)" -- whatif=whatif.elf > whatif.txt
    log "what-if (not a check): btf.elf with each child's __crt_ctx X'ed too ($(tr '\n' ' ' < children.json)): $(sed 's/^whatif *whatif.elf: //' whatif.txt)"
    rm -f whatif.elf
fi
"$PY" - hits.json <<'EOF' > report.txt || fail=1
import json, sys
r = json.load(open(sys.argv[1]))
f = r['files']
bad = 0
for lab in ('vmcore', 'ctl'):
    if lab in f:
        whole = [h for h in f[lab]['hits'] if not h['chunk']]
        if not any(h['needle'].endswith('.enc240') for h in whole) or \
           not any(h['needle'].startswith('key.') and h['needle'].endswith('.key64') for h in whole):
            print('FAIL %s: the live key or its schedules are not in it: the search cannot be trusted' % lab)
            bad = 1
for lab in ('dwarf', 'btf'):
    if lab not in f:
        continue
    hits = f[lab]['hits']
    print('%s.elf: %d needle hits left' % (lab, len(hits)))
    for h in sorted(hits, key=lambda h: h['offset']):
        print('  %-26s %3d bytes at file offset 0x%x, paddr 0x%x' % (h['needle'], h['len'], h['offset'], h['paddr'] or 0))
    if hits:
        bad = 1
sys.exit(bad)
EOF
cat report.txt
[ -s copies.txt ] && { echo "--- the copies in vmcore.elf ($LOCATE):"; cat copies.txt; }
step "done, $([ $fail = 0 ] && echo 'no key material left in the erased outputs' || echo 'KEY MATERIAL LEFT or a check failed')"
echo "dm-crypt-erase: $(( $(date +%s) - T0 )) s in all; results in $RESULT"
exit $fail
