/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mem_map discovery: SPARSEMEM (EXTREME or not, VMEMMAP or not) and FLATMEM.
 * REFERENCE.md 6.1. DISCONTIGMEM is not handled: the kernels of every
 * architecture we support are SPARSEMEM (or FLATMEM), and 6.x does not
 * export node_mem_map anyway. */
#include "memmap.h"

#include <stdlib.h>
#include <string.h>

#include "byteio.h"

/* Flag bits in the low bits of section_mem_map: PRESENT, HAS_MEM_MAP,
 * ONLINE, EARLY, TAINT_ZONE_DEVICE, VMEMMAP_PREINIT (6.14+). makedumpfile
 * masks 5 bits; we mask all 6 the kernel defines. The encoded pointer is
 * at least page aligned (section arrays are page-sized allocations and the
 * subtracted section offset is a multiple of 2 MiB). */
#define SECTION_FLAG_MASK 0x3fULL
#define SECTION_MARKED_PRESENT 0x1ULL

/* Upper bound of sections we are willing to decode (2^25 = 52-bit physical
 * addresses with 128 MiB sections). */
#define MAX_SECTIONS (1ULL << 25)

struct sparse_geo {
	unsigned int pfn_section_shift;
	uint64_t pages_per_section;
	uint64_t nr_mem_sections;   /* the kernel's NR_MEM_SECTIONS */
	uint64_t nr_sections;       /* sections covering [0, max_mapnr) */
	uint64_t sections_per_root; /* 1 when not EXTREME */
	uint64_t nr_roots;
	uint64_t ms_size;           /* SIZE(mem_section) */
	uint64_t map_off;           /* OFFSET(mem_section.section_mem_map) */
	uint64_t page_struct_size;
	bool extreme;
};

const char *memmap_model_name(enum memmap_model model)
{
	switch (model) {
	case MEMMAP_FLATMEM:
		return "FLATMEM";
	case MEMMAP_SPARSEMEM:
		return "SPARSEMEM";
	case MEMMAP_SPARSEMEM_EXTREME:
		return "SPARSEMEM_EX";
	}
	return "?";
}

static struct mdf_error *sparse_geometry(const struct kmem *km, const struct kfacts *kf,
					 uint64_t max_mapnr, struct sparse_geo *g)
{
	uint64_t ps = kmem_page_size(km);
	unsigned int page_shift = (unsigned int)__builtin_ctzll(ps);
	const struct arch_state *ast = kmem_arch_state(km);
	uint64_t ssb, mpb;

	memset(g, 0, sizeof(*g));
	/* The architecture's defaults when the note lacks them (REFERENCE.md
	 * 6.1, 7.2). */
	if (kf_have(kf, KF_NUMBER_SECTION_SIZE_BITS))
		ssb = kf_get(kf, KF_NUMBER_SECTION_SIZE_BITS);
	else if (ast->section_size_bits)
		ssb = ast->section_size_bits;
	else
		return mdf_error_create(MDF_ERR_NODATA,
					"NUMBER(SECTION_SIZE_BITS) is missing from VMCOREINFO");
	if (kf_have(kf, KF_NUMBER_MAX_PHYSMEM_BITS))
		mpb = kf_get(kf, KF_NUMBER_MAX_PHYSMEM_BITS);
	else if (ast->max_physmem_bits)
		mpb = ast->max_physmem_bits;
	else
		return mdf_error_create(MDF_ERR_NODATA,
					"NUMBER(MAX_PHYSMEM_BITS) is missing from VMCOREINFO");
	if (ssb <= page_shift || ssb > 40 || mpb < ssb || mpb > 64 || mpb - ssb > 25)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"implausible sparsemem geometry: SECTION_SIZE_BITS %llu, "
					"MAX_PHYSMEM_BITS %llu, page shift %u",
					(unsigned long long)ssb, (unsigned long long)mpb, page_shift);
	g->ms_size = kf_get(kf, KF_SIZE_mem_section);
	g->map_off = kf_get(kf, KF_OFFSET_mem_section_section_mem_map);
	g->page_struct_size = kf_get(kf, KF_SIZE_page);
	if (g->ms_size < 8 || g->ms_size > ps || g->map_off > g->ms_size - 8)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"implausible SIZE(mem_section)=%llu / OFFSET(mem_section.section_mem_map)=%llu",
					(unsigned long long)g->ms_size, (unsigned long long)g->map_off);
	g->pfn_section_shift = (unsigned int)(ssb - page_shift);
	g->pages_per_section = 1ULL << g->pfn_section_shift;
	g->nr_mem_sections = 1ULL << (mpb - ssb);
	g->nr_sections = (max_mapnr + g->pages_per_section - 1) >> g->pfn_section_shift;
	if (g->nr_sections > g->nr_mem_sections)
		g->nr_sections = g->nr_mem_sections;

	uint64_t spr = ps / g->ms_size;
	uint64_t roots = (g->nr_mem_sections + spr - 1) / spr;
	g->extreme = !kf_have(kf, KF_LENGTH_mem_section) || kf_get(kf, KF_LENGTH_mem_section) == roots;
	g->sections_per_root = g->extreme ? spr : 1;
	g->nr_roots = (g->nr_sections + g->sections_per_root - 1) / g->sections_per_root;
	return NULL;
}

