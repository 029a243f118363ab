/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page classifier (REFERENCE.md 6.3-6.6). Pure: bytes in, class out. */
#include "page_class.h"

#include <string.h>

#include "freelist.h"

/* Page-type words of the >= 6.12 encoding (type in the top byte,
 * REFERENCE.md 6.4), used only when the note lacks the exported value but
 * shows that encoding through PAGE_BUDDY_MAPCOUNT_VALUE. */
#define PGTY_BUDDY_612 0xf0000000u
#define PGTY_HUGETLB_612 0xf4000000u
#define PGTY_SLAB_612 0xf5000000u
#define PGTY_UNACCEPTED_612 0xf7000000u
/* The later 6.9-6.11 encoding (one high bit cleared, REFERENCE.md 6.4). */
#define PGTY_BUDDY_69 0xbfffffffu
#define PGTY_SLAB_69 0xfdffffffu
#define PGTY_HUGETLB_69 0xfbffffffu

/* Default number of buddy orders when LENGTH(zone.free_area) is absent
 * (MAX_ORDER 11 / NR_PAGE_ORDERS 11 with 4 KiB pages; every kernel we
 * know exports it, and DWARF gives it with -x). */
#define DEFAULT_MAX_ORDER 11

static inline uint64_t rd64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

const char *page_class_name(enum page_class c)
{
	static const char *const names[] = {
		[PAGE_KEEP] = "keep",       [PAGE_TAIL] = "tail",
		[PAGE_SLAB] = "slab",       [PAGE_BUDDY] = "buddy",
		[PAGE_UNACCEPTED] = "unaccepted", [PAGE_CACHE] = "cache",
		[PAGE_CACHE_PRIVATE] = "private cache", [PAGE_USER] = "user",
		[PAGE_HWPOISON] = "hwpoison", [PAGE_OFFLINE] = "offline",
	};
	return (unsigned int)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

/* A flag mask from NUMBER(PG_x), 0 if absent or out of range. */
static uint64_t flag_mask(const struct kfacts *kf, enum kfact_id id)
{
	if (!kf_have(kf, id) || kf_get(kf, id) >= 64)
		return 0;
	return 1ULL << kf_get(kf, id);
}

static bool get_type(const struct kfacts *kf, enum kfact_id id, uint32_t *ret)
{
	if (!kf_have(kf, id))
		return false;
	*ret = (uint32_t)kf_get(kf, id); /* negative decimals: keep the 32-bit word */
	return true;
}

/* Offset of a member that must lie inside SIZE(page). Written so that a
 * huge OFFSET() from a corrupt note cannot wrap the sum (width <= size). */
static bool get_off(const struct kfacts *kf, enum kfact_id id, uint32_t size, uint32_t width,
		    uint32_t *ret)
{
	if (!kf_have(kf, id) || width > size || kf_get(kf, id) > size - width)
		return false;
	*ret = (uint32_t)kf_get(kf, id);
	return true;
}

static void init_types(struct page_layout *l, const struct kfacts *kf)
{
	l->have_buddy_type = get_type(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, &l->buddy_type);
	l->have_offline_type = get_type(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, &l->offline_type);
	l->have_slab_type = get_type(kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE, &l->slab_type);
	l->have_unaccepted_type =
		get_type(kf, KF_NUMBER_PAGE_UNACCEPTED_MAPCOUNT_VALUE, &l->unaccepted_type);
	if (!l->have_mapcount) {
		l->have_buddy_type = l->have_offline_type = false;
		l->have_slab_type = l->have_unaccepted_type = false;
		return;
	}
	/* Kernels without PG_slab mark slab pages with a page type; derive it
	 * from the encoding the buddy value reveals if the note lacks it. */
	if (!l->pg_slab && !l->have_slab_type && l->have_buddy_type) {
		if (l->buddy_type == PGTY_BUDDY_612) {
			l->slab_type = PGTY_SLAB_612;
			l->have_slab_type = true;
		} else if (l->buddy_type == PGTY_BUDDY_69) {
			l->slab_type = PGTY_SLAB_69;
			l->have_slab_type = true;
		}
	}
	/* 6.12 has PGTY_unaccepted but does not export it (REFERENCE.md 5.4). */
	if (!l->have_unaccepted_type && l->have_buddy_type && l->buddy_type == PGTY_BUDDY_612) {
		l->unaccepted_type = PGTY_UNACCEPTED_612;
		l->have_unaccepted_type = true;
	}
}

/* The order/hugetlb source by era, from which keys exist (REFERENCE.md 6.5). */
static void init_compound(struct page_layout *l, const struct kfacts *kf)
{
	uint32_t sz = l->size, o, d;
	uint32_t ht;
	if (l->have_mapcount && get_type(kf, KF_NUMBER_PAGE_HUGETLB_MAPCOUNT_VALUE, &ht)) {
		l->order_source = PAGE_ORDER_TAIL_FLAGS;
		l->hugetlb_source = PAGE_HUGETLB_HEAD_TYPE;
		l->hugetlb_type = ht;
	} else if (flag_mask(kf, KF_NUMBER_PG_hugetlb)) {
		l->order_source = PAGE_ORDER_TAIL_FLAGS;
		l->hugetlb_source = PAGE_HUGETLB_TAIL_FLAG;
		l->pg_hugetlb = flag_mask(kf, KF_NUMBER_PG_hugetlb);
	} else if (kf_have(kf, KF_OFFSET_folio__folio_order) &&
		   kf_get(kf, KF_OFFSET_folio__folio_order) >= sz &&
		   kf_get(kf, KF_OFFSET_folio__folio_order) < 2ULL * sz) {
		/* folio offsets count from the head; the field is in the tail */
		l->order_source = PAGE_ORDER_FOLIO;
		l->off_tail_order = (uint32_t)(kf_get(kf, KF_OFFSET_folio__folio_order) - sz);
		if (kf_have(kf, KF_OFFSET_folio__folio_dtor) && kf_have(kf, KF_NUMBER_HUGETLB_PAGE_DTOR) &&
		    kf_get(kf, KF_OFFSET_folio__folio_dtor) >= sz &&
		    kf_get(kf, KF_OFFSET_folio__folio_dtor) < 2ULL * sz) {
			l->hugetlb_source = PAGE_HUGETLB_DTOR;
			l->off_tail_dtor = (uint32_t)(kf_get(kf, KF_OFFSET_folio__folio_dtor) - sz);
		}
	} else if (get_off(kf, KF_OFFSET_page_compound_order, sz, 2, &o)) {
		bool have_d = get_off(kf, KF_OFFSET_page_compound_dtor, sz, 2, &d);
		/* u8 fields sit next to each other (4.16+; bytes 18-19 hold stale
		 * data there); earlier ones are 16 or 32 bits wide, whose low
		 * 16 bits we read (REFERENCE.md 6.5). */
		l->order_source = have_d && o == d + 1 ? PAGE_ORDER_COMPOUND8 : PAGE_ORDER_COMPOUND16;
		l->off_tail_order = o;
		if (have_d && kf_have(kf, KF_NUMBER_HUGETLB_PAGE_DTOR)) {
			l->hugetlb_source = PAGE_HUGETLB_DTOR;
			l->off_tail_dtor = d;
		}
	} else if (l->have_mapcount && l->have_buddy_type && l->buddy_type == PGTY_BUDDY_612) {
		/* a 6.12-style note without the hugetlb type */
		l->order_source = PAGE_ORDER_TAIL_FLAGS;
		l->hugetlb_source = PAGE_HUGETLB_HEAD_TYPE;
		l->hugetlb_type = PGTY_HUGETLB_612;
	} else if (l->have_mapcount && l->have_buddy_type && l->buddy_type == PGTY_BUDDY_69) {
		l->order_source = PAGE_ORDER_TAIL_FLAGS;
		l->hugetlb_source = PAGE_HUGETLB_HEAD_TYPE;
		l->hugetlb_type = PGTY_HUGETLB_69;
	} else if (!l->have_compound_head && get_off(kf, KF_OFFSET_page_lru, sz, 16, &o)) {
		/* before 4.4: order in the first tail's lru.prev, destructor
		 * (a function pointer) in lru.next */
		l->order_source = PAGE_ORDER_LRU;
		l->off_tail_order = o + 8;
		l->off_tail_dtor = o;
		if (kf_have(kf, KF_SYMBOL_free_huge_page)) {
			l->hugetlb_source = PAGE_HUGETLB_FUNC;
			l->free_huge_page = kf_get(kf, KF_SYMBOL_free_huge_page);
		}
	}
	if (kf_have(kf, KF_NUMBER_HUGETLB_PAGE_DTOR))
		l->hugetlb_dtor = (uint32_t)kf_get(kf, KF_NUMBER_HUGETLB_PAGE_DTOR);
}

struct mdf_error *page_layout_init(struct page_layout *l, const struct kfacts *kf,
				   const struct mdf_msg *msg)
{
	memset(l, 0, sizeof(*l));
	char why[64];
	if (!kf_have(kf, KF_SIZE_page)) {
		kf_why_missing(kf, KF_SIZE_page, why, sizeof(why));
		return mdf_error_create(MDF_ERR_NODATA, "SIZE(page) is needed, %s", why);
	}
	if (kf_get(kf, KF_SIZE_page) < 16 || kf_get(kf, KF_SIZE_page) > 1024)
		return mdf_error_create(MDF_ERR_CORRUPT, "implausible SIZE(page)=%llu",
					(unsigned long long)kf_get(kf, KF_SIZE_page));
	l->size = (uint32_t)kf_get(kf, KF_SIZE_page);
	if (!get_off(kf, KF_OFFSET_page_flags, l->size, 8, &l->off_flags)) {
		kf_why_missing(kf, KF_OFFSET_page_flags, why, sizeof(why));
		return mdf_error_create(MDF_ERR_NODATA, "OFFSET(page.flags) is needed, %s", why);
	}
	l->have_mapping = get_off(kf, KF_OFFSET_page_mapping, l->size, 8, &l->off_mapping);
	l->have_mapcount = get_off(kf, KF_OFFSET_page__mapcount, l->size, 4, &l->off_mapcount);
	l->have_private = get_off(kf, KF_OFFSET_page_private, l->size, 8, &l->off_private);
	l->have_compound_head =
		get_off(kf, KF_OFFSET_page_compound_head, l->size, 8, &l->off_compound_head) ||
		get_off(kf, KF_OFFSET_page_compound_info, l->size, 8, &l->off_compound_head);

	l->pg_lru = flag_mask(kf, KF_NUMBER_PG_lru);
	l->pg_private = flag_mask(kf, KF_NUMBER_PG_private);
	l->pg_swapcache = flag_mask(kf, KF_NUMBER_PG_swapcache);
	l->pg_swapbacked = flag_mask(kf, KF_NUMBER_PG_swapbacked);
	l->pg_slab = flag_mask(kf, KF_NUMBER_PG_slab);
	l->pg_hwpoison = flag_mask(kf, KF_NUMBER_PG_hwpoison);
	l->pg_buddy = flag_mask(kf, KF_NUMBER_PG_buddy);
	if (kf_have(kf, KF_NUMBER_PG_head_mask))
		l->pg_head = kf_get(kf, KF_NUMBER_PG_head_mask);
	else
		l->pg_head = flag_mask(kf, KF_NUMBER_PG_head);

	init_types(l, kf);
	init_compound(l, kf);
	l->max_order = DEFAULT_MAX_ORDER;
	if (kf_have(kf, KF_LENGTH_zone_free_area) && kf_get(kf, KF_LENGTH_zone_free_area) >= 1 &&
	    kf_get(kf, KF_LENGTH_zone_free_area) <= 64)
		l->max_order = (unsigned int)kf_get(kf, KF_LENGTH_zone_free_area);
	l->buddy_known = l->have_private && (l->have_buddy_type || l->pg_buddy);
	l->free_list_known = freelist_facts_known(kf);

	static const char *const osrc[] = { "none", "first tail's flags", "folio fields",
					    "u8 compound_order", "u16 compound_order",
					    "first tail's lru" };
	static const char *const hsrc[] = { "none", "head page type", "PG_hugetlb in first tail",
					    "compound destructor", "free_huge_page" };
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "page layout: size %u, free pages by %s, slab by %s%s%s, compound order from %s, "
		 "hugetlb by %s, max order %u",
		 l->size,
		 l->buddy_known ? (l->have_buddy_type ? "page type" : "PG_buddy")
				: l->free_list_known ? "the free lists" : "nothing",
		 l->pg_slab ? "PG_slab" : "", l->pg_slab && l->have_slab_type ? " and " : "",
		 l->have_slab_type ? "page type" : l->pg_slab ? "" : "nothing",
		 osrc[l->order_source], hsrc[l->hugetlb_source], l->max_order);
	return NULL;
}

