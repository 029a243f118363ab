# SPDX-License-Identifier: GPL-2.0-or-later
# The LINKTYPE=static makedumpfile in a bare root: a directory holding only
# that binary, /proc and the output folder, entered with chroot, so no
# library, loader or libgcc_s can be found. Runs -l -d 31 with two threads,
# the other codecs, --dump-dmesg, and (beside it) the dynamic binary of the
# same source for the comparison and the memory figures. Run by busybox sh
# in /out/capture; exit statuses go to flow-rc.txt as "NAME STATUS".
mkdir -p /bare/proc /bare/out
cp /hook/makedumpfile /bare/makedumpfile
mount -t proc proc /bare/proc
mount --bind "$OUT" /bare/out
(cd /bare && find . -path ./proc -prune -o -path ./out -prune -o -print) > bare-root.txt
echo "nproc $(nproc)" >> flow-rc.txt
chroot /bare /makedumpfile -v > static-v.txt 2>&1
echo "v $?" >> flow-rc.txt
for c in l c z p; do
	t=1
	[ $c = l ] && t=2
	time -v -o static-$c.time chroot /bare /makedumpfile -$c -d 31 --num-threads $t \
		--message-level 31 /proc/vmcore /out/static-$c.kdump > static-$c.log 2>&1
	echo "static_$c $?" >> flow-rc.txt
done
chroot /bare /makedumpfile --dump-dmesg /proc/vmcore /out/static-dmesg.txt > static-dmesg.log 2>&1
echo "static_dmesg $?" >> flow-rc.txt
chroot /bare /makedumpfile -E -d 31 --num-threads 2 /proc/vmcore /out/static-E.elf > static-E.log 2>&1
echo "static_E $?" >> flow-rc.txt
# the dynamic binaries, with their libraries (the kit copied them)
for b in dynamic codecstatic; do
	[ -x /hook/makedumpfile-$b ] || continue
	time -v -o $b-l.time makedumpfile-$b -l -d 31 --num-threads 1 /proc/vmcore $b-l.kdump > $b-l.log 2>&1
	echo "${b}_l $?" >> flow-rc.txt
done
time -v -o static-l1.time chroot /bare /makedumpfile -l -d 31 --num-threads 1 /proc/vmcore \
	/out/static-l1.kdump > static-l1.log 2>&1
echo "static_l1 $?" >> flow-rc.txt
umount /bare/out
umount /bare/proc
sync
cat flow-rc.txt
