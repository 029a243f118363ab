/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel support checks (kernel_support.h). */
#include "kernel_support.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dump.h"
#include "kmem.h"
#include "memmap.h"

const char *ksup_check_name(enum ksup_check c)
{
	switch (c) {
	case KSUP_FACTS:
		return "needed facts";
	case KSUP_PAGE_TYPES:
		return "page-type values";
	case KSUP_SAMPLES:
	default:
		return "sampled struct pages";
	}
}

void ksup_report_init(struct ksup_report *r)
{
	memset(r, 0, sizeof(*r));
}

static void fail(struct ksup_report *r, enum ksup_check c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct ksup_report *r, enum ksup_check c, const char *fmt, ...)
{
	if (r->nr_failed >= KSUP_MAX_FAILURES) {
		r->nr_dropped++;
		return;
	}
	struct ksup_failure *f = &r->failed[r->nr_failed++];
	f->check = c;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->detail, sizeof(f->detail), fmt, ap);
	va_end(ap);
}

/* ---- needed facts ---- */

void ksup_check_facts(const struct page_layout *l, int dl, struct ksup_report *r)
{
	if (dl & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI | DL_EXCLUDE_USER)) {
		/* Before 4.4 tails carry no back pointer, but the head's
		 * exclusion covers them (order from the first tail's lru). */
		if (!l->have_compound_head && l->order_source != PAGE_ORDER_LRU)
			fail(r, KSUP_FACTS,
			     "no OFFSET(page.compound_head) or OFFSET(page.compound_info): tail "
			     "pages cannot be told from head pages");
		if (!l->pg_head)
			fail(r, KSUP_FACTS, "no NUMBER(PG_head_mask): compound pages are not "
					    "recognised");
		else if (l->order_source == PAGE_ORDER_NONE)
			fail(r, KSUP_FACTS, "no source for the order of compound pages "
					    "(compound_order, folio fields, PG_hugetlb or "
					    "PAGE_HUGETLB_MAPCOUNT_VALUE)");
	}
	if (dl & DL_EXCLUDE_USER) {
		if (!l->pg_slab && !l->have_slab_type)
			fail(r, KSUP_FACTS, "neither NUMBER(PG_slab) nor "
					    "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE): slab pages are not "
					    "recognised");
		if (l->hugetlb_source == PAGE_HUGETLB_NONE)
			fail(r, KSUP_FACTS, "hugetlb pages are not recognised (no "
					    "PAGE_HUGETLB_MAPCOUNT_VALUE, PG_hugetlb, "
					    "HUGETLB_PAGE_DTOR or free_huge_page)");
	}
	if ((dl & DL_EXCLUDE_FREE) && !l->buddy_known && !l->free_list_known)
		fail(r, KSUP_FACTS, "no way to find free pages (page type, PG_buddy or the "
				    "free lists of node_data)");
}

/* ---- page-type values ---- */

/* The encodings of REFERENCE.md 6.4: -2 / -128 in _mapcount (2.6.38-4.17);
 * all ones with one bit cleared (4.18-6.11); the type in the top byte with
 * the low 24 bits zero (6.12+). */
enum pt_scheme { PT_NONE, PT_OLD, PT_ONE_BIT, PT_TOP_BYTE };

static enum pt_scheme pt_scheme_of(uint32_t v)
{
	uint32_t inv = ~v;
	if (v == (uint32_t)-2 || v == (uint32_t)-128)
		return PT_OLD;
	if (inv && (inv & (inv - 1)) == 0)
		return PT_ONE_BIT;
	if ((v & 0xffffff) == 0 && (v >> 24) >= 0xf0 && (v >> 24) < 0xff)
		return PT_TOP_BYTE;
	return PT_NONE;
}

static const char *pt_scheme_name(enum pt_scheme s)
{
	static const char *const n[] = { "none", "the _mapcount values of 2.6.38-4.17",
					 "one cleared bit (4.18-6.11)", "the top byte (6.12+)" };
	return n[s];
}

