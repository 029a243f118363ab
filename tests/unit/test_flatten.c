/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for flatten.c (REFERENCE.md 3): streams are built in memory and
 * fed through a memfd or a pipe (with a writer thread doing tiny writes). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flatten.h"

struct stream {
	uint8_t *buf;
	size_t len, cap;
};

static void s_put(struct stream *s, const void *p, size_t n)
{
	if (s->len + n > s->cap) {
		s->cap = (s->len + n) * 2;
		s->buf = realloc(s->buf, s->cap);
		assert_non_null(s->buf);
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static void s_be64(struct stream *s, int64_t v)
{
	uint8_t b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)v >> (56 - 8 * i));
	s_put(s, b, 8);
}

static void s_header(struct stream *s, int64_t type)
{
	uint8_t h[FLAT_HEADER_SIZE] = { 0 };
	memcpy(h, FLAT_SIGNATURE, strlen(FLAT_SIGNATURE));
	for (int i = 0; i < 8; i++) {
		h[16 + i] = (uint8_t)((uint64_t)type >> (56 - 8 * i));
		h[24 + i] = (uint8_t)((uint64_t)FLAT_VERSION >> (56 - 8 * i));
	}
	s_put(s, h, sizeof(h));
}

static void s_record(struct stream *s, int64_t off, const void *p, int64_t n)
{
	s_be64(s, off);
	s_be64(s, n);
	if (p && n > 0)
		s_put(s, p, (size_t)n);
}

static int memfd_of(const struct stream *s)
{
	int fd = memfd_create("flat", 0);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s->buf, s->len), (ssize_t)s->len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

static void out_path(char *buf, size_t n)
{
	snprintf(buf, n, "/tmp/test_flatten.%d", (int)getpid());
	unlink(buf);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	uint8_t *b = malloc(*len + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *len, f), *len);
	fclose(f);
	return b;
}

/* Out-of-order, overlapping and contiguous records; later writes win;
 * trailing bytes after the end marker are not read. */
static void test_valid(void **state)
{
	(void)state;
	struct stream s = { 0 };
	s_header(&s, FLAT_TYPE);
	s_record(&s, 100, "WORLD", 5);
	s_record(&s, 0, "hello", 5);
	s_record(&s, 5, "-there", 6);   /* continues the previous record */
	s_record(&s, 101, "x", 1);      /* overlaps, wins */
	s_record(&s, -1, NULL, -1);
	size_t end = s.len;
	s_put(&s, "garbage after the end", 21);
	int fd = memfd_of(&s);
	char path[64];
	out_path(path, sizeof(path));
	assert_null(flatten_rearrange(fd, "test", path, false));
	assert_int_equal(lseek(fd, 0, SEEK_CUR), (off_t)end);
	size_t len;
	uint8_t *b = slurp(path, &len);
	assert_int_equal(len, 105);
	assert_memory_equal(b, "hello-there", 11);
	for (int i = 11; i < 100; i++)
		assert_int_equal(b[i], 0);
	assert_memory_equal(b + 100, "WxRLD", 5);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	free(b);

	/* Exists: refused without overwrite, replaced with it. */
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	struct mdf_error *err = flatten_rearrange(fd, "test", path, false);
	assert_non_null(err);
	assert_int_equal(err->errnum, EEXIST);
	assert_non_null(strstr(err->message, path));
	mdf_error_destroy(err);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	assert_null(flatten_rearrange(fd, "test", path, true));
	b = slurp(path, &len);
	assert_int_equal(len, 105);
	free(b);
	unlink(path);
	close(fd);
	free(s.buf);
}