bool page_compound_head(const struct page_layout *l, uint64_t tail_va, const uint8_t *tail,
			uint64_t *head_va_ret)
{
	if (!l->have_compound_head)
		return false;
	uint64_t info = rd64(tail + l->off_compound_head);
	if (!(info & 1))
		return false;
	uint64_t m = info & ~1ULL, low = ~m + 1; /* lowest set bit of a mask */
	if (m && (low & (low - 1)) == 0)
		*head_va_ret = tail_va & m;
	else
		*head_va_ret = info - 1;
	return true;
}

/* Reads the compound order and hugetlb marker of a head from its first tail
 * (REFERENCE.md 6.5). An order >= 64 or a head not aligned to it is
 * discarded (order 0): that also covers HVO's fake heads. So is one whose
 * first tail does not point back at the head, when page_va is known. */
static unsigned int compound_order(const struct page_layout *l, uint64_t pfn, uint64_t page_va,
				   const uint8_t *tail, bool *hugetlb)
{
	uint64_t order, head;
	if (page_va && l->have_compound_head &&
	    (!page_compound_head(l, page_va + l->size, tail, &head) || head != page_va))
		return 0;
	switch (l->order_source) {
	case PAGE_ORDER_TAIL_FLAGS:
		order = rd64(tail + l->off_flags) & 0xff;
		if (l->hugetlb_source == PAGE_HUGETLB_TAIL_FLAG)
			*hugetlb = (rd64(tail + l->off_flags) & l->pg_hugetlb) != 0;
		break;
	case PAGE_ORDER_FOLIO:
	case PAGE_ORDER_COMPOUND8:
		order = tail[l->off_tail_order];
		if (l->hugetlb_source == PAGE_HUGETLB_DTOR)
			*hugetlb = tail[l->off_tail_dtor] == l->hugetlb_dtor;
		break;
	case PAGE_ORDER_COMPOUND16:
		order = rd16(tail + l->off_tail_order);
		if (l->hugetlb_source == PAGE_HUGETLB_DTOR)
			*hugetlb = rd16(tail + l->off_tail_dtor) == l->hugetlb_dtor;
		break;
	case PAGE_ORDER_LRU:
		order = rd64(tail + l->off_tail_order);
		if (l->hugetlb_source == PAGE_HUGETLB_FUNC)
			*hugetlb = rd64(tail + l->off_tail_dtor) == l->free_huge_page;
		break;
	default:
		return 0;
	}
	if (order >= 64 || (pfn & ((1ULL << order) - 1)))
		return 0;
	return (unsigned int)order;
}

