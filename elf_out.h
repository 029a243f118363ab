/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF output (-E, REFERENCE.md 4): the input's ELF class and machine, one
 * PT_NOTE (the input's notes verbatim), PT_LOADs split at runs of >= 256
 * excluded pages. */
#ifndef MDF_ELF_OUT_H
#define MDF_ELF_OUT_H

#include "dump.h"
#include "sink.h"

/* Writes the dump as ELF. The ELF header is written with e_flags |= 1
 * (incomplete) and the sink writes the finished e_flags only when the dump
 * is complete (sink_set_complete_marker). */
struct mdf_error *elf_write(const struct dump_source *src, struct sink *sink,
			    struct dump_stats *stats);

/* Bytes of the ELF header of an output for in (52 for ELF32, else 64): a
 * -L cap below it cannot hold even the header. */
uint64_t elf_out_header_size(const struct input *in);

#endif
