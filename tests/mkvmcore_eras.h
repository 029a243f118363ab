/* SPDX-License-Identifier: GPL-2.0-or-later */
/* More kernel eras for mkvmcore's `kernel layout=` (included by
 * mkvmcore_kernel.h after its own table): the enterprise kernels users
 * still run and the newest layout.
 *
 *   3.10  RHEL 7-like: struct page of 3.10 (mapping @8, _mapcount @24,
 *         _count @28, lru @32, private @48), buddy pages by _mapcount
 *         -128, slab by PG_slab, no compound_head: tails carry PG_tail and
 *         first_page, the first tail's lru.next holds the compound
 *         destructor (a function pointer, free_huge_page for hugetlb) and
 *         lru.prev the order; SYMBOL(phys_base) and init_level4_pgt,
 *         struct "log" printk keys, no sparsemem NUMBERs, no KASLR keys.
 *         Assumed, not checked against a RHEL 7 note: PG_head_mask and
 *         SYMBOL(free_huge_page) are exported (RHEL backports what its
 *         makedumpfile reads); kernel-3.10-nohuge.spec drops the latter.
 *   4.18  RHEL 8-like: page_type buddy -129, u8 compound_dtor/order,
 *         HUGETLB_PAGE_DTOR, printk_log records, no offline type.
 *   5.14  RHEL 9-like: 5.10's layout with the lockless printk ring and
 *         OFFSET(uts_namespace.name); no kallsyms keys (6.0+).
 *   6.8   order in the first tail's flags, hugetlb by NUMBER(PG_hugetlb)
 *         in the first tail (6.6-6.8), PG_slab still exported.
 *   7.2   the Debian 7.2.13 note (values of the real dump): page types in
 *         the top byte including slab, hugetlb and unaccepted, no PG_slab,
 *         OFFSET(page.compound_info) holding a mask (7.1 "mm: Rework
 *         compound_head() for power-of-2 sizeof(struct page)"), 112-byte
 *         printk_info, no kallsyms_relative_base.
 *
 * REFERENCE.md 5.3-5.4 (keys), 6.4 (page types), 6.5 (compound pages). */
#ifndef MKVMCORE_ERAS_H
#define MKVMCORE_ERAS_H

