# SPDX-License-Identifier: GPL-2.0-or-later
# Debian kdump-tools in the capture kernel (kdump-config's kdump_save_core,
# local target): the kernel log with --dump-dmesg, then the dump as a
# flattened stream through the "compress" command (cat when none is set)
# into dump-incomplete, renamed dump.STAMP once makedumpfile succeeded.
# Then the same dump killed halfway, by SIGKILL (power loss, watchdog) and
# by SIGTERM (a timeout). Run by busybox sh in /out/capture; exit statuses
# go to flow-rc.txt as "NAME STATUS".
STAMP=$(date +%Y%m%d%H%M)
DIR=var/crash/$STAMP
mkdir -p "$DIR"
echo "stamp $STAMP" >> flow-rc.txt

echo "running makedumpfile --dump-dmesg /proc/vmcore $DIR/dmesg.$STAMP"
makedumpfile --dump-dmesg /proc/vmcore "$DIR/dmesg.$STAMP" > dmesg.log 2>&1
echo "dmesg $?" >> flow-rc.txt

echo "running makedumpfile -F -c -d 31 /proc/vmcore | cat > $DIR/dump-incomplete"
{ makedumpfile -F -c -d 31 /proc/vmcore 2> dump.log; echo "dump $?" >> flow-rc.txt; } |
	cat > "$DIR/dump-incomplete"
echo "cat $?" >> flow-rc.txt
if [ "$(awk '$1 == "dump" {print $2}' flow-rc.txt)" = 0 ]; then
	mv "$DIR/dump-incomplete" "$DIR/dump.$STAMP"
	echo "kdump-tools: saved vmcore in $DIR"
fi
sync

# killed halfway: once 1 MiB of the stream is written
for sig in KILL TERM; do
	K=killed-$sig
	mkdir -p "$K"
	( makedumpfile -F -c -d 31 /proc/vmcore 2> "$K/dump.log" &
	  echo $! > "$K/pid"
	  wait $!
	  echo "killed-$sig $?" >> flow-rc.txt ) | cat > "$K/dump-incomplete" &
	pipe=$!
	n=0
	while [ $n -lt 3000 ]; do
		s=$(stat -c %s "$K/dump-incomplete" 2>/dev/null || echo 0)
		[ -s "$K/pid" ] && [ "$s" -ge 1048576 ] && break
		usleep 10000
		n=$((n + 1))
	done
	kill -$sig "$(cat "$K/pid")"
	wait $pipe
	echo "killed-$sig size $(stat -c %s "$K/dump-incomplete")"
	# what the next boot would find: our -R, in the capture kernel
	makedumpfile -R "$K/rearranged" < "$K/dump-incomplete" > "$K/R.log" 2>&1
	echo "R-killed-$sig $?" >> flow-rc.txt
done
sync
cat flow-rc.txt
