/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for kdump_out.c on a synthetic ELF core (two PT_LOADs with zero,
 * text and random pages, one NT_PRSTATUS note; the input of REFERENCE.md
 * 2.14). Checks the header, bitmaps and descriptors, decodes every page back,
 * requires identical bytes for any thread count and cycle size, covers -L,
 * interruption and the flattened stream, and, when Debian's makedumpfile is
 * installed, compares the output with it: byte for byte uncompressed, page
 * for page with -c and -l. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kdump_out.h"

enum { PS = 4096, NR_SEGS = 2 };

static const uint64_t segs[NR_SEGS][2] = { { 0x0, 0x10 }, { 0x100, 0x230 } };
static char tmpdir[] = "/tmp/test_kdump_out_XXXXXX";
static char elf_path[256];

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }
static uint32_t get32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t get64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* The content of page pfn in the synthetic core. */
static void make_page(uint64_t pfn, uint8_t *p)
{
	static const char text[] = "The quick brown fox jumps over the lazy dog. ";
	uint32_t x = (uint32_t)pfn * 2654435761u | 1;
	switch (pfn % 7) {
	case 0: case 3: case 5:
		memset(p, 0, PS);
		break;
	case 1: case 4:
		for (size_t i = 0; i < PS; i++)
			p[i] = (uint8_t)text[(i + pfn) % (sizeof(text) - 1)];
		break;
	default:
		for (size_t i = 0; i < PS; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			p[i] = (uint8_t)x;
		}
		if (pfn % 7 == 6)
			memset(p + PS / 2, 0, PS / 2);
		break;
	}
}

static int write_elf(const char *path)
{
	uint8_t note[356];
	memset(note, 0, sizeof(note));
	put32(note, 5);
	put32(note + 4, 336);
	put32(note + 8, 1); /* NT_PRSTATUS */
	memcpy(note + 12, "CORE", 5);
	for (int i = 0; i < 256; i++)
		note[20 + i] = (uint8_t)i;
	uint8_t hdr[PS];
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "\177ELF\2\1\1", 7);
	put16(hdr + 16, 4);  /* ET_CORE */
	put16(hdr + 18, 62); /* EM_X86_64 */
	put32(hdr + 20, 1);
	put64(hdr + 32, 64);
	put16(hdr + 52, 64);
	put16(hdr + 54, 56);
	put16(hdr + 56, 1 + NR_SEGS);
	uint8_t *ph = hdr + 64;
	uint64_t note_off = 64 + 56 * (1 + NR_SEGS);
	put32(ph, 4); /* PT_NOTE */
	put64(ph + 8, note_off);
	put64(ph + 32, sizeof(note));
	memcpy(hdr + note_off, note, sizeof(note));
	uint64_t off = PS;
	for (int i = 0; i < NR_SEGS; i++) {
		uint8_t *p = ph + 56 * (1 + i);
		uint64_t sz = (segs[i][1] - segs[i][0]) * PS;
		put32(p, 1);
		put32(p + 4, 7);
		put64(p + 8, off);
		put64(p + 16, 0xffff888000000000ull + segs[i][0] * PS);
		put64(p + 24, segs[i][0] * PS);
		put64(p + 32, sz);
		put64(p + 40, sz);
		put64(p + 48, PS);
		off += sz;
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	fwrite(hdr, 1, PS, f);
	uint8_t page[PS];
	for (int i = 0; i < NR_SEGS; i++) {
		for (uint64_t pfn = segs[i][0]; pfn < segs[i][1]; pfn++) {
			make_page(pfn, page);
			fwrite(page, 1, PS, f);
		}
	}
	return fclose(f);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(elf_path, sizeof(elf_path), "%s/in.elf", tmpdir);
	return write_elf(elf_path);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

struct progress_rec {
	uint64_t calls, last_done, last_total;
	uint64_t bitmap_calls;
};

static void on_progress(void *arg, const char *label, uint64_t done, uint64_t total, bool eta)
{
	struct progress_rec *r = arg;
	if (strcmp(label, "Copying data") != 0) {
		/* the bitmaps' phases (filter.c), once per cycle and pass */
		assert_true(strcmp(label, "Checking for memory holes") == 0 ||
			    strcmp(label, "Excluding unnecessary pages") == 0);
		assert_false(eta);
		assert_true(done <= total);
		r->bitmap_calls++;
		return;
	}
	assert_true(eta);
	assert_true(done <= total);
	assert_true(done >= r->last_done);
	r->calls++;
	r->last_done = done;
	r->last_total = total;
}

struct run_opts {
	enum codec_kind codec;
	int level;              /* --compress-level; 0 = default */
	int dump_level;
	int threads;
	uint64_t pfn_cyclic;
	uint64_t limit;
	bool flattened;
	volatile sig_atomic_t *interrupted;
};

/* Runs kdump_write on the synthetic core; returns its error. */
static struct mdf_error *run(const struct run_opts *o, const char *out, struct dump_stats *st,
			     struct progress_rec *prog)
{
	struct input *in;
	const char *path = elf_path;
	struct input_options io = {.use_mmap = true, .page_size = PS};
	assert_null(input_open(&path, 1, &io, &in));
	struct dump_source src;
	memset(&src, 0, sizeof(src));
	src.in = in;
	src.page_size = PS;
	src.max_mapnr = input_max_mapnr(in);
	src.dump_level = o->dump_level;
	src.num_threads = o->threads;
	src.compress_level = o->level;
	src.pfn_cyclic = o->pfn_cyclic;
	src.block_order = 4;
	src.crashtime = 0;
	src.interrupted = o->interrupted;
	if (prog) {
		src.progress.fn = on_progress;
		src.progress.arg = prog;
	}
	assert_null(filter_create(&src, &src.filter));
	struct sink *s;
	int fd = -1;
	if (o->flattened) {
		fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		assert_true(fd >= 0);
		assert_null(sink_open_flattened(fd, out, o->limit, &s));
	} else {
		assert_null(sink_open_file(out, true, o->limit, &s));
	}
	memset(st, 0, sizeof(*st));
	struct mdf_error *err = kdump_write(&src, o->codec, s, st);
	sink_destroy(s, false);
	if (fd >= 0)
		close(fd);
	filter_destroy(src.filter);
	input_destroy(in);
	return err;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	uint8_t *b = malloc((size_t)st.st_size + 1);
	assert_non_null(b);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(b, 1, (size_t)st.st_size, f), (size_t)st.st_size);
	fclose(f);
	*len = (size_t)st.st_size;
	return b;
}

