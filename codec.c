/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-page codecs of the kdump-compressed format (REFERENCE.md 2.5, 2.7).
 * Each context owns its library state and scratch memory so that worker
 * threads never share anything.
 *
 * -c writes zlib-format streams (RFC 1950), which every reader decodes with
 * zlib's uncompress(). With libdeflate (USEDEFLATE, the default) they are
 * made by libdeflate_zlib_compress: about twice zlib's speed at level 1 on
 * kernel pages for a ratio within 1.5% of zlib's, but not the bytes
 * compress2() makes, so a -c dump is no longer byte-identical to
 * makedumpfile's (its pages are). USEDEFLATE=off makes them with zlib at
 * compress2()'s parameters, byte for byte what makedumpfile writes. */
#include "codec.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef USEDEFLATE
#include <libdeflate.h>
#endif
#ifdef USELZO
#include <lzo/lzo1x.h>
#endif
#ifdef USESNAPPY
#include <snappy-c.h>
#endif
#ifdef USEZSTD
#include <zstd.h>
#endif

/* The levels of -c. libdeflate: 1 (fastest) to 12; its level 0 only
 * stores, which a page already is when it does not shrink. zlib: 1-9. */
enum {
#ifdef USEDEFLATE
	ZLIB_LEVEL_MAX = 12,
#else
	ZLIB_LEVEL_MAX = 9,
#endif
	ZLIB_LEVEL_DEFAULT = 1,
	ZSTD_LEVEL_DEFAULT = 1,
};

/* -l uses LZO1X-1(11): the LZO1X-1 compressor with a 2^11-entry dictionary
 * instead of LZO1X-1's 2^14. The stream format is the same LZO1X that
 * lzo1x_decompress reads. Measured on the pages of the shared 6.1 vmcore
 * that -d 1 keeps (41k pages), per page, instruction counts (callgrind)
 * and the best and median of 24 interleaved timed runs on a busy 2-core VM:
 *   variant     instr/page  MB/s best  median  ratio
 *   LZO1X-1       64,300     1166      1148    0.3863
 *   LZO1X-1(11)   32,200     1294      1271    0.3886  (+0.6%)
 *   LZO1X-1(12)   32,600     1292      1228    0.3873
 *   LZO1X-1(15)   47,900     1253      1155    0.3866
 * The compressors run the same matching code (31,400 instructions a page);
 * the difference is the dictionary each call clears first: 32 KiB of
 * 16-bit entries for LZO1X-1 (the memset alone was 6% of a -l -d 1 run),
 * 4 KiB for (11). Its ratio is within 0.6% of LZO1X-1's on the real pages
 * and equal (0.5231 vs 0.5233) on a generated 8 GiB machine's. */
#ifdef USELZO
#define MDF_LZO_COMPRESS lzo1x_1_11_compress
#define MDF_LZO_MEM LZO1X_1_11_MEM_COMPRESS
#define MDF_LZO_VARIANT "LZO1X-1(11)"
#endif

struct codec {
	enum codec_kind kind;
	int level;
	size_t page_size;
	size_t bound;
#ifdef USEDEFLATE
	struct libdeflate_compressor *ldc;
#else
	z_stream zs;
	bool zs_ready;
#endif
#ifdef USELZO
	void *lzo_wrk;
#endif
#ifdef USEZSTD
	ZSTD_CCtx *zctx;
#endif
};

bool codec_available(enum codec_kind kind)
{
	switch (kind) {
	case CODEC_NONE:
	case CODEC_ZLIB:
		return true;
	case CODEC_LZO:
#ifdef USELZO
		return true;
#else
		return false;
#endif
	case CODEC_SNAPPY:
#ifdef USESNAPPY
		return true;
#else
		return false;
#endif
	case CODEC_ZSTD:
#ifdef USEZSTD
		return true;
#else
		return false;
#endif
	}
	return false;
}

