/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arm64 (AArch64, little-endian): VA_BITS 36/39/42/47/48/52 with the
 * run-time size from TCR_EL1_T1SZ, 4/16/64 KiB pages, 2- to 5-level walks
 * from swapper_pg_dir with block mappings, 52-bit physical addresses (64 KiB
 * pages: FEAT_LPA; 4/16 KiB: FEAT_LPA2), kimage_voffset and PHYS_OFFSET, the
 * linear map before and after 5.4's flip, KERNELPACMASK, and the KASLR probe
 * for a dump whose note is hidden. REFERENCE.md 7.2; the kernel's
 * arch/arm64/include/asm/{memory,pgtable-hwdef,pgtable}.h and
 * Documentation/arch/arm64/memory.rst.
 *
 * Every address, linear map included, is translated by walking the page
 * tables, as on x86_64: the walk is authoritative and the leaf cache in
 * kmem makes sequential reads cheap. */
#include "arch/arch.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#ifndef EM_AARCH64
#define EM_AARCH64 183
#endif

/* arch_state.priv[] words. */
enum {
	A64_WALK_BITS,   /* VA bits the walk's top level indexes */
	A64_PA_HIGH,     /* how entries encode PA bits above 47 (enum below) */
	A64_VA_BITS,     /* CONFIG_ARM64_VA_BITS */
	A64_VA_ACTUAL,   /* vabits_actual: 64 - TCR_EL1_T1SZ */
	A64_KIMAGE_VOFF, /* kimage_voffset: image VA minus PA */
	A64_FLIPPED,     /* 1: 5.4+ layout, linear map in the lower half */
};

enum {
	A64_PA_48,   /* output address bits [47:page_shift] */
	A64_PA_LPA,  /* 64 KiB pages, 52-bit PA: PA[51:48] in entry bits [15:12] */
	A64_PA_LPA2, /* 4/16 KiB pages with 52-bit VA: PA[51:50] in bits [9:8],
		      * address bits [49:page_shift] */
};

#define A64_DESC_VALID 0x1ULL
#define A64_DESC_TABLE 0x2ULL /* with VALID: table (page at the last level) */
/* The KASLR offset and the image's load address are multiples of 64 KiB
 * at least (arch/arm64/kernel/kaslr.c masks with ~(SZ_2M - 1); the image
 * is SEGMENT_ALIGN = 64 KiB aligned). */
#define A64_IMAGE_ALIGN 0x10000ULL
/* 5.12 ("arm64/sparsemem: reduce SECTION_SIZE_BITS") lowered the section
 * size from 1 GiB to 128 MiB (4K/16K) or 512 MiB (64K). */
#define A64_SSB_CHANGE_RELEASE ((5u << 16) | (12u << 8))

static const char *const names5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
static const char *const names4[] = { "PGD", "PUD", "PMD", "PTE" };
static const char *const names3[] = { "PGD", "PMD", "PTE" };
static const char *const names2[] = { "PGD", "PTE" };

/* Table levels needed to translate bits VA bits with 2^page_shift pages:
 * each level resolves page_shift - 3 bits (ARM64_HW_PGTABLE_LEVELS). */
static unsigned int levels_for(unsigned int bits, unsigned int page_shift)
{
	unsigned int per = page_shift - 3;
	return (bits - page_shift + per - 1) / per;
}

/* VA_BITS values the kernel's Kconfig allows for a page size. */
static bool va_bits_valid(uint64_t va_bits, unsigned int page_shift)
{
	switch (page_shift) {
	case 12:
		return va_bits == 39 || va_bits == 48 || va_bits == 52;
	case 14:
		return va_bits == 36 || va_bits == 47 || va_bits == 48 || va_bits == 52;
	case 16:
		return va_bits == 42 || va_bits == 48 || va_bits == 52;
	}
	return false;
}

/* The PA an entry points to (arch/arm64/include/asm/pgtable.h
 * __pte_to_phys), before masking to the leaf size. */
static uint64_t entry_pa(const struct arch_state *st, uint64_t e)
{
	uint64_t low = e & st->entry_mask;
	switch (st->priv[A64_PA_HIGH]) {
	case A64_PA_LPA:
		return low | ((e & 0xf000ULL) << 36);
	case A64_PA_LPA2:
		return low | ((e & 0x300ULL) << 42);
	}
	return low;
}

