/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The free-list walk (freelist.h; REFERENCE.md 6.4). */
#include "freelist.h"

#include <stdlib.h>
#include <string.h>

/* Where one list is, for messages. */
struct fl_where {
	unsigned int node, zone, order, type;
};

/* A mem_map range by the address of its struct pages. */
struct fl_rmap {
	uint64_t va, pfn, n;
};

struct fl_walk {
	struct kmem *km;
	const struct kfacts *kf;
	uint64_t max_mapnr, psize, off_lru, off_next, off_prev;
	struct fl_rmap *rmap;
	size_t nr_rmap;
	struct freelist *fl;
	size_t cap;
};

bool freelist_facts_known(const struct kfacts *kf)
{
	static const enum kfact_id need[] = {
		KF_OFFSET_pglist_data_node_zones, KF_OFFSET_pglist_data_nr_zones, KF_SIZE_zone,
		KF_OFFSET_zone_free_area,         KF_SIZE_free_area,
		KF_OFFSET_free_area_free_list,    KF_LENGTH_zone_free_area,
		KF_OFFSET_list_head_next,         KF_OFFSET_list_head_prev,
		KF_OFFSET_page_lru,               KF_SIZE_page,
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kf_have(kf, need[i]))
			return false;
	return (kf_have(kf, KF_SYMBOL_node_data) && kf_have(kf, KF_LENGTH_node_data)) ||
	       kf_have(kf, KF_SYMBOL_contig_page_data);
}

static int rmap_cmp(const void *a, const void *b)
{
	const struct fl_rmap *x = a, *y = b;
	return x->va < y->va ? -1 : x->va > y->va;
}

/* The memory map sorted by struct page address (SPARSEMEM without
 * VMEMMAP has one array per section, anywhere). */
static struct mdf_error *fl_rmap_build(struct fl_walk *w, const struct memmap *mm)
{
	w->rmap = calloc(mm->nr_ranges ? mm->nr_ranges : 1, sizeof(*w->rmap));
	if (!w->rmap)
		return mdf_error_nomem();
	for (size_t i = 0; i < mm->nr_ranges; i++) {
		const struct memmap_range *r = &mm->ranges[i];
		if (!r->mem_map || r->end_pfn <= r->start_pfn)
			continue;
		w->rmap[w->nr_rmap++] =
			(struct fl_rmap){ r->mem_map, r->start_pfn, r->end_pfn - r->start_pfn };
	}
	qsort(w->rmap, w->nr_rmap, sizeof(*w->rmap), rmap_cmp);
	return NULL;
}

/* The pfn whose struct page is at va, if va is one. */
static bool fl_pfn_of(const struct fl_walk *w, uint64_t va, uint64_t *pfn_ret)
{
	size_t lo = 0, hi = w->nr_rmap;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->rmap[mid].va <= va)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return false;
	const struct fl_rmap *r = &w->rmap[lo - 1];
	uint64_t off = va - r->va;
	if (off % w->psize || off / w->psize >= r->n)
		return false;
	*pfn_ret = r->pfn + off / w->psize;
	return true;
}

static struct mdf_error *fl_broken(const struct fl_where *at, const char *why, uint64_t addr)
{
	return mdf_error_create(MDF_ERR_CORRUPT,
				"free list of node %u zone %u order %u type %u: %s (0x%llx)",
				at->node, at->zone, at->order, at->type, why,
				(unsigned long long)addr);
}

static struct mdf_error *fl_add(struct fl_walk *w, uint64_t pfn, unsigned int order)
{
	struct freelist *fl = w->fl;
	if (fl->nr_blocks == w->cap) {
		size_t cap = w->cap ? w->cap * 2 : 256;
		void *p = realloc(fl->blocks, cap * sizeof(*fl->blocks));
		if (!p)
			return mdf_error_nomem();
		fl->blocks = p;
		w->cap = cap;
	}
	fl->blocks[fl->nr_blocks++] = (struct freelist_block){ pfn, order };
	fl->pages += 1ULL << order;
	return NULL;
}

