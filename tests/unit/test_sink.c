/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for sink.c: file writes and the trailing hole, O_EXCL, the -L
 * cap (partial write, refusal afterwards, header rewrite still allowed),
 * ENOSPC and EPIPE, the flattened framing and the null sink. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

static char tmpdir[] = "/tmp/test_sink_XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *buf, size_t n, const char *name)
{
	snprintf(buf, n, "%s/%s", tmpdir, name);
}

static size_t read_all(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap, f);
	fclose(f);
	return n;
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void test_file_basic(void **state)
{
	(void)state;
	char path[256];
	path_of(path, sizeof(path), "basic");
	struct sink *s;
	assert_null(sink_open_file(path, false, 0, &s));
	assert_int_equal(sink_get_kind(s), SINK_FILE);
	assert_string_equal(sink_name(s), path);
	assert_null(sink_write(s, 100, "hello", 5));
	assert_null(sink_write(s, 0, "AB", 2));
	assert_null(sink_write_header(s, 1, "Z", 1));
	assert_int_equal(sink_bytes_written(s), 7);
	/* The end is a hole: finish must extend the file. */
	assert_null(sink_finish(s, 8192, true));
	sink_destroy(s, false);

	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8192);
	assert_int_equal(st.st_mode & 0777, 0600);
	uint8_t buf[8192];
	assert_int_equal(read_all(path, buf, sizeof(buf)), 8192);
	assert_memory_equal(buf, "AZ", 2);
	assert_memory_equal(buf + 100, "hello", 5);
	assert_int_equal(buf[50], 0);
	assert_int_equal(buf[8191], 0);

	/* Without overwrite an existing file is refused, naming it. */
	struct mdf_error *err = sink_open_file(path, false, 0, &s);
	assert_non_null(err);
	assert_null(s);
	assert_int_equal(err->code, MDF_ERR_OS);
	assert_int_equal(err->errnum, EEXIST);
	assert_non_null(strstr(err->message, path));
	mdf_error_destroy(err);

	/* With overwrite the old file stays until the new one is finished
	 * (outfile.h), and a removed attempt leaves it as it was. */
	assert_null(sink_open_file(path, true, 0, &s));
	assert_true(sink_replacing(s));
	assert_int_equal(sink_replaced_size(s), 8192);
	assert_null(sink_write(s, 0, "x", 1));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8192);
	sink_destroy(s, true);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 8192);
	/* Finished complete, the new file takes the old one's place. */
	assert_null(sink_open_file(path, true, 0, &s));
	assert_null(sink_write(s, 0, "x", 1));
	assert_null(sink_finish(s, 1, true));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 1);
	sink_destroy(s, true); /* finished: remove no longer applies */
	assert_int_equal(stat(path, &st), 0);
	/* A new file removed by a failed attempt is gone. */
	char fresh[256];
	path_of(fresh, sizeof(fresh), "fresh");
	assert_null(sink_open_file(fresh, false, 0, &s));
	assert_false(sink_replacing(s));
	assert_null(sink_write(s, 0, "x", 1));
	sink_destroy(s, true);
	assert_int_equal(stat(fresh, &st), -1);
	sink_destroy(NULL, true);
}

/* The completion marker is written last: before sink_finish the header
 * holds what the writer wrote (the incomplete flag), after it the marker;
 * an unfinished file kept by sink_destroy still says incomplete; the
 * flattened stream carries the marker as a record before the end marker. */
