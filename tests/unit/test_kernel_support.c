/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure kernel support checks: page-type values in one encoding or
 * another (REFERENCE.md 6.4), duplicated values and flag bits, and the
 * facts each dump level needs. The sample check runs on generated and real
 * dumps (tests/cases/kernel_support.sh). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel_support.h"

static unsigned int types_failed(const struct kfacts *kf)
{
	struct ksup_report r;
	ksup_report_init(&r);
	ksup_check_page_types(kf, &r);
	for (unsigned int i = 0; i < r.nr_failed; i++)
		assert_int_equal(r.failed[i].check, KSUP_PAGE_TYPES);
	return r.nr_failed;
}

static void set_types(struct kfacts *kf, int64_t buddy, int64_t offline, int64_t slab,
		      int64_t hugetlb)
{
	kfacts_init(kf);
	if (buddy)
		kf_set(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)buddy);
	if (offline)
		kf_set(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, (uint64_t)offline);
	if (slab)
		kf_set(kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE, (uint64_t)slab);
	if (hugetlb)
		kf_set(kf, KF_NUMBER_PAGE_HUGETLB_MAPCOUNT_VALUE, (uint64_t)hugetlb);
}

static void test_page_types(void **state)
{
	(void)state;
	struct kfacts kf;
	/* the real notes: 4.19/5.10/6.1, 6.12/7.2, 2.6.39-4.17 */
	set_types(&kf, -129, -257, 0, 0);
	assert_int_equal(types_failed(&kf), 0);
	set_types(&kf, -268435456, -251658240, -184549376, -201326592);
	kf_set(&kf, KF_NUMBER_PAGE_UNACCEPTED_MAPCOUNT_VALUE, (uint64_t)-150994944);
	assert_int_equal(types_failed(&kf), 0);
	set_types(&kf, -128, 0, 0, 0);
	assert_int_equal(types_failed(&kf), 0);
	/* 6.9-6.11, one high bit cleared */
	set_types(&kf, (int32_t)0xbfffffff, (int32_t)0xdfffffff, (int32_t)0xfdffffff,
		  (int32_t)0xfbffffff);
	assert_int_equal(types_failed(&kf), 0);
	/* mixed encodings, a duplicate, a value of no encoding */
	set_types(&kf, -268435456, -257, 0, 0);
	assert_int_equal(types_failed(&kf), 1);
	set_types(&kf, -129, -129, 0, 0);
	assert_int_equal(types_failed(&kf), 1);
	set_types(&kf, 12345, 0, 0, 0);
	assert_int_equal(types_failed(&kf), 1);
	set_types(&kf, -128, -257, 0, 0); /* offline beside the old encoding */
	assert_true(types_failed(&kf) >= 1);
}

static void test_flags(void **state)
{
	(void)state;
	struct kfacts kf;
	set_types(&kf, -129, 0, 0, 0);
	kf_set(&kf, KF_NUMBER_PG_lru, 4);
	kf_set(&kf, KF_NUMBER_PG_slab, 9);
	kf_set(&kf, KF_NUMBER_PG_head_mask, 1 << 16);
	assert_int_equal(types_failed(&kf), 0);
	kf_set(&kf, KF_NUMBER_PG_private, 16); /* = PG_head */
	assert_int_equal(types_failed(&kf), 1);
	kf_set(&kf, KF_NUMBER_PG_private, 13);
	kf_set(&kf, KF_NUMBER_PG_head_mask, 3 << 16); /* two bits */
	assert_int_equal(types_failed(&kf), 1);
	kf_set(&kf, KF_NUMBER_PG_head_mask, 1 << 16);
	kf_set(&kf, KF_NUMBER_PG_hwpoison, 70);
	assert_int_equal(types_failed(&kf), 1);
}

/* A 6.12-like layout, then each fact taken away. */
static void test_facts(void **state)
{
	(void)state;
	struct page_layout l;
	memset(&l, 0, sizeof(l));
	l.have_compound_head = true;
	l.pg_head = 1 << 6;
	l.order_source = PAGE_ORDER_TAIL_FLAGS;
	l.have_slab_type = true;
	l.hugetlb_source = PAGE_HUGETLB_HEAD_TYPE;
	l.buddy_known = true;
	struct ksup_report r;
	ksup_report_init(&r);
	ksup_check_facts(&l, 31, &r);
	assert_int_equal(r.nr_failed, 0);

	struct page_layout m = l;
	m.have_compound_head = false;
	ksup_report_init(&r);
	ksup_check_facts(&m, 31, &r);
	assert_int_equal(r.nr_failed, 1);
	ksup_report_init(&r);
	ksup_check_facts(&m, 17, &r); /* no cache/user classes: not needed */
	assert_int_equal(r.nr_failed, 0);
	m.order_source = PAGE_ORDER_LRU; /* < 4.4: the head's range covers tails */
	ksup_report_init(&r);
	ksup_check_facts(&m, 31, &r);
	assert_int_equal(r.nr_failed, 0);

	m = l;
	m.have_slab_type = false;
	m.hugetlb_source = PAGE_HUGETLB_NONE;
	ksup_report_init(&r);
	ksup_check_facts(&m, 8, &r);
	assert_int_equal(r.nr_failed, 2);
	ksup_report_init(&r);
	ksup_check_facts(&m, 7, &r);
	assert_int_equal(r.nr_failed, 0);

	m = l;
	m.buddy_known = false;
	ksup_report_init(&r);
	ksup_check_facts(&m, 16, &r);
	assert_int_equal(r.nr_failed, 1);
	assert_int_equal(r.failed[0].check, KSUP_FACTS);
	m.free_list_known = true;
	ksup_report_init(&r);
	ksup_check_facts(&m, 16, &r);
	assert_int_equal(r.nr_failed, 0);
}

/* More failures than the report holds are counted, not lost. */
static void test_overflow(void **state)
{
	(void)state;
	struct kfacts kf;
	set_types(&kf, 1, 2, 3, 4);
	kf_set(&kf, KF_NUMBER_PAGE_UNACCEPTED_MAPCOUNT_VALUE, 5);
	static const enum kfact_id f[] = { KF_NUMBER_PG_lru, KF_NUMBER_PG_private,
					   KF_NUMBER_PG_swapcache, KF_NUMBER_PG_slab };
	for (size_t i = 0; i < 4; i++)
		kf_set(&kf, f[i], 99);
	struct ksup_report r;
	ksup_report_init(&r);
	ksup_check_page_types(&kf, &r);
	assert_int_equal(r.nr_failed, KSUP_MAX_FAILURES);
	assert_int_equal(r.nr_dropped, 1);
	assert_string_equal(ksup_check_name(KSUP_PAGE_TYPES), "page-type values");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_types),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_overflow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
