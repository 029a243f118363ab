# SPDX-License-Identifier: GPL-2.0-or-later
# openSUSE's kdump in the capture kernel (dracut/kdump-save, file target):
# the kernel log with `makedumpfile -F -l --message-level 8 --dump-dmesg`
# through a fifo into the dump directory, OSRELEASE and CRASHTIME read from
# its standard error as kdump-save reads them, then the dump as a flattened
# stream (-F -l --message-level 6 -d 31, --num-threads when there is more
# than one CPU) through the fifo, and the final README.txt. Debian's 1.7.2
# runs the same --dump-dmesg afterwards, for the comparison. Run by busybox
# sh in /out/capture; exit statuses go to flow-rc.txt as "NAME STATUS".
export TMPDIR=/tmp
DUMPTIME=$(date +"%Y-%m-%d-%H-%M")
DIR=kdump/$DUMPTIME
mkdir -p "$DIR"
echo "dumpdir $DIR" >> flow-rc.txt
SOURCE=/tmp/fifo
rm -f $SOURCE
mkfifo $SOURCE

FILENAME=dmesg
makedumpfile -F -l --message-level 8 --dump-dmesg /proc/vmcore > $SOURCE 2> makedumpfile_stderr &
cat $SOURCE > "$DIR/$FILENAME"
SAVE_COMMAND_RET=$?
wait $!
RET=$?
echo "dmesg $RET" >> flow-rc.txt
echo "save_dmesg $SAVE_COMMAND_RET" >> flow-rc.txt
OSRELEASE="" CRASHTIME=""
OLD_IFS="${IFS}"
IFS=" ="
while read KEY VALUE; do
	[ CRASHTIME = "${KEY}" ] && CRASHTIME=${VALUE}
	[ OSRELEASE = "${KEY}" ] && OSRELEASE=${VALUE}
done < makedumpfile_stderr
IFS="${OLD_IFS}"
echo "osrelease $OSRELEASE" >> flow-rc.txt
echo "crashtime $CRASHTIME" >> flow-rc.txt

# the reference, for the comparison on the host
/usr/bin/makedumpfile -F -l --message-level 8 --dump-dmesg /proc/vmcore > ref-dmesg 2> ref-stderr
echo "ref_dmesg $?" >> flow-rc.txt

CPUS=$(nproc)
THREADS=""
[ "$CPUS" -ne 1 ] && THREADS="--num-threads $CPUS"
FILENAME=vmcore
makedumpfile -F -l $THREADS --message-level 6 -d 31 /proc/vmcore > $SOURCE 2> vmcore.log &
cat $SOURCE > "$DIR/$FILENAME"
SAVE_COMMAND_RET=$?
wait $!
echo "vmcore $?" >> flow-rc.txt
echo "save_vmcore $SAVE_COMMAND_RET" >> flow-rc.txt

{
	echo "Kernel crashdump"
	echo "----------------"
	echo "Kernel version: $OSRELEASE"
	echo "Crash time: $(date +%Y-%m-%dT%H:%M:%S -d @$CRASHTIME)"
	echo "Dump level: 31"
	echo "Dump format: lzo"
	echo "Note: vmcore saved in makedumpfile flattened format"
} > "$DIR/README.txt"
sync
cat flow-rc.txt
