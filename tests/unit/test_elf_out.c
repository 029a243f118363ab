/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for elf_out.c (REFERENCE.md 4): a synthetic ELF core is written
 * to a temp file, opened with the real vmcore reader and written as ELF
 * through a real file sink. The page filter is a fake (this file defines
 * filter_build_cycle and filter_build_cycle_nr) so that tests can exclude
 * pfn ranges by bitmap 2.
 * Expected segment values were measured with makedumpfile 1.7.2 -E -d 1 on
 * the same input (byte-identical output, see the elf_out report). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dump.h"
#include "elf_out.h"
#include "sink.h"

#define PS 4096u

/* The fake filter: RAM = the PT_LOADs, bitmap 2 minus [excl_start, excl_end). */
struct page_filter {
	struct input *in;
	uint64_t excl_start, excl_end;
	int builds;
};

struct mdf_error *filter_build_cycle(struct page_filter *f, struct bitmap *bm1,
				     struct bitmap *bm2, struct dump_stats *stats)
{
	f->builds++;
	const struct vmcore_load *loads;
	size_t nr;
	input_segments(f->in, &loads, &nr);
	for (size_t i = 0; i < nr; i++) {
		const struct vmcore_load *l = &loads[i];
		uint64_t s = l->paddr / PS, e = (l->paddr + l->memsz + PS - 1) / PS;
		bitmap_set_range(bm1, s, e);
		bitmap_set_range(bm2, s, e);
	}
	bitmap_clear_range(bm2, f->excl_start, f->excl_end);
	if (stats)
		stats->dumpable += bitmap_count(bm2, bm2->start_pfn, bm2->end_pfn);
	return NULL;
}

/* The writer asks for cycles by number; the fake covers the same range
 * rule as filter.c (the last cycle ends at the vmcore's max_mapnr). */
struct mdf_error *filter_build_cycle_nr(struct page_filter *f, uint64_t cycle,
					uint64_t cycle_pfns, struct bitmap *bm1,
					struct bitmap *bm2, struct dump_stats *stats)
{
	uint64_t start = cycle * cycle_pfns, end = start + cycle_pfns;
	if (end > input_max_mapnr(f->in))
		end = input_max_mapnr(f->in);
	bitmap_reset(bm1, start, end);
	bitmap_reset(bm2, start, end);
	return filter_build_cycle(f, bm1, bm2, stats);
}

/* A segment of the synthetic core: pattern is runs like "2d300z3d". */
struct tseg {
	uint64_t paddr;
	const char *pattern;
};

struct tcore {
	char path[64];
	uint8_t *mem;      /* physical image of [0, mem_size) */
	uint64_t mem_size;
};

static void fill_page(uint8_t *p, uint64_t pfn)
{
	for (unsigned int j = 0; j < PS; j++)
		p[j] = (uint8_t)((pfn * 7 + j / 64) | 1);
}

static uint64_t pattern_pages(const char *pat)
{
	uint64_t n = 0;
	while (*pat) {
		char *end;
		n += strtoull(pat, &end, 10);
		pat = end + 1;
	}
	return n;
}

