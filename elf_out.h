/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF output (-E, REFERENCE.md 4): the input's ELF class and machine, one
 * PT_NOTE (the input's notes verbatim), PT_LOADs split at runs of >= 256
 * excluded pages. */
#ifndef MDF_ELF_OUT_H
#define MDF_ELF_OUT_H

#include "dump.h"
#include "sink.h"

/* Writes the dump as ELF. On failure after the headers were written the ELF
 * header is rewritten with e_flags |= 1 (incomplete). */
struct mdf_error *elf_write(const struct dump_source *src, struct sink *sink,
			    struct dump_stats *stats);

#endif