static struct mdf_error *arm64_vtop(const struct arch_state *st, const struct arch_phys *phys,
				    uint64_t vaddr, uint64_t *paddr_ret, uint64_t *leaf_size_ret,
				    struct arch_vtop_trace *trace)
{
	unsigned int ps = st->page_shift, per = ps - 3, levels = st->levels;
	unsigned int bits = (unsigned int)st->priv[A64_WALK_BITS];
	const char *const *names = levels == 5 ? names5 : levels == 4 ? names4
						   : levels == 3 ? names3 : names2;
	if (trace)
		memset(trace, 0, sizeof(*trace));
	if (levels < 2 || levels > 5 || ps < 12 || ps > 16 || bits > 52)
		return mdf_error_create(MDF_ERR_INVALID, "arm64: no paging geometry");
	/* Kernel addresses are TTBR1's (bit 55 set); the bits above the
	 * VA size may hold a pointer-authentication code or a tag. */
	if (!(vaddr & (1ULL << 55)))
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
						     "cannot translate 0x%llx: not a kernel address",
						     (unsigned long long)vaddr),
				    vaddr);
	uint64_t va = vaddr | ~((1ULL << st->priv[A64_VA_ACTUAL]) - 1);
	uint64_t table = st->root;
	uint64_t visited[ARCH_MAX_LEVELS];
	/* At most `levels` steps; a table that points back at one already
	 * visited is rejected, so a corrupt table cannot hang us. */
	for (unsigned int lv = 0; lv < levels; lv++) {
		unsigned int shift = ps + per * (levels - 1 - lv);
		unsigned int ibits = lv == 0 ? bits - shift : per;
		for (unsigned int j = 0; j < lv; j++)
			if (visited[j] == table)
				return mdf_error_at(
					mdf_error_create(MDF_ERR_CORRUPT,
							 "page-table loop translating 0x%llx at %s (table 0x%llx)",
							 (unsigned long long)vaddr, names[lv],
							 (unsigned long long)table),
					vaddr);
		visited[lv] = table;
		uint64_t idx = (va >> shift) & ((1ULL << ibits) - 1);
		uint64_t epa = table + idx * 8;
		uint8_t b[8];
		struct mdf_error *err = phys->read(phys->arg, epa, b, 8);
		if (err)
			return mdf_error_at(mdf_error_wrap(err, "translating 0x%llx: reading %s entry at 0x%llx",
							   (unsigned long long)vaddr, names[lv],
							   (unsigned long long)epa),
					    vaddr);
		uint64_t e = 0;
		for (int i = 7; i >= 0; i--)
			e = (e << 8) | b[i];
		if (trace) {
			trace->step[lv].name = names[lv];
			trace->step[lv].entry_paddr = epa;
			trace->step[lv].entry = e;
			trace->nr_steps = lv + 1;
		}
		bool last = lv == levels - 1;
		bool table_bit = (e & A64_DESC_TABLE) != 0;
		/* Invalid, or a block where none may be: the top level and the
		 * last level (where type 01 is reserved) hold no blocks. */
		if (!(e & A64_DESC_VALID) || (!table_bit && (lv == 0 || last)))
			return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
							     "cannot translate 0x%llx: %s entry 0x%llx at 0x%llx is not valid",
							     (unsigned long long)vaddr, names[lv],
							     (unsigned long long)e,
							     (unsigned long long)epa),
					    vaddr);
		uint64_t addr = entry_pa(st, e);
		if (last || !table_bit) {
			uint64_t size = 1ULL << shift;
			uint64_t pa = (addr & ~(size - 1)) | (va & (size - 1));
			if (trace) {
				trace->paddr = pa;
				trace->leaf_size = size;
			}
			*paddr_ret = pa;
			if (leaf_size_ret)
				*leaf_size_ret = size;
			return NULL;
		}
		table = addr;
	}
	return mdf_error_create(MDF_ERR_CORRUPT, "translating 0x%llx: walk did not end",
				(unsigned long long)vaddr);
}

static bool arm64_is_kernel_va(const struct arch_state *st, uint64_t vaddr)
{
	return vaddr >= st->kernel_va_start;
}

/* The page shift of a page size, 0 if arm64 has no such page size. */
static unsigned int page_shift_of(uint64_t page_size)
{
	return page_size == 4096 ? 12 : page_size == 16384 ? 14 : page_size == 65536 ? 16 : 0;
}

