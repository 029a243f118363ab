/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem_section / mem_map decoding on a fake memory (REFERENCE.md 6.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "memmap.h"

#define MEM_SIZE (4u << 20)
#define PO 0xffff888000000000ULL
#define VMEMMAP 0xffffea0000000000ULL
#define START_KERNEL_MAP 0xffffffff80000000ULL

struct ctx {
	uint8_t *mem;
	struct kfacts kf;
	struct kmem *km;
};

#include "unit/fake_phys.h"

/* Direct map: PO -> pa 0 as one 1 GiB leaf; root table at 0x1000. */
static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->mem = calloc(1, MEM_SIZE);
	put64(c, 0x1000 + ((PO >> 39) & 511) * 8, 0x2000 | 0x63);
	put64(c, 0x2000 + ((PO >> 30) & 511) * 8, 0x0 | 0xe3);
	kfacts_init(&c->kf);
	kf_set(&c->kf, KF_NUMBER_phys_base, 0);
	kf_set(&c->kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000);
	kf_set(&c->kf, KF_SIZE_page, 64);
	kf_set(&c->kf, KF_SIZE_mem_section, 32);
	kf_set(&c->kf, KF_OFFSET_mem_section_section_mem_map, 0);
	kf_set(&c->kf, KF_NUMBER_SECTION_SIZE_BITS, 27);
	kf_set(&c->kf, KF_NUMBER_MAX_PHYSMEM_BITS, 46);
	assert_null(fake_kmem(c));
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

/* EXTREME: root array at pa 0x10000, one root page at 0x11000; sections
 * 0, 1 and 3 present (vmemmap encoding: every section stores the base). */
static void extreme_layout(struct ctx *c)
{
	kf_set(&c->kf, KF_LENGTH_mem_section, 4096); /* 2^19 sections / 128 per root */
	put64(c, 0x10000, PO + 0x11000);
	put64(c, 0x11000 + 0 * 32, VMEMMAP | 0xf);
	put64(c, 0x11000 + 1 * 32, VMEMMAP | 0x1f); /* TAINT_ZONE_DEVICE too */
	put64(c, 0x11000 + 2 * 32, 0);
	put64(c, 0x11000 + 3 * 32, VMEMMAP | 0x2f); /* VMEMMAP_PREINIT (bit 5) */
}

static void test_extreme(void **state)
{
	struct ctx *c = *state;
	extreme_layout(c);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x10000);
	struct memmap *mm;
	assert_null(memmap_create(c->km, &c->kf, 4 * 32768 - 100, NULL, &mm));
	assert_int_equal(mm->model, MEMMAP_SPARSEMEM_EXTREME);
	assert_int_equal(mm->nr_ranges, 2);
	assert_int_equal(mm->ranges[0].start_pfn, 0);
	assert_int_equal(mm->ranges[0].end_pfn, 65536);
	assert_int_equal(mm->ranges[0].mem_map, VMEMMAP);
	assert_int_equal(mm->ranges[1].start_pfn, 3 * 32768);
	assert_int_equal(mm->ranges[1].end_pfn, 4 * 32768 - 100);
	assert_int_equal(mm->ranges[1].mem_map, VMEMMAP + 3 * 32768ULL * 64);
	assert_int_equal(mm->max_pfn, 4 * 32768 - 100);
	assert_non_null(memmap_find(mm, 70000 + 30000));
	assert_null(memmap_find(mm, 70000));
	assert_ptr_equal(memmap_find(mm, 5), &mm->ranges[0]);
	memmap_destroy(mm);
}

/* DWARF meaning: SYMBOL(mem_section) is the address of the pointer. */
static void test_extreme_pointer_variable(void **state)
{
	struct ctx *c = *state;
	extreme_layout(c);
	put64(c, 0x20000, PO + 0x10000);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x20000);
	struct memmap *mm;
	assert_null(memmap_create(c->km, &c->kf, 2 * 32768, NULL, &mm));
	assert_int_equal(mm->nr_ranges, 1);
	assert_int_equal(mm->ranges[0].mem_map, VMEMMAP);
	memmap_destroy(mm);
}

