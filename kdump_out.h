/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-compressed ("diskdump") writer, header version 6 (REFERENCE.md 2).
 * Pages are read and compressed by worker threads while the calling thread
 * writes them in pfn order; the output is byte-identical for any thread count. */
#ifndef MDF_KDUMP_OUT_H
#define MDF_KDUMP_OUT_H

#include "codec.h"
#include "dump.h"
#include "sink.h"

/* Writes the whole dump to sink. The header is written with the incomplete
 * flag (0x8) set, and the sink clears it only when the dump is finished
 * (sink_set_complete_marker), so on MDF_ERR_NOSPC (ENOSPC or -L), a read
 * error, MDF_ERR_INTR or a kill the file says it is incomplete; stats then
 * describe what was written. */
struct mdf_error *kdump_write(const struct dump_source *src, enum codec_kind codec,
			      struct sink *sink, struct dump_stats *stats);

/* --split (REFERENCE.md 2.10, 8.3): writes the dump as n members to
 * sinks[0..n), balanced by dumpable pages over splitblocks of
 * splitblock_pfns pfns. Each member is a complete kdump-compressed file
 * with the same main header, full bitmaps and the pages of its pfn range.
 * Members are written in parallel, never more than src->num_threads
 * compressing threads in all; the output does not depend on the thread
 * count. When a member fails (ENOSPC, -L, a read error, a signal) the
 * others stop and every member is flagged incomplete; the first failure
 * is returned. stats add up the members. */
struct mdf_error *kdump_write_split(const struct dump_source *src, enum codec_kind codec,
				    struct sink *const *sinks, size_t n, uint64_t splitblock_pfns,
				    struct dump_stats *stats);

/* Bytes of the kdump-compressed main header (REFERENCE.md 2.2): a -L cap
 * below it cannot hold even the header. */
enum { KDUMP_HEADER_SIZE = 464 };

#endif