/* Follows one list from its head: at most bound entries. */
static struct mdf_error *fl_list(struct fl_walk *w, uint64_t head, uint64_t bound,
				 const struct fl_where *at)
{
	uint64_t cur, prev_node = head, n = 0;
	struct mdf_error *err = kmem_read_u64(w->km, head + w->off_next, &cur);
	if (err)
		return err;
	while (cur != head) {
		if (n++ >= bound)
			return fl_broken(at, "longer than the pages its zone spans (a cycle?)", cur);
		uint64_t pfn, next, prev;
		if (cur < w->off_lru || !fl_pfn_of(w, cur - w->off_lru, &pfn))
			return fl_broken(at, "a link points outside the memory map", cur);
		if ((err = kmem_read_u64(w->km, cur + w->off_next, &next)) ||
		    (err = kmem_read_u64(w->km, cur + w->off_prev, &prev)))
			return mdf_error_wrap(err, "free list of node %u zone %u order %u type %u",
					      at->node, at->zone, at->order, at->type);
		if (prev != prev_node)
			return fl_broken(at, "a back link does not match", cur);
		if (pfn & ((1ULL << at->order) - 1) || pfn >= w->max_mapnr ||
		    (1ULL << at->order) > w->max_mapnr - pfn)
			return fl_broken(at, "a block is not aligned to its order or lies past the "
					     "memory", pfn);
		if ((err = fl_add(w, pfn, at->order)))
			return err;
		if (n == 1)
			w->fl->lists++;
		prev_node = cur;
		cur = next;
	}
	return NULL;
}

/* Every list of one zone. */
static struct mdf_error *fl_zone(struct fl_walk *w, uint64_t zone, struct fl_where *at)
{
	const struct kfacts *kf = w->kf;
	uint64_t orders = kf_get(kf, KF_LENGTH_zone_free_area);
	uint64_t types = kf_have(kf, KF_LENGTH_free_area_free_list)
				 ? kf_get(kf, KF_LENGTH_free_area_free_list) : 1;
	uint64_t sz_fa = kf_get(kf, KF_SIZE_free_area), sz_lh =
		kf_have(kf, KF_SIZE_list_head) ? kf_get(kf, KF_SIZE_list_head) : 16;
	uint64_t off_fa = kf_get(kf, KF_OFFSET_zone_free_area);
	uint64_t off_fl = kf_get(kf, KF_OFFSET_free_area_free_list);
	if (orders < 1 || orders > FREELIST_MAX_ORDERS || types < 1 || types > FREELIST_MAX_TYPES ||
	    off_fa + orders * sz_fa > kf_get(kf, KF_SIZE_zone) || off_fl + types * sz_lh > sz_fa)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"free lists: LENGTH(zone.free_area)=%llu orders of %llu "
					"migrate types do not fit in a zone",
					(unsigned long long)orders, (unsigned long long)types);
	uint64_t spanned = w->max_mapnr;
	if (kf_have(kf, KF_OFFSET_zone_spanned_pages)) {
		struct mdf_error *err =
			kmem_read_u64(w->km, zone + kf_get(kf, KF_OFFSET_zone_spanned_pages), &spanned);
		if (err)
			return err;
		if (!spanned)
			return NULL;
		if (spanned > w->max_mapnr)
			spanned = w->max_mapnr;
	}
	for (at->order = (unsigned int)orders; at->order-- > 0;)
		for (at->type = 0; at->type < types; at->type++) {
			uint64_t head = zone + off_fa + at->order * sz_fa + off_fl + at->type * sz_lh;
			struct mdf_error *err = fl_list(w, head, (spanned >> at->order) + 1, at);
			if (err)
				return err;
		}
	return NULL;
}

/* Every zone of one node. */
static struct mdf_error *fl_node(struct fl_walk *w, uint64_t pgdat, struct fl_where *at)
{
	const struct kfacts *kf = w->kf;
	uint32_t nr_zones;
	struct mdf_error *err =
		kmem_read_u32(w->km, pgdat + kf_get(kf, KF_OFFSET_pglist_data_nr_zones), &nr_zones);
	if (err)
		return err;
	if (nr_zones > FREELIST_MAX_ZONES)
		return mdf_error_create(MDF_ERR_CORRUPT, "node %u: nr_zones %u", at->node, nr_zones);
	for (at->zone = 0; at->zone < nr_zones; at->zone++) {
		uint64_t zone = pgdat + kf_get(kf, KF_OFFSET_pglist_data_node_zones) +
				at->zone * kf_get(kf, KF_SIZE_zone);
		if ((err = fl_zone(w, zone, at)))
			return err;
	}
	return NULL;
}

