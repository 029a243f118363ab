/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "bitmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct mdf_error *bitmap_init(struct bitmap *bm, uint64_t nr_pfns)
{
	memset(bm, 0, sizeof(*bm));
	uint64_t bytes = ((nr_pfns + 63) / 64) * 8;
	if (bytes == 0)
		bytes = 8;
	if (bytes > (uint64_t)SIZE_MAX / 2)
		return mdf_error_create(MDF_ERR_NOMEM, "bitmap of %llu pfns is too large",
					(unsigned long long)nr_pfns);
	bm->bits = calloc(1, (size_t)bytes);
	if (!bm->bits)
		return mdf_error_os(ENOMEM, "allocating a bitmap of %llu bytes",
				    (unsigned long long)bytes);
	bm->capacity = (size_t)bytes;
	return NULL;
}

void bitmap_deinit(struct bitmap *bm)
{
	free(bm->bits);
	memset(bm, 0, sizeof(*bm));
}

void bitmap_reset(struct bitmap *bm, uint64_t start_pfn, uint64_t end_pfn)
{
	bm->start_pfn = start_pfn;
	bm->end_pfn = end_pfn;
	size_t n = bitmap_bytes(bm);
	/* Clear through the 8-byte padding so word-wise scans see zeros. */
	size_t clear = (n + 7) & ~(size_t)7;
	memset(bm->bits, 0, clear < bm->capacity ? clear : bm->capacity);
}

static void clip(const struct bitmap *bm, uint64_t *start, uint64_t *end)
{
	if (*start < bm->start_pfn)
		*start = bm->start_pfn;
	if (*end > bm->end_pfn)
		*end = bm->end_pfn;
}

/* Sets (value 1) or clears (value 0) a range, whole bytes at a time in the
 * middle. */
static void fill_range(struct bitmap *bm, uint64_t start, uint64_t end, int value)
{
	clip(bm, &start, &end);
	if (start >= end)
		return;
	uint64_t i = start - bm->start_pfn, e = end - bm->start_pfn;
	while (i < e && (i & 7)) {
		if (value)
			bm->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
		else
			bm->bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
		i++;
	}
	if (e - i >= 8) {
		uint64_t nbytes = (e - i) >> 3;
		memset(bm->bits + (i >> 3), value ? 0xff : 0, (size_t)nbytes);
		i += nbytes << 3;
	}
	while (i < e) {
		if (value)
			bm->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
		else
			bm->bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
		i++;
	}
}

void bitmap_set_range(struct bitmap *bm, uint64_t start, uint64_t end)
{
	fill_range(bm, start, end, 1);
}

void bitmap_clear_range(struct bitmap *bm, uint64_t start, uint64_t end)
{
	fill_range(bm, start, end, 0);
}

uint64_t bitmap_count(const struct bitmap *bm, uint64_t start, uint64_t end)
{
	clip(bm, &start, &end);
	uint64_t n = 0;
	uint64_t i = start - bm->start_pfn, e = end - bm->start_pfn;
	while (i < e && (i & 63)) {
		n += (bm->bits[i >> 3] >> (i & 7)) & 1;
		i++;
	}
	while (e - i >= 64) {
		uint64_t w;
		memcpy(&w, bm->bits + (i >> 3), 8);
		n += (uint64_t)__builtin_popcountll(w);
		i += 64;
	}
	while (i < e) {
		n += (bm->bits[i >> 3] >> (i & 7)) & 1;
		i++;
	}
	return n;
}

uint64_t bitmap_next_set(const struct bitmap *bm, uint64_t pfn)
{
	if (pfn < bm->start_pfn)
		pfn = bm->start_pfn;
	uint64_t i = pfn - bm->start_pfn, e = bm->end_pfn - bm->start_pfn;
	while (i < e && (i & 63)) {
		if ((bm->bits[i >> 3] >> (i & 7)) & 1)
			return bm->start_pfn + i;
		i++;
	}
	while (i < e) {
		uint64_t w;
		memcpy(&w, bm->bits + (i >> 3), 8);
		if (w) {
			uint64_t r = i + (uint64_t)__builtin_ctzll(w);
			return r < e ? bm->start_pfn + r : bm->end_pfn;
		}
		i += 64;
	}
	return bm->end_pfn;
}