/* Fills the walk geometry of st from the sizes; false if they are not a
 * configuration arm64 has. */
static bool set_geometry(struct arch_state *st, unsigned int page_shift, uint64_t va_bits,
			 uint64_t va_actual, uint64_t mpb)
{
	if (!va_bits_valid(va_bits, page_shift) || va_actual > va_bits ||
	    (va_actual != va_bits && !(va_bits == 52 && va_actual == 48)))
		return false;
	st->page_shift = page_shift;
	/* A 52-bit kernel on 48-bit hardware keeps its 52-bit tables where the
	 * level count is the same (TTBR1 points into the top table at an
	 * offset, so the software index of a sign-extended address matches);
	 * with 4 KiB pages one level fewer is used and the top is folded
	 * (pgtable_l5_enabled(), 6.9+). */
	unsigned int walk_bits = (unsigned int)va_bits;
	if (levels_for((unsigned int)va_actual, page_shift) < levels_for(walk_bits, page_shift))
		walk_bits = (unsigned int)va_actual;
	st->levels = levels_for(walk_bits, page_shift);
	st->priv[A64_WALK_BITS] = walk_bits;
	st->priv[A64_VA_BITS] = va_bits;
	st->priv[A64_VA_ACTUAL] = va_actual;
	bool pa52 = mpb == 52;
	if (page_shift == 16) {
		st->priv[A64_PA_HIGH] = pa52 ? A64_PA_LPA : A64_PA_48;
		st->entry_mask = 0x0000ffffffff0000ULL;
	} else if (pa52 && va_actual == 52) {
		/* LPA2 is in use exactly when the kernel runs with 52-bit VAs
		 * (6.9+); without it bits 9:8 are the shareability field. */
		st->priv[A64_PA_HIGH] = A64_PA_LPA2;
		st->entry_mask = 0x0003ffffffffffffULL & ~((1ULL << page_shift) - 1);
	} else {
		st->priv[A64_PA_HIGH] = A64_PA_48;
		st->entry_mask = 0x0000ffffffffffffULL & ~((1ULL << page_shift) - 1);
	}
	st->kernel_va_start = ~0ULL << va_actual;
	return st->levels >= 2 && st->levels <= 5;
}

static void set_range(struct arch_state *st, enum arch_range_kind kind, uint64_t start,
		      uint64_t end, bool exact)
{
	st->range[kind] = (struct arch_range){ start, end, true, exact };
}

/* A range from two exported NUMBERs, if both are there and ordered. */
static bool range_from_facts(struct arch_state *st, const struct kfacts *kf,
			     enum arch_range_kind kind, enum kfact_id s, enum kfact_id e)
{
	if (!kf_have(kf, s) || !kf_have(kf, e) || kf_get(kf, e) <= kf_get(kf, s))
		return false;
	set_range(st, kind, kf_get(kf, s), kf_get(kf, e), true);
	return true;
}

/* Kernel ranges (Documentation/arch/arm64/memory.rst): the exported
 * NUMBERs (4.x+), the linear map from PAGE_OFFSET, the image from _stext. */
static void arm64_ranges(struct arch_state *st, const struct kfacts *kf)
{
	uint64_t va_min = st->priv[A64_VA_BITS] > 48 ? 48 : st->priv[A64_VA_BITS];
	/* 5.4+: [PAGE_OFFSET, PAGE_END = -2^(VA_BITS_MIN - 1)); before:
	 * PAGE_OFFSET up to the top of the address space. */
	uint64_t end = st->priv[A64_FLIPPED] ? ~0ULL << (va_min - 1) : 0;
	set_range(st, ARCH_RANGE_DIRECT_MAP, st->page_offset, end, st->have_page_offset);
	range_from_facts(st, kf, ARCH_RANGE_VMALLOC, KF_NUMBER_VMALLOC_START,
			 KF_NUMBER_VMALLOC_END);
	range_from_facts(st, kf, ARCH_RANGE_VMEMMAP, KF_NUMBER_VMEMMAP_START,
			 KF_NUMBER_VMEMMAP_END);
	range_from_facts(st, kf, ARCH_RANGE_MODULES, KF_NUMBER_MODULES_VADDR,
			 KF_NUMBER_MODULES_END);
	if (kf_have(kf, KF_SYMBOL__stext)) {
		uint64_t s = kf_get(kf, KF_SYMBOL__stext);
		bool have_end = kf_have(kf, KF_SYMBOL__end) && kf_get(kf, KF_SYMBOL__end) > s;
		set_range(st, ARCH_RANGE_IMAGE, s, have_end ? kf_get(kf, KF_SYMBOL__end) : s + (128ULL << 20),
			  have_end);
	}
}

