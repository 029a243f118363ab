/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Bitmaps over a pfn range [start_pfn, end_pfn): bit for pfn N is byte
 * (N - start) >> 3, bit (N - start) & 7, LSB first, as in the kdump file
 * (REFERENCE.md 2.6). start_pfn is always a multiple of 8. */
#ifndef MDF_BITMAP_H
#define MDF_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct bitmap {
	uint64_t start_pfn;
	uint64_t end_pfn;
	uint8_t *bits;      /* (end - start + 7) / 8 bytes, padded to 8 bytes */
	size_t capacity;    /* bytes allocated */
};

/* Allocates a bitmap able to hold nr_pfns bits (rounded up to 64). */
struct mdf_error *bitmap_init(struct bitmap *bm, uint64_t nr_pfns);

/* Frees the bits. */
void bitmap_deinit(struct bitmap *bm);

/* Sets the range the bitmap covers (must fit its capacity) and clears it. */
void bitmap_reset(struct bitmap *bm, uint64_t start_pfn, uint64_t end_pfn);

static inline bool bitmap_test(const struct bitmap *bm, uint64_t pfn)
{
	uint64_t i = pfn - bm->start_pfn;
	return (bm->bits[i >> 3] >> (i & 7)) & 1;
}

static inline void bitmap_set(struct bitmap *bm, uint64_t pfn)
{
	uint64_t i = pfn - bm->start_pfn;
	bm->bits[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static inline void bitmap_clear(struct bitmap *bm, uint64_t pfn)
{
	uint64_t i = pfn - bm->start_pfn;
	bm->bits[i >> 3] &= (uint8_t)~(1u << (i & 7));
}

/* Sets or clears every bit of [start, end), clipped to the bitmap's range. */
void bitmap_set_range(struct bitmap *bm, uint64_t start, uint64_t end);
void bitmap_clear_range(struct bitmap *bm, uint64_t start, uint64_t end);

/* Number of set bits in [start, end), clipped to the bitmap's range. */
uint64_t bitmap_count(const struct bitmap *bm, uint64_t start, uint64_t end);

/* First set bit at or after pfn, or end_pfn if none. */
uint64_t bitmap_next_set(const struct bitmap *bm, uint64_t pfn);

/* Bytes covering the bitmap's range: (end - start + 7) / 8. */
static inline size_t bitmap_bytes(const struct bitmap *bm)
{
	return (size_t)((bm->end_pfn - bm->start_pfn + 7) / 8);
}

#endif