static bool pfn_in_segs(uint64_t pfn)
{
	for (int i = 0; i < NR_SEGS; i++)
		if (pfn >= segs[i][0] && pfn < segs[i][1])
			return true;
	return false;
}

/* Checks a dump file against the synthetic core (REFERENCE.md 2.1-2.7);
 * returns the number of pages that decoded (lost descriptors are skipped). */
static uint64_t check_dump(const uint8_t *d, size_t len, enum codec_kind codec, int dl,
			   bool complete)
{
	assert_true(len >= 5 * PS);
	assert_memory_equal(d, "KDUMP   ", 8);
	assert_int_equal(get32(d + 8), 6);
	assert_int_equal(get32(d + 424), (uint32_t)codec | (complete ? 0 : 8));
	assert_int_equal(get32(d + 428), PS);
	assert_int_equal(get32(d + 432), 1);
	assert_int_equal(get32(d + 436), 2);
	assert_int_equal(get32(d + 440), 0x230);
	assert_int_equal(get32(d + 460), 1);
	const uint8_t *sub = d + PS;
	assert_int_equal(get32(sub + 8), (uint32_t)dl);
	assert_int_equal(get64(sub + 48), PS + 104);
	assert_int_equal(get64(sub + 56), 356);
	assert_int_equal(get64(sub + 96), 0x230);
	assert_memory_equal(d + PS + 104 + 12, "CORE", 5);
	const uint8_t *bm1 = d + 2 * PS, *bm2 = d + 3 * PS;
	uint64_t idx = 0, decoded = 0;
	uint64_t data_start = 4 * PS + 24 * 320;
	uint8_t page[PS], back[PS];
	for (uint64_t pfn = 0; pfn < PS * 8; pfn++) {
		bool ram = (bm1[pfn / 8] >> (pfn % 8)) & 1;
		bool keep = (bm2[pfn / 8] >> (pfn % 8)) & 1;
		assert_int_equal(ram, pfn_in_segs(pfn));
		assert_int_equal(keep, ram);
		if (!keep)
			continue;
		const uint8_t *pd = d + 4 * PS + 24 * idx++;
		uint64_t off = get64(pd);
		uint32_t size = get32(pd + 8), flags = get32(pd + 12);
		assert_int_equal(get64(pd + 16), 0);
		if (off == 0 && !complete)
			continue; /* lost (REFERENCE.md 2.11) */
		make_page(pfn, page);
		assert_true(off >= data_start && off + size <= len);
		assert_true(size <= PS);
		if (dl & 1) {
			bool zero = true;
			for (size_t i = 0; i < PS; i++)
				zero = zero && !page[i];
			if (zero)
				assert_int_equal(off, data_start);
		}
		if (flags == 0) {
			assert_int_equal(size, PS);
			memcpy(back, d + off, PS);
		} else {
			assert_int_equal(flags, codec);
			assert_null(codec_decompress(codec, d + off, size, back, PS));
		}
		assert_memory_equal(back, page, PS);
		decoded++;
	}
	assert_int_equal(idx, 320);
	return decoded;
}

