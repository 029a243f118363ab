/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-page compression for the kdump-compressed format (REFERENCE.md 2.5,
 * 2.7): zlib format (libdeflate, or zlib with USEDEFLATE=off), LZO1X,
 * raw snappy, zstd. One codec context per worker thread. */
#ifndef MDF_CODEC_H
#define MDF_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum codec_kind {
	CODEC_NONE = 0,
	CODEC_ZLIB = 0x01,   /* DUMP_DH_COMPRESSED_ZLIB */
	CODEC_LZO = 0x02,    /* DUMP_DH_COMPRESSED_LZO */
	CODEC_SNAPPY = 0x04, /* DUMP_DH_COMPRESSED_SNAPPY */
	CODEC_ZSTD = 0x20,   /* DUMP_DH_COMPRESSED_ZSTD */
};

/* The level argument meaning "the codec's default" (the fastest level). No
 * codec has a level 0 of its own (zstd takes 0 as "default", too), so a
 * zeroed struct asks for the default. */
enum { CODEC_LEVEL_DEFAULT = 0 };

/* True if support for the codec was compiled in. */
bool codec_available(enum codec_kind kind);

/* Name for messages and -v ("zlib", "lzo", "snappy", "zstd", "none"). */
const char *codec_name(enum codec_kind kind);

/* The library (and version) and variant that implement kind in this build,
 * for -v: "libdeflate 1.14", "LZO 2.10, LZO1X-1(11)", ... */
const char *codec_library(enum codec_kind kind, char *buf, size_t len);

/* The levels --compress-level accepts for kind, and its default. False (and
 * nothing stored) for a codec without levels or not compiled in. A range of
 * zstd includes 0 although 0 is not accepted (codec_level_valid). */
bool codec_level_range(enum codec_kind kind, int *min_ret, int *max_ret, int *default_ret);

/* True if level is a level of kind (zstd: any level of its range but 0,
 * which the library takes as "its default", not a level of its own). */
bool codec_level_valid(enum codec_kind kind, int level);

struct codec;

/* Creates a context for pages of page_size bytes at the default level. */
struct mdf_error *codec_create(enum codec_kind kind, size_t page_size, struct codec **ret);

/* Same, at a level (CODEC_LEVEL_DEFAULT, or a codec_level_valid level of a
 * codec with levels; any other level is MDF_ERR_INVALID). */
struct mdf_error *codec_create_level(enum codec_kind kind, size_t page_size, int level,
				     struct codec **ret);

/* Frees; NULL is a no-op. */
void codec_destroy(struct codec *c);

/* Output buffer size needed by codec_compress for one page. */
size_t codec_bound(const struct codec *c);

/* Compresses one page into out (codec_bound bytes). Returns the compressed
 * size, or 0 when the page must be stored raw (library failure, or the result
 * is not smaller than a page). */
size_t codec_compress(struct codec *c, const uint8_t *page, uint8_t *out);

/* Decompresses src into dst (exactly page_size bytes expected). For -R
 * checks, refiltering input and tests. zlib pages are read with zlib's
 * uncompress(), as crash, libkdumpfile and makedumpfile read them. */
struct mdf_error *codec_decompress(enum codec_kind kind, const uint8_t *src, size_t src_len,
				   uint8_t *dst, size_t page_size);

#endif
