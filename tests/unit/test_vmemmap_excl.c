/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -e on a fake x86_64 memory (REFERENCE.md 6.8): a vmemmap whose first
 * 2 MiB block is a PMD leaf backed at pfn 0x200 and whose second block is
 * mapped by an empty PTE table (never touched). Bitmaps in a work-dir
 * store; checks exactly which backing pfns leave bitmap 2. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmemmap_excl.h"

#define MEM_SIZE (1u << 20)
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define VMEMMAP 0xffffea0000000000ULL
#define BACKING_PFN 0x200ULL /* pa 0x200000: 2 MiB leaf */
#define NPFN 0x10000ULL      /* 64 Ki pfns: 4 MiB of struct pages = 2 blocks */

static char dir[] = "/tmp/test_vmemmap_excl_XXXXXX";

struct ctx {
	uint8_t *mem;
	struct kfacts kf;
	struct kmem *km;
	struct memmap mm;
	struct memmap_range range;
	struct bitmap_store *st;
};

#include "unit/fake_phys.h"

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	struct ctx *c = calloc(1, sizeof(*c));
	c->mem = calloc(1, MEM_SIZE);
	/* PGD at 0x1000 -> PUD 0x2000 -> PMD 0x3000: entry 0 a 2 MiB leaf,
	 * entry 1 a PTE table with nothing present */
	put64(c, 0x1000 + ((VMEMMAP >> 39) & 511) * 8, 0x2000 | 0x63);
	put64(c, 0x2000 + ((VMEMMAP >> 30) & 511) * 8, 0x3000 | 0x63);
	put64(c, 0x3000, (BACKING_PFN << 12) | 0xe3);
	put64(c, 0x3008, 0x4000 | 0x63);
	kfacts_init(&c->kf);
	c->kf.page_size = 4096;
	kf_set(&c->kf, KF_NUMBER_phys_base, 0);
	kf_set(&c->kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000);
	assert_null(fake_kmem(c));
	c->range.start_pfn = 0;
	c->range.end_pfn = NPFN - 0x26; /* like a real last section: a ragged end */
	c->range.mem_map = VMEMMAP;
	c->mm.model = MEMMAP_SPARSEMEM_EXTREME;
	c->mm.page_struct_size = 64;
	c->mm.ranges = &c->range;
	c->mm.nr_ranges = 1;
	c->mm.max_pfn = c->range.end_pfn;
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	char cmd[100];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Pass-1 bitmaps: RAM everywhere but a hole; everything kept except the
 * excluded runs below. */
static void fill_store(struct ctx *c, uint64_t max)
{
	struct bitmap b1, b2;
	assert_null(bitmap_init(&b1, 0x4000));
	assert_null(bitmap_init(&b2, 0x4000));
	for (uint64_t s = 0; s < max; s += 0x4000) {
		uint64_t e = s + 0x4000 < max ? s + 0x4000 : max;
		bitmap_reset(&b1, s, e);
		bitmap_reset(&b2, s, e);
		bitmap_set_range(&b1, s, e);
		bitmap_clear_range(&b1, 0x5000, 0x5100);   /* hole */
		bitmap_set_range(&b2, s, e);
		bitmap_clear_range(&b2, 0x1000, 0x1080);   /* 2 words: pages 0x40, 0x41 */
		bitmap_clear_range(&b2, 0x2000, 0x2040);   /* 1 word alone (page 0x80): kept */
		bitmap_clear_range(&b2, 0x3000, 0x3100);   /* 4 words but pfn 0x3050 kept: */
		bitmap_set_range(&b2, 0x3050, 0x3051);     /* only pages 0xc2, 0xc3 go */
		/* a hole in the middle: page 0x13f stands alone, 0x144-0x147 go */
		bitmap_clear_range(&b2, 0x4fc0, 0x5200);
		bitmap_clear_range(&b2, 0x8000, 0x9000);   /* second block: no leaf, kept */
		bitmap_clear_range(&b2, 0x7f80, 0x8000);   /* 2 words at the end of block 1 */
		bitmap_clear_range(&b2, BACKING_PFN + 0x41, BACKING_PFN + 0x42); /* already gone */
		bitmap_clear_range(&b2, NPFN - 0x80, NPFN); /* past the ragged end */
		assert_null(bitmap_store_put(c->st, BITMAP_STORE_RAM, &b1));
		assert_null(bitmap_store_put(c->st, BITMAP_STORE_DUMPABLE, &b2));
	}
	bitmap_deinit(&b1);
	bitmap_deinit(&b2);
}

static void check(struct ctx *c, uint64_t chunk)
{
	assert_null(bitmap_store_create(dir, NPFN, &c->st));
	fill_store(c, NPFN);
	uint64_t n = 99;
	assert_null(vmemmap_exclude_kmem(c->km, &c->mm, c->st, NPFN, chunk, NULL, &n));
	/* backing page i holds the struct pages of pfns [64 i, 64 i + 64) */
	static const uint64_t gone[] = { 0x40, 0xc2, 0xc3, 0x144, 0x145, 0x146, 0x147,
					 0x1fe, 0x1ff };
	/* 0x41 was already excluded: not counted */
	assert_int_equal(n, sizeof(gone) / sizeof(gone[0]));
	struct bitmap b2;
	assert_null(bitmap_init(&b2, NPFN));
	assert_null(bitmap_store_get(c->st, BITMAP_STORE_DUMPABLE, &b2, 0, NPFN));
	for (uint64_t i = 0; i < 0x400; i++) {
		bool expect_gone = i == 0x41;
		for (size_t k = 0; k < sizeof(gone) / sizeof(gone[0]); k++)
			expect_gone |= gone[k] == i;
		assert_int_equal(bitmap_test(&b2, BACKING_PFN + i), !expect_gone);
	}
	/* the excluded pfns themselves are untouched */
	assert_false(bitmap_test(&b2, 0x1000));
	assert_true(bitmap_test(&b2, 0x3050));
	bitmap_deinit(&b2);
	/* bitmap 1 is never changed */
	struct bitmap b1;
	assert_null(bitmap_init(&b1, NPFN));
	assert_null(bitmap_store_get(c->st, BITMAP_STORE_RAM, &b1, 0, NPFN));
	assert_int_equal(bitmap_count(&b1, 0, NPFN), NPFN - 0x100);
	bitmap_deinit(&b1);
	bitmap_store_destroy(c->st);
	c->st = NULL;
}

static void test_exclude(void **state)
{
	struct ctx *c = *state;
	check(c, NPFN);    /* one window */
	check(c, 0x1000);  /* windows smaller than the runs */
}

static void test_bad_struct_size(void **state)
{
	struct ctx *c = *state;
	assert_null(bitmap_store_create(dir, NPFN, &c->st));
	struct memmap mm = c->mm;
	mm.page_struct_size = 8192; /* larger than a page: refused */
	uint64_t n;
	struct mdf_error *err = vmemmap_exclude_kmem(c->km, &mm, c->st, NPFN, NPFN, NULL, &n);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOTSUPP);
	mdf_error_destroy(err);
	bitmap_store_destroy(c->st);
	c->st = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exclude),
		cmocka_unit_test(test_bad_struct_size),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
