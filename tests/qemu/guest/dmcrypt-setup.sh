# SPDX-License-Identifier: GPL-2.0-or-later
# Run by the guest's /init (busybox sh) of tests/qemu/dm-crypt-erase.sh, in
# place of the kit's crash: two dm-crypt mappings with cipher
# aes-xts-plain64 on loop devices over tmpfs files, with the keys the host
# put in /etc/dmkey.hex and /etc/dmkey2.hex. "lab_crypt" is live and data
# is written through it and read back; "lab_crypt_new" is loaded but never
# resumed (the table stays in hash_cell.new_map). Lines starting with
# "LAB:" are read by the host.
echo "LAB: cpu aes flag: $(grep -cw aes /proc/cpuinfo) of $(grep -c ^processor /proc/cpuinfo) cpus"
echo "LAB: modules: $(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
mkdir -p /dmtest
mount -t tmpfs -o size=48m tmpfs /dmtest
dd if=/dev/zero of=/dmtest/a.img bs=1M count=16 2>/dev/null
dd if=/dev/zero of=/dmtest/b.img bs=1M count=8 2>/dev/null
losetup /dev/loop0 /dmtest/a.img || echo "LAB: losetup loop0 FAILED"
losetup /dev/loop1 /dmtest/b.img || echo "LAB: losetup loop1 FAILED"
A=$(cat /sys/block/loop0/dev)
B=$(cat /sys/block/loop1/dev)
K1=$(cat /etc/dmkey.hex)
K2=$(cat /etc/dmkey2.hex)
if d1=$(dmcreate lab_crypt 32768 crypt "aes-xts-plain64 $K1 0 $A 0"); then
    echo "LAB: lab_crypt is $d1 on loop0 ($A)"
else
    echo "LAB: dmcreate lab_crypt FAILED"
fi
if d2=$(dmcreate -n lab_crypt_new 16384 crypt "aes-xts-plain64 $K2 0 $B 0"); then
    echo "LAB: lab_crypt_new is $d2 (inactive table) on loop1 ($B)"
else
    echo "LAB: dmcreate lab_crypt_new FAILED"
fi
K1='' K2=''
dev=/dev/dm-${d1#*:}
# the data: 4 MiB through the mapping, synced, then read back
dd if=/dev/urandom of="$dev" bs=64k count=64 conv=fsync 2>&1 | tail -1
dd if="$dev" of=/dev/null bs=64k count=64 2>&1 | tail -1
echo "LAB: non-zero bytes in the first 64 KiB of loop0's file: $(head -c 65536 /dmtest/a.img | tr -d '\000' | wc -c)"
echo "LAB: xts drivers in /proc/crypto: $(awk '/^name/ {n=$3} /^driver/ {d=$3} /^priority/ && n ~ /xts/ {printf "%s=%s(%s) ", n, d, $3}' /proc/crypto)"
echo "LAB: dm-crypt setup done"
