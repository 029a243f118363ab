/* SPDX-License-Identifier: GPL-2.0-or-later */
/* page_classify on in-memory struct pages of several kernel families
 * (REFERENCE.md 5.4, 6.3-6.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "page_class.h"

enum { PSZ = 64 };

struct fam {
	struct kfacts kf;
	struct page_layout l;
	uint64_t lru, priv, swapcache, swapbacked, slab, hwpoison, head;
	uint32_t buddy, offline, slabtype, hugetype;
	bool era612;
};

static void put64(uint8_t *p, uint32_t off, uint64_t v)
{
	memcpy(p + off, &v, 8);
}

static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
	memcpy(p + off, &v, 4);
}

/* Offsets shared by every family here: flags 0, lru/compound_head 8,
 * mapping 24, private 40, _mapcount 48, _refcount 52. */
static void common(struct kfacts *kf)
{
	kfacts_init(kf);
	kf_set(kf, KF_SIZE_page, PSZ);
	kf_set(kf, KF_OFFSET_page_flags, 0);
	kf_set(kf, KF_OFFSET_page_lru, 8);
	kf_set(kf, KF_OFFSET_page_compound_head, 8);
	kf_set(kf, KF_OFFSET_page_mapping, 24);
	kf_set(kf, KF_OFFSET_page_private, 40);
	kf_set(kf, KF_OFFSET_page__mapcount, 48);
	kf_set(kf, KF_OFFSET_page__refcount, 52);
	kf_set(kf, KF_LENGTH_zone_free_area, 11);
}

/* 6.1 (and 4.19 / 5.10, same numbers): REFERENCE.md 5.4. */
static void fam_61(struct fam *f, int variant)
{
	memset(f, 0, sizeof(*f));
	common(&f->kf);
	kf_set(&f->kf, KF_NUMBER_PG_lru, 4);
	kf_set(&f->kf, KF_NUMBER_PG_private, 13);
	kf_set(&f->kf, KF_NUMBER_PG_swapcache, 10);
	kf_set(&f->kf, KF_NUMBER_PG_swapbacked, 19);
	kf_set(&f->kf, KF_NUMBER_PG_slab, 9);
	kf_set(&f->kf, KF_NUMBER_PG_hwpoison, 23);
	kf_set(&f->kf, KF_NUMBER_PG_head_mask, 1 << 16);
	kf_set(&f->kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-129);
	kf_set(&f->kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, (uint64_t)-257);
	kf_set(&f->kf, KF_NUMBER_HUGETLB_PAGE_DTOR, 2);
	if (variant == 49) {
		/* 4.4-4.15: u32 compound_dtor/order at 16/20, buddy -128 */
		kf_set(&f->kf, KF_OFFSET_page_compound_dtor, 16);
		kf_set(&f->kf, KF_OFFSET_page_compound_order, 20);
		kf_set(&f->kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-128);
		f->buddy = 0xffffff80u;
	} else {
		kf_set(&f->kf, KF_OFFSET_page_compound_dtor, 16);
		kf_set(&f->kf, KF_OFFSET_page_compound_order, 17);
		f->buddy = 0xffffff7fu;
	}
	f->lru = 1 << 4;
	f->priv = 1 << 13;
	f->swapcache = 1 << 10;
	f->swapbacked = 1 << 19;
	f->slab = 1 << 9;
	f->hwpoison = 1 << 23;
	f->head = 1 << 16;
	f->offline = 0xfffffeffu;
	assert_null(page_layout_init(&f->l, &f->kf, NULL));
}