void ksup_check_page_types(const struct kfacts *kf, struct ksup_report *r)
{
	static const enum kfact_id types[] = {
		KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE,   KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE,
		KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE,    KF_NUMBER_PAGE_HUGETLB_MAPCOUNT_VALUE,
		KF_NUMBER_PAGE_UNACCEPTED_MAPCOUNT_VALUE,
	};
	enum { NT = sizeof(types) / sizeof(types[0]) };
	enum pt_scheme first = PT_NONE;
	const char *first_key = NULL;
	for (size_t i = 0; i < NT; i++) {
		if (!kf_have(kf, types[i]))
			continue;
		const char *key = kfact_table[types[i]].key;
		uint32_t v = (uint32_t)kf_get(kf, types[i]);
		enum pt_scheme s = pt_scheme_of(v);
		if (s == PT_NONE) {
			fail(r, KSUP_PAGE_TYPES, "%s=%d fits no known page-type encoding", key,
			     (int32_t)v);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (kf_have(kf, types[j]) && (uint32_t)kf_get(kf, types[j]) == v)
				fail(r, KSUP_PAGE_TYPES, "%s and %s are both %d", kfact_table[types[j]].key,
				     key, (int32_t)v);
		if (first == PT_NONE) {
			first = s;
			first_key = key;
		} else if (s != first) {
			fail(r, KSUP_PAGE_TYPES, "%s=%d uses %s, but %s uses %s", key, (int32_t)v,
			     pt_scheme_name(s), first_key, pt_scheme_name(first));
		}
	}
	if (first == PT_OLD && (kf_have(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE) ||
				kf_have(kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE)))
		fail(r, KSUP_PAGE_TYPES, "page types other than buddy next to the _mapcount "
					 "encoding of 2.6.38-4.17");

	/* page flags: bit numbers of one word, each flag its own bit */
	static const enum kfact_id flags[] = {
		KF_NUMBER_PG_lru,  KF_NUMBER_PG_private,  KF_NUMBER_PG_swapcache,
		KF_NUMBER_PG_swapbacked, KF_NUMBER_PG_slab, KF_NUMBER_PG_buddy,
		KF_NUMBER_PG_hwpoison, KF_NUMBER_PG_head,
	};
	enum { NF = sizeof(flags) / sizeof(flags[0]) };
	uint64_t bit[NF + 1];
	const char *key[NF + 1];
	size_t n = 0;
	for (size_t i = 0; i < NF; i++) {
		if (!kf_have(kf, flags[i]))
			continue;
		if (kf_get(kf, flags[i]) >= 64) {
			fail(r, KSUP_PAGE_TYPES, "%s=%lld is not a bit of page.flags",
			     kfact_table[flags[i]].key, (long long)kf_get(kf, flags[i]));
			continue;
		}
		bit[n] = kf_get(kf, flags[i]);
		key[n++] = kfact_table[flags[i]].key;
	}
	if (kf_have(kf, KF_NUMBER_PG_head_mask)) {
		uint64_t m = kf_get(kf, KF_NUMBER_PG_head_mask);
		if (!m || (m & (m - 1)))
			fail(r, KSUP_PAGE_TYPES, "NUMBER(PG_head_mask)=%llu is not one bit",
			     (unsigned long long)m);
		else if (!kf_have(kf, KF_NUMBER_PG_head)) {
			bit[n] = (uint64_t)__builtin_ctzll(m);
			key[n++] = "NUMBER(PG_head_mask)";
		}
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (bit[i] == bit[j])
				fail(r, KSUP_PAGE_TYPES, "%s and %s are the same bit %llu", key[j],
				     key[i], (unsigned long long)bit[i]);
}

/* ---- sampled struct pages ---- */

enum { OBJ_IMAGE, OBJ_VMEMMAP, OBJ_PGTABLE };
static const char *const obj_name[] = { "kernel image", "struct page storage (vmemmap)",
					"kernel page table" };

struct ksup_samples {
	size_t n;
	uint64_t pfn[KSUP_MAX_SAMPLES];
	int kind[KSUP_MAX_SAMPLES];
};

static void add_sample(struct ksup_samples *s, uint64_t pfn, int kind)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->pfn[i] == pfn)
			return;
	if (s->n < KSUP_MAX_SAMPLES) {
		s->pfn[s->n] = pfn;
		s->kind[s->n++] = kind;
	}
}

/* Up to 32 pfns of the image that the kernel keeps: spread over the parts
 * kallsyms says are kept, else the first 16 pages of the text (the kernel
 * frees parts of the image after boot, never its text). */
static void sample_image(struct memscan *ms, struct ksup_samples *s)
{
	uint64_t st, en;
	memscan_image_pfns(ms, &st, &en);
	if (st >= en)
		return;
	if (!memscan_image_sections(ms) && en - st > 16)
		en = st + 16;
	uint64_t step = (en - st) / 32 ? (en - st) / 32 : 1;
	for (uint64_t p = st; p < en; p += step)
		if (memscan_image_protects(ms, p))
			add_sample(s, p, OBJ_IMAGE);
}

/* The pfn holding a kernel virtual address, if it translates. */
static bool va_pfn(struct kmem *km, uint64_t va, uint64_t *pfn_ret)
{
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(km, va, &pa);
	if (err) {
		mdf_error_destroy(err);
		return false;
	}
	*pfn_ret = pa / kmem_page_size(km);
	return true;
}

/* The pages holding the struct pages of 17 pfns spread over the memory
 * map (its first and last included); *va_ret is the first struct page's
 * address, for the page-table samples. */
