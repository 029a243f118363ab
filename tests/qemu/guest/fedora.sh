# SPDX-License-Identifier: GPL-2.0-or-later
# Fedora's kdump-utils in the capture kernel (dracut 99kdumpbase kdump.sh):
# the core collector "makedumpfile -l --message-level 7 -d 31", with
# --num-threads=$(nproc) added when there is more than one CPU and the
# target is a file system (dump_fs: to vmcore-incomplete, renamed vmcore on
# exit status 0), and with -F for a raw target (dump_raw: piped through
# `dd bs=512` onto the partition, here a 64 MiB file of random bytes written
# in place, conv=notrunc, as onto a block device). mkdumprd's check of the
# command line comes first. Run by busybox sh in /out/capture; exit
# statuses go to flow-rc.txt as "NAME STATUS".
THREADS=$(nproc)
echo "nproc $THREADS" >> flow-rc.txt
CORE_COLLECTOR="makedumpfile -l --message-level 7 -d 31"
FS_COLLECTOR=$CORE_COLLECTOR
[ "$THREADS" -gt 1 ] && FS_COLLECTOR="$CORE_COLLECTOR --num-threads=$THREADS"

# mkdumprd builds the initramfs only if makedumpfile accepts the command line
makedumpfile --check-params -l --message-level 7 -d 31 --num-threads=$THREADS /proc/vmcore vmcore \
	> check-params.log 2>&1
echo "check_params $?" >> flow-rc.txt
# the same with -E, which kdump-utils cannot pass because 1.7.x refuses it
makedumpfile --check-params -E --message-level 7 -d 31 --num-threads=$THREADS /proc/vmcore vmcore \
	> check-params-E.log 2>&1
echo "check_params_E $?" >> flow-rc.txt
# a wrong one must be refused
makedumpfile --check-params -l -E /proc/vmcore vmcore > check-params-bad.log 2>&1
echo "check_params_bad $?" >> flow-rc.txt

# dump_fs
D=var/crash/127.0.0.1-$(date +%Y-%m-%d-%T)
mkdir -p "$D"
echo "dumpdir $D" >> flow-rc.txt
echo "Core Collector: $FS_COLLECTOR"
$FS_COLLECTOR /proc/vmcore "$D/vmcore-incomplete" > dump-fs.log 2>&1
_dump_exitcode=$?
echo "dump_fs $_dump_exitcode" >> flow-rc.txt
if [ $_dump_exitcode -eq 0 ]; then
	sync
	mv "$D/vmcore-incomplete" "$D/vmcore"
	echo "saving vmcore complete"
else
	echo "saving vmcore failed, exitcode:$_dump_exitcode"
fi

# a collector that cannot finish (a 4 MiB cap: the disk is full) keeps the
# -incomplete name, as kdump.sh does on a non-zero status
mkdir -p full
$FS_COLLECTOR -L 4M /proc/vmcore full/vmcore-incomplete > dump-full.log 2>&1
_dump_exitcode=$?
echo "dump_full $_dump_exitcode" >> flow-rc.txt
[ $_dump_exitcode -eq 0 ] && mv full/vmcore-incomplete full/vmcore

# dump_raw, onto a "partition" full of old data
dd if=/dev/urandom of=raw.img bs=1M count=64 2> /dev/null
echo "Core Collector: $CORE_COLLECTOR -F"
$CORE_COLLECTOR -F /proc/vmcore 2> dump-raw.log | dd of=raw.img bs=512 conv=notrunc >> dd_progress_file 2>&1
echo "dump_raw $?" >> flow-rc.txt
sync
# kdumpctl's save_raw at the next boot, here in the capture kernel too
makedumpfile -R raw-vmcore < raw.img > save-raw.log 2>&1
echo "save_raw $?" >> flow-rc.txt
cat flow-rc.txt
