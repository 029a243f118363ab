/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64: phys_base, page-table root, 4- and 5-level walks with 2 MiB and
 * 1 GiB leaves, direct-map base, kernel ranges, the defaults for facts a
 * vmlinux cannot give, and the KASLR probe (the kernel-text PT_LOAD, else
 * linux_banner in physical memory). REFERENCE.md 5.4, 6.1, 7.1. */
#include "arch/arch.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "byteio.h"

enum {
	X86_PTRS_PER_TABLE = 512,
	X86_PAGE_SHIFT = 12,
};

#define X86_START_KERNEL_MAP 0xffffffff80000000ULL
/* Address bits 12..51 of a table entry (REFERENCE.md 7.1: the mask removes
 * NX (bit 63), protection keys and the low flag bits). */
#define X86_ENTRY_ADDR_MASK 0x000ffffffffff000ULL
#define X86_PRESENT 0x1ULL
#define X86_PSE 0x80ULL
/* makedumpfile's default direct-map bases, used only when nothing in the
 * dump tells us better (REFERENCE.md 7.1 table). */
#define X86_PAGE_OFFSET_4L 0xffff880000000000ULL
#define X86_PAGE_OFFSET_5L 0xff10000000000000ULL
/* Lowest kernel-half address: 4-level canonical split, and 5-level. */
#define X86_KVBASE_4L 0xffff800000000000ULL
#define X86_KVBASE_5L 0xff00000000000000ULL
/* The non-KASLR vmalloc and vmemmap bases (REFERENCE.md 7.1 table) and the
 * end of the module area (Documentation/arch/x86/x86_64/mm.rst). */
#define X86_VMALLOC_4L 0xffffc90000000000ULL
#define X86_VMALLOC_5L 0xffa0000000000000ULL
#define X86_VMEMMAP_4L 0xffffea0000000000ULL
#define X86_VMEMMAP_5L 0xffd4000000000000ULL
#define X86_MODULES_END 0xffffffffff000000ULL
/* KERNEL_IMAGE_SIZE default with KASLR (REFERENCE.md 7.1). */
#define X86_IMAGE_SIZE 0x40000000ULL
/* The kernel's virtual and physical load addresses are multiples of
 * CONFIG_PHYSICAL_ALIGN, at least 2 MiB on x86_64: KASLR offsets and the
 * banner's place modulo 2 MiB follow from that. */
#define X86_KASLR_ALIGN 0x200000ULL
/* Banner search bounds: 2 MiB-aligned candidates over the first 64 GiB of
 * RAM, then every page of the first 4 GiB (REFERENCE.md 7.1, crash's
 * "--kaslr auto" idea). */
#define X86_SCAN_ALIGNED_LIMIT (64ULL << 30)
#define X86_SCAN_PAGE_LIMIT (4ULL << 30)

static const char *const level_names_5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
static const char *const level_names_4[] = { "PGD", "PUD", "PMD", "PTE" };

static struct mdf_error *read_entry(const struct arch_phys *phys, uint64_t pa, uint64_t *ret)
{
	uint8_t b[8];
	struct mdf_error *err = phys->read(phys->arg, pa, b, sizeof(b));
	if (err)
		return err;
	/* x86_64 dumps are little-endian whatever the host. */
	*ret = mdf_get_le64(b);
	return NULL;
}

static struct mdf_error *x86_64_vtop(const struct arch_state *st, const struct arch_phys *phys,
				     uint64_t vaddr, uint64_t *paddr_ret, uint64_t *leaf_size_ret,
				     struct arch_vtop_trace *trace)
{
	unsigned int levels = st->levels == 5 ? 5 : 4;
	const char *const *names = levels == 5 ? level_names_5 : level_names_4;
	uint64_t table = st->root;
	uint64_t visited[ARCH_MAX_LEVELS];