/* PHYS_OFFSET (the start of RAM, memstart_addr): the note's, else from a
 * linear-map PT_LOAD (pa = va - PAGE_OFFSET + PHYS_OFFSET), else from the
 * translation of SYMBOL(mem_section), a linear-map address. */
static bool find_phys_offset(struct arch_state *st, const struct kfacts *kf,
			     const struct arch_dump *d, uint64_t *ret, const char **src)
{
	if (kf_have(kf, KF_NUMBER_PHYS_OFFSET)) {
		uint64_t po = kf_get(kf, KF_NUMBER_PHYS_OFFSET);
		/* RAM starts on a page boundary below 2^MAX_PHYSMEM_BITS; an
		 * absurd value is ignored (it is only the header's phys_base
		 * and the direct map's place, not part of any walk). */
		if (!(po & ((1ULL << st->page_shift) - 1)) && !(po >> st->max_physmem_bits)) {
			*ret = po;
			*src = "kernel facts";
			return true;
		}
	}
	const struct arch_range *lin = &st->range[ARCH_RANGE_DIRECT_MAP];
	for (size_t i = 0; i < d->nr_loads; i++) {
		uint64_t va = d->loads[i].vaddr;
		if (va >= st->page_offset && (lin->end == 0 || va < lin->end)) {
			*ret = d->loads[i].paddr - (va - st->page_offset);
			*src = "pt_load";
			return true;
		}
	}
	if (kf_have(kf, KF_SYMBOL_mem_section)) {
		uint64_t va = kf_get(kf, KF_SYMBOL_mem_section), pa;
		struct mdf_error *err = arm64_vtop(st, &d->phys, va, &pa, NULL, NULL);
		if (!err && va >= st->page_offset) {
			*ret = pa - (va - st->page_offset);
			*src = "page tables";
			return true;
		}
		mdf_error_destroy(err);
	}
	return false;
}

/* VA sizes: NUMBER(VA_BITS) and the run-time size from TCR_EL1_T1SZ (5.9+);
 * without T1SZ a 52-bit kernel (5.4-5.8) runs 52-bit if its linear-map
 * mem_section lies below the 48-bit space (REFERENCE.md 7.2). */
static struct mdf_error *va_sizes(const struct kfacts *kf, unsigned int page_shift,
				  uint64_t *va_bits, uint64_t *va_actual)
{
	if (!kf_have(kf, KF_NUMBER_VA_BITS))
		return mdf_error_create(MDF_ERR_NODATA,
					"arm64: NUMBER(VA_BITS) is missing from VMCOREINFO");
	*va_bits = kf_get(kf, KF_NUMBER_VA_BITS);
	if (!va_bits_valid(*va_bits, page_shift))
		return mdf_error_create(MDF_ERR_CORRUPT,
					"arm64: VA_BITS=%lld is not a configuration of %u KiB pages",
					(long long)*va_bits, 1u << (page_shift - 10));
	*va_actual = *va_bits;
	if (kf_have(kf, KF_NUMBER_TCR_EL1_T1SZ)) {
		uint64_t t1sz = kf_get(kf, KF_NUMBER_TCR_EL1_T1SZ);
		if (t1sz < 12 || t1sz > 28 || 64 - t1sz > *va_bits ||
		    (64 - t1sz != *va_bits && !(*va_bits == 52 && t1sz == 16)))
			return mdf_error_create(MDF_ERR_CORRUPT,
						"arm64: TCR_EL1_T1SZ=%lld does not fit VA_BITS=%llu",
						(long long)t1sz, (unsigned long long)*va_bits);
		*va_actual = 64 - t1sz;
	} else if (*va_bits == 52 && kf_have(kf, KF_SYMBOL_mem_section) &&
		   kf_get(kf, KF_SYMBOL_mem_section) >= (~0ULL << 48)) {
		*va_actual = 48;
	}
	return NULL;
}

