/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzzes the memory-model decoders over fuzzer-provided physical memory and
 * kernel facts: the x86_64 and arm64 page-table walks (kmem, arch/), the
 * mem_section / mem_map decoding (memmap) and the page classifier
 * (page_class).
 *
 * Input:
 *   u8  n                       number of fact overrides (at most 32 used)
 *   n * { u16 id; u64 value }   little-endian; id is taken modulo KF_COUNT,
 *                               value 0xffffffffffffffff removes the fact
 *   u8  flags                   bits 1-5: dump level; bit 6: arm64, else
 *                               x86_64; x86_64: bit 0 5-level paging;
 *                               arm64: bits 0 and 7 the page size (4K, 16K,
 *                               64K, and 8K, which arm64 has not)
 *   u64 max_mapnr               capped at 1 << 22
 *   u64 probe                   a virtual address to translate and read
 *   then chunks until the end:
 *   u32 pa; u16 len; len bytes  copied into a zeroed 256 KiB physical memory
 *                               (clipped at its end)
 * Facts start from a plausible 6.1-like x86_64 set (direct map at
 * 0xffff888000000000, root table at pa 0x1000, 64-byte struct page), or an
 * arm64 one (4K: VA_BITS 48, linear map at 0xffff000000000000; 16K: 47;
 * 64K: VA_BITS 52 with 52-bit PAs; PHYS_OFFSET 0, swapper_pg_dir at pa
 * 0x10000 through kimage_voffset), so short inputs reach the decoders.
 * Reads beyond the memory fail. tests/fuzz/mk_memmodel_arm64.py writes the
 * arm64 corpus entries. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"
#include "memmap.h"
#include "page_class.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	FZ_MEM_SIZE = 256 << 10,
	FZ_MAX_FACTS = 32,
	FZ_MAX_PAGES = 256, /* struct pages classified per input */
};

#define FZ_PO 0xffff888000000000ULL
#define FZ_START_KERNEL_MAP 0xffffffff80000000ULL
#define FZ_A64_KIMAGE 0xffff800008000000ULL

struct fz_in {
	const uint8_t *p;
	size_t left;
};

static uint64_t fz_take(struct fz_in *in, unsigned int n)
{
	uint64_t v = 0;
	if (in->left < n) {
		in->left = 0;
		return 0;
	}
	for (unsigned int i = n; i-- > 0;)
		v = (v << 8) | in->p[i];
	in->p += n;
	in->left -= n;
	return v;
}

static struct mdf_error *fz_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	const uint8_t *mem = arg;
	if (pa >= FZ_MEM_SIZE || len > FZ_MEM_SIZE - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx",
					(unsigned long long)pa);
	memcpy(buf, mem + pa, len);
	return NULL;
}

static void fz_base_facts(struct kfacts *kf)
{
	kfacts_init(kf);
	kf_set(kf, KF_NUMBER_phys_base, 0);
	kf_set(kf, KF_SYMBOL_init_top_pgt, FZ_START_KERNEL_MAP + 0x1000);
	kf_set(kf, KF_SYMBOL_mem_section, FZ_PO + 0x4000);
	kf_set(kf, KF_LENGTH_mem_section, 2048); /* 2^19 sections / 256 per root */
	kf_set(kf, KF_SIZE_mem_section, 16);
	kf_set(kf, KF_OFFSET_mem_section_section_mem_map, 0);
	kf_set(kf, KF_NUMBER_SECTION_SIZE_BITS, 27);
	kf_set(kf, KF_NUMBER_MAX_PHYSMEM_BITS, 46);
	kf_set(kf, KF_SIZE_page, 64);
	kf_set(kf, KF_OFFSET_page_flags, 0);
	kf_set(kf, KF_OFFSET_page_lru, 8);
	kf_set(kf, KF_OFFSET_page_compound_head, 8);
	kf_set(kf, KF_OFFSET_page_mapping, 24);
	kf_set(kf, KF_OFFSET_page_private, 40);
	kf_set(kf, KF_OFFSET_page__mapcount, 48);
	kf_set(kf, KF_LENGTH_zone_free_area, 11);
	kf_set(kf, KF_NUMBER_PG_lru, 4);
	kf_set(kf, KF_NUMBER_PG_private, 13);
	kf_set(kf, KF_NUMBER_PG_swapcache, 10);
	kf_set(kf, KF_NUMBER_PG_swapbacked, 19);
	kf_set(kf, KF_NUMBER_PG_slab, 9);
	kf_set(kf, KF_NUMBER_PG_hwpoison, 23);
	kf_set(kf, KF_NUMBER_PG_head_mask, 1 << 16);
	kf_set(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, 0xffffff7fULL);
	kf_set(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, 0xfffffeffULL);
	kf_set(kf, KF_OFFSET_page_compound_order, 57);
	kf_set(kf, KF_OFFSET_page_compound_dtor, 56);
	kf_set(kf, KF_NUMBER_HUGETLB_PAGE_DTOR, 2);
}

/* The arm64 variant: page shift 12, 14 or 16 (13 on purpose: no such
 * arm64 page size). */
