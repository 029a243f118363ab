/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for the kdump-compressed back end (kdump_in.c, kdump_set.c) and
 * the flattened index beneath it (flat_index.c, ifile.c), on files this test
 * lays out byte by byte from REFERENCE.md 2 and 3 (not with our writer):
 * header versions 1 to 6, every codec, zero pages shared and excluded, lost
 * descriptors, notes, VMCOREINFO (in a note and, version 3, outside), the
 * eraseinfo blob, split sets (and their faults), flattened streams with
 * records out of order and overlapping, and damaged files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "codec.h"
#include "input.h"
#include "kdump_in.h"

enum { PS = 4096, NPFN = 64 };

static char tmpdir[] = "/tmp/test_kdump_in_XXXXXX";

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

/* What page pfn holds: zero for pfn % 5 == 0, text, or pseudo-random. */
static void page_of(uint64_t pfn, uint8_t *p)
{
	static const char text[] = "kdump input test page text. ";
	uint32_t x = (uint32_t)pfn * 2654435761u | 1;
	if (pfn % 5 == 0) {
		memset(p, 0, PS);
		return;
	}
	for (size_t i = 0; i < PS; i++) {
		if (pfn % 3) {
			p[i] = (uint8_t)text[(i + pfn) % (sizeof(text) - 1)];
		} else {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			p[i] = (uint8_t)x;
		}
	}
}

/* How to lay a file out. */
struct layout {
	int version;
	enum codec_kind codec;
	int dump_level;            /* 1: zero pages shared */
	bool split;
	uint64_t start, end;       /* split range */
	uint64_t ram_lo, ram_hi;   /* bitmap 1: [ram_lo, ram_hi) */
	uint64_t excl_lo, excl_hi; /* cleared from bitmap 2 */
	uint64_t lost;             /* pfn with a zero descriptor (0 = none) */
	bool vmci_outside_notes;
	const char *erase;
};

