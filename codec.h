/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-page compression for the kdump-compressed format (REFERENCE.md 2.5,
 * 2.7): zlib level 1 (zlib wrapper), LZO1X-1, raw snappy, zstd level 1. One
 * codec context per worker thread. */
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

/* True if support for the codec was compiled in. */
bool codec_available(enum codec_kind kind);

/* Name for messages and -v ("zlib", "lzo", "snappy", "zstd", "none"). */
const char *codec_name(enum codec_kind kind);

struct codec;

/* Creates a context for pages of page_size bytes. */
struct mdf_error *codec_create(enum codec_kind kind, size_t page_size, struct codec **ret);

/* Frees; NULL is a no-op. */
void codec_destroy(struct codec *c);

/* Output buffer size needed by codec_compress for one page. */
size_t codec_bound(const struct codec *c);

/* Compresses one page into out (codec_bound bytes). Returns the compressed
 * size, or 0 when the page must be stored raw (library failure, or the result
 * is not smaller than a page). */
size_t codec_compress(struct codec *c, const uint8_t *page, uint8_t *out);

/* Decompresses src into dst (exactly page_size bytes expected). For -R
 * checks, refiltering input and tests. */
struct mdf_error *codec_decompress(enum codec_kind kind, const uint8_t *src, size_t src_len,
				   uint8_t *dst, size_t page_size);

#endif