static struct mdf_error *arm64_init(struct arch_state *st, const struct kfacts *kf,
				    const struct arch_dump *d, const struct mdf_msg *msg)
{
	memset(st, 0, sizeof(*st));
	unsigned int ps = page_shift_of(d->page_size);
	if (!ps)
		return mdf_error_create(MDF_ERR_NOTSUPP, "arm64: page size %llu is not 4, 16 or 64 KiB",
					(unsigned long long)d->page_size);
	uint64_t va_bits, va_actual;
	struct mdf_error *err = va_sizes(kf, ps, &va_bits, &va_actual);
	if (err)
		return err;
	uint64_t mpb = kf_have(kf, KF_NUMBER_MAX_PHYSMEM_BITS) ? kf_get(kf, KF_NUMBER_MAX_PHYSMEM_BITS)
							       : 48;
	if (mpb != 48 && mpb != 52 && !(mpb >= 32 && mpb < 48))
		return mdf_error_create(MDF_ERR_CORRUPT, "arm64: MAX_PHYSMEM_BITS=%llu is implausible",
					(unsigned long long)mpb);
	if (!set_geometry(st, ps, va_bits, va_actual, mpb))
		return mdf_error_create(MDF_ERR_CORRUPT,
					"arm64: no page tables for %u KiB pages with %llu-bit VAs",
					1u << (ps - 10), (unsigned long long)va_actual);
	/* REFERENCE.md 6.1, 7.2: sparsemem defaults when the note lacks them
	 * (the note has them since 4.x; without a release, 5.12+'s). */
	st->section_size_bits = ps == 16 ? 29 : 27;
	st->max_physmem_bits = mpb;

	if (!kf_have(kf, KF_SYMBOL_swapper_pg_dir))
		return mdf_error_create(MDF_ERR_NODATA,
					"arm64: no page-table root: SYMBOL(swapper_pg_dir) is missing");
	if (!kf_have(kf, KF_NUMBER_kimage_voffset))
		return mdf_error_create(MDF_ERR_NODATA,
					"arm64: NUMBER(kimage_voffset) is missing: kernel-image "
					"addresses cannot be translated");
	uint64_t kvoff = kf_get(kf, KF_NUMBER_kimage_voffset);
	uint64_t pgd = kf_get(kf, KF_SYMBOL_swapper_pg_dir);
	uint64_t ps_mask = (1ULL << ps) - 1;
	if (!arm64_is_kernel_va(st, pgd) || (pgd & ps_mask) || pgd < kvoff ||
	    ((pgd - kvoff) >> mpb) || (kvoff & ps_mask))
		return mdf_error_create(MDF_ERR_CORRUPT,
					"arm64: SYMBOL(swapper_pg_dir)=0x%llx with kimage_voffset "
					"0x%llx is not a physical page below 2^%llu",
					(unsigned long long)pgd, (unsigned long long)kvoff,
					(unsigned long long)mpb);
	st->root = pgd - kvoff;
	st->priv[A64_KIMAGE_VOFF] = kvoff;
	if (kf_have(kf, KF_NUMBER_KERNELPACMASK)) {
		uint64_t pac = kf_get(kf, KF_NUMBER_KERNELPACMASK);
		if (pac && pac != (~0ULL << va_actual) && pac != (~0ULL << va_actual & ~(0xffULL << 56)))
			mdf_msgf(msg, MDF_MSG_DEBUG,
				 "arm64: KERNELPACMASK 0x%llx is not the bits above VA_BITS %llu; "
				 "pointers are extended from bit 55",
				 (unsigned long long)pac, (unsigned long long)va_actual);
	}

	/* 5.4 ("arm64: mm: Flip kernel VA space") moved the linear map to the
	 * lower half: the image then lies above -2^(VA_BITS_MIN - 1). */
	uint64_t va_min = va_bits > 48 ? 48 : va_bits;
	uint64_t img = kf_have(kf, KF_SYMBOL__stext) ? kf_get(kf, KF_SYMBOL__stext) : pgd;
	st->priv[A64_FLIPPED] = img >= (~0ULL << (va_min - 1));
	st->page_offset = st->priv[A64_FLIPPED] ? ~0ULL << va_actual : ~0ULL << (va_actual - 1);
	st->have_page_offset = true;
	st->page_offset_source = "VA_BITS and layout";
	arm64_ranges(st, kf);
	const char *po_src = "default";
	if (!find_phys_offset(st, kf, d, &st->phys_base, &po_src))
		st->phys_base = 0;
	if (kf_have(kf, KF_NUMBER_PHYS_OFFSET) && strcmp(po_src, "kernel facts") != 0)
		mdf_msgf(msg, MDF_MSG_DEBUG, "arm64: PHYS_OFFSET=0x%llx is implausible; using 0x%llx (%s)",
			 (unsigned long long)kf_get(kf, KF_NUMBER_PHYS_OFFSET),
			 (unsigned long long)st->phys_base, po_src);
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "arm64: %u KiB pages, VA_BITS %llu (%llu in use), %u-level walk of %u bits, "
		 "%s layout, PHYS_OFFSET 0x%llx (%s), kimage_voffset 0x%llx, root 0x%llx, "
		 "page_offset 0x%llx",
		 1u << (ps - 10), (unsigned long long)va_bits, (unsigned long long)va_actual,
		 st->levels, (unsigned int)st->priv[A64_WALK_BITS],
		 st->priv[A64_FLIPPED] ? "5.4+" : "pre-5.4", (unsigned long long)st->phys_base,
		 po_src, (unsigned long long)kvoff, (unsigned long long)st->root,
		 (unsigned long long)st->page_offset);
	return NULL;
}

