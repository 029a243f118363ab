/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Free pages from the buddy allocator's own free lists (REFERENCE.md 6.4,
 * "Free-list walk"), for kernels whose VMCOREINFO exports neither a buddy
 * page type nor NUMBER(PG_buddy) (or -x/-i facts without them): for every
 * node's pglist_data, every zone, order and migrate type, the list of free
 * blocks is followed from its head through the struct pages' lru links.
 *
 * The walk trusts nothing: every list is bounded by the pages its zone
 * spans, a next pointer must lead to a struct page of the memory map, a
 * node's prev must point back at the node before it, a block must be
 * aligned to its order and lie below max_mapnr, and no two blocks may
 * overlap. Any breakage discards the whole walk (MDF_ERR_CORRUPT naming
 * the list and the reason), and the caller keeps the free pages: a broken
 * list may point at pages that are not free. */
#ifndef MDF_FREELIST_H
#define MDF_FREELIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"
#include "kmem.h"
#include "memmap.h"

/* Upper bounds: orders (LENGTH(zone.free_area)) and migrate types, zones
 * per node, nodes. */
enum {
	FREELIST_MAX_ORDERS = 32,
	FREELIST_MAX_TYPES = 16,
	FREELIST_MAX_ZONES = 8,
	FREELIST_MAX_NODES = 1024,
};

/* One free block: pfns [pfn, pfn + (1 << order)). */
struct freelist_block {
	uint64_t pfn;
	unsigned int order;
};

/* The walk's result: blocks sorted by pfn, non-overlapping. */
struct freelist {
	struct freelist_block *blocks;
	size_t nr_blocks;
	uint64_t pages;          /* pfns the blocks cover */
	unsigned int lists;      /* non-empty lists walked */
};

/* True if the facts allow the walk: the nodes (node_data with its LENGTH,
 * or contig_page_data), the pglist_data, zone, free_area and list_head
 * layout, LENGTH(zone.free_area) and OFFSET(page.lru). Pure. */
bool freelist_facts_known(const struct kfacts *kf);

/* Walks every free list. Blocks at or past max_mapnr are an error too.
 * msg gets one debug line with the totals. */
struct mdf_error *freelist_walk(struct kmem *km, const struct kfacts *kf, const struct memmap *mm,
				uint64_t max_mapnr, const struct mdf_msg *msg,
				struct freelist **ret);

/* Frees; NULL is a no-op. */
void freelist_destroy(struct freelist *fl);

/* Index of the first block that ends after pfn (nr_blocks if none). */
size_t freelist_first_after(const struct freelist *fl, uint64_t pfn);

#endif