static void kni(struct spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tail encodings (struct kera.tail_kind). */
enum { TAIL_HEAD_PTR, TAIL_INFO_MASK, TAIL_PG_TAIL };
/* Order sources (struct kera.order_kind): 0 follows compound8. */
enum { ORDER_BY_ERA, ORDER_LRU };

static const struct kera kernel_eras_more[] = {
	{ .name = "3.10", .osrelease = "3.10.0-1160.el7.x86_64",
	  .pg_lru = 5, .pg_private = 11, .pg_swapcache = 16, .pg_swapbacked = -1, .pg_slab = 7,
	  .pg_hwpoison = 22, .pg_head = 14, .pg_uptodate = 3, .pg_reserved = 10,
	  .buddy = -128, .sec_flags = 0x3, .ms_size = 16, .uts_off = -1,
	  .pglist_size = 5824, .zone_spanned = 104,
	  .tail_kind = TAIL_PG_TAIL, .pg_tail = 15, .order_kind = ORDER_LRU, .old_keys = 1,
	  .no_kallsyms = 1, .free_huge_page = 1,
	  .o_mapping = 8, .o_mapcount = 24, .o_count = 28, .o_lru = 32, .o_private = 48 },
	{ .name = "4.18", .osrelease = "4.18.0-553.el8_10.x86_64",
	  .pg_lru = 4, .pg_private = 12, .pg_swapcache = 9, .pg_swapbacked = 18, .pg_slab = 8,
	  .pg_hwpoison = 21, .pg_head = 15, .pg_uptodate = 2, .pg_reserved = 11,
	  .buddy = -129, .compound8 = 1, .sec_flags = 0x7, .ms_size = 16, .uts_off = -1,
	  .has_image_size = 1, .pglist_size = 172864, .zone_spanned = 72, .no_kallsyms = 1 },
	{ .name = "5.14", .osrelease = "5.14.0-503.el9.x86_64",
	  .pg_lru = 4, .pg_private = 13, .pg_swapcache = 10, .pg_swapbacked = 19, .pg_slab = 9,
	  .pg_hwpoison = 23, .pg_head = 16, .pg_uptodate = 2, .pg_reserved = 12,
	  .buddy = -129, .offline = -257, .compound8 = 1, .sec_flags = 0xf, .ms_size = 16,
	  .uts_off = 0, .printk_prb = 1, .has_image_size = 1, .has_sme = 1,
	  .pglist_size = 173824, .zone_spanned = 128, .no_kallsyms = 1 },
	{ .name = "6.8", .osrelease = "6.8.12-amd64",
	  .pg_lru = 5, .pg_private = 15, .pg_swapcache = 12, .pg_swapbacked = 19, .pg_slab = 11,
	  .pg_hwpoison = 22, .pg_head = 6, .pg_uptodate = 3, .pg_reserved = 14,
	  .buddy = -129, .offline = -257, .sec_flags = 0xf, .ms_size = 32, .uts_off = 0,
	  .printk_prb = 1, .has_image_size = 1, .has_sme = 1, .pglist_size = 174336,
	  .zone_spanned = 160, .pg_hugetlb = 8 },
	{ .name = "7.2", .osrelease = "7.2.13+deb14-amd64",
	  .pg_lru = 5, .pg_private = 14, .pg_swapcache = 10, .pg_swapbacked = 17, .pg_slab = -1,
	  .pg_hwpoison = 21, .pg_head = 6, .pg_uptodate = 3, .pg_reserved = 13,
	  .buddy = -268435456, .offline = -251658240, .slab_type = -184549376,
	  .hugetlb_type = -201326592, .unaccepted_type = -150994944, .sec_flags = 0xf,
	  .ms_size = 32, .uts_off = 0, .printk_prb = 1, .has_image_size = 1, .has_sme = 1,
	  .has_vmemmap_sym = 1, .has_vmalloc_start = 1, .pglist_size = 176256,
	  .zone_spanned = 160, .tail_kind = TAIL_INFO_MASK, .no_relative_base = 1,
	  .pi_size = 112, .pi_dev = 44 },
};

/* Struct page member offsets of an era (0 in the row: the layout of
 * 4.4-7.x, REFERENCE.md 6.5). */
struct kofs {
	unsigned mapping, mapcount, count, lru, private_, head;
};

static struct kofs era_ofs(const struct kera *e)
{
	struct kofs o = { 24, 48, 52, 8, 40, 8 };

	if (e->o_mapping) {
		o.mapping = e->o_mapping;
		o.mapcount = e->o_mapcount;
		o.count = e->o_count;
		o.lru = e->o_lru;
		o.private_ = e->o_private;
		o.head = 0;	/* no compound_head */
	}
	return o;
}

/* Text addresses standing for free_huge_page and free_compound_page, the
 * two compound destructors of 3.10 (first tail's lru.next). */
static uint64_t era_dtor(const struct kspec *k, int hugetlb)
{
	return K_TEXT_BASE + k->kaslr + (hugetlb ? 0x1a2b40 : 0x1a2a00);
}

/* The tail's compound_head / compound_info word pointing at head. */
static uint64_t era_tail_word(const struct kspec *k, uint64_t head, unsigned order)
{
	if (k->era->tail_kind == TAIL_INFO_MASK)	/* 64-byte struct page: mask */
		return ~((64ULL << order) - 1) | 1;
	return (k->vmemmap + head * 64) | 1;
}

/* Era keys of the note that the 4.19-6.12 rows do not write: called where
 * the struct page keys end. */
static void era_note_page_keys(struct spec *s)
{
	const struct kspec *k = s->k;
	const struct kera *e = k->era;

	if (e->tail_kind == TAIL_INFO_MASK)
		kni(s, "OFFSET(page.compound_info)=8");
	if (e->free_huge_page)
		kni(s, "SYMBOL(free_huge_page)=%llx", (unsigned long long)era_dtor(k, 1));
}

static void era_note_type_keys(struct spec *s)
{
	const struct kera *e = s->k->era;

	if (e->pg_hugetlb > 0)
		kni(s, "NUMBER(PG_hugetlb)=%d", e->pg_hugetlb);
	if (e->unaccepted_type)
		kni(s, "NUMBER(PAGE_UNACCEPTED_MAPCOUNT_VALUE)=%lld", (long long)e->unaccepted_type);
}

#endif /* MKVMCORE_ERAS_H */
