/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Measures each codec's single-core throughput on the pages of a vmcore
 * (the limit a page filter's writer can reach on one core). With --skip-zero
 * the all-zero pages are left out, as `-d 1` leaves them out. Prints one line
 * per codec: name, pages, input MB, seconds, MB/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "dump.h"
#include "elf_info.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(struct mdf_error *err)
{
	fprintf(stderr, "codec_limit: %s\n", err->message);
	exit(1);
}

/* Copies up to max_pages kept pages into one buffer, so the timing below
 * measures compression alone. */
static uint8_t *load_pages(struct input *in, int skip_zero, uint64_t max_pages,
			   uint64_t *n_ret)
{
	struct input_reader *r;
	struct mdf_error *err = input_reader_create(in, &r);
	if (err)
		die(err);
	uint64_t ps = input_page_size(in), n = 0;
	uint8_t *buf = malloc(max_pages * ps);
	if (!buf)
		exit(1);
	for (uint64_t pfn = 0; pfn < input_max_mapnr(in) && n < max_pages; pfn++) {
		const uint8_t *p;
		err = input_read_page(r, pfn, &p);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		if (skip_zero && page_is_zero(p, ps))
			continue;
		memcpy(buf + n * ps, p, ps);
		n++;
	}
	input_reader_destroy(r);
	*n_ret = n;
	return buf;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: codec_limit VMCORE [--skip-zero] [MAX_MIB]\n");
		return 2;
	}
	int skip_zero = argc > 2 && strcmp(argv[2], "--skip-zero") == 0;
	uint64_t max_mib = argc > 3 ? strtoull(argv[3], NULL, 0) : 1024;
	struct input *in;
	const char *path = argv[1];
	struct input_options io = {.use_mmap = true, .page_size = 4096};
	struct mdf_error *err = input_open(&path, 1, &io, &in);
	if (err)
		die(err);
	uint64_t ps = input_page_size(in), n;
	uint8_t *pages = load_pages(in, skip_zero, (max_mib << 20) / ps, &n);
	enum codec_kind kinds[] = {CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!codec_available(kinds[k]))
			continue;
		struct codec *c;
		err = codec_create(kinds[k], ps, &c);
		if (err)
			die(err);
		uint8_t *out = malloc(codec_bound(c));
		uint64_t outbytes = 0;
		double t0 = now();
		for (uint64_t i = 0; i < n; i++) {
			size_t s = codec_compress(c, pages + i * ps, out);
			outbytes += s ? s : ps;
		}
		double dt = now() - t0;
		double mb = (double)(n * ps) / 1e6;
		printf("%s %llu pages %.1f MB in %.3f s: %.1f MB/s (ratio %.3f)\n",
		       codec_name(kinds[k]), (unsigned long long)n, mb, dt, mb / dt,
		       (double)outbytes / (double)(n * ps));
		free(out);
		codec_destroy(c);
	}
	free(pages);
	input_destroy(in);
	return 0;
}
