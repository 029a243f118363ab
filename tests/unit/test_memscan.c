/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The struct-page scan on a small fake memory: a 6.1-style kernel with
 * sparsemem, struct pages of every class, a THP and a free block crossing
 * cycle boundaries, and a cache-looking page inside the kernel image
 * (REFERENCE.md 6.2, 6.3, 8.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "memscan.h"

#define MEM_SIZE (8u << 20)
#define PO 0xffff888000000000ULL
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define STEXT 0xffffffff81000000ULL
#define MEMMAP_PA 0x100000ULL
#define NPFN 0x800

struct ctx {
	uint8_t *mem;
	struct kfacts kf;
	struct kmem *km;
};

#include "unit/fake_phys.h"

static uint64_t sp(uint64_t pfn) /* physical address of pfn's struct page */
{
	return MEMMAP_PA + pfn * 64;
}

static void facts_61(struct kfacts *kf)
{
	kfacts_init(kf);
	kf->page_size = 4096;
	kf_set(kf, KF_SIZE_page, 64);
	kf_set(kf, KF_OFFSET_page_flags, 0);
	kf_set(kf, KF_OFFSET_page_compound_head, 8);
	kf_set(kf, KF_OFFSET_page_mapping, 24);
	kf_set(kf, KF_OFFSET_page_private, 40);
	kf_set(kf, KF_OFFSET_page__mapcount, 48);
	kf_set(kf, KF_OFFSET_page_compound_dtor, 16);
	kf_set(kf, KF_OFFSET_page_compound_order, 17);
	kf_set(kf, KF_LENGTH_zone_free_area, 11);
	kf_set(kf, KF_NUMBER_PG_lru, 4);
	kf_set(kf, KF_NUMBER_PG_private, 13);
	kf_set(kf, KF_NUMBER_PG_swapcache, 10);
	kf_set(kf, KF_NUMBER_PG_swapbacked, 19);
	kf_set(kf, KF_NUMBER_PG_slab, 9);
	kf_set(kf, KF_NUMBER_PG_hwpoison, 23);
	kf_set(kf, KF_NUMBER_PG_head_mask, 1 << 16);
	kf_set(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-129);
	kf_set(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, (uint64_t)-257);
	kf_set(kf, KF_NUMBER_HUGETLB_PAGE_DTOR, 2);
	kf_set(kf, KF_SYMBOL_mem_section, PO + 0x10000);
	kf_set(kf, KF_LENGTH_mem_section, 4096);
	kf_set(kf, KF_SIZE_mem_section, 32);
	kf_set(kf, KF_OFFSET_mem_section_section_mem_map, 0);
	kf_set(kf, KF_NUMBER_SECTION_SIZE_BITS, 27);
	kf_set(kf, KF_NUMBER_MAX_PHYSMEM_BITS, 46);
	uint64_t phys_base = 0x600000 - (STEXT - START_KERNEL_MAP);
	kf_set(kf, KF_NUMBER_phys_base, phys_base);
	kf_set(kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000 - phys_base);
	kf_set(kf, KF_SYMBOL__stext, STEXT);
	kf_set(kf, KF_SYMBOL__end, STEXT + 0x20000); /* pfns 0x600-0x61f */
}

static void buddy(struct ctx *c, uint64_t pfn, unsigned int order)
{
	put32(c, sp(pfn) + 48, 0xffffff7fu);
	put64(c, sp(pfn) + 40, order);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->mem = calloc(1, MEM_SIZE);
	/* page tables: direct map as a 1 GiB leaf; kernel text 2 MiB leaf */
	put64(c, 0x1000 + ((PO >> 39) & 511) * 8, 0x2000 | 0x63);
	put64(c, 0x2000 + ((PO >> 30) & 511) * 8, 0xe3);
	put64(c, 0x1000 + 511 * 8, 0x3000 | 0x63);
	put64(c, 0x3000 + 510 * 8, 0x4000 | 0x63);
	put64(c, 0x4000 + ((STEXT >> 21) & 511) * 8, 0x600000 | 0xe3);
	/* mem_section: one root, section 0 present */
	put64(c, 0x10000, PO + 0x11000);
	put64(c, 0x11000, (PO + MEMMAP_PA) | 0xf);
	/* struct pages: all plain kernel pages first */
	for (uint64_t p = 0; p < NPFN; p++)
		put32(c, sp(p) + 48, 0xffffffffu);
	buddy(c, 0x100, 3);
	put64(c, sp(0x200), 1 << 4);
	put64(c, sp(0x200) + 24, PO + 0x5000);
	put64(c, sp(0x201), 1 << 4 | 1 << 13);
	put64(c, sp(0x201) + 24, PO + 0x5000);
	put64(c, sp(0x202), 1 << 4 | 1 << 19);
	put64(c, sp(0x202) + 24, PO + 0x6001);
	put64(c, sp(0x203), 1 << 9);
	put64(c, sp(0x203) + 24, 1);
	put64(c, sp(0x204), 1 << 23);
	/* anonymous THP at 0x400, order 9, crossing the 0x500 cycle boundary */
	put64(c, sp(0x400), 1 << 16 | 1 << 4);
	put64(c, sp(0x400) + 24, PO + 0x6001);
	for (uint64_t p = 0x401; p < 0x600; p++)
		put64(c, sp(p) + 8, (PO + sp(0x400)) | 1);
	c->mem[sp(0x401) + 16] = 3;
	c->mem[sp(0x401) + 17] = 9;
	/* cache-looking page inside the kernel image */
	put64(c, sp(0x610), 1 << 4);
	put64(c, sp(0x610) + 24, PO + 0x5000);
	buddy(c, 0x6f0, 4); /* crosses the 0x6f8 boundary */
	buddy(c, 0x7f8, 3);
	facts_61(&c->kf);
	assert_null(fake_kmem(c));
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

static const uint64_t cycles[] = { 0, 0x500, 0x6f8, NPFN };

/* Runs one pass over the cycles; kept[] receives bitmap 2. */
static void run_pass(struct memscan *ms, struct dump_stats *st, bool *kept)
{
	struct bitmap bm;
	assert_null(bitmap_init(&bm, NPFN));
	for (size_t i = 0; i + 1 < sizeof(cycles) / sizeof(cycles[0]); i++) {
		uint64_t s = cycles[i], e = cycles[i + 1];
		bitmap_reset(&bm, s, e);
		bitmap_set_range(&bm, s, e);
		bitmap_clear_range(&bm, 0x300, 0x310); /* a hole */
		if (s <= 0x102 && 0x102 < e)
			bitmap_clear(&bm, 0x102); /* already excluded */
		assert_null(memscan_cycle(ms, s, e, &bm, st));
		for (uint64_t p = s; p < e; p++)
			kept[p] = bitmap_test(&bm, p);
	}
	bitmap_deinit(&bm);
}

static void test_scan_d31(void **state)
{
	struct ctx *c = *state;
	struct memscan *ms;
	assert_null(memscan_create_kmem(c->km, &c->kf, NPFN, 31, NULL, &ms));
	uint64_t is, ie;
	memscan_image_pfns(ms, &is, &ie);
	assert_int_equal(is, 0x600);
	assert_int_equal(ie, 0x620);

	struct dump_stats st;
	memset(&st, 0, sizeof(st));
	bool kept[NPFN];
	run_pass(ms, &st, kept);
	assert_int_equal(st.free, 7 + 16 + 8);
	assert_int_equal(st.cache, 1);
	assert_int_equal(st.cache_private, 1);
	assert_int_equal(st.user, 1 + 512);
	assert_int_equal(st.hwpoison, 1);
	assert_int_equal(st.offline, 0);
	assert_int_equal(memscan_image_overrides(ms), 1);
	for (uint64_t p = 0x100; p < 0x108; p++)
		assert_false(kept[p]);
	assert_true(kept[0x108]);
	assert_false(kept[0x200]);
	assert_false(kept[0x201]);
	assert_false(kept[0x202]);
	assert_true(kept[0x203]); /* slab with odd mapping: kept */
	assert_false(kept[0x204]);
	assert_true(kept[0x205]);
	assert_true(kept[0x3ff]);
	for (uint64_t p = 0x400; p < 0x600; p++)
		assert_false(kept[p]);
	assert_true(kept[0x600]);
	assert_true(kept[0x610]); /* kernel image rule */
	for (uint64_t p = 0x6f0; p < 0x700; p++)
		assert_false(kept[p]);
	assert_true(kept[0x700]);
	assert_false(kept[0x7ff]);

	/* a second pass (as kdump output's pass 2) gives the same bitmap */
	struct dump_stats st2;
	memset(&st2, 0, sizeof(st2));
	bool kept2[NPFN];
	run_pass(ms, &st2, kept2);
	assert_memory_equal(kept, kept2, sizeof(kept));
	assert_int_equal(st2.user, st.user);

	/* without the image rule the page goes */
	memscan_set_protect_image(ms, false);
	memset(&st2, 0, sizeof(st2));
	run_pass(ms, &st2, kept2);
	assert_false(kept2[0x610]);
	assert_int_equal(st2.cache, 2);
	memscan_destroy(ms);
}

static void test_scan_levels(void **state)
{
	struct ctx *c = *state;
	struct memscan *ms;
	struct dump_stats st;
	bool kept[NPFN];

	assert_null(memscan_create_kmem(c->km, &c->kf, NPFN, 2, NULL, &ms));
	memset(&st, 0, sizeof(st));
	run_pass(ms, &st, kept);
	assert_int_equal(st.cache, 1);
	assert_int_equal(st.cache_private + st.user + st.free, 0);
	assert_int_equal(st.hwpoison, 1); /* dropped at any level */
	assert_true(kept[0x201]);
	assert_true(kept[0x400]);
	memscan_destroy(ms);

	assert_null(memscan_create_kmem(c->km, &c->kf, NPFN, 16, NULL, &ms));
	memset(&st, 0, sizeof(st));
	run_pass(ms, &st, kept);
	assert_int_equal(st.free, 31);
	assert_int_equal(st.user + st.cache, 0);
	memscan_destroy(ms);
}

struct warn {
	char text[1024];
	int count;
};

static void warn_cb(void *arg, enum mdf_msg_level level, const char *text)
{
	struct warn *w = arg;
	(void)level;
	snprintf(w->text + strlen(w->text), sizeof(w->text) - strlen(w->text), "%s\n", text);
	w->count++;
}

static void test_missing_facts(void **state)
{
	struct ctx *c = *state;
	struct memscan *ms = NULL;
	struct kfacts kf = c->kf;
	kf.have[KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE] = false;
	/* A class whose facts are missing is dropped from the level, its
	 * pages kept, with a warning naming the fact (README "Degrade"). */
	struct warn w = { "", 0 };
	struct mdf_msg msg = { warn_cb, &w, MDF_MSG_COMMON };
	struct mdf_error *err = memscan_create_kmem(c->km, &kf, NPFN, 24, &msg, &ms);
	assert_null(err);
	assert_int_equal(memscan_dump_level(ms), 8);
	assert_int_equal(w.count, 1);
	assert_non_null(strstr(w.text, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)"));
	assert_non_null(strstr(w.text, "free pages"));
	assert_non_null(strstr(w.text, "may be incomplete"));
	struct dump_stats st;
	bool kept[NPFN];
	memset(&st, 0, sizeof(st));
	run_pass(ms, &st, kept);
	assert_int_equal(st.free, 0);
	memscan_destroy(ms);
	/* the same facts are fine for -d 8, without a warning */
	w.count = 0;
	assert_null(memscan_create_kmem(c->km, &kf, NPFN, 8, &msg, &ms));
	assert_int_equal(memscan_dump_level(ms), 8);
	assert_int_equal(w.count, 0);
	memscan_destroy(ms);

	kf = c->kf;
	kf.have[KF_NUMBER_PG_lru] = false;
	kf.bad_line[KF_NUMBER_PG_lru] = 7;
	w.text[0] = '\0';
	assert_null(memscan_create_kmem(c->km, &kf, NPFN, 2, &msg, &ms));
	assert_int_equal(memscan_dump_level(ms), 0);
	assert_non_null(strstr(w.text, "NUMBER(PG_lru)"));
	assert_non_null(strstr(w.text, "line 7 is malformed"));
	memscan_destroy(ms);

	kf = c->kf;
	kf.have[KF_OFFSET_page_flags] = false;
	err = memscan_create_kmem(c->km, &kf, NPFN, 31, NULL, &ms);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "OFFSET(page.flags) is needed, which is missing"));
	mdf_error_destroy(err);

	assert_true(memscan_wanted(&c->kf, 0)); /* PG_hwpoison known */
	kfacts_init(&kf);
	assert_false(memscan_wanted(&kf, 1));
	assert_true(memscan_wanted(&kf, 8));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan_d31, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scan_levels, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_facts, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