static void test_codecs_and_levels(void **state)
{
	(void)state;
	static const enum codec_kind kinds[] = { CODEC_NONE, CODEC_ZLIB, CODEC_LZO,
						 CODEC_SNAPPY, CODEC_ZSTD };
	char out[300];
	snprintf(out, sizeof(out), "%s/a.kdump", tmpdir);
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!codec_available(kinds[k]))
			continue;
		for (int dl = 0; dl < 2; dl++) {
			struct run_opts o = { .codec = kinds[k], .dump_level = dl, .threads = 1 };
			struct dump_stats st;
			struct progress_rec prog = { 0 };
			assert_null(run(&o, out, &st, &prog));
			size_t len;
			uint8_t *d = slurp(out, &len);
			assert_int_equal(check_dump(d, len, kinds[k], dl, true), 320);
			assert_int_equal(st.dumpable, 320);
			assert_int_equal(st.ram_pages, 320);
			assert_int_equal(st.written_pages, 320);
			assert_int_equal(st.write_bytes, len);
			/* pfn % 7 in {0,3,5} are zero pages: 137 of the 320. */
			assert_int_equal(st.zero, dl ? 137 : 0);
			assert_true(prog.calls >= 2);
			assert_int_equal(prog.last_done, 320);
			assert_int_equal(prog.last_total, 320);
			free(d);
		}
	}
}

static void test_threads_and_cycles_identical(void **state)
{
	(void)state;
	char a[300], b[300];
	snprintf(a, sizeof(a), "%s/t1.kdump", tmpdir);
	snprintf(b, sizeof(b), "%s/tn.kdump", tmpdir);
	struct run_opts o = { .codec = CODEC_ZLIB, .dump_level = 1, .threads = 1 };
	struct dump_stats st;
	assert_null(run(&o, a, &st, NULL));
	size_t la, lb;
	uint8_t *da = slurp(a, &la);
	static const int threads[] = { 2, 3, 8, 1 };
	static const uint64_t cycles[] = { 0, 64, 200, 8 };
	for (int i = 0; i < 4; i++) {
		o.threads = threads[i];
		o.pfn_cyclic = cycles[i];
		assert_null(run(&o, b, &st, NULL));
		uint8_t *db = slurp(b, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		assert_int_equal(st.dumpable, 320);
		free(db);
	}
	free(da);
}

/* --compress-level: every level tried decodes page for page, the output is
 * the same for any thread count, the level changes the output, and a
 * level the codec does not have is refused before anything is written. */
static void test_compress_levels(void **state)
{
	(void)state;
	static const struct { enum codec_kind codec; int level; } cases[] = {
		{ CODEC_ZLIB, 1 }, { CODEC_ZLIB, 6 }, { CODEC_ZLIB, 9 },
		{ CODEC_ZSTD, -5 }, { CODEC_ZSTD, 1 }, { CODEC_ZSTD, 19 },
	};
	char a[300], b[300];
	snprintf(a, sizeof(a), "%s/lv1.kdump", tmpdir);
	snprintf(b, sizeof(b), "%s/lvn.kdump", tmpdir);
	size_t prev_len = 0;
	bool differ[2] = { false, !codec_available(CODEC_ZSTD) };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!codec_available(cases[i].codec))
			continue;
		struct run_opts o = { .codec = cases[i].codec, .level = cases[i].level,
				      .dump_level = 1, .threads = 1 };
		struct dump_stats st;
		assert_null(run(&o, a, &st, NULL));
		o.threads = 3;
		assert_null(run(&o, b, &st, NULL));
		size_t la, lb;
		uint8_t *da = slurp(a, &la), *db = slurp(b, &lb);
		assert_int_equal(la, lb);
		assert_memory_equal(da, db, la);
		assert_int_equal(check_dump(da, la, cases[i].codec, 1, true), 320);
		/* The level reaches the codec: some level changes the size. */
		if (i > 0 && cases[i - 1].codec == cases[i].codec && la != prev_len)
			differ[cases[i].codec == CODEC_ZSTD] = true;
		prev_len = la;
		free(da);
		free(db);
	}
	assert_true(differ[0] && differ[1]);
	struct run_opts bad = { .codec = CODEC_ZLIB, .level = 13, .dump_level = 1, .threads = 1 };
	struct dump_stats st;
	struct mdf_error *err = run(&bad, a, &st, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_INVALID);
	mdf_error_destroy(err);
	bad.codec = CODEC_LZO;
	bad.level = 3;
	err = run(&bad, a, &st, NULL);
	assert_non_null(err);
	mdf_error_destroy(err);
}