static const char *arm64_missing_fact(const struct kfacts *kf)
{
	if (!kf_have(kf, KF_SYMBOL_swapper_pg_dir))
		return "SYMBOL(swapper_pg_dir)";
	if (!kf_have(kf, KF_NUMBER_kimage_voffset))
		return "NUMBER(kimage_voffset)";
	if (!kf_have(kf, KF_NUMBER_VA_BITS))
		return "NUMBER(VA_BITS)";
	return NULL;
}

/* ---- the KASLR probe (-x/-i on a dump whose note is hidden) ---- */

/* vmlinux symbols the probe reads (arch_vmlinux.sym[] indexes). */
enum { A64_SYM_TEXT, A64_SYM_KIMAGE_VOFFSET, A64_SYM_MEMSTART, A64_SYM_VABITS, A64_SYM_END };
static const char *const arm64_vmlinux_syms[] = { "_text", "kimage_voffset", "memstart_addr",
						  "vabits_actual", "_end", NULL };

static uint64_t vml_sym(const struct arch_probe *p, unsigned int i)
{
	return p->vml ? p->vml->sym[i] : 0;
}

/* Reads a u64 kernel variable at its link-time address when image
 * addresses satisfy pa = link - d. */
static bool read_var(const struct arch_probe *p, uint64_t link, uint64_t d, uint64_t *ret)
{
	if (!link)
		return false;
	struct mdf_error *err = arch_read_phys_int(&p->dump->phys, link - d, 8, false, ret);
	mdf_error_destroy(err);
	return err == NULL;
}

/* The link-to-physical delta d (pa = link - d) from a PT_LOAD that maps
 * the image: kexec-tools' first segment starts at _text (or _stext), with
 * p_paddr its load address. Verified by the banner (or release) there. */
static bool d_from_ptload(const struct arch_probe *p, uint64_t *d_ret, uint64_t *k_ret)
{
	uint64_t anchors[2] = { vml_sym(p, A64_SYM_TEXT),
				kf_have(p->base, KF_SYMBOL__stext) ? kf_get(p->base, KF_SYMBOL__stext) : 0 };
	for (size_t i = 0; i < p->dump->nr_loads; i++) {
		const struct vmcore_load *l = &p->dump->loads[i];
		for (int a = 0; a < 2; a++) {
			uint64_t link = anchors[a];
			if (!link || l->vaddr < link || ((l->vaddr - link) & (A64_IMAGE_ALIGN - 1)) ||
			    (l->paddr & (A64_IMAGE_ALIGN - 1)))
				continue;
			uint64_t d = link - l->paddr;
			char found[128];
			int img = arch_check_image(p, 0 - d, found, sizeof(found));
			if (img > 0 || (img == 0 && i == 0)) {
				*d_ret = d;
				*k_ret = l->vaddr - link;
				mdf_msgf(p->msg, MDF_MSG_DEBUG,
					 "arm64: PT_LOAD %zu maps the image at 0x%llx (KERNELOFFSET "
					 "0x%llx, %s)",
					 i, (unsigned long long)l->paddr,
					 (unsigned long long)(l->vaddr - link),
					 img > 0 ? "verified" : "not verified");
				return true;
			}
		}
	}
	return false;
}