/* Not EXTREME: a flat array of struct mem_section; per-section arrays. */
static void test_flat_sections(void **state)
{
	struct ctx *c = *state;
	kf_set(&c->kf, KF_LENGTH_mem_section, 1 << 19);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x30000);
	/* section 0's array at PO + 0x100000, section 1's at PO + 0x380000 (not
	 * adjacent, so two ranges) */
	put64(c, 0x30000, (PO + 0x100000) | 3);
	put64(c, 0x30000 + 32, (PO + 0x380000 - 32768ULL * 64) | 3);
	struct memmap *mm;
	assert_null(memmap_create(c->km, &c->kf, 2 * 32768, NULL, &mm));
	assert_int_equal(mm->model, MEMMAP_SPARSEMEM);
	assert_int_equal(mm->nr_ranges, 2);
	assert_int_equal(mm->ranges[0].mem_map, PO + 0x100000);
	assert_int_equal(mm->ranges[1].start_pfn, 32768);
	assert_int_equal(mm->ranges[1].mem_map, PO + 0x380000);
	memmap_destroy(mm);
}

static void expect_error(struct ctx *c, uint64_t max, enum mdf_err_code code)
{
	struct memmap *mm = NULL;
	struct mdf_error *err = memmap_create(c->km, &c->kf, max, NULL, &mm);
	assert_non_null(err);
	assert_int_equal(err->code, code);
	assert_null(mm);
	mdf_error_destroy(err);
}

static void test_corrupt(void **state)
{
	struct ctx *c = *state;
	extreme_layout(c);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x10000);
	/* a user-space mem_map pointer */
	put64(c, 0x11000 + 32, 0x400000 | 0x3);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	/* mem_section pointing outside memory */
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x7000000000ULL);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	/* root pointer garbage */
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x10000);
	put64(c, 0x10000, 0x1234);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	/* absurd geometry */
	kf_set(&c->kf, KF_NUMBER_SECTION_SIZE_BITS, 70);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
}

/* OFFSET(mem_section.section_mem_map) near 2^64 must not wrap the check
 * that the pointer lies inside struct mem_section (it used to pass and
 * the decoder read far outside its page buffer). */
static void test_huge_section_offset(void **state)
{
	struct ctx *c = *state;
	extreme_layout(c);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x10000);
	kf_set(&c->kf, KF_OFFSET_mem_section_section_mem_map, UINT64_MAX - 3);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	kf_set(&c->kf, KF_OFFSET_mem_section_section_mem_map, 25);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	kf_set(&c->kf, KF_SIZE_mem_section, 4);
	kf_set(&c->kf, KF_OFFSET_mem_section_section_mem_map, 0);
	expect_error(c, 2 * 32768, MDF_ERR_CORRUPT);
	/* the last 8 bytes are still a valid place */
	kf_set(&c->kf, KF_SIZE_mem_section, 32);
	kf_set(&c->kf, KF_OFFSET_mem_section_section_mem_map, 24);
	put64(c, 0x11000 + 24, VMEMMAP | 0xf);
	struct memmap *mm;
	assert_null(memmap_create(c->km, &c->kf, 32768, NULL, &mm));
	assert_int_equal(mm->nr_ranges, 1);
	assert_int_equal(mm->ranges[0].mem_map, VMEMMAP);
	memmap_destroy(mm);
}

static void test_flatmem_and_missing(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf = c->kf;
	kf.have[KF_SYMBOL_mem_section] = false;
	struct memmap *mm;
	struct mdf_error *err = memmap_create(c->km, &kf, 100, NULL, &mm);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "mem_section"));
	mdf_error_destroy(err);
	kf_set(&kf, KF_SYMBOL_mem_map, PO + 0x40000);
	put64(c, 0x40000, PO + 0x200000);
	assert_null(memmap_create(c->km, &kf, 1000, NULL, &mm));
	assert_int_equal(mm->model, MEMMAP_FLATMEM);
	assert_int_equal(mm->nr_ranges, 1);
	assert_int_equal(mm->ranges[0].end_pfn, 1000);
	assert_int_equal(mm->ranges[0].mem_map, PO + 0x200000);
	memmap_destroy(mm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_extreme, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extreme_pointer_variable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flat_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_section_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flatmem_and_missing, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