/* 6.12: REFERENCE.md 5.4; no PG_slab, page types in the top byte. */
static void fam_612(struct fam *f, bool export_slab)
{
	memset(f, 0, sizeof(*f));
	common(&f->kf);
	kf_set(&f->kf, KF_NUMBER_PG_lru, 5);
	kf_set(&f->kf, KF_NUMBER_PG_private, 14);
	kf_set(&f->kf, KF_NUMBER_PG_swapcache, 10);
	kf_set(&f->kf, KF_NUMBER_PG_swapbacked, 17);
	kf_set(&f->kf, KF_NUMBER_PG_hwpoison, 20);
	kf_set(&f->kf, KF_NUMBER_PG_head_mask, 64);
	if (export_slab)
		kf_set(&f->kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE, (uint64_t)-184549376);
	kf_set(&f->kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-268435456);
	kf_set(&f->kf, KF_NUMBER_PAGE_HUGETLB_MAPCOUNT_VALUE, (uint64_t)-201326592);
	kf_set(&f->kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, (uint64_t)-251658240);
	f->lru = 1 << 5;
	f->priv = 1 << 14;
	f->swapcache = 1 << 10;
	f->swapbacked = 1 << 17;
	f->slab = 0;
	f->hwpoison = 1 << 20;
	f->head = 64;
	f->buddy = 0xf0000000u;
	f->offline = 0xf1000000u;
	f->slabtype = 0xf5000000u;
	f->hugetype = 0xf4000000u;
	f->era612 = true;
	assert_null(page_layout_init(&f->l, &f->kf, NULL));
}

static void blank(uint8_t *p)
{
	memset(p, 0, PSZ);
	put32(p, 48, 0xffffffffu);
	put32(p, 52, 1);
}

static enum page_class cls(const struct fam *f, int dl, uint64_t pfn, const uint8_t *p,
			   const uint8_t *tail, unsigned int *order)
{
	return page_classify(&f->l, dl, pfn, p, tail, order);
}

/* Builds a compound head at pfn (aligned) and its first tail. */
static void compound(const struct fam *f, uint8_t *head, uint8_t *tail, uint64_t head_va,
		     unsigned int order, uint8_t dtor, uint64_t flags, uint64_t mapping)
{
	blank(head);
	blank(tail);
	put64(head, 0, flags | f->head);
	put64(head, 24, mapping);
	put64(tail, 8, head_va | 1);
	if (f->era612) {
		put64(tail, 0, order | (1u << 9));
		if (dtor == 2)
			put32(head, 48, f->hugetype);
	} else if (f->l.order_source == PAGE_ORDER_COMPOUND16) {
		put32(tail, 16, dtor);
		put32(tail, 20, order);
	} else {
		tail[16] = dtor;
		tail[17] = order;
		tail[18] = 0xee; /* stale hole bytes must not matter */
		tail[19] = 0xee;
	}
}

