#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Prints a mkvmcore spec for a generated x86_64 vmcore of about $1 MiB whose
# page mix resembles the real 6.1 dump at -d 1: about half zero pages, a
# tenth incompressible, the rest text and patterned data.
mib=${1:-2048}
cat <<SPEC
class 64
machine x86_64
seed 42
cpus 2
load paddr=0x1000 size=0x9f000 vaddr=0xffff888000001000 fill=text:1,zero:1
load paddr=0x100000 size=$(( (mib - 1) * 1048576 )) vaddr=0xffff888000100000 fill=zero:45,random:10,text:15,pattern:20,mostlyzero:10
SPEC