static void sample_vmemmap(struct memscan *ms, struct ksup_samples *s, uint64_t *va_ret)
{
	const struct memmap *mm = memscan_memmap(ms);
	struct kmem *km = memscan_kmem(ms);
	uint64_t total = 0;
	*va_ret = 0;
	for (size_t i = 0; i < mm->nr_ranges; i++)
		if (mm->ranges[i].mem_map)
			total += mm->ranges[i].end_pfn - mm->ranges[i].start_pfn;
	if (!total)
		return;
	uint64_t step = total / 16 ? total / 16 : 1, at = 0, next = 0;
	for (size_t i = 0; i < mm->nr_ranges; i++) {
		const struct memmap_range *rg = &mm->ranges[i];
		if (!rg->mem_map)
			continue;
		uint64_t n = rg->end_pfn - rg->start_pfn;
		if (!*va_ret)
			*va_ret = rg->mem_map;
		for (; next < at + n; next += step) {
			uint64_t pfn;
			if (va_pfn(km, rg->mem_map + (next - at) * mm->page_struct_size, &pfn))
				add_sample(s, pfn, OBJ_VMEMMAP);
		}
		uint64_t last;
		if (at + n == total &&
		    va_pfn(km, rg->mem_map + (n - 1) * mm->page_struct_size, &last))
			add_sample(s, last, OBJ_VMEMMAP);
		at += n;
	}
}

/* The table pages a walk to va passes through. */
static void sample_tables(struct kmem *km, uint64_t va, struct ksup_samples *s)
{
	struct arch_vtop_trace t;
	memset(&t, 0, sizeof(t));
	struct mdf_error *err = kmem_vtop_trace(km, va, &t);
	mdf_error_destroy(err);
	for (unsigned int i = 0; i < t.nr_steps && i < ARCH_MAX_LEVELS; i++)
		add_sample(s, t.step[i].entry_paddr / kmem_page_size(km), OBJ_PGTABLE);
}

void ksup_check_samples(struct memscan *ms, const struct kfacts *kf, struct ksup_report *r)
{
	struct ksup_samples s = { 0 };
	struct kmem *km = memscan_kmem(ms);
	uint64_t vmemmap_va = 0;
	sample_image(ms, &s);
	sample_vmemmap(ms, &s, &vmemmap_va);
	if (kf_have(kf, KF_SYMBOL__stext)) {
		uint64_t stext = kf_get(kf, KF_SYMBOL__stext), pa;
		sample_tables(km, stext, &s);
		/* the direct-map alias of the image, when the direct map is known */
		const struct arch_state *st = kmem_arch_state(km);
		struct mdf_error *err = kmem_vtop(km, stext, &pa);
		if (!err && st->have_page_offset)
			sample_tables(km, st->page_offset + pa, &s);
		mdf_error_destroy(err);
	}
	if (kf_have(kf, KF_SYMBOL_init_uts_ns))
		sample_tables(km, kf_get(kf, KF_SYMBOL_init_uts_ns), &s);
	if (vmemmap_va)
		sample_tables(km, vmemmap_va, &s);

	r->sampled = true;
	unsigned int bad = 0;
	for (size_t i = 0; i < s.n; i++) {
		enum page_class c;
		struct mdf_error *err = memscan_classify_pfn(ms, s.pfn[i], DL_MAX, &c);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		r->samples++;
		r->sample_kinds[s.kind[i]]++;
		if (c == PAGE_KEEP)
			continue;
		if (bad++ < 3)
			fail(r, KSUP_SAMPLES, "pfn 0x%llx (%s) classifies as a %s page",
			     (unsigned long long)s.pfn[i], obj_name[s.kind[i]], page_class_name(c));
	}
	if (bad > 3)
		fail(r, KSUP_SAMPLES, "%u of %u sampled kernel pages classify as pages to drop", bad,
		     r->samples);
}

void ksup_check_dump(struct input *in, const struct kfacts *kf, int dump_level,
		     const struct mdf_msg *msg, struct ksup_report *r)
{
	ksup_report_init(r);
	if (!(dump_level & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI | DL_EXCLUDE_USER |
			    DL_EXCLUDE_FREE)))
		return;
	struct page_layout l;
	struct mdf_error *err = page_layout_init(&l, kf, NULL);
	if (err) {
		mdf_error_destroy(err); /* the dump reports it */
		return;
	}
	ksup_check_facts(&l, dump_level, r);
	ksup_check_page_types(kf, r);
	struct memscan *ms = NULL;
	err = memscan_create(in, kf, 0, NULL, &ms);
	if (err) {
		mdf_msgf(msg, MDF_MSG_DEBUG, "kernel support: struct pages not sampled: %s",
			 err->message);
		mdf_error_destroy(err);
	} else {
		ksup_check_samples(ms, kf, r);
		memscan_get_image(ms, &r->image);
		memscan_destroy(ms);
	}
	if (!r->nr_failed)
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "kernel support: needed facts, page-type values and %u sampled struct "
			 "pages (%u image, %u vmemmap, %u page tables) all as expected",
			 r->samples, r->sample_kinds[OBJ_IMAGE], r->sample_kinds[OBJ_VMEMMAP],
			 r->sample_kinds[OBJ_PGTABLE]);
}