static void check_family(struct fam *f)
{
	uint8_t p[PSZ], t[PSZ];
	unsigned int o;

	/* free block of order 3 */
	blank(p);
	put32(p, 48, f->buddy);
	put64(p, 40, 3);
	assert_int_equal(cls(f, 16, 8, p, NULL, &o), PAGE_BUDDY);
	assert_int_equal(o, 3);
	assert_int_equal(cls(f, 2 | 4 | 8, 8, p, NULL, &o), PAGE_KEEP);
	put64(p, 40, 11); /* invalid order: kept */
	assert_int_equal(cls(f, 31, 8, p, NULL, &o), PAGE_KEEP);

	/* page cache without and with PG_private */
	blank(p);
	put64(p, 0, f->lru);
	put64(p, 24, 0xffff888001234560ULL);
	assert_int_equal(cls(f, 2, 1, p, NULL, &o), PAGE_CACHE);
	assert_int_equal(cls(f, 4, 1, p, NULL, &o), PAGE_CACHE);
	assert_int_equal(cls(f, 8 | 16, 1, p, NULL, &o), PAGE_KEEP);
	put64(p, 0, f->lru | f->priv);
	assert_int_equal(cls(f, 2, 1, p, NULL, &o), PAGE_KEEP);
	assert_int_equal(cls(f, 4, 1, p, NULL, &o), PAGE_CACHE_PRIVATE);
	assert_int_equal(cls(f, 31, 1, p, NULL, &o), PAGE_CACHE_PRIVATE);

	/* shmem: LRU + swapbacked, file mapping -> cache */
	put64(p, 0, f->lru | f->swapbacked);
	assert_int_equal(cls(f, 2, 1, p, NULL, &o), PAGE_CACHE);
	/* swap cache page off the LRU */
	put64(p, 0, f->swapcache | f->swapbacked);
	assert_int_equal(cls(f, 2, 1, p, NULL, &o), PAGE_CACHE);
	/* PG_swapcache alone is PG_checked of a file system: not cache */
	put64(p, 0, f->swapcache);
	assert_int_equal(cls(f, 2, 1, p, NULL, &o), PAGE_KEEP);

	/* anonymous page */
	put64(p, 0, f->lru | f->swapbacked);
	put64(p, 24, 0xffff888001234561ULL);
	assert_int_equal(cls(f, 8, 1, p, NULL, &o), PAGE_USER);
	assert_int_equal(cls(f, 2 | 4, 1, p, NULL, &o), PAGE_KEEP);

	/* THP: anon head of order 9, tail skipped */
	compound(f, p, t, 0xfffff98a40008000ULL, 9, 3, f->lru | f->swapbacked, 0xffff888001234561ULL);
	assert_int_equal(cls(f, 8, 512, p, t, &o), PAGE_USER);
	assert_int_equal(o, 9);
	assert_int_equal(cls(f, 31, 513, t, NULL, &o), PAGE_TAIL);
	/* misaligned head: order discarded */
	assert_int_equal(cls(f, 8, 513, p, t, &o), PAGE_USER);
	assert_int_equal(o, 0);
	/* no first tail available: order 0 */
	assert_int_equal(cls(f, 8, 512, p, NULL, &o), PAGE_USER);
	assert_int_equal(o, 0);

	/* shared hugetlbfs page: not anon, hugetlb marker -> user */
	compound(f, p, t, 0xfffff98a40008000ULL, 9, 2, 0, 0xffff888001234560ULL);
	assert_int_equal(cls(f, 8, 1024, p, t, &o), PAGE_USER);
	assert_int_equal(o, 9);
	assert_int_equal(cls(f, 2 | 4 | 16, 1024, p, t, &o), PAGE_KEEP);
	/* same shape with a non-hugetlb destructor is kept at -d 8 */
	compound(f, p, t, 0xfffff98a40008000ULL, 9, 1, 0, 0xffff888001234560ULL);
	assert_int_equal(cls(f, 8, 1024, p, t, &o), PAGE_KEEP);

	/* slab with an odd word at mapping: never dropped */
	blank(p);
	put64(p, 24, 3);
	if (f->slab)
		put64(p, 0, f->slab);
	else
		put32(p, 48, f->slabtype);
	assert_int_equal(cls(f, 31, 1, p, NULL, &o), PAGE_SLAB);

	/* hwpoison, also at -d 0 */
	blank(p);
	put64(p, 0, f->hwpoison);
	assert_int_equal(cls(f, 0, 1, p, NULL, &o), PAGE_HWPOISON);

	/* logically offline */
	blank(p);
	put32(p, 48, f->offline);
	assert_int_equal(cls(f, 0, 1, p, NULL, &o), PAGE_OFFLINE);
	assert_int_equal(cls(f, 16, 1, p, NULL, &o), PAGE_OFFLINE);

	/* plain kernel page */
	blank(p);
	assert_int_equal(cls(f, 31, 1, p, NULL, &o), PAGE_KEEP);
}

static void test_family_61(void **state)
{
	(void)state;
	struct fam f;
	fam_61(&f, 61);
	assert_int_equal(f.l.order_source, PAGE_ORDER_COMPOUND8);
	assert_int_equal(f.l.hugetlb_source, PAGE_HUGETLB_DTOR);
	check_family(&f);
}

static void test_family_510(void **state)
{
	(void)state;
	struct fam f;
	fam_61(&f, 510);
	check_family(&f);
}

static void test_family_49(void **state)
{
	(void)state;
	struct fam f;
	fam_61(&f, 49);
	assert_int_equal(f.l.order_source, PAGE_ORDER_COMPOUND16);
	check_family(&f);
}

static void test_family_612(void **state)
{
	(void)state;
	struct fam f;
	fam_612(&f, true);
	assert_int_equal(f.l.order_source, PAGE_ORDER_TAIL_FLAGS);
	assert_int_equal(f.l.hugetlb_source, PAGE_HUGETLB_HEAD_TYPE);
	check_family(&f);
}

/* 6.12-style facts without PAGE_SLAB_MAPCOUNT_VALUE: the 0xf5 type is
 * inferred, and bit 7 (PG_waiters there) is no slab flag. */
