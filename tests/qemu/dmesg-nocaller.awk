# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a --dump-dmesg text without the caller column ("[    T123] ") that
# makedumpfile 1.7.5+ and we print, so it compares with 1.7.2's text, which
# has none; a continuation line loses 11 of its 26 leading spaces. A line
# that is neither shape is printed as it is and makes the exit status 1.
#   usage: awk -f dmesg-nocaller.awk OURS.txt > OURS-nocaller.txt
/^\[ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]\] \[ *[TC][0-9]+\] / {
	i = index($0, "] ["); print substr($0, 1, i + 1) substr($0, i + 13); next }
substr($0, 1, 26) == "                          " { print substr($0, 12); next }
{ bad = 1; print }
END { exit bad }