	if (trace)
		memset(trace, 0, sizeof(*trace));
	/* The loop runs at most `levels` times, so a corrupt table cannot hang
	 * us; a table that points back at one already visited is rejected. */
	for (unsigned int lv = 0; lv < levels; lv++) {
		unsigned int shift = X86_PAGE_SHIFT + 9 * (levels - 1 - lv);
		for (unsigned int j = 0; j < lv; j++)
			if (visited[j] == table)
				return mdf_error_at(
					mdf_error_create(MDF_ERR_CORRUPT,
							 "page-table loop translating 0x%llx at %s (table 0x%llx)",
							 (unsigned long long)vaddr, names[lv],
							 (unsigned long long)table),
					vaddr);
		visited[lv] = table;
		uint64_t idx = (vaddr >> shift) & (X86_PTRS_PER_TABLE - 1);
		uint64_t epa = table + idx * 8;
		uint64_t e;
		struct mdf_error *err = read_entry(phys, epa, &e);
		if (err)
			return mdf_error_at(mdf_error_wrap(err, "translating 0x%llx: reading %s entry at 0x%llx",
							   (unsigned long long)vaddr, names[lv],
							   (unsigned long long)epa),
					    vaddr);
		if (trace) {
			trace->step[lv].name = names[lv];
			trace->step[lv].entry_paddr = epa;
			trace->step[lv].entry = e;
			trace->nr_steps = lv + 1;
		}
		if (!(e & X86_PRESENT))
			return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
							     "cannot translate 0x%llx: %s entry 0x%llx at 0x%llx is not present",
							     (unsigned long long)vaddr, names[lv],
							     (unsigned long long)e,
							     (unsigned long long)epa),
					    vaddr);
		uint64_t addr = e & st->entry_mask;
		bool last = lv == levels - 1;
		/* PSE ends the walk at the PUD (1 GiB) or PMD (2 MiB) level; on
		 * the top levels the bit is reserved and ignored. */
		bool leaf = last || ((e & X86_PSE) && (shift == 30 || shift == 21));
		if (leaf) {
			uint64_t size = 1ULL << shift;
			uint64_t pa = (addr & ~(size - 1)) | (vaddr & (size - 1));
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
	/* Not reached: the last level is always a leaf. */
	return mdf_error_create(MDF_ERR_CORRUPT, "translating 0x%llx: walk did not end",
				(unsigned long long)vaddr);
}

static bool x86_64_is_kernel_va(const struct arch_state *st, uint64_t vaddr)
{
	return vaddr >= st->kernel_va_start;
}

/* phys_base from the first PT_LOAD in the kernel text mapping (kexec-tools
 * maps [_stext, _end) there, REFERENCE.md 7.1); false if there is none. */
static bool ptload_phys_base(const struct arch_dump *d, uint64_t *ret)
{
	for (size_t i = 0; i < d->nr_loads; i++)
		if (d->loads[i].vaddr >= X86_START_KERNEL_MAP) {
			*ret = d->loads[i].paddr - (d->loads[i].vaddr - X86_START_KERNEL_MAP);
			return true;
		}
	return false;
}

/* True if the top table at its image address for phys_base maps its own
 * virtual address back onto itself: the page tables confirm the pair. */
static bool root_maps_itself(const struct arch_phys *phys, unsigned int levels, uint64_t mask,
			     uint64_t root_va, uint64_t phys_base)
{
	struct arch_state st;
	memset(&st, 0, sizeof(st));
	st.levels = levels;
	st.entry_mask = mask;
	st.root = root_va - X86_START_KERNEL_MAP + phys_base;
	uint64_t pa;
	struct mdf_error *err = x86_64_vtop(&st, phys, root_va, &pa, NULL, NULL);
	mdf_error_destroy(err);
	return !err && pa == st.root;
}

/* REFERENCE.md 7.1 "phys_base": the exported number, else the first
 * PT_LOAD in the kernel text mapping, else 0. When the note's value and
 * the PT_LOAD's disagree (a damaged note), the one whose page tables map
 * the top table onto itself is used, with a warning. */
static uint64_t find_phys_base(const struct kfacts *kf, const struct arch_dump *d,
			       unsigned int levels, uint64_t mask, uint64_t root_va,
			       const struct mdf_msg *msg)
{
	uint64_t pt;
	bool have_pt = ptload_phys_base(d, &pt);
	if (kf_have(kf, KF_NUMBER_phys_base)) {
		uint64_t note = kf_get(kf, KF_NUMBER_phys_base);
		if (!have_pt || pt == note || !root_va ||
		    root_maps_itself(&d->phys, levels, mask, root_va, note) ||
		    !root_maps_itself(&d->phys, levels, mask, root_va, pt))
			return note;
		mdf_msgf(msg, MDF_MSG_COMMON,
			 "WARNING: NUMBER(phys_base)=%lld disagrees with the kernel-text PT_LOAD "
			 "(0x%llx), whose value the page tables confirm: using the PT_LOAD's",
			 (long long)note, (unsigned long long)pt);
		return pt;
	}
	if (have_pt) {
		mdf_msgf(msg, MDF_MSG_DEBUG, "phys_base 0x%llx from the kernel-text PT_LOAD",
			 (unsigned long long)pt);
		return pt;
	}
	mdf_msgf(msg, MDF_MSG_DEBUG, "phys_base unknown, assuming 0");
	return 0;
}

