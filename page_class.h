/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Page classification: one pure function from the bytes of a struct page
 * (and of its first tail page when it is a compound head) to a class.
 * REFERENCE.md 6.3 (decision order), 6.4 (free pages, page types), 6.5
 * (compound pages, folios, hugetlb). Classes follow the kernel's own
 * semantics where makedumpfile 1.7.x is known to be wrong (ORACLES.md). */
#ifndef MDF_PAGE_CLASS_H
#define MDF_PAGE_CLASS_H

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"

enum page_class {
	PAGE_KEEP,          /* nothing to exclude */
	PAGE_TAIL,          /* tail of a compound page: its head decides */
	PAGE_SLAB,          /* slab page: never dropped */
	PAGE_BUDDY,         /* free block of 1 << order pages */
	PAGE_UNACCEPTED,    /* unaccepted memory, 1 << order pages */
	PAGE_CACHE,         /* page cache without PG_private */
	PAGE_CACHE_PRIVATE, /* page cache with PG_private */
	PAGE_USER,          /* anonymous or hugetlb */
	PAGE_HWPOISON,
	PAGE_OFFLINE,
};

/* Where the compound order (and the hugetlb marker) of a head page is read
 * from, by kernel era (REFERENCE.md 6.5 table). */
enum page_order_source {
	PAGE_ORDER_NONE,       /* unknown: every head is treated as order 0 */
	PAGE_ORDER_TAIL_FLAGS, /* >= 6.6: low byte of the first tail's flags */
	PAGE_ORDER_FOLIO,      /* 6.3-6.5: folio._folio_order/_folio_dtor */
	PAGE_ORDER_COMPOUND8,  /* 4.16-6.2: u8 page.compound_order/_dtor */
	PAGE_ORDER_COMPOUND16, /* 4.4-4.15: u16 page.compound_order/_dtor */
	PAGE_ORDER_LRU,        /* < 4.4: tail lru.prev / lru.next */
};

enum page_hugetlb_source {
	PAGE_HUGETLB_NONE,
	PAGE_HUGETLB_HEAD_TYPE, /* >= 6.9: head page_type == PAGE_HUGETLB_MAPCOUNT_VALUE */
	PAGE_HUGETLB_TAIL_FLAG, /* 6.6-6.8: PG_hugetlb in the first tail's flags */
	PAGE_HUGETLB_DTOR,      /* <= 6.5: destructor id == HUGETLB_PAGE_DTOR */
	PAGE_HUGETLB_FUNC,      /* < 4.4: tail lru.next == SYMBOL(free_huge_page) */
};

/* Everything the classifier needs, derived once from the kernel facts.
 * A mask of 0 or a have_* false means "the note does not say": that test
 * is skipped (no back-filling with old kernels' numbers). */
struct page_layout {
	uint32_t size;           /* SIZE(page) */
	uint32_t off_flags, off_mapping, off_mapcount, off_private, off_compound_head;
	bool have_mapping, have_mapcount, have_private, have_compound_head;

	uint64_t pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_hwpoison,
		pg_buddy, pg_head; /* flag masks, 0 = unknown */

	/* page types, compared as whole 32-bit words (REFERENCE.md 6.4) */
	bool have_buddy_type, have_offline_type, have_slab_type, have_unaccepted_type;
	uint32_t buddy_type, offline_type, slab_type, unaccepted_type;

	enum page_order_source order_source;
	uint32_t off_tail_order, off_tail_dtor; /* inside the first tail's struct page */
	enum page_hugetlb_source hugetlb_source;
	uint32_t hugetlb_type;     /* head page_type of a hugetlb folio */
	uint64_t pg_hugetlb;       /* flag mask in the first tail (6.6-6.8) */
	uint32_t hugetlb_dtor;     /* HUGETLB_PAGE_DTOR */
	uint64_t free_huge_page;   /* SYMBOL(free_huge_page) (< 4.4) */

	unsigned int max_order;    /* LENGTH(zone.free_area): buddy orders below it */
	bool buddy_known;          /* some free-page test exists */
	bool free_list_known;      /* the free lists can be walked instead (REFERENCE.md 6.4) */
};

/* Fills *l from the facts and reports the choices (debug message). Errors
 * only when struct page itself is unusable (SIZE(page), OFFSET(page.flags)). */
struct mdf_error *page_layout_init(struct page_layout *l, const struct kfacts *kf,
				   const struct mdf_msg *msg);

/* Classifies the struct page of pfn at `page` (l->size bytes) for the given
 * dump level. first_tail is the struct page of pfn + 1, or NULL when not
 * available (then a head counts as order 0). *order_ret is the number of
 * pages to exclude as a power of two (buddy order, or compound order for
 * cache/user); 0 for the other classes. Pure: no I/O, no state. */
enum page_class page_classify(const struct page_layout *l, int dump_level, uint64_t pfn,
			      const uint8_t *page, const uint8_t *first_tail,
			      unsigned int *order_ret);

/* As page_classify, with page_va the virtual address of the struct page
 * (0 = unknown). When known, a head's order is used only if its first
 * tail's compound_head/compound_info points back at it (REFERENCE.md 6.5;
 * Linux 7.1 "compound_info" may hold a mask instead of a pointer, see
 * page_compound_head), so a misread or stale tail never widens an
 * exclusion. */
enum page_class page_classify_at(const struct page_layout *l, int dump_level, uint64_t pfn,
				 uint64_t page_va, const uint8_t *page, const uint8_t *first_tail,
				 unsigned int *order_ret);

/* The head of a tail page: tail is the struct page at tail_va. False when
 * it is not a tail (bit 0 of compound_head/compound_info clear) or the
 * layout has no such field. The field holds head + 1 (up to 7.0, and in
 * 7.1+ when sizeof(struct page) is not a power of two or without
 * HUGETLB_PAGE_OPTIMIZE_VMEMMAP), or a mask with bit 0 set that turns a
 * tail's own address into its head's (7.1+, "mm: Rework compound_head()
 * for power-of-2 sizeof(struct page)"): head = tail_va & mask. A mask is
 * all ones down to some bit, then zeros, which no struct page address is. */
bool page_compound_head(const struct page_layout *l, uint64_t tail_va, const uint8_t *tail,
			uint64_t *head_va_ret);

/* Short name of a class ("buddy", "cache", ...) for messages and tests. */
const char *page_class_name(enum page_class c);

#endif