static const char vmci_text[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\n";

static bool kept(const struct layout *l, uint64_t pfn)
{
	return pfn >= l->ram_lo && pfn < l->ram_hi && !(pfn >= l->excl_lo && pfn < l->excl_hi);
}

/* The note blob: one NT_PRSTATUS note, one VMCOREINFO note. */
static size_t make_notes(uint8_t *n)
{
	size_t p = 0;
	put32(n, 5); put32(n + 4, 16); put32(n + 8, 1);
	memcpy(n + 12, "CORE", 5);
	memset(n + 20, 0xab, 16);
	p = 36;
	put32(n + p, 11); put32(n + p + 4, sizeof(vmci_text) - 1); put32(n + p + 8, 0);
	memcpy(n + p + 12, "VMCOREINFO", 11);
	memcpy(n + p + 24, vmci_text, sizeof(vmci_text) - 1);
	p += 24 + ((sizeof(vmci_text) - 1 + 3) & ~3u);
	return p;
}

/* Builds the file in memory; returns its size. */
static size_t build(const struct layout *l, uint8_t **ret)
{
	size_t cap = 64 * PS + NPFN * PS * 2;
	uint8_t *f = calloc(1, cap);
	assert_non_null(f);
	memcpy(f, "KDUMP   ", 8);
	put32(f + 8, (uint32_t)l->version);
	strcpy((char *)f + 12 + 65 * 2, "6.1.0-test");
	strcpy((char *)f + 12 + 65 * 4, "x86_64");
	put64(f + 408, 1234567);
	put32(f + 424, (uint32_t)l->codec);
	put32(f + 428, PS);
	put32(f + 432, 1);
	put32(f + 436, 2);
	put32(f + 440, NPFN);
	put32(f + 460, 1);
	uint8_t *sub = f + PS;
	put64(sub, 0x200000);
	put32(sub + 8, (uint32_t)l->dump_level);
	if (l->version >= 2 && l->split) {
		put32(sub + 12, 1);
		put64(sub + 16, l->start);
		put64(sub + 24, l->end);
	}
	uint8_t notes[256];
	size_t nsz = make_notes(notes);
	uint64_t note_off = PS + 104;
	memcpy(f + note_off, notes, nsz);
	if (l->version >= 3 && !l->vmci_outside_notes) {
		put64(sub + 32, note_off + 36 + 24);
		put64(sub + 40, sizeof(vmci_text) - 1);
	}
	if (l->version >= 4) {
		put64(sub + 48, note_off);
		put64(sub + 56, nsz);
	}
	if (l->version >= 6) {
		put64(sub + 80, l->split ? l->start : 0);
		put64(sub + 88, l->split ? l->end : 0);
		put64(sub + 96, NPFN);
	}
	uint8_t *bm1 = f + 2 * PS, *bm2 = f + 3 * PS;
	uint64_t ndesc = 0;
	for (uint64_t pfn = 0; pfn < NPFN; pfn++) {
		if (pfn >= l->ram_lo && pfn < l->ram_hi)
			bm1[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
		if (kept(l, pfn)) {
			bm2[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
			ndesc++;
		}
	}
	uint64_t desc = 4 * PS, data = desc + 24 * ndesc, pos = data;
	if (l->dump_level & 1) {
		pos += PS; /* the shared zero page */
	}
	struct codec *c = NULL;
	if (l->codec != CODEC_NONE)
		assert_null(codec_create(l->codec, PS, &c));
	uint8_t page[PS], out[2 * PS];
	uint64_t i = 0;
	uint64_t s = l->split ? l->start : 0, e = l->split ? l->end : NPFN;
	for (uint64_t pfn = 0; pfn < NPFN; pfn++) {
		if (!kept(l, pfn))
			continue;
		if (pfn < s || pfn >= e) {
			continue;
		}
		uint8_t *d = f + desc + 24 * i++;
		if (pfn == l->lost && l->lost)
			continue;
		page_of(pfn, page);
		if ((l->dump_level & 1) && pfn % 5 == 0) {
			put64(d, data);
			put32(d + 8, PS);
			continue;
		}
		size_t n = c ? codec_compress(c, page, out) : 0;
		if (n) {
			memcpy(f + pos, out, n);
			put32(d + 12, (uint32_t)l->codec);
		} else {
			memcpy(f + pos, page, PS);
			n = PS;
		}
		put64(d, pos);
		put32(d + 8, (uint32_t)n);
		pos += n;
	}
	codec_destroy(c);
	if (l->vmci_outside_notes && l->version >= 3) {
		memcpy(f + pos, vmci_text, sizeof(vmci_text) - 1);
		put64(sub + 32, pos);
		put64(sub + 40, sizeof(vmci_text) - 1);
		pos += sizeof(vmci_text) - 1;
	}
	if (l->erase && l->version >= 5) {
		size_t el = strlen(l->erase);
		memcpy(f + pos, l->erase, el);
		put64(sub + 64, pos);
		put64(sub + 72, el);
		pos += el;
	}
	*ret = f;
	return pos;
}

static void write_file(const char *path, const uint8_t *b, size_t n)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	assert_int_equal(fclose(f), 0);
}

static const char *tpath(const char *name)
{
	static char buf[4][300];
	static int k;
	char *p = buf[k++ % 4];
	snprintf(p, 300, "%s/%s", tmpdir, name);
	return p;
}

static struct mdf_error *open_n(const char *const *paths, size_t n, bool mm, struct input **in)
{
	struct input_options io = {.use_mmap = mm, .page_size = PS};
	return input_open(paths, n, &io, in);
}

/* Every page reads back as laid out; excluded and lost ones do not. */
static void check_pages(struct input *in, const struct layout *l)
{
	struct input_reader *r;
	assert_null(input_reader_create(in, &r));
	uint8_t want[PS];
	for (uint64_t pfn = 0; pfn < NPFN + 2; pfn++) {
		const uint8_t *p;
		struct mdf_error *err = input_read_page(r, pfn, &p);
		bool ok = pfn < NPFN && kept(l, pfn) && pfn != l->lost;
		if (!ok) {
			assert_non_null(err);
			assert_int_equal(err->code, MDF_ERR_NODATA);
			mdf_error_destroy(err);
			continue;
		}
		assert_null(err);
		page_of(pfn, want);
		assert_memory_equal(p, want, PS);
	}
	/* A read across two kept pages. */
	uint8_t buf[64];
	uint64_t a = 0;
	for (uint64_t pfn = 1; pfn + 1 < NPFN; pfn++)
		if (kept(l, pfn) && kept(l, pfn + 1) && pfn != l->lost && pfn + 1 != l->lost) {
			a = (pfn + 1) * PS - 32;
			break;
		}
	assert_true(a);
	assert_null(input_read_phys(r, a, buf, sizeof(buf)));
	page_of(a / PS, want);
	assert_memory_equal(buf, want + PS - 32, 32);
	page_of(a / PS + 1, want);
	assert_memory_equal(buf + 32, want, 32);
	input_reader_destroy(r);
}

static void check_facts(struct input *in, const struct layout *l)
{
	const struct input_facts *fa = input_facts(in);
	assert_string_equal(fa->format, "kdump-compressed");
	assert_int_equal(fa->e_machine, 62);
	assert_int_equal(fa->page_size, PS);
	assert_int_equal(fa->dump_level, l->dump_level);
	assert_int_equal(fa->phys_base, 0x200000);
	assert_string_equal(fa->utsname[2], "6.1.0-test");
	assert_int_equal(fa->crashtime, 1234567);
	assert_int_equal(input_max_mapnr(in), NPFN);
	const char *text;
	size_t size;
	uint64_t noff;
	const uint8_t *notes;
	uint64_t nsz;
	input_notes(in, &notes, &nsz);
	if (l->version >= 3) {
		assert_true(input_vmcoreinfo(in, &text, &size, &noff, NULL));
		assert_int_equal(size, sizeof(vmci_text) - 1);
		assert_string_equal(text, vmci_text);
		/* The writer finds the text inside the note blob. */
		assert_true(noff + size <= nsz);
		assert_memory_equal(notes + noff, vmci_text, size);
	} else {
		assert_false(input_vmcoreinfo(in, NULL, NULL, NULL, NULL));
	}
	const uint8_t *er;
	uint64_t esz;
	input_eraseinfo(in, &er, &esz);
	if (l->erase && l->version >= 5) {
		assert_int_equal(esz, strlen(l->erase));
		assert_memory_equal(er, l->erase, esz);
	} else {
		assert_int_equal(esz, 0);
	}
	/* The RAM map: bitmap 1, and bitmap 2 within it. */
	struct bitmap b1, b2;
	assert_null(bitmap_init(&b1, NPFN + 64));
	assert_null(bitmap_init(&b2, NPFN + 64));
	bitmap_reset(&b1, 0, NPFN + 8);
	bitmap_reset(&b2, 0, NPFN + 8);
	struct input_map_counts c = {0, 0};
	assert_null(input_ram_map(in, &b1, &b2, &c));
	for (uint64_t pfn = 0; pfn < NPFN + 8; pfn++) {
		assert_int_equal(bitmap_test(&b1, pfn), pfn >= l->ram_lo && pfn < l->ram_hi);
		assert_int_equal(bitmap_test(&b2, pfn), pfn < NPFN && kept(l, pfn));
	}
	assert_int_equal(c.original, l->ram_hi - l->ram_lo);
	bitmap_deinit(&b1);
	bitmap_deinit(&b2);
}

static void one(const struct layout *l, bool mm)
{
	uint8_t *b;
	size_t n = build(l, &b);
	const char *p = tpath("one.kdump");
	write_file(p, b, n);
	free(b);
	struct input *in;
	assert_null(open_n(&p, 1, mm, &in));
	check_facts(in, l);
	check_pages(in, l);
	input_destroy(in);
}

static struct layout base(int version, enum codec_kind codec)
{
	struct layout l = {version, codec, 1, false, 0, 0, 1, NPFN - 3, 40, 44, 0, false, NULL};
	return l;
}

static void test_versions_and_codecs(void **state)
{
	(void)state;
	static const enum codec_kind codecs[] = {CODEC_NONE, CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY,
						 CODEC_ZSTD};
	for (int v = 1; v <= 6; v++)
		for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
			if (!codec_available(codecs[c]))
				continue;
			struct layout l = base(v, codecs[c]);
			l.erase = "erase init_task.comm size 16\n";
			one(&l, c % 2 == 0);
		}
	/* Version 3 keeps VMCOREINFO outside any note; dump level 0 stores
	 * zero pages one by one; a lost page. */
	struct layout l = base(3, CODEC_ZLIB);
	l.vmci_outside_notes = true;
	one(&l, true);
	l = base(6, CODEC_ZLIB);
	l.dump_level = 0;
	l.lost = 12;
	one(&l, false);
}

/* Excluded pages read as zeros for the tool's own reads when the source's
 * level is 1 (only zero pages were excluded), and are missing otherwise. */
static void test_excluded_reads(void **state)
{
	(void)state;
	for (int dl = 1; dl <= 3; dl += 2) {
		struct layout l = base(6, CODEC_ZLIB);
		l.dump_level = dl;
		uint8_t *b;
		size_t n = build(&l, &b);
		const char *p = tpath("excl.kdump");
		write_file(p, b, n);
		free(b);
		struct input *in;
		assert_null(open_n(&p, 1, true, &in));
		struct input_reader *r;
		assert_null(input_reader_create(in, &r));
		uint8_t buf[16];
		memset(buf, 0x5a, sizeof(buf));
		struct mdf_error *err = input_read_phys(r, 41 * PS + 8, buf, sizeof(buf));
		if (dl == 1) {
			assert_null(err);
			for (size_t i = 0; i < sizeof(buf); i++)
				assert_int_equal(buf[i], 0);
		} else {
			assert_non_null(err);
			assert_int_equal(err->code, MDF_ERR_NODATA);
			mdf_error_destroy(err);
		}
		/* Never for a hole (bitmap 1 clear). */
		err = input_read_phys(r, 0, buf, 8);
		assert_non_null(err);
		mdf_error_destroy(err);
		input_reader_destroy(r);
		input_destroy(in);
	}
}

/* Wraps a file in a flattened stream: records of rec bytes, written in
 * reverse order, plus a bogus early copy of the header that a later record
 * overwrites (REFERENCE.md 3: later records win). */
static size_t flatten_buf(const uint8_t *b, size_t n, size_t rec, bool end_marker, uint8_t **ret)
{
	size_t cap = 4096 + (n / rec + 4) * (16 + rec) + 64 + PS;
	uint8_t *s = calloc(1, cap);
	assert_non_null(s);
	memcpy(s, "makedumpfile", 12);
	s[16 + 7] = 1;
	s[24 + 7] = 1;
	size_t pos = 4096;
	uint8_t junk[512];
	memset(junk, 0xee, sizeof(junk));
	for (int k = 0; k < 2; k++) {
		if (k == 0) {
			memset(s + pos, 0, 16);
			s[pos + 14] = 0x02; /* size 512 at offset 0 */
			memcpy(s + pos + 16, junk, sizeof(junk));
			pos += 16 + sizeof(junk);
			continue;
		}
		size_t nrec = (n + rec - 1) / rec;
		for (size_t j = nrec; j-- > 0;) {
			uint64_t off = j * rec, len = n - off < rec ? n - off : rec;
			for (int q = 0; q < 8; q++) {
				s[pos + q] = (uint8_t)(off >> (56 - 8 * q));
				s[pos + 8 + q] = (uint8_t)(len >> (56 - 8 * q));
			}
			memcpy(s + pos + 16, b + off, len);
			pos += 16 + len;
		}
	}
	if (end_marker) {
		memset(s + pos, 0xff, 16);
		pos += 16;
	}
	*ret = s;
	return pos;
}

static void test_flattened(void **state)
{
	(void)state;
	struct layout l = base(6, CODEC_LZO);
	if (!codec_available(CODEC_LZO))
		l.codec = CODEC_ZLIB;
	l.erase = "erase x size 8\n";
	uint8_t *b, *s;
	size_t n = build(&l, &b);
	/* 1000-byte records: page data and descriptors straddle records. */
	size_t sn = flatten_buf(b, n, 1000, true, &s);
	const char *p = tpath("flat.kdump");
	write_file(p, s, sn);
	struct input *in;
	for (int mm = 0; mm < 2; mm++) {
		assert_null(open_n(&p, 1, mm, &in));
		check_facts(in, &l);
		check_pages(in, &l);
		input_destroy(in);
	}
	/* The index gives the file's bytes back exactly. */
	struct ifile *f;
	assert_null(ifile_open(p, true, &f));
	bool complete;
	assert_true(ifile_is_flattened(f, &complete));
	assert_true(complete);
	assert_int_equal(ifile_size(f), n);
	uint8_t *back = malloc(n);
	assert_non_null(back);
	assert_null(ifile_pread(f, back, n, 0));
	assert_memory_equal(back, b, n);
	struct mdf_error *err = ifile_pread(f, back, 16, n - 8);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	mdf_error_destroy(err);
	free(back);
	ifile_destroy(f);
	free(s);
	/* Without the end marker the stream is still read, flagged. */
	sn = flatten_buf(b, n, 4096, false, &s);
	write_file(p, s, sn);
	assert_null(ifile_open(p, true, &f));
	assert_true(ifile_is_flattened(f, &complete));
	assert_false(complete);
	ifile_destroy(f);
	free(s);
	free(b);
}

/* Writes the members of a split of l into files; returns how many. */
static size_t write_members(const struct layout *l, const uint64_t *cuts, size_t n,
			    char names[][300])
{
	for (size_t i = 0; i < n; i++) {
		struct layout m = *l;
		m.split = true;
		m.start = i ? cuts[i - 1] : 0;
		m.end = i + 1 < n ? cuts[i] : NPFN;
		uint8_t *b;
		size_t sz = build(&m, &b);
		char nm[32];
		snprintf(nm, sizeof(nm), "m%zu.kdump", i);
		snprintf(names[i], 300, "%s", tpath(nm));
		write_file(names[i], b, sz);
		free(b);
	}
	return n;
}

static void expect_set_error(const char *const *paths, size_t n, const char *name_in_msg)
{
	struct input *in = NULL;
	struct mdf_error *err = open_n(paths, n, true, &in);
	assert_non_null(err);
	assert_null(in);
	if (!strstr(err->message, name_in_msg))
		fail_msg("'%s' does not name %s", err->message, name_in_msg);
	mdf_error_destroy(err);
}

static void test_split_sets(void **state)
{
	(void)state;
	struct layout l = base(6, CODEC_ZLIB);
	char names[4][300];
	static const uint64_t cuts[] = {16, 16, 48};
	write_members(&l, cuts, 4, names); /* member 1 is empty */
	/* Given in any order, they read as the whole dump. */
	const char *order[] = {names[2], names[0], names[3], names[1]};
	struct input *in;
	assert_null(open_n(order, 4, true, &in));
	check_pages(in, &l);
	input_destroy(in);
	/* A member missing. */
	const char *missing[] = {names[0], names[1], names[3]};
	expect_set_error(missing, 3, "missing");
	/* One member alone. */
	const char *alone[] = {names[2]};
	expect_set_error(alone, 1, names[2]);
	/* The same file twice. */
	const char *twice[] = {names[0], names[1], names[2], names[3], names[2]};
	expect_set_error(twice, 5, names[2]);
	/* A copy of a member under another name. */
	uint8_t *b;
	struct layout m = l;
	m.split = true;
	m.start = 16;
	m.end = 48;
	size_t sz = build(&m, &b);
	const char *copy = tpath("copy.kdump");
	write_file(copy, b, sz);
	const char *dup[] = {names[0], names[1], names[2], copy, names[3]};
	expect_set_error(dup, 5, "given twice");
	/* Overlapping ranges. */
	m.start = 10;
	free(b);
	sz = build(&m, &b);
	write_file(copy, b, sz);
	const char *over[] = {names[0], copy, names[3]};
	expect_set_error(over, 3, "overlaps");
	/* A member of another dump (its header differs). */
	m = l;
	m.split = true;
	m.start = 16;
	m.end = 48;
	m.codec = CODEC_NONE;
	free(b);
	sz = build(&m, &b);
	write_file(copy, b, sz);
	const char *foreign[] = {names[0], names[1], copy, names[3]};
	expect_set_error(foreign, 4, "copy.kdump");
	free(b);
}

/* A damaged file gives one error naming the file, never a crash. */
static void expect_bad(const uint8_t *b, size_t n, enum mdf_err_code code, const char *what,
		       bool at_read)
{
	const char *p = tpath("bad.kdump");
	write_file(p, b, n);
	struct input *in = NULL;
	struct mdf_error *err = open_n(&p, 1, true, &in);
	if (at_read) {
		assert_null(err);
		struct input_reader *r;
		assert_null(input_reader_create(in, &r));
		for (uint64_t pfn = 0; pfn < NPFN && !err; pfn++) {
			const uint8_t *pg;
			err = input_read_page(r, pfn, &pg);
			if (err && err->code == MDF_ERR_NODATA) {
				mdf_error_destroy(err);
				err = NULL;
			}
		}
		input_reader_destroy(r);
		input_destroy(in);
	}
	assert_non_null(err);
	if (err->code != code || !strstr(err->message, "bad.kdump") || !strstr(err->message, what))
		fail_msg("got '%s' (code %d), want %d with '%s'", err->message, err->code, code, what);
	mdf_error_destroy(err);
}

static void test_damaged(void **state)
{
	(void)state;
	struct layout l = base(6, CODEC_ZLIB);
	uint8_t *b;
	size_t n = build(&l, &b);
	uint8_t *c = malloc(n);
	assert_non_null(c);
	/* Truncated: in the header, in the bitmaps, in the page data. */
	expect_bad(b, 100, MDF_ERR_CORRUPT, "truncated", false);
	expect_bad(b, 3 * PS, MDF_ERR_CORRUPT, "truncated", false);
	expect_bad(b, n - 200, MDF_ERR_CORRUPT, "outside the page data area", true);
	/* Absurd header fields. */
	memcpy(c, b, n);
	put32(c + 428, 12345);
	expect_bad(c, n, MDF_ERR_CORRUPT, "block_size", false);
	memcpy(c, b, n);
	put32(c + 8, 9);
	expect_bad(c, n, MDF_ERR_CORRUPT, "header_version", false);
	memcpy(c, b, n);
	put64(c + PS + 96, UINT64_C(1) << 40);
	expect_bad(c, n, MDF_ERR_CORRUPT, "max_mapnr", false);
	memcpy(c, b, n);
	put32(c + 436, 0x7fffffff);
	expect_bad(c, n, MDF_ERR_CORRUPT, "bitmap", false);
	memcpy(c, b, n);
	put64(c + PS + 56, UINT64_C(1) << 50);
	expect_bad(c, n, MDF_ERR_CORRUPT, "note blob", false);
	/* Other layouts: big-endian, 32-bit. */
	memcpy(c, b, n);
	put32(c + 428, 0x00100000);
	expect_bad(c, n, MDF_ERR_NOTSUPP, "big-endian", false);
	memcpy(c, b, n);
	put32(c + 428, 0);
	put32(c + 416, PS);
	expect_bad(c, n, MDF_ERR_NOTSUPP, "32-bit", false);
	/* A descriptor pointing past the end; page data that does not
	 * decompress; a bitmap with more bits than descriptors. */
	uint64_t desc = 4 * PS;
	memcpy(c, b, n);
	put64(c + desc + 24 * 3, n + 4096);
	expect_bad(c, n, MDF_ERR_CORRUPT, "outside the page data area", true);
	memcpy(c, b, n);
	uint64_t off;
	memcpy(&off, c + desc + 24 * 3, 8);
	memset(c + off, 0x55, 8);
	expect_bad(c, n, MDF_ERR_CORRUPT, "does not decompress", true);
	memcpy(c, b, n);
	memset(c + 3 * PS, 0xff, NPFN / 8);
	expect_bad(c, n, MDF_ERR_CORRUPT, "pfn", true);
	free(c);
	free(b);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_versions_and_codecs),
		cmocka_unit_test(test_excluded_reads),
		cmocka_unit_test(test_flattened),
		cmocka_unit_test(test_split_sets),
		cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
