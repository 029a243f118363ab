/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for codec.c: round trips for every compiled-in codec, the
 * store-raw rule, zlib streams (byte-compatible with compress2(level 1)
 * without libdeflate), every compression level, and rejection of corrupt
 * or wrong-sized input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "codec.h"

enum { PS = 4096 };

static const enum codec_kind all_kinds[] = { CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD };

static void fill_text(uint8_t *p, size_t n, unsigned seed)
{
	static const char words[] = "kernel page cache slab buddy vmcore dump filter ";
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)words[(i * 7 + seed + i / 64) % (sizeof(words) - 1)];
}

static void fill_random(uint8_t *p, size_t n, uint32_t seed)
{
	uint32_t x = seed | 1;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (uint8_t)x;
	}
}

static void test_available(void **state)
{
	(void)state;
	assert_true(codec_available(CODEC_NONE));
	assert_true(codec_available(CODEC_ZLIB));
#ifdef USELZO
	assert_true(codec_available(CODEC_LZO));
#else
	assert_false(codec_available(CODEC_LZO));
#endif
	assert_string_equal(codec_name(CODEC_ZLIB), "zlib");
	assert_string_equal(codec_name(CODEC_LZO), "lzo");
	assert_string_equal(codec_name(CODEC_SNAPPY), "snappy");
	assert_string_equal(codec_name(CODEC_ZSTD), "zstd");
	assert_string_equal(codec_name(CODEC_NONE), "none");
}

static void test_round_trip(void **state)
{
	(void)state;
	uint8_t page[PS], back[PS];
	for (size_t k = 0; k < sizeof(all_kinds) / sizeof(all_kinds[0]); k++) {
		if (!codec_available(all_kinds[k]))
			continue;
		struct codec *c;
		assert_null(codec_create(all_kinds[k], PS, &c));
		assert_true(codec_bound(c) >= PS);
		uint8_t *out = malloc(codec_bound(c));
		assert_non_null(out);
		for (unsigned seed = 0; seed < 20; seed++) {
			fill_text(page, PS, seed);
			size_t n = codec_compress(c, page, out);
			assert_true(n > 0 && n < PS);
			memset(back, 0xaa, PS);
			assert_null(codec_decompress(all_kinds[k], out, n, back, PS));
			assert_memory_equal(page, back, PS);
		}
		/* All zeros compresses too. */
		memset(page, 0, PS);
		size_t n = codec_compress(c, page, out);
		assert_true(n > 0 && n < 200);
		assert_null(codec_decompress(all_kinds[k], out, n, back, PS));
		assert_memory_equal(page, back, PS);
		/* Incompressible data must be stored raw (REFERENCE.md 2.7). */
		fill_random(page, PS, 77);
		assert_int_equal(codec_compress(c, page, out), 0);
		free(out);
		codec_destroy(c);
	}
}

#ifndef USEDEFLATE
/* USEDEFLATE=off: byte for byte what compress2(level 1) makes, as
 * makedumpfile 1.7.2 writes -c pages. */
static void test_zlib_matches_compress2(void **state)
{
	(void)state;
	struct codec *c;
	assert_null(codec_create(CODEC_ZLIB, PS, &c));
	uint8_t page[PS], *out = malloc(codec_bound(c)), ref[PS * 2];
	assert_non_null(out);
	for (unsigned seed = 0; seed < 10; seed++) {
		fill_text(page, PS, seed * 3);
		if (seed & 1)
			memset(page + 1000, 0, 1500);
		uLongf rlen = sizeof(ref);
		assert_int_equal(compress2(ref, &rlen, page, PS, Z_BEST_SPEED), Z_OK);
		size_t n = codec_compress(c, page, out);
		assert_int_equal(n, rlen);
		assert_memory_equal(out, ref, n);
	}
	free(out);
	codec_destroy(c);
}
#else
/* libdeflate: a zlib stream (RFC 1950 header 0x78, FCHECK) that zlib's
 * uncompress(), the readers' decoder, turns back into the page. */
static void test_zlib_matches_compress2(void **state)
{
	(void)state;
	struct codec *c;
	assert_null(codec_create(CODEC_ZLIB, PS, &c));
	uint8_t page[PS], back[PS], *out = malloc(codec_bound(c));
	assert_non_null(out);
	for (unsigned seed = 0; seed < 10; seed++) {
		fill_text(page, PS, seed * 3);
		if (seed & 1)
			memset(page + 1000, 0, 1500);
		size_t n = codec_compress(c, page, out);
		assert_true(n > 2 && n < PS);
		assert_int_equal(out[0], 0x78);
		assert_int_equal(((unsigned)out[0] << 8 | out[1]) % 31, 0);
		uLongf blen = PS;
		assert_int_equal(uncompress(back, &blen, out, n), Z_OK);
		assert_int_equal(blen, PS);
		assert_memory_equal(back, page, PS);
	}
	free(out);
	codec_destroy(c);
}
#endif

/* Every level of -c and -z reads back exactly; more effort never makes a
 * text page larger than the fastest level by more than a few bytes; levels
 * outside the range, 0 of zstd and any level of lzo/snappy are refused. */
