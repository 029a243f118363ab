/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Both bitmaps of the whole pfn range kept in an unlinked temporary file
 * (--work-dir, REFERENCE.md 1.8, 8.1): pass 1 stores each cycle's chunks,
 * pass 2 (and -e) read them back instead of scanning the struct pages again.
 * Memory use is that of the caller's cycle bitmaps; the file holds
 * 2 * ceil(max_mapnr / 8) bytes. Bit layout as in bitmap.h / REFERENCE.md 2.6. */
#ifndef MDF_BITMAP_STORE_H
#define MDF_BITMAP_STORE_H

#include <stdint.h>

#include "bitmap.h"
#include "error.h"

struct bitmap_store;

/* Which of the two bitmaps (REFERENCE.md 2.6). */
enum bitmap_store_which {
	BITMAP_STORE_RAM = 1,      /* bitmap 1: pfns that exist */
	BITMAP_STORE_DUMPABLE = 2, /* bitmap 2: pfns that are kept */
};

/* Creates the file "kdump_bitmapXXXXXX" in dir and unlinks it at once, so
 * nothing is left behind on any exit. Both bitmaps start all clear. Errors
 * (missing or unwritable dir) name the path. */
struct mdf_error *bitmap_store_create(const char *dir, uint64_t max_mapnr,
				      struct bitmap_store **ret);

/* Closes the file; NULL is a no-op. */
void bitmap_store_destroy(struct bitmap_store *st);

/* The directory given at creation (for messages). */
const char *bitmap_store_dir(const struct bitmap_store *st);

/* Stores the bits of bm (its whole range; start_pfn is a multiple of 8) as
 * that part of bitmap `which`. A partial last byte overwrites the whole
 * byte, so chunks are stored in increasing order or aligned to 8 pfns.
 * ENOSPC gives MDF_ERR_NOSPC naming the directory. */
struct mdf_error *bitmap_store_put(struct bitmap_store *st, enum bitmap_store_which which,
				   const struct bitmap *bm);

/* Resets bm to [start_pfn, end_pfn) (start a multiple of 8, end clipped to
 * max_mapnr, range within bm's capacity) and fills it from bitmap `which`. */
struct mdf_error *bitmap_store_get(struct bitmap_store *st, enum bitmap_store_which which,
				   struct bitmap *bm, uint64_t start_pfn, uint64_t end_pfn);

/* Clears bits [start_pfn, end_pfn) of bitmap `which` in the file (read,
 * modify, write of the bytes involved); *cleared_ret, when not NULL, gets
 * the number of bits that were set. */
struct mdf_error *bitmap_store_clear_range(struct bitmap_store *st,
					   enum bitmap_store_which which, uint64_t start_pfn,
					   uint64_t end_pfn, uint64_t *cleared_ret);

#endif
