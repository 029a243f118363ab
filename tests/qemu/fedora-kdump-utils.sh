#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Fedora's kdump-utils flow, unchanged, with our makedumpfile in a real kdump
# capture kernel with two CPUs (guest/fedora.sh): mkdumprd's --check-params,
# the file-system dump with -l --message-level 7 -d 31
# --num-threads=$(nproc) to vmcore-incomplete and the rename, a dump that
# cannot finish, and the raw-partition dump, -F through dd bs=512 onto a
# partition of old data. Checks on the host: the exit statuses as kdump.sh
# and kdumpctl read them; kdumpctl's save_raw (`makedumpfile -R vmcore <
# partition`) with the trailing junk after the stream, by ours and by
# Debian's 1.7.2, gives the same file as the file-system dump; after
# save_raw wipes the partition's first block, -R fails (no dump).
#
#   usage: tests/qemu/fedora-kdump-utils.sh [OUR_BINARY]   (default ./makedumpfile)
# Settings: see flows-lib.sh (CAPTURE_CPUS=2 by default here). Exit status 0
# if every check passed.
set -uo pipefail
. "$(dirname "$0")/flows-lib.sh"
flow_start fedora-kdump-utils "${1:-}"
export CAPTURE_CPUS=${CAPTURE_CPUS:-2} CAPTURE_MDF=0 COPY_VMCORE=0 MEM_USAGE=0
flow_run "$HERE/guest/fedora.sh"

note "nproc in the capture kernel: $(rc_of nproc)"
check "mkdumprd's --check-params (-l ... --num-threads=$(rc_of nproc)): exit status 0" is_rc check_params 0
check "--check-params with -E and --num-threads: exit status 0 (1.7.x refuses it)" is_rc check_params_E 0
check "--check-params -l -E: exit status 1" is_rc check_params_bad 1
D=$C/$(awk '$1 == "dumpdir" {print $2}' "$C/flow-rc.txt")
check "dump_fs: exit status 0, renamed to vmcore" eval 'is_rc dump_fs 0 && [ -s "$D/vmcore" ] && [ ! -e "$D/vmcore-incomplete" ]'
check "dump_fs: makedumpfile Completed. on the console" grep -qx 'makedumpfile Completed.' "$C/dump-fs.log"
check "a dump that cannot finish: exit status 1, left as vmcore-incomplete" \
	eval 'is_rc dump_full 1 && [ -s "$C/full/vmcore-incomplete" ] && [ ! -e "$C/full/vmcore" ]'
check "dump_raw: the pipeline's status (dd's) 0, makedumpfile Completed." \
	eval 'is_rc dump_raw 0 && grep -q "makedumpfile Completed." "$C/dump-raw.log"'
check "save_raw in the capture kernel: -R exit status 0" is_rc save_raw 0
check "save_raw's file equals the file-system dump" cmp "$C/raw-vmcore" "$D/vmcore"

W=$RESULT/host
mkdir -p "$W"
note "raw partition: $(stat -c %s "$C/raw.img") bytes; dd bs=512: $(grep -m1 'records out' "$C/dd_progress_file")"
"$OURS" -R "$W/vmcore" < "$C/raw.img" > "$W/save_raw.log" 2>&1
check "kdumpctl save_raw on the host, ours: exit status 0 (trailing junk ignored)" test $? = 0
check "ours: the same file as the file-system dump" cmp "$W/vmcore" "$D/vmcore"
timeout 900 "$REF_MDF" -R "$W/vmcore-ref" < "$C/raw.img" > "$W/save_raw-ref.log" 2>&1
check "Debian 1.7.2's -R of the partition: exit status 0" test $? = 0
check "Debian 1.7.2's: the same file" cmp "$W/vmcore-ref" "$D/vmcore"
# save_raw then wipes the header: dd if=/dev/zero of=$raw_target bs=1b count=1
cp "$C/raw.img" "$W/raw-wiped.img"
dd if=/dev/zero of="$W/raw-wiped.img" bs=1b count=1 conv=notrunc 2> /dev/null
"$OURS" -R "$W/vmcore-wiped" < "$W/raw-wiped.img" > "$W/save_raw-wiped.log" 2>&1
rc=$?
check "after the wipe, -R finds no dump: exit status $rc (non-zero: kdumpctl removes the dir)" test "$rc" != 0
note "wiped: $(head -1 "$W/save_raw-wiped.log")"
check "crash opens the file-system dump" crash_opens "$D/vmcore"
flow_end