static void put(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Writes an ELF64 (or ELF32) x86 core with one NT_PRSTATUS note. */
static void make_core(struct tcore *c, const struct tseg *segs, size_t n, bool is64)
{
	snprintf(c->path, sizeof(c->path), "/tmp/test_elf_out_in.XXXXXX");
	int fd = mkstemp(c->path);
	assert_true(fd >= 0);
	c->mem_size = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t e = segs[i].paddr + pattern_pages(segs[i].pattern) * PS;
		if (e > c->mem_size)
			c->mem_size = e;
	}
	c->mem = calloc(1, c->mem_size);
	assert_non_null(c->mem);
	size_t ehs = is64 ? 64 : 52, phs = is64 ? 56 : 32, desc = is64 ? 336 : 144;
	size_t note_size = 12 + 8 + desc;
	uint64_t note_off = ehs + phs * (n + 1);
	uint64_t data_off = (note_off + note_size + PS - 1) / PS * PS;
	uint8_t hdr[PS * 2] = { 0 };
	memcpy(hdr, ELFMAG, SELFMAG);
	hdr[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	hdr[EI_DATA] = ELFDATA2LSB;
	hdr[EI_VERSION] = EV_CURRENT;
	put(hdr + 16, ET_CORE, 2);
	put(hdr + 18, is64 ? EM_X86_64 : EM_386, 2);
	put(hdr + 20, EV_CURRENT, 4);
	if (is64) {
		put(hdr + 32, ehs, 8);
		put(hdr + 52, ehs, 2);
		put(hdr + 54, phs, 2);
		put(hdr + 56, n + 1, 2);
	} else {
		put(hdr + 28, ehs, 4);
		put(hdr + 40, ehs, 2);
		put(hdr + 42, phs, 2);
		put(hdr + 44, n + 1, 2);
	}
	uint8_t *note = hdr + note_off;
	put(note, 5, 4);
	put(note + 4, desc, 4);
	put(note + 8, NT_PRSTATUS, 4);
	memcpy(note + 12, "CORE", 5);
	uint64_t off = data_off;
	for (size_t i = 0; i <= n; i++) {
		uint8_t *ph = hdr + ehs + i * phs;
		uint64_t type = i ? PT_LOAD : PT_NOTE;
		uint64_t pa = i ? segs[i - 1].paddr : 0, va = i ? 0xffff888000000000 + pa : 0;
		uint64_t sz = i ? pattern_pages(segs[i - 1].pattern) * PS : note_size;
		uint64_t fo = i ? off : note_off;
		if (is64) {
			put(ph, type, 4);
			put(ph + 4, i ? 7 : 0, 4);
			put(ph + 8, fo, 8);
			put(ph + 16, va, 8);
			put(ph + 24, pa, 8);
			put(ph + 32, sz, 8);
			put(ph + 40, sz, 8);
		} else {
			put(ph, type, 4);
			put(ph + 4, fo, 4);
			put(ph + 8, va, 4);
			put(ph + 12, pa, 4);
			put(ph + 16, sz, 4);
			put(ph + 20, sz, 4);
			put(ph + 24, i ? 7 : 0, 4);
		}
		if (i)
			off += sz;
	}
	assert_true(data_off <= sizeof(hdr));
	assert_int_equal(pwrite(fd, hdr, data_off, 0), (ssize_t)data_off);
	off = data_off;
	for (size_t i = 0; i < n; i++) {
		const char *p = segs[i].pattern;
		uint64_t pfn = segs[i].paddr / PS;
		while (*p) {
			char *end;
			uint64_t k = strtoull(p, &end, 10);
			for (uint64_t j = 0; j < k; j++, pfn++) {
				uint8_t *pg = c->mem + pfn * PS;
				if (*end == 'd')
					fill_page(pg, pfn);
				assert_int_equal(pwrite(fd, pg, PS, (off_t)off), PS);
				off += PS;
			}
			p = end + 1;
		}
	}
	close(fd);
}

static void free_core(struct tcore *c)
{
	unlink(c->path);
	free(c->mem);
}

struct tout {
	char path[64];
	uint8_t *buf;
	size_t size;
	struct dump_stats stats;
	struct page_filter filt;
};

/* Runs elf_write over core c and reads the output back. */
static struct mdf_error *run_writer(const struct tcore *c, struct tout *o, int dl,
				    uint64_t pfn_cyclic, uint64_t limit,
				    volatile sig_atomic_t *intr, uint64_t excl_start,
				    uint64_t excl_end)
{
	struct input *in;
	const char *path = c->path;
	struct input_options io = {.use_mmap = true, .page_size = PS};
	struct mdf_error *err = input_open(&path, 1, &io, &in);
	assert_null(err);
	memset(o, 0, sizeof(*o));
	o->filt.in = in;
	o->filt.excl_start = excl_start;
	o->filt.excl_end = excl_end;
	struct dump_source src = {
		.in = in, .page_size = PS, .max_mapnr = input_max_mapnr(in), .dump_level = dl,
		.filter = &o->filt, .pfn_cyclic = pfn_cyclic, .interrupted = intr,
	};
	snprintf(o->path, sizeof(o->path), "/tmp/test_elf_out_out.%d", (int)getpid());
	unlink(o->path);
	struct sink *s;
	assert_null(sink_open_file(o->path, false, limit, &s));
	err = elf_write(&src, s, &o->stats);
	sink_destroy(s, false);
	input_destroy(in);
	FILE *f = fopen(o->path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	o->size = (size_t)ftell(f);
	rewind(f);
	o->buf = malloc(o->size + 1);
	assert_non_null(o->buf);
	assert_int_equal(fread(o->buf, 1, o->size, f), o->size);
	fclose(f);
	unlink(o->path);
	return err;
}

static uint64_t get(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int i = n - 1; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

struct ophdr {
	uint32_t type;
	uint64_t offset, vaddr, paddr, filesz, memsz;
};

static struct ophdr phdr64(const struct tout *o, int i)
{
	const uint8_t *p = o->buf + get(o->buf + 32, 8) + (size_t)i * 56;
	return (struct ophdr){ (uint32_t)get(p, 4), get(p + 8, 8), get(p + 16, 8),
			       get(p + 24, 8), get(p + 32, 8), get(p + 40, 8) };
}

/* Every PT_LOAD's file data equals the source memory at its p_paddr. */
static void check_data(const struct tcore *c, const struct tout *o, int phnum)
{
	for (int i = 1; i < phnum; i++) {
		struct ophdr ph = phdr64(o, i);
		assert_int_equal(ph.type, PT_LOAD);
		if (!ph.filesz)
			continue;
		assert_true(ph.offset + ph.filesz <= o->size);
		assert_memory_equal(o->buf + ph.offset, c->mem + ph.paddr, ph.filesz);
	}
}

static const struct tseg mixed[] = {
	{ 0x0, "16d" },
	{ 0x100000, "2d300z3d7z5d260z" },
	{ 0x400000, "280z4d1z" },
	{ 0x600000, "10z" },
};

/* The segment table makedumpfile 1.7.2 -E -d 1 writes for `mixed`. */
static void test_mixed_dl1(void **state)
{
	(void)state;
	struct tcore c;
	struct tout o;
	make_core(&c, mixed, 4, true);
	assert_null(run_writer(&c, &o, 1, 0, 0, NULL, 0, 0));
	assert_int_equal(get(o.buf + 56, 2), 7);               /* e_phnum */
	assert_int_equal(get(o.buf + 48, 4), 0);               /* e_flags */
	static const struct ophdr want[] = {
		{ PT_NOTE, 0x1c8, 0, 0, 0x164, 0x164 },
		{ PT_LOAD, 0x32c, 0xffff888000000000, 0x0, 0x10000, 0x10000 },
		{ PT_LOAD, 0x1032c, 0xffff888000100000, 0x100000, 0x2000, 0x12e000 },
		{ PT_LOAD, 0x1232c, 0xffff88800022e000, 0x22e000, 0xf000, 0x113000 },
		{ PT_LOAD, 0, 0xffff888000400000, 0x400000, 0, 0x118000 },
		{ PT_LOAD, 0x2132c, 0xffff888000518000, 0x518000, 0x4000, 0x5000 },
		{ PT_LOAD, 0x2532c, 0xffff888000600000, 0x600000, 0, 0xa000 },
	};
	for (int i = 0; i < 7; i++) {
		struct ophdr ph = phdr64(&o, i);
		assert_int_equal(ph.type, want[i].type);
		assert_int_equal(ph.offset, want[i].offset);
		assert_int_equal(ph.vaddr, want[i].vaddr);
		assert_int_equal(ph.paddr, want[i].paddr);
		assert_int_equal(ph.filesz, want[i].filesz);
		assert_int_equal(ph.memsz, want[i].memsz);
	}
	assert_int_equal(o.size, 152364);
	assert_int_equal(o.stats.write_bytes, 152364);
	assert_int_equal(o.stats.zero, 858);
	/* The note blob is the input's, verbatim (NT_PRSTATUS, "CORE"). */
	assert_int_equal(get(o.buf + 0x1c8 + 8, 4), NT_PRSTATUS);
	assert_memory_equal(o.buf + 0x1c8 + 12, "CORE", 5);
	check_data(&c, &o, 7);
	free(o.buf);

	/* Many small cycles: the same bytes. */
	struct tout o2;
	assert_null(run_writer(&c, &o2, 1, 64, 0, NULL, 0, 0));
	assert_int_equal(o2.size, 152364);
	assert_true(o2.filt.builds > 1);
	free(o2.buf);
	free_core(&c);
}

/* Dump level 0: nothing is split, every page is data. */
static void test_mixed_dl0(void **state)
{
	(void)state;
	struct tcore c;
	struct tout o;
	make_core(&c, mixed, 4, true);
	assert_null(run_writer(&c, &o, 0, 0, 0, NULL, 0, 0));
	assert_int_equal(get(o.buf + 56, 2), 5);
	struct ophdr ph = phdr64(&o, 2);
	assert_int_equal(ph.filesz, 577 * PS);
	assert_int_equal(ph.memsz, 577 * PS);
	assert_int_equal(o.stats.zero, 0);
	check_data(&c, &o, 5);
	free(o.buf);
	free_core(&c);
}

/* Bitmap-2 exclusion: exactly 256 excluded pages split, 255 do not. */
static void test_bitmap_exclusion(void **state)
{
	(void)state;
	static const struct tseg segs[] = { { 0x0, "600d" } };
	struct tcore c;
	make_core(&c, segs, 1, true);
	struct tout o;
	assert_null(run_writer(&c, &o, 0, 0, 0, NULL, 10, 266));
	assert_int_equal(get(o.buf + 56, 2), 3);
	struct ophdr a = phdr64(&o, 1), b = phdr64(&o, 2);
	assert_int_equal(a.filesz, 10 * PS);
	assert_int_equal(a.memsz, 266 * PS);
	assert_int_equal(b.paddr, 266 * PS);
	assert_int_equal(b.vaddr, 0xffff888000000000 + 266 * PS);
	assert_int_equal(b.filesz, 334 * PS);
	assert_int_equal(b.offset, a.offset + a.filesz);
	check_data(&c, &o, 3);
	free(o.buf);
	free_core(&c);
}

/* ELF32 in, ELF32 out. */
static void test_elf32(void **state)
{
	(void)state;
	static const struct tseg segs[] = { { 0x0, "4d" }, { 0x100000, "2d300z3d" } };
	struct tcore c;
	struct tout o;
	make_core(&c, segs, 2, false);
	assert_null(run_writer(&c, &o, 1, 0, 0, NULL, 0, 0));
	assert_int_equal(o.buf[EI_CLASS], ELFCLASS32);
	assert_int_equal(get(o.buf + 18, 2), EM_386);
	assert_int_equal(get(o.buf + 44, 2), 4); /* e_phnum: note + 3 loads */
	const uint8_t *ph = o.buf + 52 + 2 * 32;
	assert_int_equal(get(ph, 4), PT_LOAD);
	assert_int_equal(get(ph + 12, 4), 0x100000); /* p_paddr */
	assert_int_equal(get(ph + 16, 4), 2 * PS);   /* p_filesz */
	assert_int_equal(get(ph + 20, 4), 302 * PS); /* p_memsz */
	free(o.buf);
	free_core(&c);
}

/* -L: NOSPC, and the ELF header says incomplete. */
static void test_size_limit(void **state)
{
	(void)state;
	struct tcore c;
	struct tout o;
	make_core(&c, mixed, 4, true);
	struct mdf_error *err = run_writer(&c, &o, 1, 0, 60000, NULL, 0, 0);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	mdf_error_destroy(err);
	assert_int_equal(o.size, 60000);
	assert_int_equal(get(o.buf + 48, 4) & 1, 1);
	/* Segments not started are PT_NULL; the first one is intact. */
	assert_int_equal(phdr64(&o, 1).type, PT_LOAD);
	assert_int_equal(phdr64(&o, 3).type, PT_NULL);
	free(o.buf);
	free_core(&c);
}

static void test_interrupted(void **state)
{
	(void)state;
	struct tcore c;
	struct tout o;
	make_core(&c, mixed, 4, true);
	volatile sig_atomic_t intr = 1;
	struct mdf_error *err = run_writer(&c, &o, 1, 0, 0, &intr, 0, 0);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_INTR);
	mdf_error_destroy(err);
	free(o.buf);
	free_core(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_dl1),
		cmocka_unit_test(test_mixed_dl0),
		cmocka_unit_test(test_bitmap_exclusion),
		cmocka_unit_test(test_elf32),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_interrupted),
	};
	return cmocka_run_group_tests(tests, 0, NULL);
}