/* REFERENCE.md 7.1 "PAGE_OFFSET": the last direct-map PT_LOAD, else the
 * translation of a known direct-map address (SYMBOL(mem_section) points
 * into the direct map), else the default. */
static void find_page_offset(struct arch_state *st, const struct kfacts *kf,
			     const struct arch_dump *d)
{
	for (size_t i = d->nr_loads; i-- > 0;) {
		const struct vmcore_load *l = &d->loads[i];
		if (l->vaddr < X86_START_KERNEL_MAP && l->vaddr >= st->kernel_va_start &&
		    l->vaddr >= l->paddr) {
			st->page_offset = l->vaddr - l->paddr;
			st->have_page_offset = true;
			st->page_offset_source = "pt_load";
			return;
		}
	}
	if (kf_have(kf, KF_SYMBOL_mem_section)) {
		uint64_t va = kf_get(kf, KF_SYMBOL_mem_section), pa, size;
		struct mdf_error *err = x86_64_vtop(st, &d->phys, va, &pa, &size, NULL);
		/* Only a 1 GiB-aligned result looks like page_offset_base
		 * (memory KASLR randomises it at PUD granularity). */
		if (!err && va >= pa && va < X86_START_KERNEL_MAP && !((va - pa) & 0x3fffffffULL)) {
			st->page_offset = va - pa;
			st->have_page_offset = true;
			st->page_offset_source = "page tables";
			return;
		}
		mdf_error_destroy(err);
	}
	st->page_offset = st->levels == 5 ? X86_PAGE_OFFSET_5L : X86_PAGE_OFFSET_4L;
	st->have_page_offset = false;
	st->page_offset_source = "default";
}

static void set_range(struct arch_state *st, enum arch_range_kind kind, uint64_t start,
		      uint64_t size, bool exact)
{
	st->range[kind] = (struct arch_range){ start, start + size, true, exact };
}

/* The kernel's virtual ranges (Documentation/arch/x86/x86_64/mm.rst): what
 * the dump tells (direct map, VMALLOC_START, SYMBOL(vmemmap)), else the
 * non-KASLR layout of 4- or 5-level paging. */
