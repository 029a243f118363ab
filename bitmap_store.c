/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bitmaps in an unlinked work-dir file (bitmap_store.h). Bitmap 1 occupies
 * bytes [0, len), bitmap 2 [len, 2 * len), len = ceil(max_mapnr / 8)
 * rounded up to 4 KiB so each region starts on a page. The file is
 * sparse until written: never-stored bytes read as zero. */
#include "bitmap_store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { STORE_ALIGN = 4096, STORE_IO_CHUNK = 1 << 16 };

struct bitmap_store {
	int fd;
	char *dir;
	uint64_t max_mapnr;
	uint64_t region_len;
};

struct mdf_error *bitmap_store_create(const char *dir, uint64_t max_mapnr,
				      struct bitmap_store **ret)
{
	if (!dir || !dir[0])
		return mdf_error_create(MDF_ERR_INVALID, "no work directory given");
	if (max_mapnr > (UINT64_MAX >> 4))
		return mdf_error_create(MDF_ERR_INVALID, "max_mapnr 0x%" PRIx64 " too large",
					max_mapnr);
	struct bitmap_store *st = calloc(1, sizeof(*st));
	size_t n = strlen(dir) + sizeof("/kdump_bitmapXXXXXX");
	char *path = malloc(n);
	if (st)
		st->dir = strdup(dir);
	if (!st || !path || !st->dir) {
		free(path);
		bitmap_store_destroy(st);
		return mdf_error_nomem();
	}
	snprintf(path, n, "%s/kdump_bitmapXXXXXX", dir);
	st->fd = mkstemp(path);
	if (st->fd < 0) {
		struct mdf_error *err = mdf_error_os(errno, "creating the bitmap file %s", path);
		free(path);
		free(st->dir);
		free(st);
		return err;
	}
	/* Unlinked at once: the bitmaps vanish with the process, whatever
	 * way it ends (REFERENCE.md 1.8). */
	unlink(path);
	free(path);
	st->max_mapnr = max_mapnr;
	st->region_len = ((max_mapnr + 7) / 8 + STORE_ALIGN - 1) / STORE_ALIGN * STORE_ALIGN;
	*ret = st;
	return NULL;
}

void bitmap_store_destroy(struct bitmap_store *st)
{
	if (!st)
		return;
	if (st->fd >= 0)
		close(st->fd);
	free(st->dir);
	free(st);
}

const char *bitmap_store_dir(const struct bitmap_store *st)
{
	return st->dir;
}

