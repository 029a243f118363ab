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
static void sp_put(unsigned char *p, unsigned off, int width, uint64_t v);

/* Tail encodings (struct kera.tail_kind). */
enum { TAIL_HEAD_PTR, TAIL_INFO_MASK, TAIL_PG_TAIL };
/* Order sources (struct kera.order_kind): 0 follows compound8. */
enum { ORDER_BY_ERA, ORDER_LRU };

static const struct kera kernel_eras_more[] = {
	{ .name = "3.10", .osrelease = "3.10.0-1160.el7.x86_64",
	  .pg_lru = 5, .pg_private = 11, .pg_swapcache = 16, .pg_swapbacked = -1, .pg_slab = 7,
	  .pg_hwpoison = 22, .pg_head = 14, .pg_uptodate = 3, .pg_reserved = 10,
	  .buddy = -128, .sec_flags = 0x3, .ms_size = 16, .uts_off = -1,
	  .pglist_size = 172864, .zone_spanned = 104,
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

/* ---- free lists (REFERENCE.md 6.4) ----
 * The zones of node 0 in pglist_data (in kernel data after the page
 * tables), each with free_area[order].free_list[type] list heads linking the
 * free blocks' head struct pages through page.lru, so that a note without
 * a buddy page type makes a reader walk them. Offsets are the ones
 * kernel_note writes (REFERENCE.md 5.4, 6.1's values): node_zones @0,
 * nr_zones @171552, zones of 1536 bytes with free_area @256, 88-byte
 * free_area, 5 migrate types, 11 orders; node_data[0] and bit 0 of
 * node_online_map in the symbol page. Zones: DMA below 16 MiB, DMA32 below
 * 4 GiB, Normal above. kcorrupt freelist_cycle closes the longest list on
 * its first entry (whose back link then names the last), freelist_hole
 * points a link past the memory map, freelist_long says the DMA32 zone
 * spans 4 pages (a consistent list longer than its zone allows). */
enum {
	FL_NORDERS = 11, FL_NTYPES = 5, FL_ZONE_SIZE = 1536, FL_FA_OFF = 256, FL_FA_SIZE = 88,
	FL_NR_ZONES_OFF = 171552, FL_MAX_ZONES = 3,
	FL_NLISTS = FL_MAX_ZONES * FL_NORDERS * FL_NTYPES,
};

struct era_fl {
	uint64_t *pfn;		/* free block heads, sorted */
	int *list;
	int64_t *prev, *next;	/* index in pfn[], -1 = the list head */
	size_t n;
	int64_t first[FL_NLISTS], last[FL_NLISTS];
	int nr_zones;
	uint64_t span[FL_MAX_ZONES][2];
	uint64_t hole_link;	/* freelist_hole: the entry whose next is bad */
};

static int fl_zone_of(uint64_t pfn)
{
	return pfn < 4096 ? 0 : pfn < (1ULL << 20) ? 1 : 2;
}

/* pglist_data's place, right after the page tables. */
static void era_fl_layout(struct kspec *k)
{
	k->pgdat_pa = k->pt_pa + k->npt * 4096;
	k->pgdat_pages = (k->era->pglist_size + 4095) / 4096;
}

static uint64_t era_kdata_end(const struct kspec *k)
{
	return k->pgdat_pa + (uint64_t)k->pgdat_pages * 4096;
}

static uint64_t fl_head_va(const struct kspec *k, int list)
{
	int z = list / (FL_NORDERS * FL_NTYPES), o = list / FL_NTYPES % FL_NORDERS;

	return k->page_offset + k->pgdat_pa + (uint64_t)z * FL_ZONE_SIZE + FL_FA_OFF +
	       (uint64_t)o * FL_FA_SIZE + (uint64_t)(list % FL_NTYPES) * 16;
}

static uint64_t fl_entry_va(const struct kspec *k, const struct era_fl *f, int64_t i, int list)
{
	if (i < 0)
		return fl_head_va(k, list);
	return k->vmemmap + f->pfn[i] * 64 + era_ofs(k->era).lru;
}

/* The lists, from the free ranges (sorted by kernel_check_ranges). */
static void era_fl_build(struct kspec *k)
{
	struct era_fl *f = calloc(1, sizeof(*f));
	size_t i, cap = 0, best = 0;
	int l;

	if (!f)
		die("out of memory");
	for (i = 0; i < k->nranges; i++) {
		const struct krange *r = &k->ranges[i];
		uint64_t p;

		if (r->cls != KC_FREE)
			continue;
		for (p = r->pfn; p < r->pfn + r->count; p += 1ULL << r->order) {
			if (f->n == cap) {
				cap = cap ? 2 * cap : 1024;
				f->pfn = xrealloc(f->pfn, cap * sizeof(*f->pfn));
				f->list = xrealloc(f->list, cap * sizeof(*f->list));
			}
			f->pfn[f->n] = p;
			f->list[f->n++] = (fl_zone_of(p) * FL_NORDERS + (int)r->order) * FL_NTYPES +
					  (int)((p >> r->order) % FL_NTYPES);
		}
	}
	f->prev = xrealloc(NULL, (f->n + 1) * sizeof(*f->prev));
	f->next = xrealloc(NULL, (f->n + 1) * sizeof(*f->next));
	for (l = 0; l < FL_NLISTS; l++)
		f->first[l] = f->last[l] = -1;
	for (i = 0; i < f->n; i++) {
		l = f->list[i];
		f->prev[i] = f->last[l];
		f->next[i] = -1;
		if (f->last[l] >= 0)
			f->next[f->last[l]] = (int64_t)i;
		else
			f->first[l] = (int64_t)i;
		f->last[l] = (int64_t)i;
	}
	f->span[0][0] = 1;
	f->span[0][1] = 4096;
	f->span[1][0] = 4096;
	f->span[1][1] = k->max_pfn < (1ULL << 20) ? k->max_pfn : 1ULL << 20;
	f->span[2][0] = 1ULL << 20;
	f->span[2][1] = k->max_pfn;
	f->nr_zones = fl_zone_of(k->max_pfn - 1) + 1;
	/* the longest list, for the corruptions */
	for (l = 0; l < FL_NLISTS; l++) {
		int64_t c = 0, j;

		for (j = f->first[l]; j >= 0; j = f->next[j])
			c++;
		if (c > (int64_t)best) {
			best = (size_t)c;
			f->hole_link = (uint64_t)l;
		}
	}
	l = (int)f->hole_link;
	if (k->c_fl_cycle) {
		if (best < 3)
			die("kcorrupt freelist_cycle needs a free list of 3 blocks");
		f->next[f->last[l]] = f->first[l];	/* back to the first, not the head */
		f->prev[f->first[l]] = f->last[l];
	}
	f->hole_link = k->c_fl_hole && best ? (uint64_t)f->first[l] : (uint64_t)-1;
	k->fl = f;
}

/* page.lru of a free block's head. */
static void era_fl_links(const struct kspec *k, uint64_t pfn, unsigned char *p)
{
	const struct era_fl *f = k->fl;
	size_t lo = 0, hi = f ? f->n : 0;
	unsigned lru = era_ofs(k->era).lru;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (f->pfn[mid] < pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!f || lo >= f->n || f->pfn[lo] != pfn)
		return;
	sp_put(p, lru, 8, fl_entry_va(k, f, f->next[lo], f->list[lo]));
	sp_put(p, lru + 8, 8, fl_entry_va(k, f, f->prev[lo], f->list[lo]));
	if (f->hole_link == lo)	/* a struct page address past the memory map */
		sp_put(p, lru, 8, k->vmemmap + (k->max_pfn + (1ULL << 24)) * 64 + lru);
}

/* The pages of pglist_data: zones with their spans and list heads. */
static int era_pgdat_page(const struct kspec *k, uint64_t pa, unsigned char *buf)
{
	const struct era_fl *f = k->fl;
	uint64_t base, z;
	int l;

	if (!f || pa < k->pgdat_pa || pa >= era_kdata_end(k))
		return 0;
	base = pa - k->pgdat_pa;
	memset(buf, 0, 4096);
#define FL_PUT(off, w, v) do { \
		uint64_t o_ = (off); \
		if (o_ >= base && o_ - base + (w) <= 4096) \
			put_int(buf + (o_ - base), (w), (v), 0); \
	} while (0)
	for (z = 0; z < (uint64_t)f->nr_zones; z++)
		FL_PUT(z * FL_ZONE_SIZE + k->era->zone_spanned, 8,
		       k->c_fl_long && z == 1 ? 4 : f->span[z][1] - f->span[z][0]);
	for (l = 0; l < f->nr_zones * FL_NORDERS * FL_NTYPES; l++) {
		uint64_t h = fl_head_va(k, l) - k->page_offset - k->pgdat_pa;

		FL_PUT(h, 8, fl_entry_va(k, f, f->first[l], l));
		FL_PUT(h + 8, 8, fl_entry_va(k, f, f->last[l], l));
	}
	FL_PUT(FL_NR_ZONES_OFF, 4, (uint64_t)f->nr_zones);
#undef FL_PUT
	return 1;
}

/* The symbol page: node_online_map (node 0 online) and node_data[0]. */
static void era_sym_page(const struct kspec *k, uint64_t pa, unsigned char *buf)
{
	if (pa != k->kload + K_SYM_OFF || !k->fl)
		return;
	put_int(buf, 8, 1, 0);
	put_int(buf + 0x300, 8, k->page_offset + k->pgdat_pa, 0);
}

static void era_fl_free(struct kspec *k)
{
	if (!k->fl)
		return;
	free(k->fl->pfn);
	free(k->fl->list);
	free(k->fl->prev);
	free(k->fl->next);
	free(k->fl);
	k->fl = NULL;
}

#endif /* MKVMCORE_ERAS_H */