/* A record bigger than the internal buffer is copied in chunks. */
static void test_large_record(void **state)
{
	(void)state;
	size_t n = (9u << 20) + 123;
	uint8_t *big = malloc(n);
	assert_non_null(big);
	for (size_t i = 0; i < n; i++)
		big[i] = (uint8_t)(i * 31 + (i >> 12));
	struct stream s = { 0 };
	s_header(&s, FLAT_TYPE);
	s_record(&s, 4096, big, (int64_t)n);
	s_record(&s, 0, "HDR", 3);
	s_record(&s, -1, NULL, -1);
	int fd = memfd_of(&s);
	char path[64];
	out_path(path, sizeof(path));
	assert_null(flatten_rearrange(fd, "test", path, false));
	size_t len;
	uint8_t *b = slurp(path, &len);
	assert_int_equal(len, 4096 + n);
	assert_memory_equal(b, "HDR", 3);
	assert_memory_equal(b + 4096, big, n);
	free(b);
	free(big);
	unlink(path);
	close(fd);
	free(s.buf);
}

/* Runs flatten over s and checks the error code and its offset. */
static void expect_error(const struct stream *s, enum mdf_err_code code, uint64_t offset,
			 const char *needle, bool file_left)
{
	int fd = memfd_of(s);
	char path[64];
	out_path(path, sizeof(path));
	struct mdf_error *err = flatten_rearrange(fd, "test", path, false);
	assert_non_null(err);
	assert_int_equal(err->code, code);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, offset);
	if (needle && !strstr(err->message, needle))
		fail_msg("'%s' not in '%s'", needle, err->message);
	mdf_error_destroy(err);
	assert_int_equal(access(path, F_OK) == 0, file_left);
	unlink(path);
	close(fd);
}

static void test_bad_header(void **state)
{
	(void)state;
	struct stream s = { 0 };
	s_put(&s, "\177ELF not a stream at all, but long enough to be checked", 56);
	expect_error(&s, MDF_ERR_CORRUPT, 0, "signature", false);
	s.len = 0;
	s_header(&s, 2);
	s_record(&s, -1, NULL, -1);
	expect_error(&s, MDF_ERR_CORRUPT, 16, "type", false);
	s.len = 0;
	s_header(&s, FLAT_TYPE);
	s.len = 100; /* the header itself is cut short */
	expect_error(&s, MDF_ERR_CORRUPT, 100, "truncated", false);
	s.len = 0;
	expect_error(&s, MDF_ERR_CORRUPT, 0, "truncated", false);
	free(s.buf);
}