/* Decodes every section below g->nr_sections with mem_section at base;
 * maps[nr] = struct page of the section's first pfn, or 0. Counts present
 * sections and those whose pointers are not kernel VAs. */
static struct mdf_error *decode_sections(struct kmem *km, const struct sparse_geo *g,
					 uint64_t base, uint64_t *maps, uint64_t *present_ret,
					 uint64_t *bad_ret)
{
	uint64_t ps = kmem_page_size(km);
	uint8_t *buf = malloc(ps);
	if (!buf)
		return mdf_error_nomem();
	struct mdf_error *err = NULL;
	uint64_t present = 0, bad = 0;

	memset(maps, 0, g->nr_sections * sizeof(*maps));
	/* One root (or, without EXTREME, one page worth of structs) at a time. */
	uint64_t per_chunk = g->extreme ? g->sections_per_root : ps / g->ms_size;
	for (uint64_t first = 0; first < g->nr_sections; first += per_chunk) {
		uint64_t n = g->nr_sections - first < per_chunk ? g->nr_sections - first : per_chunk;
		uint64_t addr;
		if (g->extreme) {
			err = kmem_read_u64(km, base + (first / per_chunk) * 8, &addr);
			if (err)
				goto out;
			if (!addr)
				continue;
			if (!kmem_is_kernel_va(km, addr)) {
				bad++;
				continue;
			}
		} else {
			addr = base + first * g->ms_size;
		}
		err = kmem_read(km, addr, buf, n * g->ms_size);
		if (err)
			goto out;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t v = mdf_get_le64(buf + i * g->ms_size + g->map_off);
			if (!(v & SECTION_MARKED_PRESENT))
				continue;
			uint64_t nr = first + i;
			uint64_t mm = (v & ~SECTION_FLAG_MASK) +
				      ((nr << g->pfn_section_shift) * g->page_struct_size);
			present++;
			if (!kmem_is_kernel_va(km, mm) || !(v & ~SECTION_FLAG_MASK)) {
				bad++;
				continue;
			}
			maps[nr] = mm;
		}
	}
out:
	free(buf);
	*present_ret = present;
	*bad_ret = bad;
	return err;
}

/* Tries SYMBOL(mem_section) as the root array itself (VMCOREINFO), then as
 * the address of a pointer to it (DWARF, kernels >= 4.15 allocate the root
 * array), REFERENCE.md 6.1. */