const char *codec_name(enum codec_kind kind)
{
	switch (kind) {
	case CODEC_NONE:
		return "none";
	case CODEC_ZLIB:
		return "zlib";
	case CODEC_LZO:
		return "lzo";
	case CODEC_SNAPPY:
		return "snappy";
	case CODEC_ZSTD:
		return "zstd";
	}
	return "unknown";
}

const char *codec_library(enum codec_kind kind, char *buf, size_t len)
{
	if (!codec_available(kind)) {
		snprintf(buf, len, "not compiled in");
		return buf;
	}
	switch (kind) {
	case CODEC_NONE:
		snprintf(buf, len, "none");
		break;
	case CODEC_ZLIB:
#ifdef USEDEFLATE
		snprintf(buf, len, "libdeflate %s, zlib format", LIBDEFLATE_VERSION_STRING);
#else
		snprintf(buf, len, "zlib %s", zlibVersion());
#endif
		break;
	case CODEC_LZO:
#ifdef USELZO
		snprintf(buf, len, "LZO %s, %s", lzo_version_string(), MDF_LZO_VARIANT);
#endif
		break;
	case CODEC_SNAPPY:
		snprintf(buf, len, "snappy");
		break;
	case CODEC_ZSTD:
#ifdef USEZSTD
		snprintf(buf, len, "zstd %s", ZSTD_versionString());
#endif
		break;
	}
	return buf;
}

bool codec_level_range(enum codec_kind kind, int *min_ret, int *max_ret, int *default_ret)
{
	switch (kind) {
	case CODEC_ZLIB:
		*min_ret = 1;
		*max_ret = ZLIB_LEVEL_MAX;
		*default_ret = ZLIB_LEVEL_DEFAULT;
		return true;
	case CODEC_ZSTD:
#ifdef USEZSTD
		*min_ret = ZSTD_minCLevel();
		*max_ret = ZSTD_maxCLevel();
		*default_ret = ZSTD_LEVEL_DEFAULT;
		return true;
#else
		return false;
#endif
	default:
		return false;
	}
}

bool codec_level_valid(enum codec_kind kind, int level)
{
	int lo, hi, def;
	if (!codec_level_range(kind, &lo, &hi, &def))
		return false;
	return level >= lo && level <= hi && level != 0;
}

#ifdef USELZO
/* lzo_init() only checks the library's compile-time assumptions, but its
 * thread safety is not documented; pthread_once makes the question moot.
 * This once-flag is the only process-wide state of the module. */
static pthread_once_t lzo_once = PTHREAD_ONCE_INIT;
static int lzo_init_status; /* written once under lzo_once, then read-only */

static void codec_lzo_init_once(void)
{
	lzo_init_status = lzo_init();
}
#endif

static struct mdf_error *codec_setup_zlib(struct codec *c)
{
	size_t ps = c->page_size;
#ifdef USEDEFLATE
	c->ldc = libdeflate_alloc_compressor(c->level);
	if (!c->ldc)
		return mdf_error_create(MDF_ERR_NOMEM, "libdeflate: cannot allocate a "
					"level %d compressor", c->level);
	c->bound = libdeflate_zlib_compress_bound(c->ldc, ps);
#else
	/* Same parameters as compress2(): windowBits 15, memLevel 8. */
	if (deflateInit(&c->zs, c->level) != Z_OK)
		return mdf_error_create(MDF_ERR_NOMEM, "zlib: deflateInit failed");
	c->zs_ready = true;
	c->bound = compressBound((uLong)ps);
#endif
	return NULL;
}