static void x86_64_ranges(struct arch_state *st, const struct kfacts *kf)
{
	bool five = st->levels == 5;
	set_range(st, ARCH_RANGE_DIRECT_MAP, st->page_offset, five ? 1ULL << 52 : 1ULL << 46,
		  st->have_page_offset);
	if (kf_have(kf, KF_NUMBER_VMALLOC_START))
		set_range(st, ARCH_RANGE_VMALLOC, kf_get(kf, KF_NUMBER_VMALLOC_START),
			  five ? 12800ULL << 40 : 32ULL << 40, true);
	else
		set_range(st, ARCH_RANGE_VMALLOC, five ? X86_VMALLOC_5L : X86_VMALLOC_4L,
			  five ? 12800ULL << 40 : 32ULL << 40, false);
	if (kf_have(kf, KF_SYMBOL_vmemmap))
		set_range(st, ARCH_RANGE_VMEMMAP, kf_get(kf, KF_SYMBOL_vmemmap),
			  five ? 1ULL << 51 : 1ULL << 40, true);
	else
		set_range(st, ARCH_RANGE_VMEMMAP, five ? X86_VMEMMAP_5L : X86_VMEMMAP_4L,
			  five ? 1ULL << 51 : 1ULL << 40, false);
	uint64_t image = kf_have(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 ? kf_get(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 : X86_IMAGE_SIZE;
	if (image > X86_IMAGE_SIZE)
		image = X86_IMAGE_SIZE;
	set_range(st, ARCH_RANGE_IMAGE, X86_START_KERNEL_MAP, image,
		  kf_have(kf, KF_NUMBER_KERNEL_IMAGE_SIZE));
	st->range[ARCH_RANGE_MODULES] = (struct arch_range){ X86_START_KERNEL_MAP + image,
							     X86_MODULES_END, true, false };
}

/* init_level4_pgt is preferred when present (old kernels); 4.13+ exports
 * init_top_pgt, the top table for 4- and 5-level paging; swapper_pg_dir
 * has the same value on x86_64. Returns the key's index or -1. */
static int root_fact(const struct kfacts *kf)
{
	static const enum kfact_id roots[] = { KF_SYMBOL_init_level4_pgt, KF_SYMBOL_init_top_pgt,
					       KF_SYMBOL_swapper_pg_dir };
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (kf_have(kf, roots[i]))
			return (int)roots[i];
	return -1;
}

/* The top page table: the first of the root facts (root_fact's order)
 * that is a kernel-image page; one that is not (a damaged note) is skipped
 * with a warning. */
static struct mdf_error *find_root(const struct kfacts *kf, const struct mdf_msg *msg,
				   uint64_t *va_ret, const char **name_ret)
{
	static const enum kfact_id roots[] = { KF_SYMBOL_init_level4_pgt, KF_SYMBOL_init_top_pgt,
					       KF_SYMBOL_swapper_pg_dir };
	const char *bad = NULL;
	uint64_t bad_va = 0;
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
		if (!kf_have(kf, roots[i]))
			continue;
		uint64_t sym = kf_get(kf, roots[i]);
		if (sym < X86_START_KERNEL_MAP || (sym & 0xfff)) {
			if (!bad) {
				bad = kfact_table[roots[i]].key;
				bad_va = sym;
			}
			continue;
		}
		if (bad)
			mdf_msgf(msg, MDF_MSG_COMMON,
				 "WARNING: %s=0x%llx is not a kernel-image page: using %s",
				 bad, (unsigned long long)bad_va, kfact_table[roots[i]].key);
		*va_ret = sym;
		*name_ret = kfact_table[roots[i]].key;
		return NULL;
	}
	if (bad)
		return mdf_error_create(MDF_ERR_CORRUPT, "x86_64: %s=0x%llx is not a kernel-image page",
					bad, (unsigned long long)bad_va);
	char why[64];
	kf_why_missing(kf, KF_SYMBOL_init_top_pgt, why, sizeof(why));
	return mdf_error_create(MDF_ERR_NODATA,
				"x86_64: no page-table root: SYMBOL(init_top_pgt) is needed, %s", why);
}

static struct mdf_error *x86_64_init(struct arch_state *st, const struct kfacts *kf,
				     const struct arch_dump *d, const struct mdf_msg *msg)
{
	memset(st, 0, sizeof(*st));
	st->page_shift = X86_PAGE_SHIFT;
	st->levels = kf_have(kf, KF_NUMBER_pgtable_l5_enabled) &&
				     kf_get(kf, KF_NUMBER_pgtable_l5_enabled)
			     ? 5
			     : 4;
	st->kernel_va_start = st->levels == 5 ? X86_KVBASE_5L : X86_KVBASE_4L;
	st->entry_mask = X86_ENTRY_ADDR_MASK;
	if (kf_have(kf, KF_NUMBER_sme_mask))
		st->entry_mask &= ~kf_get(kf, KF_NUMBER_sme_mask);
	/* REFERENCE.md 6.1: sparsemem defaults when the note lacks them. */
	st->section_size_bits = 27;
	st->max_physmem_bits = st->levels == 5 ? 52 : 46;

	uint64_t sym = 0;
	const char *root_name = NULL;
	struct mdf_error *err = find_root(kf, msg, &sym, &root_name);
	if (err)
		return err;
	st->phys_base = find_phys_base(kf, d, st->levels, st->entry_mask, sym, msg);
	st->root = sym - X86_START_KERNEL_MAP + st->phys_base;
	find_page_offset(st, kf, d);
	x86_64_ranges(st, kf);
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "x86_64: %u-level paging, phys_base 0x%llx, root 0x%llx (%s), page_offset 0x%llx (%s)",
		 st->levels, (unsigned long long)st->phys_base, (unsigned long long)st->root,
		 root_name, (unsigned long long)st->page_offset, st->page_offset_source);
	return NULL;
}

static const char *x86_64_missing_fact(const struct kfacts *kf)
{
	return root_fact(kf) < 0 ? "SYMBOL(init_top_pgt)" : NULL;
}

/* ---- the KASLR probe (-x/-i on a dump whose note is hidden) ---- */

/* vmlinux symbols the probe reads (arch_vmlinux.sym[] indexes). */
enum { X86_SYM_L5 = 0 };
static const char *const x86_64_vmlinux_syms[] = { "__pgtable_l5_enabled", NULL };