static void test_612_slab_inferred(void **state)
{
	(void)state;
	struct fam f;
	fam_612(&f, false);
	assert_true(f.l.have_slab_type);
	assert_int_equal(f.l.slab_type, 0xf5000000u);
	check_family(&f);
	uint8_t p[PSZ];
	unsigned int o;
	blank(p);
	put64(p, 0, (1 << 7) | f.lru);
	put64(p, 24, 0xffff888001234560ULL);
	assert_int_equal(page_classify(&f.l, 2, 1, p, NULL, &o), PAGE_CACHE);
}

/* Page types are compared as whole words: low bits set is not buddy. */
static void test_612_full_word(void **state)
{
	(void)state;
	struct fam f;
	fam_612(&f, true);
	uint8_t p[PSZ];
	unsigned int o;
	blank(p);
	put32(p, 48, 0xf0000001u);
	assert_int_equal(page_classify(&f.l, 16, 1, p, NULL, &o), PAGE_KEEP);
	/* 1.7.6's mask bug: buddy word must not pass the slab test */
	put32(p, 48, 0xf0000000u);
	put64(p, 40, 0);
	assert_int_equal(page_classify(&f.l, 16, 1, p, NULL, &o), PAGE_BUDDY);
}

/* Flags the note does not give are not tested (no 2.6.25 back-fill). */
static void test_missing_flags_skipped(void **state)
{
	(void)state;
	struct kfacts kf;
	struct page_layout l;
	common(&kf);
	assert_null(page_layout_init(&l, &kf, NULL));
	uint8_t p[PSZ];
	unsigned int o;
	blank(p);
	put64(p, 0, ~0ULL & ~1ULL);
	put64(p, 8, 0);
	assert_int_equal(page_classify(&l, 31, 1, p, NULL, &o), PAGE_KEEP);
	assert_false(l.buddy_known);
}

static void test_layout_errors(void **state)
{
	(void)state;
	struct kfacts kf;
	struct page_layout l;
	kfacts_init(&kf);
	struct mdf_error *err = page_layout_init(&l, &kf, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "SIZE(page)"));
	mdf_error_destroy(err);
	kf_set(&kf, KF_SIZE_page, 64);
	err = page_layout_init(&l, &kf, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "OFFSET(page.flags)"));
	mdf_error_destroy(err);
}

/* An OFFSET() near 2^64 from a corrupt note must not wrap the bounds check
 * into an offset far outside struct page. */
static void test_huge_offsets_rejected(void **state)
{
	(void)state;
	struct kfacts kf;
	struct page_layout l;
	common(&kf);
	kf_set(&kf, KF_OFFSET_page_flags, UINT64_MAX - 3);
	struct mdf_error *err = page_layout_init(&l, &kf, NULL);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "OFFSET(page.flags)"));
	mdf_error_destroy(err);

	common(&kf);
	kf_set(&kf, KF_OFFSET_page_mapping, UINT64_MAX);
	kf_set(&kf, KF_OFFSET_page__mapcount, UINT64_MAX - 1);
	kf_set(&kf, KF_OFFSET_page_private, UINT64_MAX - 7);
	kf_set(&kf, KF_OFFSET_page_compound_head, UINT64_MAX - 6);
	assert_null(page_layout_init(&l, &kf, NULL));
	assert_false(l.have_mapping);
	assert_false(l.have_mapcount);
	assert_false(l.have_private);
	assert_false(l.have_compound_head);
	/* the last byte still fits, one more does not */
	common(&kf);
	kf_set(&kf, KF_OFFSET_page_private, PSZ - 8);
	kf_set(&kf, KF_OFFSET_page_mapping, PSZ - 7);
	assert_null(page_layout_init(&l, &kf, NULL));
	assert_true(l.have_private);
	assert_int_equal(l.off_private, PSZ - 8);
	assert_false(l.have_mapping);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_family_61),
		cmocka_unit_test(test_family_510),
		cmocka_unit_test(test_family_49),
		cmocka_unit_test(test_family_612),
		cmocka_unit_test(test_612_slab_inferred),
		cmocka_unit_test(test_612_full_word),
		cmocka_unit_test(test_missing_flags_skipped),
		cmocka_unit_test(test_layout_errors),
		cmocka_unit_test(test_huge_offsets_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
