/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for codec.c: round trips for every compiled-in codec, the
 * store-raw rule, zlib byte-compatibility with compress2(level 1), and
 * rejection of corrupt or wrong-sized input. */
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
		cmocka_unit_test(test_none_and_bad_input),
		cmocka_unit_test(test_bad_create),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