/* Online node n? (node_online_map, when exported; else every non-NULL
 * node_data entry). */
static bool fl_online(struct fl_walk *w, unsigned int n)
{
	if (!kf_have(w->kf, KF_SYMBOL_node_online_map))
		return true;
	uint64_t word;
	struct mdf_error *err =
		kmem_read_u64(w->km, kf_get(w->kf, KF_SYMBOL_node_online_map) + n / 64 * 8, &word);
	if (err) {
		mdf_error_destroy(err);
		return true;
	}
	return word >> (n % 64) & 1;
}

static struct mdf_error *fl_nodes(struct fl_walk *w)
{
	const struct kfacts *kf = w->kf;
	struct fl_where at = { 0, 0, 0, 0 };
	if (!kf_have(kf, KF_SYMBOL_node_data))
		return fl_node(w, kf_get(kf, KF_SYMBOL_contig_page_data), &at);
	uint64_t n = kf_get(kf, KF_LENGTH_node_data);
	if (n > FREELIST_MAX_NODES)
		n = FREELIST_MAX_NODES;
	for (at.node = 0; at.node < n; at.node++) {
		uint64_t pgdat;
		struct mdf_error *err =
			kmem_read_u64(w->km, kf_get(kf, KF_SYMBOL_node_data) + at.node * 8, &pgdat);
		if (err)
			return err;
		if (!pgdat || !fl_online(w, at.node))
			continue;
		if (!kmem_is_kernel_va(w->km, pgdat))
			return mdf_error_create(MDF_ERR_CORRUPT, "node_data[%u] = 0x%llx is not a "
						"kernel address", at.node, (unsigned long long)pgdat);
		if ((err = fl_node(w, pgdat, &at)))
			return err;
	}
	return NULL;
}

static int block_cmp(const void *a, const void *b)
{
	const struct freelist_block *x = a, *y = b;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

struct mdf_error *freelist_walk(struct kmem *km, const struct kfacts *kf, const struct memmap *mm,
				uint64_t max_mapnr, const struct mdf_msg *msg,
				struct freelist **ret)
{
	if (!freelist_facts_known(kf))
		return mdf_error_create(MDF_ERR_NODATA, "the free lists cannot be found: facts of "
							"node_data, pglist_data, zone or free_area "
							"are missing");
	struct fl_walk w = {
		.km = km, .kf = kf, .max_mapnr = max_mapnr, .psize = kf_get(kf, KF_SIZE_page),
		.off_lru = kf_get(kf, KF_OFFSET_page_lru),
		.off_next = kf_get(kf, KF_OFFSET_list_head_next),
		.off_prev = kf_get(kf, KF_OFFSET_list_head_prev),
	};
	w.fl = calloc(1, sizeof(*w.fl));
	struct mdf_error *err = w.fl && w.psize ? fl_rmap_build(&w, mm) : mdf_error_nomem();
	if (!err)
		err = fl_nodes(&w);
	if (!err) {
		struct freelist *fl = w.fl;
		if (fl->nr_blocks > 1)
			qsort(fl->blocks, fl->nr_blocks, sizeof(*fl->blocks), block_cmp);
		for (size_t i = 1; i < fl->nr_blocks && !err; i++)
			if (fl->blocks[i - 1].pfn + (1ULL << fl->blocks[i - 1].order) > fl->blocks[i].pfn)
				err = mdf_error_create(MDF_ERR_CORRUPT,
						       "free lists: blocks at pfn 0x%llx and 0x%llx "
						       "overlap",
						       (unsigned long long)fl->blocks[i - 1].pfn,
						       (unsigned long long)fl->blocks[i].pfn);
	}
	free(w.rmap);
	if (err) {
		freelist_destroy(w.fl);
		return err;
	}
	mdf_msgf(msg, MDF_MSG_DEBUG, "free lists: %zu blocks, %llu pages in %u lists",
		 w.fl->nr_blocks, (unsigned long long)w.fl->pages, w.fl->lists);
	*ret = w.fl;
	return NULL;
}

void freelist_destroy(struct freelist *fl)
{
	if (!fl)
		return;
	free(fl->blocks);
	free(fl);
}

size_t freelist_first_after(const struct freelist *fl, uint64_t pfn)
{
	size_t lo = 0, hi = fl->nr_blocks;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fl->blocks[mid].pfn + (1ULL << fl->blocks[mid].order) <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