static void test_size_limit(void **state)
{
	(void)state;
	char out[300];
	snprintf(out, sizeof(out), "%s/l.kdump", tmpdir);
	for (int threads = 1; threads <= 3; threads += 2) {
		struct run_opts o = { .codec = CODEC_ZLIB, .dump_level = 1, .threads = threads,
				      .limit = 100000 };
		struct dump_stats st;
		struct mdf_error *err = run(&o, out, &st, NULL);
		assert_non_null(err);
		assert_int_equal(err->code, MDF_ERR_NOSPC);
		mdf_error_destroy(err);
		size_t len;
		uint8_t *d = slurp(out, &len);
		assert_int_equal(len, 100000);
		uint64_t decoded = check_dump(d, len, CODEC_ZLIB, 1, false);
		assert_int_equal(decoded, st.written_pages);
		assert_true(decoded > 70 && decoded < 320);
		free(d);
	}
	/* A limit inside the headers: nothing but the header region survives. */
	struct run_opts o = { .codec = CODEC_ZLIB, .dump_level = 1, .threads = 1, .limit = 300 };
	struct dump_stats st;
	struct mdf_error *err = run(&o, out, &st, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	mdf_error_destroy(err);
}

static void test_interrupt(void **state)
{
	(void)state;
	char out[300];
	snprintf(out, sizeof(out), "%s/i.kdump", tmpdir);
	volatile sig_atomic_t intr = 1;
	for (int threads = 1; threads <= 2; threads++) {
		struct run_opts o = { .codec = CODEC_ZLIB, .dump_level = 1, .threads = threads,
				      .interrupted = &intr };
		struct dump_stats st;
		struct mdf_error *err = run(&o, out, &st, NULL);
		assert_non_null(err);
		assert_int_equal(err->code, MDF_ERR_INTR);
		mdf_error_destroy(err);
		size_t len;
		uint8_t *d = slurp(out, &len);
		assert_int_equal(get32(d + 424), CODEC_ZLIB | 8);
		assert_true(st.written_pages < 320);
		free(d);
	}
}

/* Rearranges a flattened stream (REFERENCE.md 3) into a buffer. */
static size_t unflatten(const uint8_t *f, size_t flen, uint8_t *out, size_t cap)
{
	assert_memory_equal(f, "makedumpfile", 12);
	size_t pos = 4096, end = 0;
	for (;;) {
		assert_true(pos + 16 <= flen);
		uint64_t off = 0, size = 0;
		for (int i = 0; i < 8; i++) {
			off = off << 8 | f[pos + i];
			size = size << 8 | f[pos + 8 + i];
		}
		pos += 16;
		if (off == UINT64_MAX) {
			assert_int_equal(size, UINT64_MAX);
			break;
		}
		assert_true(pos + size <= flen && off + size <= cap);
		memcpy(out + off, f + pos, size);
		pos += size;
		if (off + size > end)
			end = off + size;
	}
	assert_int_equal(pos, flen);
	return end;
}

static void test_flattened_equals_file(void **state)
{
	(void)state;
	char a[300], b[300];
	snprintf(a, sizeof(a), "%s/f.kdump", tmpdir);
	snprintf(b, sizeof(b), "%s/f.flat", tmpdir);
	struct run_opts o = { .codec = CODEC_ZLIB, .dump_level = 1, .threads = 2 };
	struct dump_stats st;
	assert_null(run(&o, a, &st, NULL));
	o.flattened = true;
	o.threads = 1;
	assert_null(run(&o, b, &st, NULL));
	size_t la, lf;
	uint8_t *da = slurp(a, &la), *df = slurp(b, &lf);
	uint8_t *re = calloc(1, la + PS);
	assert_non_null(re);
	assert_int_equal(unflatten(df, lf, re, la + PS), la);
	assert_memory_equal(re, da, la);
	free(re);
	free(da);
	free(df);
}

/* Decodes the page behind descriptor pd of dump d (len bytes). */
static void decode_page(const uint8_t *d, size_t len, const uint8_t *pd, enum codec_kind codec,
			uint8_t *page)
{
	uint64_t off = get64(pd);
	uint32_t size = get32(pd + 8), flags = get32(pd + 12);
	assert_true(off + size <= len && size <= PS);
	assert_int_equal(get64(pd + 16), 0);
	if (flags == 0) {
		assert_int_equal(size, PS);
		memcpy(page, d + off, PS);
	} else {
		assert_int_equal(flags, codec);
		assert_null(codec_decompress(codec, d + off, size, page, PS));
	}
}

/* Ours against the reference's file of the same input: headers, notes and
 * bitmaps byte-identical, the same number of descriptors, the shared zero
 * page where theirs has it (REFERENCE.md 2.7), and page for page the same
 * content. The compressed bytes may differ (-c: libdeflate, -l:
 * LZO1X-1(11), codec.c), so the descriptor table and the data are compared
 * decoded. */
static void assert_same_pages(const uint8_t *a, size_t la, const uint8_t *b, size_t lb,
			      enum codec_kind codec)
{
	const uint64_t desc = 4 * PS; /* header, sub header + notes, 2 bitmap blocks */
	assert_true(la > desc && lb > desc);
	assert_memory_equal(a, b, desc);
	uint64_t n = 0;
	for (size_t i = 0; i < PS; i++)
		n += (uint64_t)__builtin_popcount(a[3 * PS + i]);
	uint64_t data_start = desc + 24 * n;
	uint64_t end_a = data_start, end_b = data_start;
	uint8_t pa[PS], pb[PS];
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *da = a + desc + 24 * i, *db = b + desc + 24 * i;
		assert_int_equal(get64(da) == data_start, get64(db) == data_start);
		decode_page(a, la, da, codec, pa);
		decode_page(b, lb, db, codec, pb);
		assert_memory_equal(pa, pb, PS);
		if (get64(da) + get32(da + 8) > end_a)
			end_a = get64(da) + get32(da + 8);
		if (get64(db) + get32(db + 8) > end_b)
			end_b = get64(db) + get32(db + 8);
	}
	assert_int_equal(la, end_a);
	assert_int_equal(lb, end_b);
}