static void test_corrupt_records(void **state)
{
	(void)state;
	static const int64_t bad[][2] = {
		{ -2, 10 }, { -1, 5 }, { 10, 0 }, { 10, -1 }, { 0, (int64_t)1 << 40 },
		{ INT64_MAX - 2, 10 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct stream s = { 0 };
		s_header(&s, FLAT_TYPE);
		s_record(&s, 0, "abcd", 4);
		uint64_t at = s.len;
		s_record(&s, bad[i][0], NULL, 0);
		s.len -= 8;
		s_be64(&s, bad[i][1]);
		s_put(&s, "abcdefghijkl", 12);
		s_record(&s, -1, NULL, -1);
		/* "abcd" is no dump header: nothing is left behind */
		expect_error(&s, MDF_ERR_CORRUPT, at, "corrupt record", false);
		free(s.buf);
	}
}

/* A kdump main header (REFERENCE.md 2.2): status (zlib) at 424, block
 * size at 428. */
static void kdump_header(uint8_t *h)
{
	memset(h, 0, 464);
	memcpy(h, "KDUMP   ", 8);
	h[424] = 0x1;
	h[429] = 0x10; /* 4096, little-endian */
}

/* EOF before the end marker: the offset reached, "incomplete", and the
 * bytes that did arrive are in the file, whose header says incomplete
 * (status bit 0x8) although the stream's header did not; the complete
 * stream leaves the stream's own status. Without a dump header, nothing
 * is left. */
static void test_truncated(void **state)
{
	(void)state;
	uint8_t hdr[464];
	kdump_header(hdr);
	struct stream s = { 0 };
	s_header(&s, FLAT_TYPE);
	size_t first = s.len;
	s_record(&s, 0, hdr, sizeof(hdr));
	size_t full = s.len;
	s_record(&s, 464, "abcdefgh", 8);
	size_t data_end = s.len;
	s_record(&s, -1, NULL, -1);
	for (size_t cut = first; cut < s.len; cut++) {
		struct stream t = s;
		t.len = cut;
		bool left = cut >= full;
		expect_error(&t, MDF_ERR_CORRUPT, cut, "incomplete", left);
	}
	/* Partial payload is kept, flagged. */
	struct stream t = s;
	t.len = data_end - 3;
	int fd = memfd_of(&t);
	char path[64];
	out_path(path, sizeof(path));
	struct mdf_error *err = flatten_rearrange(fd, "test", path, false);
	assert_non_null(err);
	mdf_error_destroy(err);
	close(fd);
	size_t len;
	uint8_t *b = slurp(path, &len);
	assert_int_equal(len, 464 + 5);
	assert_memory_equal(b, "KDUMP   ", 8);
	assert_int_equal(b[424], 0x9);
	assert_memory_equal(b + 464, "abcde", 5);
	free(b);
	unlink(path);
	/* The whole stream: the stream's own status. */
	fd = memfd_of(&s);
	assert_null(flatten_rearrange(fd, "test", path, false));
	close(fd);
	b = slurp(path, &len);
	assert_int_equal(len, 464 + 8);
	assert_int_equal(b[424], 0x1);
	free(b);
	unlink(path);
	/* A stream whose header says incomplete stays so. */
	hdr[424] = 0x9;
	struct stream u = { 0 };
	s_header(&u, FLAT_TYPE);
	s_record(&u, 0, hdr, sizeof(hdr));
	s_record(&u, -1, NULL, -1);
	fd = memfd_of(&u);
	assert_null(flatten_rearrange(fd, "test", path, false));
	close(fd);
	b = slurp(path, &len);
	assert_int_equal(b[424], 0x9);
	free(b);
	unlink(path);
	free(u.buf);
	free(s.buf);
}

struct dribble {
	int fd;
	const struct stream *s;
};

static void *dribble_writer(void *arg)
{
	struct dribble *d = arg;
	size_t pos = 0, step = 1;
	while (pos < d->s->len) {
		size_t n = d->s->len - pos < step ? d->s->len - pos : step;
		ssize_t w = write(d->fd, d->s->buf + pos, n);
		if (w <= 0)
			break;
		pos += (size_t)w;
		step = step * 3 % 7001 + 1; /* uneven sizes */
	}
	close(d->fd);
	return NULL;
}

/* Short reads from a pipe. */
static void test_pipe_short_reads(void **state)
{
	(void)state;
	struct stream s = { 0 };
	s_header(&s, FLAT_TYPE);
	uint8_t page[4096];
	for (int i = 0; i < 50; i++) {
		memset(page, i + 1, sizeof(page));
		s_record(&s, (int64_t)(49 - i) * 4096, page, 4096);
	}
	s_record(&s, -1, NULL, -1);
	int p[2];
	assert_int_equal(pipe(p), 0);
	struct dribble d = { p[1], &s };
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, dribble_writer, &d), 0);
	char path[64];
	out_path(path, sizeof(path));
	assert_null(flatten_rearrange(p[0], "pipe", path, false));
	pthread_join(t, NULL);
	close(p[0]);
	size_t len;
	uint8_t *b = slurp(path, &len);
	assert_int_equal(len, 50 * 4096);
	for (int i = 0; i < 50; i++)
		assert_int_equal(b[(size_t)(49 - i) * 4096 + 100], i + 1);
	free(b);
	unlink(path);
	free(s.buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_large_record),
		cmocka_unit_test(test_bad_header),
		cmocka_unit_test(test_corrupt_records),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_pipe_short_reads),
	};
	return cmocka_run_group_tests(tests, 0, NULL);
}