/* Every image address satisfies pa = link + K - __START_KERNEL_map +
 * phys_base; s = K + phys_base is the kernel's physical-minus-link delta
 * seen from the text mapping. */
static uint64_t image_delta(uint64_t s)
{
	return s - X86_START_KERNEL_MAP;
}

/* Finds K such that link + K translates to pa through the kernel's own page
 * tables (root at its image address for s). Bounded: one walk per 2 MiB
 * step of the 1 GiB text mapping. Returns false if none does. */
static bool find_k_by_walk(const struct arch_dump *d, uint64_t root_link, uint64_t s,
			   unsigned int levels, uint64_t link, uint64_t pa, uint64_t *k_ret)
{
	struct arch_state st;
	memset(&st, 0, sizeof(st));
	st.root = root_link + image_delta(s);
	st.levels = levels;
	st.entry_mask = X86_ENTRY_ADDR_MASK;
	st.kernel_va_start = X86_START_KERNEL_MAP;
	if (link < X86_START_KERNEL_MAP || link - X86_START_KERNEL_MAP >= X86_IMAGE_SIZE)
		return false;
	for (uint64_t k = 0; link + k - X86_START_KERNEL_MAP < X86_IMAGE_SIZE; k += X86_KASLR_ALIGN) {
		uint64_t got, leaf;
		struct mdf_error *err = x86_64_vtop(&st, &d->phys, link + k, &got, &leaf, NULL);
		if (!err && got == pa) {
			*k_ret = k;
			return true;
		}
		mdf_error_destroy(err);
	}
	return false;
}

/* NUMBER(pgtable_l5_enabled): the note's, else the kernel variable
 * __pgtable_l5_enabled (4.17+, an unsigned int) read from the image, else
 * -1 (unknown). */
static int read_l5(const struct arch_probe *p, uint64_t s)
{
	if (p->note && kf_have(p->note, KF_NUMBER_pgtable_l5_enabled))
		return kf_get(p->note, KF_NUMBER_pgtable_l5_enabled) ? 1 : 0;
	if (!p->vml || !p->vml->sym[X86_SYM_L5])
		return -1;
	uint64_t v;
	struct mdf_error *err = arch_read_phys_int(&p->dump->phys,
						   p->vml->sym[X86_SYM_L5] + image_delta(s), 4,
						   false, &v);
	if (err) {
		mdf_error_destroy(err);
		return -1;
	}
	return v ? 1 : 0;
}

/* The walk check for a candidate (s, k): some address of the image (the
 * banner, else the root itself) translates as the formula says. 1 = yes,
 * 0 = could not walk, -1 = the tables map it elsewhere. */
static int check_walk(const struct arch_probe *p, uint64_t s, int l5, uint64_t k)
{
	int root = root_fact(p->base);
	if (root < 0)
		return 0;
	uint64_t root_link = kf_get(p->base, (enum kfact_id)root);
	uint64_t link = p->vml && p->vml->banner_len ? p->vml->banner_addr : root_link;
	uint64_t pa = link + image_delta(s), found;
	for (unsigned int levels = 4; levels <= 5; levels++) {
		if (l5 >= 0 && levels != (l5 ? 5U : 4U))
			continue;
		if (find_k_by_walk(p->dump, root_link, s, levels, link, pa, &found))
			return found == k ? 1 : -1;
	}
	return 0;
}

/* The first PT_LOAD in the kernel text mapping, or NULL. */
static const struct vmcore_load *text_load(const struct arch_dump *d)
{
	for (size_t i = 0; i < d->nr_loads; i++)
		if (d->loads[i].vaddr >= X86_START_KERNEL_MAP)
			return &d->loads[i];
	return NULL;
}

/* REFERENCE.md 7.1: kexec-tools' first PT_LOAD maps [_stext, _end) with
 * p_vaddr = runtime _stext (the real 6.1 dump: 0xffffffff9a000000 with
 * KERNELOFFSET 0x19000000 and link-time _stext 0xffffffff81000000). Returns
 * false when there is no such segment or the result does not verify. */