static void fz_arm64_facts(struct kfacts *kf, unsigned int shift)
{
	bool big = shift == 16;
	kf->have[KF_SYMBOL_init_top_pgt] = false;
	kf->have[KF_NUMBER_phys_base] = false;
	kf_set(kf, KF_SYMBOL_swapper_pg_dir, FZ_A64_KIMAGE + 0x10000);
	kf_set(kf, KF_NUMBER_kimage_voffset, FZ_A64_KIMAGE);
	kf_set(kf, KF_NUMBER_PHYS_OFFSET, 0);
	kf_set(kf, KF_NUMBER_VA_BITS, big ? 52 : shift == 14 ? 47 : 48);
	kf_set(kf, KF_NUMBER_TCR_EL1_T1SZ, big ? 12 : shift == 14 ? 17 : 16);
	kf_set(kf, KF_NUMBER_MAX_PHYSMEM_BITS, big ? 52 : 48);
	kf_set(kf, KF_NUMBER_SECTION_SIZE_BITS, big ? 29 : 27);
	kf_set(kf, KF_SYMBOL_mem_section, (big ? 0xfff0000000000000ULL : 0xffff000000000000ULL) + 0x4000);
	kf->have[KF_LENGTH_mem_section] = false;
	kf_set(kf, KF_SIZE_mem_section, 16);
}

/* Classifies the struct pages of the first pfns of every range. */
static void fz_classify(struct kmem *km, const struct memmap *mm, const struct page_layout *l,
			int level)
{
	uint8_t page[2 * 1024];
	unsigned int budget = FZ_MAX_PAGES;
	for (size_t r = 0; r < mm->nr_ranges && budget; r++) {
		const struct memmap_range *rg = &mm->ranges[r];
		for (uint64_t pfn = rg->start_pfn; pfn < rg->end_pfn && budget; pfn++, budget--) {
			if (memmap_find(mm, pfn) != rg)
				abort(); /* the table must find what it lists */
			uint64_t va = rg->mem_map + (pfn - rg->start_pfn) * l->size;
			struct mdf_error *err = kmem_read(km, va, page, 2 * (size_t)l->size);
			if (err) {
				mdf_error_destroy(err);
				break;
			}
			unsigned int order;
			enum page_class c = page_classify(l, level, pfn, page, page + l->size, &order);
			if ((unsigned int)c > PAGE_OFFLINE || order >= 64)
				abort();
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	struct kfacts *kf = malloc(sizeof(*kf));
	uint8_t *mem = calloc(1, FZ_MEM_SIZE);
	if (!kf || !mem) {
		free(kf);
		free(mem);
		return 0;
	}
	/* The overrides come first in the input but apply on top of the base
	 * facts of the architecture the flags byte after them picks. */
	unsigned int n = (unsigned int)fz_take(&in, 1);
	struct fz_in overrides = in;
	for (unsigned int i = 0; i < n && i < FZ_MAX_FACTS; i++)
		fz_take(&in, 10);
	unsigned int flags = (unsigned int)fz_take(&in, 1);
	bool arm64 = flags & 0x40;
	static const unsigned int a64_shift[4] = { 12, 14, 16, 13 };
	unsigned int shift = arm64 ? a64_shift[(flags & 1) | ((flags >> 6) & 2)] : 12;
	fz_base_facts(kf);
	if (arm64)
		fz_arm64_facts(kf, shift);
	else if (flags & 1)
		kf_set(kf, KF_NUMBER_pgtable_l5_enabled, 1);
	for (unsigned int i = 0; i < n && i < FZ_MAX_FACTS; i++) {
		unsigned int id = (unsigned int)fz_take(&overrides, 2) % KF_COUNT;
		uint64_t v = fz_take(&overrides, 8);
		if (v == UINT64_MAX)
			kf->have[id] = false;
		else
			kf_set(kf, (enum kfact_id)id, v);
	}
	int level = (int)((flags >> 1) & 31);
	uint64_t max_mapnr = fz_take(&in, 8) & ((1u << 22) - 1);
	uint64_t probe = fz_take(&in, 8);
	while (in.left >= 6) {
		uint64_t pa = fz_take(&in, 4) % FZ_MEM_SIZE;
		size_t len = (size_t)fz_take(&in, 2);
		if (len > in.left)
			len = in.left;
		if (len > FZ_MEM_SIZE - pa)
			len = FZ_MEM_SIZE - pa;
		memcpy(mem + pa, in.p, len);
		in.p += len;
		in.left -= len;
	}

	struct arch_phys phys = { fz_read, mem };
	struct kmem *km = NULL;
	struct mdf_error *err = kmem_create_phys(arm64 ? 183 /* EM_AARCH64 */ : 62 /* EM_X86_64 */,
						 1ULL << shift, NULL, 0, &phys, kf, NULL, &km);
	if (!err) {
		uint64_t pa;
		uint8_t buf[64];
		mdf_error_destroy(kmem_vtop(km, probe, &pa));
		mdf_error_destroy(kmem_read(km, probe, buf, sizeof(buf)));
		struct arch_vtop_trace tr;
		if (!(err = kmem_vtop_trace(km, probe, &tr)) && tr.nr_steps > ARCH_MAX_LEVELS)
			abort();
		mdf_error_destroy(err);
		struct memmap *mm = NULL;
		err = memmap_create(km, kf, max_mapnr, NULL, &mm);
		struct page_layout l;
		if (!err && !(err = page_layout_init(&l, kf, NULL)))
			fz_classify(km, mm, &l, level);
		memmap_destroy(mm);
	}
	mdf_error_destroy(err);
	kmem_destroy(km);
	free(mem);
	free(kf);
	return 0;
}
