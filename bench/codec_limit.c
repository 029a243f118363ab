/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Measures each codec's single-core throughput on the pages of a vmcore
 * (the limit a page filter's writer can reach on one core). With --skip-zero
 * the all-zero pages are left out, as `-d 1` leaves them out. Prints one line
 * per codec: name, pages, input MB, CPU seconds, MB/s; with --levels, a
 * table of the --compress-level values of -c and -z instead. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "codec.h"
#include "dump.h"
#include "elf_info.h"

/* CPU time of this thread: a codec's work on one core, not whatever else
 * the machine runs meanwhile (make bench shares its machine). */
static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* Compresses every page once with c; returns seconds, adds the stored
 * bytes (a page that does not shrink counts whole) to *out_bytes. */
static double time_codec(struct codec *c, const uint8_t *pages, uint64_t n, uint64_t ps,
			 uint64_t *out_bytes)
{
	uint8_t *out = malloc(codec_bound(c));
	if (!out)
		exit(1);
	uint64_t total = 0;
	double t0 = now();
	for (uint64_t i = 0; i < n; i++) {
		size_t s = codec_compress(c, pages + i * ps, out);
		total += s ? s : ps;
	}
	double dt = now() - t0;
	free(out);
	*out_bytes = total;
	return dt;
}

/* One line per codec at its default level. */
static void print_codecs(const uint8_t *pages, uint64_t n, uint64_t ps)
{
	enum codec_kind kinds[] = {CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD};
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!codec_available(kinds[k]))
			continue;
		struct codec *c;
		struct mdf_error *err = codec_create(kinds[k], ps, &c);
		if (err)
			die(err);
		uint64_t outbytes;
		double dt = time_codec(c, pages, n, ps, &outbytes);
		double mb = (double)(n * ps) / 1e6;
		printf("%s %llu pages %.1f MB in %.3f s: %.1f MB/s (ratio %.3f)\n",
		       codec_name(kinds[k]), (unsigned long long)n, mb, dt, mb / dt,
		       (double)outbytes / (double)(n * ps));
		codec_destroy(c);
	}
}

/* --levels: a Markdown table of --compress-level against single-core
 * throughput and ratio for -c and -z, so that a user can pick a level.
 * Every -c level; for zstd a spread of its negative and positive levels. */
static void print_levels(const uint8_t *pages, uint64_t n, uint64_t ps)
{
	static const int zstd_levels[] = {-50, -10, -5, -1, 1, 2, 3, 4, 6, 9, 12, 15, 19, 22};
	printf("| option | --compress-level | MB/s (one core, CPU time) | ratio | size vs default |\n");
	printf("|---|---|---|---|---|\n");
	static const struct { enum codec_kind kind; const char *flag; } codecs[] = {
		{CODEC_ZLIB, "-c"}, {CODEC_ZSTD, "-z"},
	};
	for (size_t k = 0; k < 2; k++) {
		int lo, hi, def;
		if (!codec_level_range(codecs[k].kind, &lo, &hi, &def))
			continue;
		uint64_t def_bytes = 0;
		int nlv = codecs[k].kind == CODEC_ZSTD
				  ? (int)(sizeof(zstd_levels) / sizeof(zstd_levels[0]))
				  : hi - lo + 1;
		/* The default first: the last column compares with it. */
		for (int pass = 0; pass < 2; pass++) {
			for (int i = 0; i < nlv; i++) {
				int lv = codecs[k].kind == CODEC_ZSTD ? zstd_levels[i] : lo + i;
				if ((pass == 0) != (lv == def) || !codec_level_valid(codecs[k].kind, lv))
					continue;
				struct codec *c;
				struct mdf_error *err = codec_create_level(codecs[k].kind, ps, lv, &c);
				if (err)
					die(err);
				uint64_t outbytes;
				double dt = time_codec(c, pages, n, ps, &outbytes);
				codec_destroy(c);
				if (lv == def)
					def_bytes = outbytes;
				printf("| `%s` | %d%s | %.1f | %.3f | %+.1f%% |\n", codecs[k].flag, lv,
				       lv == def ? " (default)" : "",
				       (double)(n * ps) / 1e6 / dt, (double)outbytes / (double)(n * ps),
				       100.0 * ((double)outbytes - (double)def_bytes) /
					       (double)def_bytes);
				fflush(stdout);
			}
		}
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: codec_limit VMCORE [--skip-zero] [MAX_MIB] [--levels]\n");
		return 2;
	}
	int skip_zero = argc > 2 && strcmp(argv[2], "--skip-zero") == 0;
	uint64_t max_mib = argc > 3 ? strtoull(argv[3], NULL, 0) : 1024;
	int levels = argc > 4 && strcmp(argv[4], "--levels") == 0;
	struct input *in;
	const char *path = argv[1];
	struct input_options io = {.use_mmap = true, .page_size = 4096};
	struct mdf_error *err = input_open(&path, 1, &io, &in);
	if (err)
		die(err);
	uint64_t ps = input_page_size(in), n;
	uint8_t *pages = load_pages(in, skip_zero, (max_mib << 20) / ps, &n);
	if (levels)
		print_levels(pages, n, ps);
	else
		print_codecs(pages, n, ps);
	free(pages);
	input_destroy(in);
	return 0;
}