static bool from_ptload(const struct arch_probe *p, struct arch_kaslr *out)
{
	const struct vmcore_load *l = text_load(p->dump);
	const struct arch_vmlinux *vml = p->vml;
	if (!l || !kf_have(p->base, KF_SYMBOL__stext))
		return false;
	uint64_t stext = kf_get(p->base, KF_SYMBOL__stext);
	uint64_t k = l->vaddr - stext;
	uint64_t pb = l->paddr - (l->vaddr - X86_START_KERNEL_MAP);
	uint64_t s = k + pb;
	char found[128];
	int img = arch_check_image(p, image_delta(s), found, sizeof(found));
	if (img < 0 || l->vaddr < stext) {
		mdf_msgf(p->msg, MDF_MSG_DEBUG,
			 "kernel-text PT_LOAD at 0x%llx does not match the vmlinux%s%s%s",
			 (unsigned long long)l->vaddr, found[0] ? " (memory holds \"" : "", found,
			 found[0] ? "\")" : "");
		return false;
	}
	int walk = check_walk(p, s, read_l5(p, s), k);
	if (walk < 0) {
		mdf_msgf(p->msg, MDF_MSG_DEBUG,
			 "kernel-text PT_LOAD: KERNELOFFSET 0x%llx disagrees with the page tables",
			 (unsigned long long)k);
		return false;
	}
	mdf_msgf(p->msg, MDF_MSG_DEBUG,
		 "KERNELOFFSET 0x%llx, phys_base 0x%llx from the kernel-text PT_LOAD (%s%s)",
		 (unsigned long long)k, (unsigned long long)pb,
		 img > 0 ? (vml && vml->banner_len ? "banner matches" : "release matches")
			 : "image not verified",
		 walk > 0 ? ", page tables agree" : "");
	out->kerneloffset = k;
	out->src = ARCH_KASLR_PT_LOAD;
	arch_learn(&out->learned, KF_NUMBER_phys_base, pb, "from the kernel-text PT_LOAD");
	return true;
}

/* No usable kernel-text PT_LOAD (a QEMU dump-guest-memory core, or one
 * whose segment does not verify): find linux_banner in physical memory,
 * which gives s; the kernel's page tables, found at their image address,
 * then give K (REFERENCE.md 7.1). */
static bool from_banner(const struct arch_probe *p, struct arch_kaslr *out)
{
	const struct arch_vmlinux *vml = p->vml;
	if (!vml || !vml->banner_len || vml->banner_addr < X86_START_KERNEL_MAP)
		return false;
	uint64_t rel = vml->banner_addr - X86_START_KERNEL_MAP;
	uint64_t pa = 0;
	/* Load addresses are 2 MiB-aligned, so the banner sits at a fixed
	 * place modulo 2 MiB; only then try every page. */
	if (!arch_find_banner(p, X86_KASLR_ALIGN, X86_SCAN_ALIGNED_LIMIT, X86_SCAN_PAGE_LIMIT,
			      &pa) ||
	    pa < rel) {
		mdf_msgf(p->msg, MDF_MSG_DEBUG, "linux_banner not found in physical memory");
		return false;
	}
	uint64_t s = pa - rel;
	int l5 = read_l5(p, s);
	int root = root_fact(p->base);
	uint64_t k = 0;
	bool have_k = false;
	for (unsigned int levels = 4; root >= 0 && levels <= 5 && !have_k; levels++)
		if (l5 < 0 || levels == (l5 ? 5U : 4U))
			have_k = find_k_by_walk(p->dump, kf_get(p->base, (enum kfact_id)root), s,
						levels, vml->banner_addr, pa, &k);
	if (!have_k) {
		mdf_msgf(p->msg, MDF_MSG_DEBUG,
			 "linux_banner found at physical 0x%llx, but the kernel page tables do "
			 "not map it in the text mapping",
			 (unsigned long long)pa);
		return false;
	}
	out->kerneloffset = k;
	out->src = ARCH_KASLR_BANNER;
	arch_learn(&out->learned, KF_NUMBER_phys_base, s - k, "from the banner's place");
	mdf_msgf(p->msg, MDF_MSG_DEBUG,
		 "linux_banner at physical 0x%llx: KERNELOFFSET 0x%llx, phys_base 0x%llx",
		 (unsigned long long)pa, (unsigned long long)k, (unsigned long long)(s - k));
	return true;
}

