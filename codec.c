/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Per-page codecs of the kdump-compressed format (REFERENCE.md 2.5, 2.7).
 * Each context owns its library state and scratch memory so that worker
 * threads never share anything. The zlib output must be byte-identical to
 * compress2(level 1), which is what makedumpfile writes. */
#include "codec.h"

#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef USELZO
#include <lzo/lzo1x.h>
#endif
#ifdef USESNAPPY
#include <snappy-c.h>
#endif
#ifdef USEZSTD
#include <zstd.h>
#endif

struct codec {
	enum codec_kind kind;
	size_t page_size;
	size_t bound;
	z_stream zs;
	bool zs_ready;
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

static struct mdf_error *codec_setup(struct codec *c)
{
	size_t ps = c->page_size;
	switch (c->kind) {
	case CODEC_NONE:
		c->bound = ps;
		return NULL;
	case CODEC_ZLIB:
		/* Same parameters as compress2(): windowBits 15, memLevel 8. */
		if (deflateInit(&c->zs, Z_BEST_SPEED) != Z_OK)
			return mdf_error_create(MDF_ERR_NOMEM, "zlib: deflateInit failed");
		c->zs_ready = true;
		c->bound = compressBound((uLong)ps);
		return NULL;
	case CODEC_LZO:
#ifdef USELZO
		pthread_once(&lzo_once, codec_lzo_init_once);
		if (lzo_init_status != LZO_E_OK)
			return mdf_error_create(MDF_ERR_NOTSUPP, "lzo: lzo_init failed (%d)",
						lzo_init_status);
		c->lzo_wrk = malloc(LZO1X_1_MEM_COMPRESS);
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

struct mdf_error *codec_create(enum codec_kind kind, size_t page_size, struct codec **ret)
{
	*ret = NULL;
	if (page_size == 0 || page_size > UINT_MAX / 2)
		return mdf_error_create(MDF_ERR_INVALID, "codec: bad page size %zu", page_size);
	struct codec *c = calloc(1, sizeof(*c));
	if (!c)
		return mdf_error_nomem();
	c->kind = kind;
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

void codec_destroy(struct codec *c)
{
	if (!c)
		return;
	if (c->zs_ready)
		deflateEnd(&c->zs);
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
		if (lzo1x_1_compress(page, (lzo_uint)c->page_size, out, &len, c->lzo_wrk) ==
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
		size_t r = ZSTD_compressCCtx(c->zctx, out, c->bound, page, c->page_size, 1);
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