static struct mdf_error *codec_setup(struct codec *c)
{
	size_t ps = c->page_size;
	switch (c->kind) {
	case CODEC_NONE:
		c->bound = ps;
		return NULL;
	case CODEC_ZLIB:
		return codec_setup_zlib(c);
	case CODEC_LZO:
#ifdef USELZO
		pthread_once(&lzo_once, codec_lzo_init_once);
		if (lzo_init_status != LZO_E_OK)
			return mdf_error_create(MDF_ERR_NOTSUPP, "lzo: lzo_init failed (%d)",
						lzo_init_status);
		c->lzo_wrk = malloc(MDF_LZO_MEM);
		if (!c->lzo_wrk)
			return mdf_error_nomem();
		/* The worst-case expansion documented for LZO1X. */
		c->bound = ps + ps / 16 + 64 + 3;
		return NULL;
#else
		break;
#endif
	case CODEC_SNAPPY:
#ifdef USESNAPPY
		c->bound = snappy_max_compressed_length(ps);
		return NULL;
#else
		break;
#endif
	case CODEC_ZSTD:
#ifdef USEZSTD
		c->zctx = ZSTD_createCCtx();
		if (!c->zctx)
			return mdf_error_nomem();
		c->bound = ZSTD_compressBound(ps);
		return NULL;
#else
		break;
#endif
	}
	return mdf_error_create(MDF_ERR_NOTSUPP, "compression %s is not compiled in",
				codec_name(c->kind));
}

struct mdf_error *codec_create_level(enum codec_kind kind, size_t page_size, int level,
				     struct codec **ret)
{
	*ret = NULL;
	if (page_size == 0 || page_size > UINT_MAX / 2)
		return mdf_error_create(MDF_ERR_INVALID, "codec: bad page size %zu", page_size);
	int lo, hi, def = 0;
	bool has_levels = codec_level_range(kind, &lo, &hi, &def);
	if (level == CODEC_LEVEL_DEFAULT)
		level = def;
	else if (!codec_level_valid(kind, level))
		return mdf_error_create(MDF_ERR_INVALID, has_levels ?
					"compression level %d is not a level of %s" :
					"compression level %d: %s has no levels",
					level, codec_name(kind));
	struct codec *c = calloc(1, sizeof(*c));
	if (!c)
		return mdf_error_nomem();
	c->kind = kind;
	c->level = level;
	c->page_size = page_size;
	struct mdf_error *err = codec_setup(c);
	if (err) {
		codec_destroy(c);
		return err;
	}
	if (c->bound < page_size)
		c->bound = page_size;
	*ret = c;
	return NULL;
}

struct mdf_error *codec_create(enum codec_kind kind, size_t page_size, struct codec **ret)
{
	return codec_create_level(kind, page_size, CODEC_LEVEL_DEFAULT, ret);
}

void codec_destroy(struct codec *c)
{
	if (!c)
		return;
#ifdef USEDEFLATE
	libdeflate_free_compressor(c->ldc);
#else
	if (c->zs_ready)
		deflateEnd(&c->zs);
#endif
#ifdef USELZO
	free(c->lzo_wrk);
#endif
#ifdef USEZSTD
	if (c->zctx) /* not even a call into libzstd's code for other codecs */
		ZSTD_freeCCtx(c->zctx);
#endif
	free(c);
}

size_t codec_bound(const struct codec *c)
{
	return c->bound;
}

static size_t codec_zlib(struct codec *c, const uint8_t *page, uint8_t *out)
{
#ifdef USEDEFLATE
	/* One call per page: libdeflate keeps no state between calls. */
	return libdeflate_zlib_compress(c->ldc, page, c->page_size, out, c->bound);
#else
	/* deflateReset keeps the allocated window: per page it costs a memset,
	 * not a malloc, and yields the same bytes as a fresh compress2(). */
	if (deflateReset(&c->zs) != Z_OK)
		return 0;
	c->zs.next_in = (Bytef *)page;
	c->zs.avail_in = (uInt)c->page_size;
	c->zs.next_out = out;
	c->zs.avail_out = (uInt)c->bound;
	if (deflate(&c->zs, Z_FINISH) != Z_STREAM_END)
		return 0;
	return (size_t)c->zs.total_out;
#endif
}