static struct mdf_error *x86_64_find_kaslr(const struct arch_probe *p, struct arch_kaslr *out)
{
	if (from_ptload(p, out) || from_banner(p, out))
		return NULL;
	const struct kfacts *base = p->base;
	if (!kf_have(base, KF_SYMBOL__stext) && !(p->vml && p->vml->banner_len))
		return mdf_error_create(MDF_ERR_NODATA,
					"KERNELOFFSET is missing from VMCOREINFO, and deriving it "
					"needs SYMBOL(_stext) or the vmlinux's linux_banner");
	/* The image found does not match: most likely the wrong vmlinux. */
	char found[128];
	const struct vmcore_load *tl = text_load(p->dump);
	if (tl && kf_have(base, KF_SYMBOL__stext) && base->osrelease[0]) {
		struct arch_probe no_vml = *p;
		no_vml.vml = NULL;
		uint64_t s = tl->paddr - kf_get(base, KF_SYMBOL__stext) + X86_START_KERNEL_MAP;
		if (arch_check_image(&no_vml, image_delta(s), found, sizeof(found)) < 0 && found[0])
			return mdf_error_create(MDF_ERR_RELEASE,
						"the kernel release %s does not match the dump's %s",
						base->osrelease, found);
	}
	if (!p->vml)
		return mdf_error_create(MDF_ERR_NODATA,
					"KERNELOFFSET is missing from VMCOREINFO and the dump has no "
					"usable kernel-text PT_LOAD: use -x to find the kernel by its "
					"banner");
	return mdf_error_create(MDF_ERR_NODATA,
				"KERNELOFFSET is missing from VMCOREINFO and the kernel%s%s "
				"was not found in the dump (does the vmlinux match?)",
				base->osrelease[0] ? " " : "", base->osrelease);
}

/* Facts DWARF cannot see (REFERENCE.md 5.4, 6.1, 7.1): the paging depth
 * (the variable __pgtable_l5_enabled read from the image when phys_base is
 * known), sparsemem geometry and the text mapping's size. */
static void x86_64_defaults(const struct arch_probe *p, const struct kfacts *kf,
			    struct arch_learned *out)
{
	bool five;
	if (kf_have(kf, KF_NUMBER_pgtable_l5_enabled)) {
		five = kf_get(kf, KF_NUMBER_pgtable_l5_enabled) != 0;
	} else {
		int l5 = -1;
		if (p->vml && kf_have(kf, KF_NUMBER_phys_base))
			l5 = read_l5(p, kf->kerneloffset + kf_get(kf, KF_NUMBER_phys_base));
		five = l5 > 0;
		arch_learn(out, KF_NUMBER_pgtable_l5_enabled, five ? 1 : 0,
			   l5 >= 0 ? "__pgtable_l5_enabled read from the dump"
				   : "no __pgtable_l5_enabled: 4-level paging");
	}
	arch_learn(out, KF_NUMBER_SECTION_SIZE_BITS, 27, "x86_64 default");
	arch_learn(out, KF_NUMBER_MAX_PHYSMEM_BITS, five ? 52 : 46,
		   five ? "x86_64 5-level default" : "x86_64 4-level default");
	arch_learn(out, KF_NUMBER_KERNEL_IMAGE_SIZE, X86_IMAGE_SIZE, "x86_64 KASLR default");
}

/* What the kernel frees of its image after boot (6.1: arch/x86/mm/init.c
 * free_kernel_image_pages() for the text/rodata and rodata/data alignment
 * gaps and the init sections, alternative.c for the SMP alternatives' lock
 * table, mem_encrypt for the unused part of .bss..decrypted, setup.c for
 * the brk area past _brk_end, which is never reserved). */
static const struct arch_image_gap x86_64_image_gaps[] = {
	{ "_etext", "__start_rodata", true },
	{ "__end_rodata", "_sdata", true },
	{ "__init_begin", "__init_end", true },
	{ "__smp_locks", "__smp_locks_end", false },
	{ "__start_bss_decrypted_unused", "__end_bss_decrypted", false },
	{ "_brk_end", NULL, false },
	{ NULL, NULL, false },
};

const struct arch_ops arch_x86_64_ops = {
	.name = "x86_64",
	.uts_machine = "x86_64",
	.e_machine = EM_X86_64,
	.big_endian = false,
	.vmlinux_syms = x86_64_vmlinux_syms,
	.init = x86_64_init,
	.vtop = x86_64_vtop,
	.is_kernel_va = x86_64_is_kernel_va,
	.find_kaslr = x86_64_find_kaslr,
	.defaults = x86_64_defaults,
	.missing_fact = x86_64_missing_fact,
	.vmemmap_exclusion = true,
	.image_gaps = x86_64_image_gaps,
};