/* The paging geometry by walking: the image address link + k must
 * translate to link - d through swapper_pg_dir. Page sizes from the dump's
 * first, VA_BITS as configured before a 52-bit kernel run with 48 bits: at
 * most 3 x 7 bounded walks. A wrong geometry reads other entries and does
 * not end at that exact address. */
static bool geometry_by_walk(const struct arch_probe *p, uint64_t d, uint64_t k,
			     uint64_t known_actual, unsigned int *ps_ret, uint64_t *va_bits,
			     uint64_t *va_actual)
{
	static const uint64_t cands[] = { 52, 48, 47, 42, 39, 36 };
	enum { NC = sizeof(cands) / sizeof(cands[0]) };
	if (!kf_have(p->base, KF_SYMBOL_swapper_pg_dir))
		return false;
	uint64_t link = kf_get(p->base, KF_SYMBOL_swapper_pg_dir);
	unsigned int shifts[4] = { page_shift_of(p->dump->page_size), 12, 14, 16 };
	for (int si = 0; si < 4; si++) {
		unsigned int ps = shifts[si];
		if (!ps || (si && ps == shifts[0]))
			continue;
		for (size_t i = 0; i <= NC; i++) {
			uint64_t bits = i < NC ? cands[i] : 52, act = i < NC ? bits : 48;
			if (known_actual && act != known_actual)
				continue;
			struct arch_state st;
			memset(&st, 0, sizeof(st));
			if (!set_geometry(&st, ps, bits, act, 48))
				continue;
			st.root = link - d;
			uint64_t pa;
			struct mdf_error *err =
				arm64_vtop(&st, &p->dump->phys, link + k, &pa, NULL, NULL);
			mdf_error_destroy(err);
			if (!err && pa == link - d) {
				*ps_ret = ps;
				*va_bits = bits;
				*va_actual = act;
				return true;
			}
		}
	}
	return false;
}

static struct mdf_error *arm64_find_kaslr(const struct arch_probe *p, struct arch_kaslr *out)
{
	uint64_t d = 0, k = 0, kvoff = 0, pa;
	bool have_d = d_from_ptload(p, &d, &k);
	out->src = ARCH_KASLR_PT_LOAD;
	if (!have_d && p->vml && p->vml->banner_len &&
	    arch_find_banner(p, A64_IMAGE_ALIGN, UINT64_MAX, 4ULL << 30, &pa)) {
		d = p->vml->banner_addr - pa;
		have_d = true;
		out->src = ARCH_KASLR_BANNER;
		mdf_msgf(p->msg, MDF_MSG_DEBUG, "arm64: linux_banner at physical 0x%llx",
			 (unsigned long long)pa);
	}
	if (!have_d)
		return mdf_error_create(MDF_ERR_NODATA,
					"KERNELOFFSET is missing from VMCOREINFO and the arm64 kernel "
					"image was not found in the dump%s",
					p->vml ? " (does the vmlinux match?)"
					       : ": use -x to find the kernel by its banner");
	/* kimage_voffset = image VA - PA = link + K - (link - d) = K + d. */
	if (read_var(p, vml_sym(p, A64_SYM_KIMAGE_VOFFSET), d, &kvoff)) {
		uint64_t k2 = kvoff - d;
		if (out->src == ARCH_KASLR_PT_LOAD && k2 != k)
			mdf_msgf(p->msg, MDF_MSG_DEBUG,
				 "arm64: kimage_voffset 0x%llx disagrees with the PT_LOAD's "
				 "KERNELOFFSET 0x%llx; the variable wins",
				 (unsigned long long)kvoff, (unsigned long long)k);
		k = k2;
	} else if (out->src == ARCH_KASLR_BANNER) {
		return mdf_error_create(MDF_ERR_NODATA,
					"arm64: the kernel's banner is at 0x%llx, but kimage_voffset "
					"could not be read to place its virtual address",
					(unsigned long long)(p->vml->banner_addr - d));
	} else {
		kvoff = k + d;
	}
	if (k & (A64_IMAGE_ALIGN - 1))
		return mdf_error_create(MDF_ERR_CORRUPT,
					"arm64: derived KERNELOFFSET 0x%llx is not 64 KiB aligned",
					(unsigned long long)k);
	out->kerneloffset = k;
	arch_learn(&out->learned, KF_NUMBER_kimage_voffset, kvoff, "derived from the image's place");
	uint64_t v;
	if (read_var(p, vml_sym(p, A64_SYM_MEMSTART), d, &v))
		arch_learn(&out->learned, KF_NUMBER_PHYS_OFFSET, v, "memstart_addr read from the dump");
	/* vabits_actual is a variable only in kernels built for 52-bit VAs
	 * (6.x; 5.4-5.x: always); elsewhere it is VA_BITS. */
	uint64_t known_actual = 0, va_bits, va_actual;
	unsigned int ps;
	if (read_var(p, vml_sym(p, A64_SYM_VABITS), d, &v) && v >= 36 && v <= 52)
		known_actual = v;
	if (geometry_by_walk(p, d, k, known_actual, &ps, &va_bits, &va_actual)) {
		out->page_size = 1ULL << ps;
		arch_learn(&out->learned, KF_NUMBER_VA_BITS, va_bits, "found by walking the image");
		arch_learn(&out->learned, KF_NUMBER_TCR_EL1_T1SZ, 64 - va_actual,
			   known_actual ? "vabits_actual read from the dump" : "found by walking the image");
	} else {
		mdf_msgf(p->msg, MDF_MSG_DEBUG,
			 "arm64: no paging geometry maps the image at 0x%llx as found",
			 (unsigned long long)(kf_get(p->base, KF_SYMBOL_swapper_pg_dir) + k));
	}
	mdf_msgf(p->msg, MDF_MSG_DEBUG,
		 "arm64: KERNELOFFSET 0x%llx, kimage_voffset 0x%llx, page size %llu",
		 (unsigned long long)k, (unsigned long long)kvoff,
		 (unsigned long long)out->page_size);
	return NULL;
}