static struct mdf_error *sparse_sections(struct kmem *km, const struct kfacts *kf,
					 const struct sparse_geo *g, uint64_t *maps,
					 const struct mdf_msg *msg)
{
	uint64_t sym = kf_get(kf, KF_SYMBOL_mem_section);
	uint64_t present = 0, bad = 0;
	struct mdf_error *err = decode_sections(km, g, sym, maps, &present, &bad);
	if (!err && present && !bad)
		return NULL;
	if (err)
		mdf_msgf(msg, MDF_MSG_DEBUG, "mem_section at 0x%llx as the array: %s",
			 (unsigned long long)sym, err->message);
	mdf_error_destroy(err);
	if (g->extreme) {
		uint64_t ptr;
		err = kmem_read_u64(km, sym, &ptr);
		if (!err && kmem_is_kernel_va(km, ptr)) {
			uint64_t p2 = 0, b2 = 0;
			err = decode_sections(km, g, ptr, maps, &p2, &b2);
			if (!err && p2 && !b2) {
				mdf_msgf(msg, MDF_MSG_DEBUG,
					 "SYMBOL(mem_section) is the address of the root pointer (0x%llx)",
					 (unsigned long long)ptr);
				return NULL;
			}
		}
		mdf_error_destroy(err);
	}
	return mdf_error_create(MDF_ERR_CORRUPT,
				"cannot decode mem_section at 0x%llx: %llu present sections, "
				"%llu with invalid mem_map pointers",
				(unsigned long long)sym, (unsigned long long)present,
				(unsigned long long)bad);
}

static struct mdf_error *add_range(struct memmap *mm, size_t *cap, uint64_t start, uint64_t end,
				   uint64_t map)
{
	if (mm->nr_ranges) {
		struct memmap_range *r = &mm->ranges[mm->nr_ranges - 1];
		if (r->end_pfn == start && r->mem_map + (start - r->start_pfn) * mm->page_struct_size == map) {
			r->end_pfn = end;
			return NULL;
		}
	}
	if (mm->nr_ranges == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct memmap_range *n = realloc(mm->ranges, ncap * sizeof(*n));
		if (!n)
			return mdf_error_nomem();
		mm->ranges = n;
		*cap = ncap;
	}
	mm->ranges[mm->nr_ranges++] = (struct memmap_range){ start, end, map };
	return NULL;
}

static struct mdf_error *build_sparse(struct kmem *km, const struct kfacts *kf, uint64_t max_mapnr,
				      struct memmap *mm, const struct mdf_msg *msg)
{
	struct sparse_geo g;
	struct mdf_error *err = sparse_geometry(km, kf, max_mapnr, &g);
	if (err)
		return err;
	mm->model = g.extreme ? MEMMAP_SPARSEMEM_EXTREME : MEMMAP_SPARSEMEM;
	if (!g.nr_sections)
		return NULL;
	if (g.nr_sections > MAX_SECTIONS)
		return mdf_error_create(MDF_ERR_CORRUPT, "too many memory sections (%llu)",
					(unsigned long long)g.nr_sections);
	uint64_t *maps = malloc(g.nr_sections * sizeof(*maps));
	if (!maps)
		return mdf_error_nomem();
	err = sparse_sections(km, kf, &g, maps, msg);
	size_t cap = 0;
	for (uint64_t nr = 0; !err && nr < g.nr_sections; nr++) {
		if (!maps[nr])
			continue;
		uint64_t s = nr << g.pfn_section_shift;
		uint64_t e = s + g.pages_per_section;
		if (e > max_mapnr)
			e = max_mapnr;
		err = add_range(mm, &cap, s, e, maps[nr]);
	}
	free(maps);
	if (!err)
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "%s: %llu sections of %llu pages scanned, %zu mem_map ranges",
			 memmap_model_name(mm->model), (unsigned long long)g.nr_sections,
			 (unsigned long long)g.pages_per_section, mm->nr_ranges);
	return err;
}

