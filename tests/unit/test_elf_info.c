/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for elf_info.c: small ELF cores built in the test (ELF64/ELF32,
 * both byte orders, notes, holes, overlapping loads, filesz < memsz) and
 * corrupt variants of them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elf_info.h"
#include "vmcoreinfo.h"

#define PS 4096

struct tload {
	uint64_t paddr, filesz, memsz;
};

struct tcore {
	int cls;       /* ELFCLASS32 / ELFCLASS64 */
	bool be;
	bool xnum;     /* encode e_phnum as PN_XNUM with section header 0 */
	const struct tload *loads;
	size_t nloads;
	const uint8_t *notes;
	size_t notes_len;
};

/* A built image: bytes and where things are, for patching. */
struct timg {
	uint8_t *buf;
	size_t size;
	size_t phoff, phsz;
	size_t notes_off;
	size_t load_off[16];
};

/* The byte a load holds at a physical address (distinct per load, so the
 * winner of an overlap is visible). */
static uint8_t pat(size_t load, uint64_t pa)
{
	return (uint8_t)((pa * 7 + (pa >> 12)) ^ (load * 0x5b) ^ 0x11);
}

static void put(uint8_t *p, int bytes, uint64_t v, bool be)
{
	for (int i = 0; i < bytes; i++)
		p[be ? bytes - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static size_t note_put(uint8_t *p, const char *name, uint32_t type, const void *desc, uint32_t descsz, bool be)
{
	uint32_t namesz = (uint32_t)strlen(name) + 1;
	put(p, 4, namesz, be);
	put(p + 4, 4, descsz, be);
	put(p + 8, 4, type, be);
	size_t o = 12;
	memset(p + o, 0, (namesz + 3) & ~3u);
	memcpy(p + o, name, namesz);
	o += (namesz + 3) & ~3u;
	memset(p + o, 0, (descsz + 3) & ~3u);
	memcpy(p + o, desc, descsz);
	return o + ((descsz + 3) & ~3u);
}

static const char vmci_text[] = "OSRELEASE=6.1.0-test\nPAGESIZE=4096\nSYMBOL(_stext)=ffffffff9a000000\n"
				"KERNELOFFSET=19000000\n";

/* Notes as kdump writes them: 2 x CORE/NT_PRSTATUS (336 bytes), VMCOREINFO. */
static size_t std_notes(uint8_t *p, bool be)
{
	uint8_t prs[336];
	memset(prs, 0xab, sizeof(prs));
	size_t o = note_put(p, "CORE", NT_PRSTATUS, prs, sizeof(prs), be);
	o += note_put(p + o, "CORE", NT_PRSTATUS, prs, sizeof(prs), be);
	o += note_put(p + o, "VMCOREINFO_XEN", 0, "XEN=1\n", 6, be);
	o += note_put(p + o, "VMCOREINFO", 0, vmci_text, sizeof(vmci_text) - 1, be);
	memset(p + o, 0, 12); /* padding note at the end */
	return o + 12;
}

static struct timg build(const struct tcore *c)
{
	struct timg im = {0};
	bool is64 = c->cls == ELFCLASS64, be = c->be;
	size_t ehsz = is64 ? 64 : 52, phsz = is64 ? 56 : 32, shsz = is64 ? 64 : 40;
	size_t nph = 1 + c->nloads;
	im.phoff = ehsz;
	im.phsz = phsz;
	size_t off = ehsz + nph * phsz;
	size_t shoff = off;
	if (c->xnum)
		off += shsz;
	im.notes_off = off;
	off += c->notes_len;
	for (size_t i = 0; i < c->nloads; i++) {
		off = (off + 255) & ~(size_t)255; /* deliberately not page aligned */
		im.load_off[i] = off;
		off += c->loads[i].filesz;
	}
	im.size = off;
	im.buf = calloc(1, off);
	uint8_t *b = im.buf;
	memcpy(b, ELFMAG, SELFMAG);
	b[EI_CLASS] = (uint8_t)c->cls;
	b[EI_DATA] = be ? ELFDATA2MSB : ELFDATA2LSB;
	b[EI_VERSION] = EV_CURRENT;
	put(b + 16, 2, ET_CORE, be);
	put(b + 18, 2, is64 ? EM_X86_64 : EM_386, be);
	put(b + 20, 4, EV_CURRENT, be);
	size_t bo = is64 ? 32 : 28;
	put(b + bo, is64 ? 8 : 4, im.phoff, be);
	put(b + bo + (is64 ? 8 : 4), is64 ? 8 : 4, c->xnum ? shoff : 0, be);
	size_t e = is64 ? 52 : 40;
	put(b + e, 2, ehsz, be);
	put(b + e + 2, 2, phsz, be);
	put(b + e + 4, 2, c->xnum ? PN_XNUM : nph, be);
	put(b + e + 6, 2, c->xnum ? shsz : 0, be);
	put(b + e + 8, 2, c->xnum ? 1 : 0, be);
	if (c->xnum)
		put(b + shoff + (is64 ? 44 : 28), 4, nph, be);
	for (size_t i = 0; i < nph; i++) {
		uint8_t *p = b + im.phoff + i * phsz;
		uint64_t type = i == 0 ? PT_NOTE : PT_LOAD;
		uint64_t fo = i == 0 ? im.notes_off : im.load_off[i - 1];
		uint64_t pa = i == 0 ? 0 : c->loads[i - 1].paddr;
		uint64_t fs = i == 0 ? c->notes_len : c->loads[i - 1].filesz;
		uint64_t ms = i == 0 ? 0 : c->loads[i - 1].memsz;
		put(p, 4, type, be);
		if (is64) {
			put(p + 8, 8, fo, be);
			put(p + 16, 8, pa + 0xffff888000000000ull, be);
			put(p + 24, 8, pa, be);
			put(p + 32, 8, fs, be);
			put(p + 40, 8, ms, be);
		} else {
			put(p + 4, 4, fo, be);
			put(p + 8, 4, pa + 0xc0000000u, be);
			put(p + 12, 4, pa, be);
			put(p + 16, 4, fs, be);
			put(p + 20, 4, ms, be);
		}
	}
	memcpy(b + im.notes_off, c->notes, c->notes_len);
	for (size_t i = 0; i < c->nloads; i++)
		for (uint64_t k = 0; k < c->loads[i].filesz; k++)
			b[im.load_off[i] + k] = pat(i, c->loads[i].paddr + k);
	return im;
}

static char *write_tmp(const uint8_t *buf, size_t len)
{
	char *path = strdup("/tmp/test_elf_info.XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, buf, len), (ssize_t)len);
	close(fd);
	return path;
}

/* Opens an image written to a temp file; returns the error (vm on success). */
static struct mdf_error *open_img(const uint8_t *buf, size_t len, bool mm, struct vmcore **vm, char **path_ret)
{
	char *path = write_tmp(buf, len);
	struct mdf_error *err = vmcore_open(path, mm, PS, vm);
	unlink(path);
	if (path_ret)
		*path_ret = path;
	else
		free(path);
	return err;
}

/* The main layout: kernel text (load 0) duplicating part of a direct-map
 * segment (load 2), holes, a zero tail, a half-RAM page and a page made of
 * two segments. */
static const struct tload main_loads[] = {
	{0x5000, 0x3000, 0x3000},   /* 0: "kernel text", inside load 2 */
	{0x1000, 0x2000, 0x2000},   /* 1: [0x1000, 0x3000) */
	{0x4000, 0x8000, 0x8000},   /* 2: [0x4000, 0xc000) */
	{0x10000, 0x1000, 0x3000},  /* 3: filesz < memsz */
	{0x20800, 0x1000, 0x1000},  /* 4: starts mid-page */
	{0x30000, 0x800, 0x800},    /* 5: first half of page 0x30 */
	{0x30800, 0x800, 0x800},    /* 6: second half */
};

/* Expected byte at pa: which load wins (-1 hole, -2 zero tail). */
static int owner(uint64_t pa)
{
	for (size_t i = 0; i < sizeof(main_loads) / sizeof(main_loads[0]); i++) {
		const struct tload *l = &main_loads[i];
		if (pa >= l->paddr && pa < l->paddr + l->memsz)
			return pa < l->paddr + l->filesz ? (int)i : -2;
	}
	return -1;
}

static void check_page(struct vmcore_reader *r, uint64_t pfn)
{
	const uint8_t *p;
	bool any = false;
	for (uint64_t k = 0; k < PS; k++)
		any |= owner(pfn * PS + k) != -1;
	struct mdf_error *err = vmcore_read_page(r, pfn, &p);
	if (!any) {
		assert_non_null(err);
		assert_int_equal(err->code, MDF_ERR_NODATA);
		mdf_error_destroy(err);
		return;
	}
	assert_null(err);
	for (uint64_t k = 0; k < PS; k++) {
		uint64_t pa = pfn * PS + k;
		int o = owner(pa);
		uint8_t want = o >= 0 ? pat((size_t)o, pa) : 0;
		if (p[k] != want)
			fail_msg("pfn 0x%" PRIx64 " byte 0x%" PRIx64 ": got 0x%02x want 0x%02x", pfn, k, p[k], want);
	}
}

static void test_main_layout(bool be, int cls, bool mm)
{
	uint8_t notes[2048];
	size_t nl = std_notes(notes, be);
	struct tcore c = {cls, be, false, main_loads, 7, notes, nl};
	struct timg im = build(&c);
	struct vmcore *vm;
	struct mdf_error *err = open_img(im.buf, im.size, mm, &vm, NULL);
	assert_null(err);
	assert_int_equal(vm->nr_loads, 7);
	assert_int_equal(vm->elf_class, cls);
	assert_int_equal(vm->big_endian, be);
	assert_int_equal(vm->e_type, ET_CORE);
	assert_int_equal(vm->loads[3].paddr, 0x10000);
	assert_int_equal(vm->loads[3].filesz, 0x1000);
	assert_int_equal(vm->loads[3].memsz, 0x3000);
	assert_int_equal(vm->loads[3].offset, im.load_off[3]);
	assert_int_equal(vm->nr_cpus, 2);
	assert_true(vm->has_vmcoreinfo);
	assert_int_equal(vm->notes_size, nl);
	assert_int_equal(vm->notes_file_offset, im.notes_off);
	assert_memory_equal(vm->notes, notes, nl);
	/* 2 x (12 + 8 + 336) + (12 + 16 + 8) + 12 + 12 */
	assert_int_equal(vm->vmcoreinfo_offset, 2 * 356 + 36 + 24);
	assert_int_equal(vm->vmcoreinfo_size, sizeof(vmci_text) - 1);
	assert_string_equal(vm->vmcoreinfo, vmci_text);
	assert_memory_equal(vm->notes + vm->vmcoreinfo_offset, vmci_text, vm->vmcoreinfo_size);
	assert_int_equal(vm->max_mapnr, 0x31);
	/* The kernel-text load wins its overlap with the direct map. */
	assert_int_equal(vm->ranges[vmcore_find_range(vm, 0x5000)].load, 0);
	assert_int_equal(vm->ranges[vmcore_find_range(vm, 0x4fff)].load, 2);
	assert_int_equal(vm->ranges[vmcore_find_range(vm, 0x8000)].load, 2);
	assert_int_equal(vmcore_find_range(vm, 0x3000), vm->nr_ranges);
	assert_true(vmcore_pfn_is_ram(vm, 0x20));
	assert_false(vmcore_pfn_is_ram(vm, 0x3));

	struct vmcore_reader *r;
	assert_null(vmcore_reader_create(vm, &r));
	for (uint64_t pfn = 0; pfn < 0x33; pfn++)
		check_page(r, pfn);
	/* Backwards too: the last-hit cache must not return stale ranges. */
	for (uint64_t pfn = 0x33; pfn-- > 0;)
		check_page(r, pfn);
	/* vmcore_read_phys across the load 2 / load 0 boundary. */
	uint8_t buf[0x20];
	assert_null(vmcore_read_phys(r, 0x4ff0, buf, sizeof(buf)));
	for (int k = 0; k < 0x20; k++)
		assert_int_equal(buf[k], pat(k < 0x10 ? 2 : 0, 0x4ff0 + (uint64_t)k));
	err = vmcore_read_phys(r, 0x2ff0, buf, sizeof(buf));
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	mdf_error_destroy(err);
	assert_null(vmcore_read_phys(r, 0x12ff0, buf, 0x10)); /* zero tail */
	for (int k = 0; k < 0x10; k++)
		assert_int_equal(buf[k], 0);

	/* A larger page size recomputes max_mapnr; reads follow it. */
	assert_null(vmcore_set_page_size(vm, 8192));
	assert_int_equal(vm->max_mapnr, 0x19);
	const uint8_t *p;
	assert_null(vmcore_read_page(r, 0x18, &p)); /* [0x30000, 0x32000): half RAM */
	assert_int_equal(p[0x800], pat(6, 0x30800));
	assert_int_equal(p[0x1800], 0);
	err = vmcore_set_page_size(vm, 3000);
	assert_non_null(err);
	mdf_error_destroy(err);
	vmcore_reader_destroy(r);
	vmcore_destroy(vm);
	free(im.buf);
}

static void test_elf64_le_mmap(void **state)
{
	(void)state;
	test_main_layout(false, ELFCLASS64, true);
}

static void test_elf64_le_pread(void **state)
{
	(void)state;
	test_main_layout(false, ELFCLASS64, false);
}

static void test_elf64_be(void **state)
{
	(void)state;
	test_main_layout(true, ELFCLASS64, true);
}

static void test_elf32_le(void **state)
{
	(void)state;
	test_main_layout(false, ELFCLASS32, false);
}

static void test_elf32_be(void **state)
{
	(void)state;
	test_main_layout(true, ELFCLASS32, true);
}

static void test_xnum(void **state)
{
	(void)state;
	uint8_t notes[2048];
	size_t nl = std_notes(notes, false);
	struct tcore c = {ELFCLASS64, false, true, main_loads, 7, notes, nl};
	struct timg im = build(&c);
	struct vmcore *vm;
	assert_null(open_img(im.buf, im.size, true, &vm, NULL));
	assert_int_equal(vm->nr_loads, 7);
	assert_int_equal(vm->nr_cpus, 2);
	vmcore_destroy(vm);
	free(im.buf);
}

/* Builds the main image, lets patch() damage it, and checks the error. */
static void expect_corrupt(struct timg *im, size_t len, const char *needle, uint64_t off)
{
	struct vmcore *vm = NULL;
	char *path;
	struct mdf_error *err = open_img(im->buf, len, true, &vm, &path);
	assert_null(vm);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	if (!strstr(err->message, needle) || !strstr(err->message, path))
		fail_msg("message '%s' lacks '%s' or the path", err->message, needle);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, off);
	mdf_error_destroy(err);
	free(path);
}

static struct timg main_img(void)
{
	static uint8_t notes[2048];
	size_t nl = std_notes(notes, false);
	struct tcore c = {ELFCLASS64, false, false, main_loads, 7, notes, nl};
	return build(&c);
}

static void test_bad_inputs(void **state)
{
	(void)state;
	struct timg im = main_img();
	expect_corrupt(&im, 0, "empty file", 0);
	expect_corrupt(&im, 30, "truncated ELF header", 30);
	im.buf[1] = 'X';
	expect_corrupt(&im, im.size, "not an ELF file", 0);
	im.buf[1] = 'E';
	put(im.buf + 16, 2, ET_EXEC, false);
	expect_corrupt(&im, im.size, "not ET_CORE", 16);
	put(im.buf + 16, 2, ET_CORE, false);
	/* Program headers cut off by the end of the file. */
	expect_corrupt(&im, 64 + 56 * 3, "past the end of the file", 64);
	free(im.buf);

	/* PT_LOAD data past EOF: program header 2 (load 1), the message of the brief. */
	im = main_img();
	size_t ph2 = im.phoff + 2 * im.phsz;
	put(im.buf + ph2 + 32, 8, im.size, false);
	put(im.buf + ph2 + 40, 8, im.size, false);
	char needle[128];
	snprintf(needle, sizeof(needle), "program header 2 at offset 0x%zx: PT_LOAD data [0x%zx, 0x%zx) is past the end",
		 ph2, im.load_off[1], im.load_off[1] + im.size);
	expect_corrupt(&im, im.size, needle, ph2);
	free(im.buf);

	/* filesz > memsz. */
	im = main_img();
	put(im.buf + ph2 + 40, 8, 0x10, false);
	expect_corrupt(&im, im.size, "larger than p_memsz", ph2);
	free(im.buf);

	/* Absurd physical range (wraps / beyond 2^52). */
	im = main_img();
	put(im.buf + ph2 + 24, 8, 0xfffffffffffff000ull, false);
	expect_corrupt(&im, im.size, "absurd PT_LOAD physical range", ph2);
	free(im.buf);

	/* A note whose descsz runs past its segment: the second PRSTATUS. */
	im = main_img();
	put(im.buf + im.notes_off + 356 + 4, 4, 0x100000, false);
	expect_corrupt(&im, im.size, "runs past the end of its PT_NOTE segment", im.notes_off + 356);
	free(im.buf);

	/* PT_NOTE data past EOF. */
	im = main_img();
	put(im.buf + im.phoff + 32, 8, 0x7fffffff, false);
	expect_corrupt(&im, im.size, "PT_NOTE data", im.phoff);
	free(im.buf);

	/* No PT_LOAD at all. */
	uint8_t notes[2048];
	size_t nl = std_notes(notes, false);
	struct tcore c = {ELFCLASS64, false, false, main_loads, 0, notes, nl};
	im = build(&c);
	expect_corrupt(&im, im.size, "no PT_LOAD", 64);
	free(im.buf);

	/* Wrong e_phentsize. */
	im = main_img();
	put(im.buf + 54, 2, 40, false);
	expect_corrupt(&im, im.size, "e_phentsize", 54);
	free(im.buf);
}

/* The shared real dump (REFERENCE.md 7.1 "Input layout", vmcores/README.md). */
static void test_real_vmcore(void **state)
{
	(void)state;
	const char *path = "/tmp/vmcore-6.1-small.elf";
	struct stat st;
	if (stat(path, &st) != 0 || st.st_size != 423276544)
		skip();
	struct vmcore *vm;
	assert_null(vmcore_open(path, true, PS, &vm));
	static const struct tload want[] = {
		{0x09e00000, 0x3430000, 0x3430000},
		{0x1000, 0x9ec00, 0x9ec00},
		{0x100000, 0x14f00000, 0x14f00000},
		{0x1f000000, 0xfda000, 0xfda000},
	};
	assert_int_equal(vm->nr_loads, 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(vm->loads[i].paddr, want[i].paddr);
		assert_int_equal(vm->loads[i].filesz, want[i].filesz);
		assert_int_equal(vm->loads[i].memsz, want[i].memsz);
	}
	assert_int_equal(vm->loads[0].vaddr, 0xffffffff9a000000ull);
	assert_int_equal(vm->nr_cpus, 2);
	assert_int_equal(vm->max_mapnr, 131034);
	assert_true(vm->has_vmcoreinfo);
	struct kfacts kf;
	kfacts_init(&kf);
	assert_null(vmcoreinfo_parse(vm->vmcoreinfo, vm->vmcoreinfo_size, "note", &kf));
	assert_string_equal(kf.osrelease, "6.1.0-56-amd64");
	assert_true(kf.have_kerneloffset);
	assert_int_equal(kf.kerneloffset, 0x19000000);
	assert_int_equal(kf.page_size, 4096);
	assert_true(kf_have(&kf, KF_SYMBOL_init_top_pgt));

	/* The kernel image is in the file twice; the text segment wins. Both
	 * paths give the same bytes. */
	struct vmcore_reader *r1, *r2;
	struct vmcore *vm2;
	assert_null(vmcore_open(path, false, PS, &vm2));
	assert_null(vmcore_reader_create(vm, &r1));
	assert_null(vmcore_reader_create(vm2, &r2));
	uint64_t pfns[] = {1, 0x9f, 0x100, 0x9e00, 0xd22f, 0xd230, 0x14fff, 0x1f000, 0x1ffd9};
	for (size_t i = 0; i < sizeof(pfns) / sizeof(pfns[0]); i++) {
		const uint8_t *a, *b;
		assert_null(vmcore_read_page(r1, pfns[i], &a));
		uint8_t copy[PS];
		memcpy(copy, a, PS);
		assert_null(vmcore_read_page(r2, pfns[i], &b));
		assert_memory_equal(copy, b, PS);
	}
	const uint8_t *p;
	struct mdf_error *err = vmcore_read_page(r1, 0x15000, &p); /* crashkernel hole */
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	mdf_error_destroy(err);
	vmcore_reader_destroy(r1);
	vmcore_reader_destroy(r2);
	vmcore_destroy(vm2);
	vmcore_destroy(vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_elf64_le_mmap),
		cmocka_unit_test(test_elf64_le_pread),
		cmocka_unit_test(test_elf64_be),
		cmocka_unit_test(test_elf32_le),
		cmocka_unit_test(test_elf32_be),
		cmocka_unit_test(test_xnum),
		cmocka_unit_test(test_bad_inputs),
		cmocka_unit_test(test_real_vmcore),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