static void test_complete_marker(void **state)
{
	(void)state;
	char path[256];
	path_of(path, sizeof(path), "marker");
	struct sink *s;
	assert_null(sink_open_file(path, false, 0, &s));
	/* Nothing at the path until the header that says incomplete is
	 * written (where the file system has O_TMPFILE). */
	struct stat st;
	bool unnamed = stat(path, &st) != 0;
	sink_set_complete_marker(s, 4, "COMPLETE!!", 10);
	assert_null(sink_write(s, 100, "data", 4));
	assert_int_equal(stat(path, &st) != 0, unnamed);
	assert_null(sink_write(s, 0, "HDR:INCOMPLETE", 14));
	assert_int_equal(stat(path, &st), 0);
	uint8_t buf[128];
	assert_int_equal(read_all(path, buf, sizeof(buf)), 104);
	assert_memory_equal(buf, "HDR:INCOMPLETE", 14);
	assert_null(sink_finish(s, 104, true));
	assert_int_equal(read_all(path, buf, sizeof(buf)), 104);
	assert_memory_equal(buf, "HDR:COMPLETE!!", 14);
	sink_destroy(s, false);

	/* Unfinished and kept: the header stays as written. */
	char part[256];
	path_of(part, sizeof(part), "partial");
	assert_null(sink_open_file(part, false, 0, &s));
	sink_set_complete_marker(s, 4, "COMPLETE!!", 10);
	assert_null(sink_write(s, 0, "HDR:INCOMPLETE", 14));
	assert_null(sink_finish(s, 14, false));
	sink_destroy(s, false);
	assert_int_equal(read_all(part, buf, sizeof(buf)), 14);
	assert_memory_equal(buf, "HDR:INCOMPLETE", 14);

	/* Flattened: header record, data record, marker record, end. */
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	assert_null(sink_open_flattened(fds[1], "pipe", 0, &s));
	sink_set_complete_marker(s, 4, "COMPLETE!!", 10);
	assert_null(sink_write(s, 0, "HDR:INCOMPLETE", 14));
	assert_null(sink_finish(s, 14, true));
	sink_destroy(s, false);
	close(fds[1]);
	uint8_t stm[4096 + 3 * 16 + 14 + 10];
	size_t got = 0;
	ssize_t n;
	while ((n = read(fds[0], stm + got, sizeof(stm) - got)) > 0)
		got += (size_t)n;
	close(fds[0]);
	assert_int_equal(got, sizeof(stm));
	const uint8_t *r = stm + 4096 + 16 + 14;
	assert_int_equal(get_be64(r), 4);
	assert_int_equal(get_be64(r + 8), 10);
	assert_memory_equal(r + 16, "COMPLETE!!", 10);
	assert_int_equal(get_be64(r + 26), UINT64_MAX);
	assert_int_equal(get_be64(r + 34), UINT64_MAX);
}

static void test_file_limit(void **state)
{
	(void)state;
	char path[256];
	path_of(path, sizeof(path), "limit");
	struct sink *s;
	assert_null(sink_open_file(path, false, 1000, &s));
	uint8_t data[600];
	memset(data, 0x5a, sizeof(data));
	assert_null(sink_write(s, 0, data, 600));
	size_t done = 99;
	struct mdf_error *err = sink_write_ex(s, 600, data, 600, &done);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	assert_non_null(strstr(err->message, "size limit"));
	assert_int_equal(done, 400);
	mdf_error_destroy(err);
	/* Further data is refused, header rewrites pass. */
	err = sink_write(s, 0, data, 10);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	mdf_error_destroy(err);
	assert_null(sink_write_header(s, 0, "HDR", 3));
	/* ... but never past the cap, not even a header (defect: -L below
	 * the header size wrote a file larger than -L). */
	assert_null(sink_write_header(s, 998, "TAIL", 4));
	assert_null(sink_write_header(s, 1000, "PAST", 4));
	assert_null(sink_finish(s, 1200, false));
	sink_destroy(s, false);
	uint8_t buf[2000];
	assert_int_equal(read_all(path, buf, sizeof(buf)), 1000);
	assert_memory_equal(buf, "HDR", 3);
	assert_memory_equal(buf + 998, "TA", 2);
	assert_int_equal(buf[997], 0x5a);
}

static void test_file_enospc(void **state)
{
	(void)state;
	struct sink *s;
	if (sink_open_file("/dev/full", true, 0, &s)) {
		skip();
		return;
	}
	struct mdf_error *err = sink_write(s, 0, "abc", 3);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	assert_int_equal(err->errnum, ENOSPC);
	mdf_error_destroy(err);
	sink_destroy(s, false);
}