static struct mdf_error *build_flat(struct kmem *km, const struct kfacts *kf, uint64_t max_mapnr,
				    struct memmap *mm)
{
	uint64_t map;
	mm->model = MEMMAP_FLATMEM;
	struct mdf_error *err = kmem_read_u64(km, kf_get(kf, KF_SYMBOL_mem_map), &map);
	if (err)
		return mdf_error_wrap(err, "reading mem_map");
	if (!kmem_is_kernel_va(km, map))
		return mdf_error_create(MDF_ERR_CORRUPT, "mem_map 0x%llx is not a kernel address",
					(unsigned long long)map);
	size_t cap = 0;
	return max_mapnr ? add_range(mm, &cap, 0, max_mapnr, map) : NULL;
}

struct mdf_error *memmap_create(struct kmem *km, const struct kfacts *kf, uint64_t max_mapnr,
				const struct mdf_msg *msg, struct memmap **ret)
{
	char why[64];
	if (!kf_have(kf, KF_SIZE_page)) {
		kf_why_missing(kf, KF_SIZE_page, why, sizeof(why));
		return mdf_error_create(MDF_ERR_NODATA, "SIZE(page) is needed, %s", why);
	}
	uint64_t psz = kf_get(kf, KF_SIZE_page);
	if (psz < 8 || psz > 1024)
		return mdf_error_create(MDF_ERR_CORRUPT, "implausible SIZE(page)=%llu",
					(unsigned long long)psz);
	struct memmap *mm = calloc(1, sizeof(*mm));
	if (!mm)
		return mdf_error_nomem();
	mm->page_struct_size = psz;
	struct mdf_error *err;
	/* The facts a failure names: any of them may be the damaged one. */
	static const enum kfact_id sparse_ids[] = {
		KF_SYMBOL_mem_section, KF_LENGTH_mem_section, KF_SIZE_mem_section,
		KF_OFFSET_mem_section_section_mem_map, KF_NUMBER_SECTION_SIZE_BITS,
		KF_NUMBER_MAX_PHYSMEM_BITS, KF_SIZE_page,
	};
	static const enum kfact_id flat_ids[] = { KF_SYMBOL_mem_map, KF_SIZE_page };
	char facts[512];
	if (kf_have(kf, KF_SYMBOL_mem_section) && kf_have(kf, KF_SIZE_mem_section) &&
	    kf_have(kf, KF_OFFSET_mem_section_section_mem_map)) {
		err = build_sparse(km, kf, max_mapnr, mm, msg);
		if (err) {
			kf_format_facts(kf, sparse_ids, sizeof(sparse_ids) / sizeof(sparse_ids[0]),
					facts, sizeof(facts));
			err = mdf_error_wrap(err, "memory model from %s", facts);
		}
	} else if (kf_have(kf, KF_SYMBOL_mem_map)) {
		err = build_flat(km, kf, max_mapnr, mm);
		if (err) {
			kf_format_facts(kf, flat_ids, 2, facts, sizeof(facts));
			err = mdf_error_wrap(err, "memory model from %s", facts);
		}
	} else {
		kf_format_facts(kf, sparse_ids, 4, facts, sizeof(facts));
		err = mdf_error_create(MDF_ERR_NODATA,
				       "memory model unknown: SYMBOL(mem_map) is absent and the "
				       "sparse memory model lacks a fact: %s", facts);
	}
	if (err) {
		memmap_destroy(mm);
		return err;
	}
	mm->max_pfn = mm->nr_ranges ? mm->ranges[mm->nr_ranges - 1].end_pfn : 0;
	*ret = mm;
	return NULL;
}

void memmap_destroy(struct memmap *mm)
{
	if (!mm)
		return;
	free(mm->ranges);
	free(mm);
}

const struct memmap_range *memmap_find(const struct memmap *mm, uint64_t pfn)
{
	size_t lo = 0, hi = mm->nr_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct memmap_range *r = &mm->ranges[mid];
		if (pfn < r->start_pfn)
			hi = mid;
		else if (pfn >= r->end_pfn)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}