static void test_levels(void **state)
{
	(void)state;
	static const enum codec_kind leveled[] = { CODEC_ZLIB, CODEC_ZSTD };
	uint8_t page[PS], back[PS];
	fill_text(page, PS, 11);
	memset(page + 2000, 0, 300);
	for (size_t k = 0; k < 2; k++) {
		enum codec_kind kind = leveled[k];
		int lo, hi, def;
		if (!codec_available(kind)) {
			assert_false(codec_level_range(kind, &lo, &hi, &def));
			continue;
		}
		assert_true(codec_level_range(kind, &lo, &hi, &def));
		assert_int_equal(def, 1);
		assert_true(lo <= 1 && hi >= 9);
		assert_false(codec_level_valid(kind, 0));
		assert_false(codec_level_valid(kind, hi + 1));
		assert_false(codec_level_valid(kind, lo - 1));
		struct codec *c = (struct codec *)1;
		struct mdf_error *err = codec_create_level(kind, PS, hi + 1, &c);
		assert_non_null(err);
		assert_int_equal(err->code, MDF_ERR_INVALID);
		assert_null(c);
		mdf_error_destroy(err);
		/* Negative zstd levels: a few, not all 131072 of them. */
		int first = lo < -5 ? -5 : lo;
		size_t fastest = 0;
		for (int lv = first; lv <= hi; lv++) {
			if (lv == 0)
				continue;
			assert_true(codec_level_valid(kind, lv));
			assert_null(codec_create_level(kind, PS, lv, &c));
			uint8_t *out = malloc(codec_bound(c));
			assert_non_null(out);
			size_t n = codec_compress(c, page, out);
			assert_true(n > 0 && n < PS);
			memset(back, 0xaa, PS);
			assert_null(codec_decompress(kind, out, n, back, PS));
			assert_memory_equal(page, back, PS);
			if (lv == 1)
				fastest = n;
			else if (lv > 1)
				assert_true(n <= fastest + 16);
			free(out);
			codec_destroy(c);
		}
		if (lo < -5) {
			assert_null(codec_create_level(kind, PS, lo, &c));
			uint8_t *out = malloc(codec_bound(c));
			size_t n = codec_compress(c, page, out);
			if (n)
				assert_null(codec_decompress(kind, out, n, back, PS));
			free(out);
			codec_destroy(c);
		}
	}
	static const enum codec_kind flat[] = { CODEC_LZO, CODEC_SNAPPY, CODEC_NONE };
	for (size_t k = 0; k < 3; k++) {
		int lo, hi, def;
		assert_false(codec_level_range(flat[k], &lo, &hi, &def));
		assert_false(codec_level_valid(flat[k], 1));
		struct codec *c;
		struct mdf_error *err = codec_create_level(flat[k], PS, 1, &c);
		assert_non_null(err);
		mdf_error_destroy(err);
	}
	char buf[128];
	assert_non_null(strstr(codec_library(CODEC_ZLIB, buf, sizeof(buf)),
#ifdef USEDEFLATE
			       "libdeflate"
#else
			       "zlib"
#endif
			       ));
#ifdef USELZO
	assert_non_null(strstr(codec_library(CODEC_LZO, buf, sizeof(buf)), "LZO1X-1(11)"));
#endif
}

static void test_none_and_bad_input(void **state)
{
	(void)state;
	struct codec *c;
	uint8_t page[PS], back[PS], out[PS * 2];
	assert_null(codec_create(CODEC_NONE, PS, &c));
	fill_text(page, PS, 1);
	assert_int_equal(codec_compress(c, page, out), 0);
	codec_destroy(c);
	codec_destroy(NULL);

	assert_null(codec_decompress(CODEC_NONE, page, PS, back, PS));
	assert_memory_equal(page, back, PS);
	struct mdf_error *err = codec_decompress(CODEC_NONE, page, PS - 1, back, PS);
	assert_non_null(err);
	mdf_error_destroy(err);

	/* Garbage and truncated streams are errors, never a short page. */
	fill_random(out, sizeof(out), 5);
	for (size_t k = 0; k < sizeof(all_kinds) / sizeof(all_kinds[0]); k++) {
		if (!codec_available(all_kinds[k]))
			continue;
		err = codec_decompress(all_kinds[k], out, 300, back, PS);
		assert_non_null(err);
		assert_int_equal(err->code, MDF_ERR_CORRUPT);
		mdf_error_destroy(err);

		/* A valid stream of a smaller page is a size error. */
		struct codec *small;
		assert_null(codec_create(all_kinds[k], PS / 2, &small));
		uint8_t comp[PS * 2];
		fill_text(page, PS / 2, 9);
		size_t n = codec_compress(small, page, comp);
		assert_true(n > 0);
		err = codec_decompress(all_kinds[k], comp, n, back, PS);
		assert_non_null(err);
		mdf_error_destroy(err);
		/* Truncated input. */
		err = codec_decompress(all_kinds[k], comp, n / 2, back, PS / 2);
		assert_non_null(err);
		mdf_error_destroy(err);
		codec_destroy(small);
	}
}

static void test_bad_create(void **state)
{
	(void)state;
	struct codec *c = (struct codec *)1;
	struct mdf_error *err = codec_create(CODEC_ZLIB, 0, &c);
	assert_non_null(err);
	assert_null(c);
	mdf_error_destroy(err);
	err = codec_create((enum codec_kind)0x40, PS, &c);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOTSUPP);
	mdf_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_available),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_zlib_matches_compress2),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_none_and_bad_input),
		cmocka_unit_test(test_bad_create),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