static void test_flattened(void **state)
{
	(void)state;
	char path[256];
	path_of(path, sizeof(path), "flat");
	for (int complete = 0; complete < 2; complete++) {
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		struct sink *s;
		assert_null(sink_open_flattened(fd, "stdout", 0, &s));
		assert_int_equal(sink_get_kind(s), SINK_FLATTENED);
		assert_null(sink_write(s, 4096, "abc", 3));
		assert_null(sink_write_header(s, 0, "KD", 2));
		/* A record larger than the 1 MiB buffer goes out directly. */
		size_t big = (1u << 20) + 100;
		uint8_t *b = malloc(big);
		assert_non_null(b);
		memset(b, 7, big);
		assert_null(sink_write(s, 1u << 30, b, big));
		assert_null(sink_finish(s, 0, complete));
		sink_destroy(s, true); /* never unlinks: not a file sink */
		close(fd);

		size_t expect = 4096 + 16 + 3 + 16 + 2 + 16 + big + (complete ? 16 : 0);
		uint8_t *buf = malloc(expect + 64);
		assert_non_null(buf);
		assert_int_equal(read_all(path, buf, expect + 64), expect);
		assert_memory_equal(buf, "makedumpfile\0\0\0\0", 16);
		assert_int_equal(get_be64(buf + 16), 1);
		assert_int_equal(get_be64(buf + 24), 1);
		assert_int_equal(buf[4095], 0);
		const uint8_t *r = buf + 4096;
		assert_int_equal(get_be64(r), 4096);
		assert_int_equal(get_be64(r + 8), 3);
		assert_memory_equal(r + 16, "abc", 3);
		r += 19;
		assert_int_equal(get_be64(r), 0);
		assert_int_equal(get_be64(r + 8), 2);
		r += 18;
		assert_int_equal(get_be64(r), 1u << 30);
		assert_int_equal(get_be64(r + 8), big);
		assert_memory_equal(r + 16, b, big);
		r += 16 + big;
		if (complete) {
			assert_int_equal(get_be64(r), UINT64_MAX);
			assert_int_equal(get_be64(r + 8), UINT64_MAX);
		}
		free(b);
		free(buf);
	}
}

static void test_flattened_limit_and_epipe(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct sink *s;
	assert_null(sink_open_flattened(p[1], "pipe", 5, &s));
	struct mdf_error *err = sink_write(s, 0, "abcdefgh", 8);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	mdf_error_destroy(err);
	assert_int_equal(sink_bytes_written(s), 5);
	assert_null(sink_finish(s, 0, false));
	sink_destroy(s, false);
	close(p[1]);
	uint8_t buf[8192];
	ssize_t n = read(p[0], buf, sizeof(buf));
	assert_int_equal(n, 4096 + 16 + 5);
	assert_int_equal(get_be64(buf + 4096 + 8), 5);
	assert_memory_equal(buf + 4096 + 16, "abcde", 5);
	close(p[0]);

	/* A reader that went away: EPIPE is an OS error naming the output. */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	err = sink_open_flattened(p[1], "stdout", 0, &s);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_OS);
	assert_int_equal(err->errnum, EPIPE);
	assert_non_null(strstr(err->message, "stdout"));
	mdf_error_destroy(err);
	close(p[1]);
}

static void test_null(void **state)
{
	(void)state;
	struct sink *s;
	assert_null(sink_open_null("dry", &s));
	assert_int_equal(sink_get_kind(s), SINK_NULL);
	assert_null(sink_write(s, 0, "abc", 3));
	assert_null(sink_write(s, 1u << 20, "de", 2));
	assert_int_equal(sink_bytes_written(s), 5);
	assert_null(sink_finish(s, 100, true));
	sink_destroy(s, true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_basic),
		cmocka_unit_test(test_complete_marker),
		cmocka_unit_test(test_file_limit),
		cmocka_unit_test(test_file_enospc),
		cmocka_unit_test(test_flattened),
		cmocka_unit_test(test_flattened_limit_and_epipe),
		cmocka_unit_test(test_null),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
