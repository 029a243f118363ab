/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A flattened stream (REFERENCE.md 3) read in place: an index of its records
 * maps every offset of the file the stream describes ("logical" offsets) to
 * the stream bytes that hold it, so the input layer can read a flattened
 * dump with random access and without -R first. Records may overlap (the
 * writer rewrites headers): a later record wins, as when -R replays them. */
#ifndef MDF_FLAT_INDEX_H
#define MDF_FLAT_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* One contiguous piece of the logical file: [loff, loff + len) is stored at
 * stream offset poff. Extents are sorted by loff and never overlap; logical
 * bytes covered by no extent are holes (zeros). */
struct flat_extent {
	uint64_t loff;
	uint64_t len;
	uint64_t poff;
};

struct flat_index {
	struct flat_extent *ext;
	size_t nr_ext;
	uint64_t size;          /* logical size: the end of the furthest record */
	uint64_t nr_records;
	bool complete;          /* the end marker was found */
	bool truncated;         /* the last record's payload is cut short */
	uint64_t stream_end;    /* where the records ended in the stream */
};

/* True if the first bytes of a file are a flattened stream header. */
bool flat_index_is_stream(const uint8_t *head, size_t len);

/* Reads the record headers of the stream in fd (stream_size bytes; name for
 * errors) and builds the index. A stream that ends without the end marker,
 * or inside a record, is accepted (complete/truncated tell), since a dump
 * cut short is still worth reading; a record header that cannot be valid is
 * an MDF_ERR_CORRUPT error naming its stream offset. */
struct mdf_error *flat_index_build(int fd, const char *name, uint64_t stream_size,
				   struct flat_index *ret);

/* Frees the extents. */
void flat_index_deinit(struct flat_index *fi);

/* Index of the extent containing loff, or of the first extent after it
 * (nr_ext if none). */
size_t flat_index_find(const struct flat_index *fi, uint64_t loff);

#endif
