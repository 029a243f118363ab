/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64 address translation: phys_base, page-table root, 4- and 5-level
 * walks with 2 MiB and 1 GiB leaves, direct-map base. REFERENCE.md 7.1. */
#include "arch/arch.h"

#include <elf.h>
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
static bool ptload_phys_base(const struct vmcore_load *loads, size_t nr_loads, uint64_t *ret)
{
	for (size_t i = 0; i < nr_loads; i++)
		if (loads[i].vaddr >= X86_START_KERNEL_MAP) {
			*ret = loads[i].paddr - (loads[i].vaddr - X86_START_KERNEL_MAP);
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
static uint64_t find_phys_base(const struct kfacts *kf, const struct vmcore_load *loads,
			       size_t nr_loads, const struct arch_phys *phys, unsigned int levels,
			       uint64_t mask, uint64_t root_va, const struct mdf_msg *msg)
{
	uint64_t pt;
	bool have_pt = ptload_phys_base(loads, nr_loads, &pt);
	if (kf_have(kf, KF_NUMBER_phys_base)) {
		uint64_t note = kf_get(kf, KF_NUMBER_phys_base);
		if (!have_pt || pt == note || !root_va ||
		    root_maps_itself(phys, levels, mask, root_va, note) ||
		    !root_maps_itself(phys, levels, mask, root_va, pt))
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
			     const struct vmcore_load *loads, size_t nr_loads,
			     const struct arch_phys *phys)
{
	for (size_t i = nr_loads; i-- > 0;) {
		const struct vmcore_load *l = &loads[i];
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
		struct mdf_error *err = x86_64_vtop(st, phys, va, &pa, &size, NULL);
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

/* The top page table: the first of SYMBOL(init_level4_pgt) (old kernels),
 * SYMBOL(init_top_pgt) (4.13+, 4- and 5-level) and SYMBOL(swapper_pg_dir)
 * (the same value on x86_64) that is a kernel-image page; one that is
 * not (a damaged note) is skipped with a warning. */
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
	return mdf_error_create(MDF_ERR_NODATA, "x86_64: no page-table root: SYMBOL(init_top_pgt) is needed, %s",
				why);
}

static struct mdf_error *x86_64_init(struct arch_state *st, const struct kfacts *kf,
				     const struct vmcore_load *loads, size_t nr_loads,
				     const struct arch_phys *phys, const struct mdf_msg *msg)
{
	memset(st, 0, sizeof(*st));
	st->levels = kf_have(kf, KF_NUMBER_pgtable_l5_enabled) &&
				     kf_get(kf, KF_NUMBER_pgtable_l5_enabled)
			     ? 5
			     : 4;
	st->kernel_va_start = st->levels == 5 ? X86_KVBASE_5L : X86_KVBASE_4L;
	st->entry_mask = X86_ENTRY_ADDR_MASK;
	if (kf_have(kf, KF_NUMBER_sme_mask))
		st->entry_mask &= ~kf_get(kf, KF_NUMBER_sme_mask);

	uint64_t sym = 0;
	const char *root_name = NULL;
	struct mdf_error *err = find_root(kf, msg, &sym, &root_name);
	if (err)
		return err;
	st->phys_base = find_phys_base(kf, loads, nr_loads, phys, st->levels, st->entry_mask, sym,
				       msg);
	st->root = sym - X86_START_KERNEL_MAP + st->phys_base;
	find_page_offset(st, kf, loads, nr_loads, phys);
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "x86_64: %u-level paging, phys_base 0x%llx, root 0x%llx (%s), page_offset 0x%llx (%s)",
		 st->levels, (unsigned long long)st->phys_base, (unsigned long long)st->root,
		 root_name, (unsigned long long)st->page_offset, st->page_offset_source);
	return NULL;
}

const struct arch_ops arch_x86_64_ops = {
	.name = "x86_64",
	.e_machine = EM_X86_64,
	.init = x86_64_init,
	.vtop = x86_64_vtop,
	.is_kernel_va = x86_64_is_kernel_va,
};
