/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bitmap_store.c: round trips of cycle chunks, never-written bytes, range
 * clearing with counts, the unlinked file, and the errors (missing
 * directory, a file instead of a directory, a full device simulated with
 * RLIMIT_FSIZE). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "bitmap_store.h"

static char dir[] = "/tmp/test_bitmap_store_XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[100];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int count_entries(const char *path)
{
	DIR *d = opendir(path);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* pfn p's expected bit in bitmap which */
static bool pattern(int which, uint64_t p)
{
	return which == 1 ? (p % 3) != 0 : (p * 2654435761u >> 7) & 1;
}

static void test_round_trip(void **state)
{
	(void)state;
	const uint64_t max = 100003, cyc = 4096;
	struct bitmap_store *st;
	assert_null(bitmap_store_create(dir, max, &st));
	assert_int_equal(count_entries(dir), 0); /* unlinked at once */
	assert_string_equal(bitmap_store_dir(st), dir);
	struct bitmap bm;
	assert_null(bitmap_init(&bm, cyc + 64));
	for (int which = 1; which <= 2; which++) {
		for (uint64_t s = 0; s < max; s += cyc) {
			uint64_t e = s + cyc < max ? s + cyc : max;
			bitmap_reset(&bm, s, e);
			for (uint64_t p = s; p < e; p++)
				if (pattern(which, p))
					bitmap_set(&bm, p);
			assert_null(bitmap_store_put(st, which, &bm));
		}
	}
	/* read back with other boundaries, including the unaligned end */
	for (int which = 1; which <= 2; which++) {
		for (uint64_t s = 0; s < max; s += 1000) {
			assert_null(bitmap_store_get(st, which, &bm, s, s + 1000));
			assert_int_equal(bm.start_pfn, s);
			assert_int_equal(bm.end_pfn, s + 1000 < max ? s + 1000 : max);
			for (uint64_t p = s; p < bm.end_pfn; p++)
				assert_int_equal(bitmap_test(&bm, p), pattern(which, p));
		}
	}
	/* the bits past max_mapnr in the last byte read as clear */
	assert_null(bitmap_store_get(st, 2, &bm, 100000, max));
	assert_int_equal(bm.bits[0] & ~7u, 0);

	/* clearing a range counts what was set and touches nothing else */
	uint64_t expect = 0, got = 0;
	for (uint64_t p = 5001; p < 9999; p++)
		expect += pattern(2, p);
	assert_null(bitmap_store_clear_range(st, 2, 5001, 9999, &got));
	assert_int_equal(got, expect);
	assert_true(expect > 1000);
	assert_null(bitmap_store_clear_range(st, 2, 5001, 9999, &got));
	assert_int_equal(got, 0);
	for (uint64_t s = 4000; s < 12000; s += 4000) {
		assert_null(bitmap_store_get(st, 2, &bm, s, s + 4000));
		for (uint64_t p = s; p < s + 4000; p++)
			assert_int_equal(bitmap_test(&bm, p),
					 (p >= 5001 && p < 9999) ? 0 : pattern(2, p));
		assert_null(bitmap_store_get(st, 1, &bm, s, s + 4000));
		for (uint64_t p = s; p < s + 4000; p++)
			assert_int_equal(bitmap_test(&bm, p), pattern(1, p));
	}

	/* misuse is an error, not a crash */
	struct mdf_error *err = bitmap_store_get(st, 1, &bm, 3, 100);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_INVALID);
	mdf_error_destroy(err);
	err = bitmap_store_get(st, 1, &bm, 0, 50000); /* larger than bm */
	assert_non_null(err);
	mdf_error_destroy(err);
	bitmap_deinit(&bm);
	bitmap_store_destroy(st);
	bitmap_store_destroy(NULL);
	assert_int_equal(count_entries(dir), 0);
}

static void test_unwritten_is_zero(void **state)
{
	(void)state;
	struct bitmap_store *st;
	assert_null(bitmap_store_create(dir, 1 << 20, &st));
	struct bitmap bm;
	assert_null(bitmap_init(&bm, 4096));
	bitmap_reset(&bm, 0, 4096);
	bitmap_set_range(&bm, 0, 4096);
	assert_null(bitmap_store_put(st, 1, &bm));
	assert_null(bitmap_store_get(st, 2, &bm, 8192, 12288));
	assert_int_equal(bitmap_count(&bm, 8192, 12288), 0);
	assert_null(bitmap_store_get(st, 1, &bm, 0, 4096));
	assert_int_equal(bitmap_count(&bm, 0, 4096), 4096);
	bitmap_deinit(&bm);
	bitmap_store_destroy(st);
}

static void test_errors(void **state)
{
	(void)state;
	struct bitmap_store *st = NULL;
	char path[200];
	snprintf(path, sizeof(path), "%s/missing", dir);
	struct mdf_error *err = bitmap_store_create(path, 1000, &st);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_OS);
	assert_int_equal(err->errnum, ENOENT);
	assert_non_null(strstr(err->message, path));
	mdf_error_destroy(err);

	snprintf(path, sizeof(path), "%s/file", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	err = bitmap_store_create(path, 1000, &st);
	assert_non_null(err);
	assert_int_equal(err->errnum, ENOTDIR);
	assert_non_null(strstr(err->message, path));
	mdf_error_destroy(err);
	unlink(path);

	/* a write that does not fit: RLIMIT_FSIZE stands in for ENOSPC */
	assert_null(bitmap_store_create(dir, 1 << 24, &st));
	struct rlimit old, lim;
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8192;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	struct bitmap bm;
	assert_null(bitmap_init(&bm, 1 << 20));
	bitmap_reset(&bm, 0, 1 << 20);
	err = bitmap_store_put(st, 2, &bm);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_non_null(err);
	assert_int_equal(err->errnum, EFBIG);
	assert_non_null(strstr(err->message, dir));
	mdf_error_destroy(err);
	bitmap_deinit(&bm);
	bitmap_store_destroy(st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_unwritten_is_zero),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