/* KERNEL_VERSION of a release string, 0 if none. */
static uint32_t release_code(const char *rel)
{
	unsigned int a, b, c = 0;
	if (sscanf(rel, "%u.%u.%u", &a, &b, &c) < 2 || a > 255 || b > 255)
		return 0;
	return (a << 16) | (b << 8) | (c > 255 ? 255 : c);
}

/* Facts DWARF cannot see (REFERENCE.md 7.2): sparsemem geometry by release
 * and page size; MAX_PHYSMEM_BITS 52 for a 64 KiB, 52-bit VA kernel (which
 * is how 52-bit PA kernels are built), else 48. */
static void arm64_defaults(const struct arch_probe *p, const struct kfacts *kf,
			   struct arch_learned *out)
{
	(void)p;
	uint64_t ps = kf->page_size;
	uint32_t rel = release_code(kf->osrelease);
	if (rel && rel < A64_SSB_CHANGE_RELEASE)
		arch_learn(out, KF_NUMBER_SECTION_SIZE_BITS, 30, "arm64 default before 5.12");
	else
		arch_learn(out, KF_NUMBER_SECTION_SIZE_BITS, ps == 65536 ? 29 : 27,
			   "arm64 default since 5.12");
	bool pa52 = ps == 65536 && kf_have(kf, KF_NUMBER_VA_BITS) && kf_get(kf, KF_NUMBER_VA_BITS) == 52;
	arch_learn(out, KF_NUMBER_MAX_PHYSMEM_BITS, pa52 ? 52 : 48,
		   pa52 ? "arm64 52-bit default" : "arm64 48-bit default");
}

/* free_initmem() (arch/arm64/mm/init.c) frees only the init sections; the
 * rest of the image stays reserved. */
static const struct arch_image_gap arm64_image_gaps[] = {
	{ "__init_begin", "__init_end", true },
	{ NULL, NULL, false },
};

const struct arch_ops arch_arm64_ops = {
	.name = "arm64",
	.uts_machine = "aarch64",
	.e_machine = EM_AARCH64,
	.big_endian = false,
	.vmlinux_syms = arm64_vmlinux_syms,
	.init = arm64_init,
	.vtop = arm64_vtop,
	.is_kernel_va = arm64_is_kernel_va,
	.find_kaslr = arm64_find_kaslr,
	.defaults = arm64_defaults,
	.missing_fact = arm64_missing_fact,
	.vmemmap_exclusion = false,
	.image_gaps = arm64_image_gaps,
};