static struct mdf_error *store_pwrite(struct bitmap_store *st, const uint8_t *buf, size_t len,
				      uint64_t off)
{
	while (len) {
		size_t n = len < STORE_IO_CHUNK ? len : STORE_IO_CHUNK;
		ssize_t w = pwrite(st->fd, buf, n, (off_t)off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return mdf_error_at(mdf_error_os(w < 0 ? errno : ENOSPC,
							 "writing the bitmap file in %s", st->dir),
					    off);
		buf += w;
		len -= (size_t)w;
		off += (uint64_t)w;
	}
	return NULL;
}

/* Reads len bytes; bytes past the end of the file (never stored) are zero. */
static struct mdf_error *store_pread(struct bitmap_store *st, uint8_t *buf, size_t len,
				     uint64_t off)
{
	while (len) {
		size_t n = len < STORE_IO_CHUNK ? len : STORE_IO_CHUNK;
		ssize_t r = pread(st->fd, buf, n, (off_t)off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return mdf_error_at(mdf_error_os(errno, "reading the bitmap file in %s",
							 st->dir),
					    off);
		if (r == 0) {
			memset(buf, 0, len);
			return NULL;
		}
		buf += r;
		len -= (size_t)r;
		off += (uint64_t)r;
	}
	return NULL;
}

static struct mdf_error *check_range(const struct bitmap_store *st, int which, uint64_t start,
				     uint64_t end)
{
	if (which != BITMAP_STORE_RAM && which != BITMAP_STORE_DUMPABLE)
		return mdf_error_create(MDF_ERR_INVALID, "no bitmap %d", which);
	if ((start & 7) || start > end || end > st->max_mapnr)
		return mdf_error_create(MDF_ERR_INVALID,
					"bitmap range 0x%" PRIx64 "-0x%" PRIx64
					" not storable (max_mapnr 0x%" PRIx64 ")",
					start, end, st->max_mapnr);
	return NULL;
}

static uint64_t region_off(const struct bitmap_store *st, int which)
{
	return which == BITMAP_STORE_RAM ? 0 : st->region_len;
}

struct mdf_error *bitmap_store_put(struct bitmap_store *st, enum bitmap_store_which which,
				   const struct bitmap *bm)
{
	struct mdf_error *err = check_range(st, which, bm->start_pfn, bm->end_pfn);
	if (err)
		return err;
	return store_pwrite(st, bm->bits, bitmap_bytes(bm),
			    region_off(st, which) + bm->start_pfn / 8);
}

struct mdf_error *bitmap_store_get(struct bitmap_store *st, enum bitmap_store_which which,
				   struct bitmap *bm, uint64_t start_pfn, uint64_t end_pfn)
{
	if (end_pfn > st->max_mapnr)
		end_pfn = st->max_mapnr;
	if (start_pfn > end_pfn)
		start_pfn = end_pfn & ~(uint64_t)7;
	struct mdf_error *err = check_range(st, which, start_pfn, end_pfn);
	if (err)
		return err;
	if ((end_pfn - start_pfn + 7) / 8 > bm->capacity)
		return mdf_error_create(MDF_ERR_INVALID, "bitmap too small for 0x%" PRIx64 " pfns",
					end_pfn - start_pfn);
	bitmap_reset(bm, start_pfn, end_pfn);
	size_t len = bitmap_bytes(bm);
	err = store_pread(st, bm->bits, len, region_off(st, which) + start_pfn / 8);
	if (err)
		return err;
	/* Bits past end_pfn in the last byte belong to no pfn of the range. */
	if ((end_pfn - start_pfn) & 7)
		bm->bits[len - 1] &= (uint8_t)((1u << ((end_pfn - start_pfn) & 7)) - 1);
	return NULL;
}

struct mdf_error *bitmap_store_clear_range(struct bitmap_store *st,
					   enum bitmap_store_which which, uint64_t start_pfn,
					   uint64_t end_pfn, uint64_t *cleared_ret)
{
	uint64_t cleared = 0;
	if (cleared_ret)
		*cleared_ret = 0;
	if (end_pfn > st->max_mapnr)
		end_pfn = st->max_mapnr;
	if (start_pfn >= end_pfn)
		return NULL;
	uint64_t base = start_pfn & ~(uint64_t)7;
	struct mdf_error *err = check_range(st, which, base, end_pfn);
	if (err)
		return err;
	uint8_t buf[512];
	/* Bounded: one buffer of 4096 pfns per step. */
	for (uint64_t s = base; s < end_pfn; s += 8 * sizeof(buf)) {
		uint64_t e = s + 8 * sizeof(buf) < end_pfn ? s + 8 * sizeof(buf) : end_pfn;
		size_t len = (size_t)((e - s + 7) / 8);
		uint64_t off = region_off(st, which) + s / 8;
		err = store_pread(st, buf, len, off);
		if (err)
			return err;
		bool dirty = false;
		for (uint64_t p = s < start_pfn ? start_pfn : s; p < e; p++) {
			uint8_t m = (uint8_t)(1u << ((p - s) & 7));
			if (buf[(p - s) >> 3] & m) {
				buf[(p - s) >> 3] &= (uint8_t)~m;
				cleared++;
				dirty = true;
			}
		}
		if (dirty && (err = store_pwrite(st, buf, len, off)))
			return err;
	}
	if (cleared_ret)
		*cleared_ret = cleared;
	return NULL;
}