enum page_class page_classify(const struct page_layout *l, int dump_level, uint64_t pfn,
			      const uint8_t *page, const uint8_t *first_tail,
			      unsigned int *order_ret)
{
	return page_classify_at(l, dump_level, pfn, 0, page, first_tail, order_ret);
}

enum page_class page_classify_at(const struct page_layout *l, int dump_level, uint64_t pfn,
				 uint64_t page_va, const uint8_t *page, const uint8_t *first_tail,
				 unsigned int *order_ret)
{
	*order_ret = 0;
	if (l->have_compound_head && (rd64(page + l->off_compound_head) & 1))
		return PAGE_TAIL;
	uint64_t flags = rd64(page + l->off_flags);
	uint32_t type = l->have_mapcount ? rd32(page + l->off_mapcount) : 0xffffffffu;

	/* Slab pages are never dropped, whatever else they look like: the
	 * word at page.mapping belongs to struct slab there (ORACLES.md). */
	if ((flags & l->pg_slab) || (l->have_slab_type && type == l->slab_type))
		return PAGE_SLAB;

	if (dump_level & 16) {
		bool buddy = l->have_buddy_type ? type == l->buddy_type : (flags & l->pg_buddy) != 0;
		if (buddy && l->have_private) {
			uint64_t order = rd64(page + l->off_private);
			if (order >= l->max_order)
				return PAGE_KEEP; /* invalid order: keep (REFERENCE.md 6.3 step 2) */
			*order_ret = (unsigned int)order;
			return PAGE_BUDDY;
		}
		if (l->have_unaccepted_type && type == l->unaccepted_type) {
			*order_ret = l->max_order - 1;
			return PAGE_UNACCEPTED;
		}
	}

	unsigned int order = 0;
	bool hugetlb = false;
	if (flags & l->pg_head) {
		if (first_tail)
			order = compound_order(l, pfn, page_va, first_tail, &hugetlb);
		if (l->hugetlb_source == PAGE_HUGETLB_HEAD_TYPE)
			hugetlb = type == l->hugetlb_type;
	}
	uint64_t mapping = l->have_mapping ? rd64(page + l->off_mapping) : 0;
	bool anon = (mapping & 1) != 0;
	bool cache = (flags & l->pg_lru) ||
		     ((flags & l->pg_swapcache) && (!l->pg_swapbacked || (flags & l->pg_swapbacked)));
	bool priv = (flags & l->pg_private) != 0;

	if ((dump_level & 2) && cache && !priv && !anon) {
		*order_ret = order;
		return PAGE_CACHE;
	}
	if ((dump_level & 4) && cache && !anon) {
		*order_ret = order;
		return priv ? PAGE_CACHE_PRIVATE : PAGE_CACHE;
	}
	if ((dump_level & 8) && (anon || hugetlb)) {
		*order_ret = order;
		return PAGE_USER;
	}
	if (flags & l->pg_hwpoison)
		return PAGE_HWPOISON;
	if (l->have_offline_type && type == l->offline_type)
		return PAGE_OFFLINE;
	return PAGE_KEEP;
}
