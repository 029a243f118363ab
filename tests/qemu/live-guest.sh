# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
# A live guest of the qemu-kdump kit for QEMU's own dumps, sourced after the
# kit's lib.sh (its kernel_tree has run) by qemu-dumps.sh and
# dm-crypt-erase.sh. Where the kit's guest would crash itself, this one runs
# a command, says "LAB: ready for dump-guest-memory" and waits; the caller
# then dumps it over QMP (tests/qemu/qmp.py) and QEMU quits.
#
#   live_initramfs DIR CMD   the kit's initramfs in DIR/build/initramfs
#                            (LIVE_TREE), its /init running CMD ("" for
#                            none) instead of crashing; add files to
#                            LIVE_TREE, then live_pack
#   live_pack                packs LIVE_TREE into INITRD
#   live_start DIR           boots it (QEMU_RUN, default ("$QEMU"), runs in
#                            DIR with -device vmcoreinfo and a QMP socket
#                            DIR/qmp.sock = QMP; the console goes to
#                            CONSOLE_LOG = DIR/console.log), sets QPID and
#                            an EXIT trap that ends QEMU, and waits until
#                            the guest is ready (or dies)

live_initramfs() {
    BUILD=$1/build
    INITRD=$BUILD/initrd.img
    mkdir -p "$BUILD"
    build_initramfs
    LIVE_TREE=$BUILD/initramfs
    grep -q '^ *echo c > /proc/sysrq-trigger' "$LIVE_TREE/init" ||
        die "the kit's /init has no sysrq-c line to replace"
    local run=${2:+$2; }
    sed -i "s|^\( *\)echo c > /proc/sysrq-trigger|\1${run}mark \"ready for dump-guest-memory\"; while :; do sleep 3600; done|" \
        "$LIVE_TREE/init"
}

live_pack() {
    (cd "$LIVE_TREE" && find . -print0 | sort -z | cpio --null -o -H newc --quiet -R 0:0) |
        gzip -6 > "$INITRD"
}

# On an early exit, end QEMU by its own pid (from -pidfile): with the sid
# readers' run.sh in between, QPID is run.sh, which must live on to undo
# its bind mounts.
# shellcheck disable=SC2317  # called by the EXIT trap
live_stop() {
    local p
    p=$(cat "$QEMU_PIDFILE" 2>/dev/null || true)
    [ -n "$p" ] && { kill "$p" 2>/dev/null || true; }
    kill -0 "$QPID" 2>/dev/null && { sleep 2; kill "$QPID" 2>/dev/null; }
    wait "$QPID" 2>/dev/null || true
}

live_start() {
    local dir=$1
    QMP=$dir/qmp.sock
    CONSOLE_LOG=$dir/console.log
    QEMU_PIDFILE=$dir/qemu.pid
    rm -f "$QMP" "$CONSOLE_LOG" "$QEMU_PIDFILE"
    [ -n "${QEMU_RUN[*]:-}" ] || QEMU_RUN=("$QEMU")
    local append="console=$CONSOLE crashkernel=$CRASHKERNEL panic=1 lab.mode=kdump $KERNEL_APPEND"
    (cd "$dir" && exec "${QEMU_RUN[@]}" "${MACHINE_ARGS[@]}" "${ACCEL_ARGS[@]}" -m "$GUEST_MEM" \
        -smp "$GUEST_CPUS" -nodefaults -display none -no-reboot -device vmcoreinfo \
        -kernel "$KIMAGE" -initrd "$INITRD" -append "$append" \
        -drive "file=$BUILD/data.img,format=raw,if=none,id=data" -device virtio-blk-pci,drive=data \
        -drive "file=$BUILD/out.img,format=raw,if=none,id=out" -device virtio-blk-pci,drive=out \
        -serial "file:$CONSOLE_LOG" -qmp "unix:$QMP,server=on,wait=off" -pidfile "$QEMU_PIDFILE") &
    QPID=$!
    trap live_stop EXIT
    for _ in $(seq 1 2400); do
        grep -aq 'LAB: ready for dump-guest-memory' "$CONSOLE_LOG" 2>/dev/null && break
        kill -0 "$QPID" 2>/dev/null || die "QEMU ended before the guest was ready; see $CONSOLE_LOG"
        sleep 0.5
    done
    grep -aq 'LAB: ready for dump-guest-memory' "$CONSOLE_LOG" ||
        die "the guest did not get ready; see $CONSOLE_LOG"
}