/* With Debian's makedumpfile: an uncompressed dump is byte-identical to
 * its; -c and -l dumps hold the same pages (assert_same_pages). */
static void test_reference_bytes(void **state)
{
	(void)state;
	const char *ref = "/usr/bin/makedumpfile";
	if (access(ref, X_OK) != 0) {
		skip();
		return;
	}
	static const struct { const char *opt; enum codec_kind codec; int dl; } cases[] = {
		{ "-c", CODEC_ZLIB, 1 }, { "-l", CODEC_LZO, 1 }, { "-c", CODEC_ZLIB, 0 },
		{ "", CODEC_NONE, 1 }, { "", CODEC_NONE, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!codec_available(cases[i].codec))
			continue;
		char ours[300], theirs[300], cmd[1024];
		snprintf(ours, sizeof(ours), "%s/ours.kdump", tmpdir);
		snprintf(theirs, sizeof(theirs), "%s/ref%zu.kdump", tmpdir, i);
		snprintf(cmd, sizeof(cmd), "%s -f %s -d %d %s %s >/dev/null 2>&1", ref,
			 cases[i].opt, cases[i].dl, elf_path, theirs);
		int rc = system(cmd);
		assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
		struct run_opts o = { .codec = cases[i].codec, .dump_level = cases[i].dl,
				      .threads = 2 };
		struct dump_stats st;
		assert_null(run(&o, ours, &st, NULL));
		size_t lo, lt;
		uint8_t *a = slurp(ours, &lo), *b = slurp(theirs, &lt);
		if (cases[i].codec == CODEC_NONE) {
			assert_int_equal(lo, lt);
			assert_memory_equal(a, b, lo);
		} else {
			assert_same_pages(a, lo, b, lt, cases[i].codec);
		}
		free(a);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_codecs_and_levels),
		cmocka_unit_test(test_threads_and_cycles_identical),
		cmocka_unit_test(test_compress_levels),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_interrupt),
		cmocka_unit_test(test_flattened_equals_file),
		cmocka_unit_test(test_reference_bytes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