size_t codec_compress(struct codec *c, const uint8_t *page, uint8_t *out)
{
	size_t n = 0;
	switch (c->kind) {
	case CODEC_NONE:
		return 0;
	case CODEC_ZLIB:
		n = codec_zlib(c, page, out);
		break;
	case CODEC_LZO:
#ifdef USELZO
	{
		lzo_uint len = (lzo_uint)c->bound;
		if (MDF_LZO_COMPRESS(page, (lzo_uint)c->page_size, out, &len, c->lzo_wrk) ==
		    LZO_E_OK)
			n = (size_t)len;
	}
#endif
		break;
	case CODEC_SNAPPY:
#ifdef USESNAPPY
	{
		size_t len = c->bound;
		if (snappy_compress((const char *)page, c->page_size, (char *)out, &len) ==
		    SNAPPY_OK)
			n = len;
	}
#endif
		break;
	case CODEC_ZSTD:
#ifdef USEZSTD
	{
		size_t r = ZSTD_compressCCtx(c->zctx, out, c->bound, page, c->page_size,
					     c->level);
		if (!ZSTD_isError(r))
			n = r;
	}
#endif
		break;
	}
	/* REFERENCE.md 2.7: a page that does not shrink is stored raw. */
	if (n == 0 || n >= c->page_size)
		return 0;
	return n;
}

static struct mdf_error *codec_bad(enum codec_kind kind, const char *what, size_t got,
				   size_t page_size)
{
	return mdf_error_create(MDF_ERR_CORRUPT, "%s decompression %s (%zu of %zu bytes)",
				codec_name(kind), what, got, page_size);
}

struct mdf_error *codec_decompress(enum codec_kind kind, const uint8_t *src, size_t src_len,
				   uint8_t *dst, size_t page_size)
{
	switch (kind) {
	case CODEC_NONE:
		if (src_len != page_size)
			return codec_bad(kind, "size mismatch", src_len, page_size);
		memcpy(dst, src, page_size);
		return NULL;
	case CODEC_ZLIB: {
		if (src_len > ULONG_MAX || page_size > ULONG_MAX)
			return codec_bad(kind, "input too large", src_len, page_size);
		uLongf len = (uLongf)page_size;
		int r = uncompress(dst, &len, src, (uLong)src_len);
		if (r != Z_OK)
			return codec_bad(kind, "failed", 0, page_size);
		if (len != page_size)
			return codec_bad(kind, "gave a short page", len, page_size);
		return NULL;
	}
	case CODEC_LZO:
#ifdef USELZO
	{
		lzo_uint len = (lzo_uint)page_size;
		int r = lzo1x_decompress_safe(src, (lzo_uint)src_len, dst, &len, NULL);
		if (r != LZO_E_OK)
			return codec_bad(kind, "failed", 0, page_size);
		if (len != page_size)
			return codec_bad(kind, "gave a short page", len, page_size);
		return NULL;
	}
#else
		break;
#endif
	case CODEC_SNAPPY:
#ifdef USESNAPPY
	{
		size_t len = 0;
		if (snappy_uncompressed_length((const char *)src, src_len, &len) != SNAPPY_OK)
			return codec_bad(kind, "failed", 0, page_size);
		if (len != page_size)
			return codec_bad(kind, "gave a wrong size", len, page_size);
		if (snappy_uncompress((const char *)src, src_len, (char *)dst, &len) != SNAPPY_OK)
			return codec_bad(kind, "failed", 0, page_size);
		return NULL;
	}
#else
		break;
#endif
	case CODEC_ZSTD:
#ifdef USEZSTD
	{
		size_t r = ZSTD_decompress(dst, page_size, src, src_len);
		if (ZSTD_isError(r))
			return codec_bad(kind, "failed", 0, page_size);
		if (r != page_size)
			return codec_bad(kind, "gave a short page", r, page_size);
		return NULL;
	}
#else
		break;
#endif
	}
	return mdf_error_create(MDF_ERR_NOTSUPP, "compression %s is not compiled in",
				codec_name(kind));
}
