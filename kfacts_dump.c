/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel facts of one dump: note, -i and -x combined, KASLR derived
 * from the dump when the note does not give it. kfacts_dump.h; REFERENCE.md
 * 5.1 (precedence, relocation), 5.4, 6.1, 6.4, 7.1. */
#include "kfacts_dump.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteio.h"
#include "dwarf_info.h"
#include "vmcoreinfo.h"

/* x86_64 kernel text mapping base (REFERENCE.md 7.1). */
#define KFD_START_KERNEL_MAP 0xffffffff80000000ULL
/* The kernel's virtual and physical load addresses are multiples of
 * CONFIG_PHYSICAL_ALIGN, at least 2 MiB on x86_64: KASLR offsets and the
 * banner's place modulo 2 MiB follow from that. */
#define KFD_ALIGN 0x200000ULL
/* KERNEL_IMAGE_SIZE default with KASLR (REFERENCE.md 7.1). */
#define KFD_IMAGE_SIZE 0x40000000ULL
/* Banner search bounds: 2 MiB-aligned candidates over the first 64 GiB of
 * RAM, then every page of the first 4 GiB (REFERENCE.md 7.1, crash's
 * "--kaslr auto" idea). */
#define KFD_SCAN_ALIGNED_LIMIT (64ULL << 30)
#define KFD_SCAN_PAGE_LIMIT (4ULL << 30)
/* x86_64 page-table entry address bits (REFERENCE.md 7.1). */
#define KFD_ENTRY_MASK 0x000ffffffffff000ULL

enum {
	/* struct new_utsname: six char[65]; release is the third field. */
	KFD_UTS_FIELD = 65,
	KFD_UTS_RELEASE_OFF = 2 * KFD_UTS_FIELD,
};

#define KFD_VERSION(a, b, c) (((uint32_t)(a) << 16) | ((uint32_t)(b) << 8) | (uint32_t)(c))

uint32_t kfd_release_code(const char *release)
{
	unsigned long v[3] = { 0, 0, 0 };
	const char *p = release;
	for (int i = 0; i < 3; i++) {
		if (*p < '0' || *p > '9')
			return i >= 2 ? KFD_VERSION(v[0], v[1], 0) : 0;
		char *end;
		v[i] = strtoul(p, &end, 10);
		if (v[i] > 255)
			v[i] = 255;
		p = end;
		if (i < 2 && *p != '.')
			return i == 1 ? KFD_VERSION(v[0], v[1], 0) : 0;
		if (i < 2)
			p++;
	}
	return KFD_VERSION(v[0], v[1], v[2]);
}

/* ---- the vmlinux's ELF extras ---- */

/* linux_banner (bytes and address) and &__pgtable_l5_enabled: neither is
 * a VMCOREINFO key, so the facts table does not carry them. */
struct kfd_extras {
	Elf *elf;
	struct kfd_vmlinux *v;
};

static bool kfd_extra_symbol(void *arg, const char *name, uint64_t value, uint64_t size,
			     unsigned char info)
{
	(void)info;
	struct kfd_extras *x = arg;
	struct kfd_vmlinux *v = x->v;
	if (strcmp(name, "__pgtable_l5_enabled") == 0) {
		v->l5_addr = value;
		return true;
	}
	if (strcmp(name, "linux_banner") != 0)
		return true;
	/* The banner's bytes up to and including its NUL: the printk copy of
	 * it has no NUL after the newline, so only the variable matches. */
	size_t len = size && size <= KFD_BANNER_MAX ? size : KFD_BANNER_MAX;
	char buf[KFD_BANNER_MAX];
	if (!dwarf_elf_read(x->elf, value, buf, len))
		return true;
	size_t sl = strnlen(buf, len);
	if (sl < 16 || sl == len || strncmp(buf, "Linux version ", 14) != 0)
		return true;
	memcpy(v->banner, buf, sl + 1);
	v->banner_len = sl + 1;
	v->banner_addr = value;
	return true;
}

static void kfd_read_extras(Elf *elf, struct kfd_vmlinux *v)
{
	struct kfd_extras x = { elf, v };
	dwarf_elf_symbols(elf, kfd_extra_symbol, &x);
}

struct mdf_error *kfd_read_vmlinux(const char *path, const struct mdf_msg *msg,
				   struct kfd_vmlinux *ret)
{
	memset(ret, 0, sizeof(*ret));
	kfacts_init(&ret->kf);
	struct mdf_error *err = dwarf_read_facts(path, &ret->kf, msg);
	if (err)
		return err;
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdf_error_os(errno, "cannot open %s", path);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		kfd_read_extras(elf, ret);
	if (elf)
		elf_end(elf);
	close(fd);
	if (!ret->banner_len)
		mdf_msgf(msg, MDF_MSG_DEBUG, "%s: no linux_banner symbol", path);
	return NULL;
}

/* ---- reading the dump ---- */

/* Physical address of a link-time kernel-image address when the kernel's
 * physical-minus-link delta is s (= KERNELOFFSET + phys_base): every image
 * address satisfies pa = link + K - __START_KERNEL_map + phys_base. */
static uint64_t kfd_image_pa(uint64_t link, uint64_t s)
{
	return link - KFD_START_KERNEL_MAP + s;
}

/* Evidence that s is right: the vmlinux's banner (or, for -i, the release
 * in init_uts_ns) at its image address. 1 = match, 0 = nothing to compare,
 * -1 = mismatch (found_ret, if not NULL, gets what memory holds there). */
static int kfd_check_image(const struct kfd_memory *mem, const struct kfacts *base,
			   const struct kfd_vmlinux *vml, uint64_t s, char *found_ret,
			   size_t found_len)
{
	char buf[KFD_BANNER_MAX + 1];
	if (found_ret && found_len)
		found_ret[0] = '\0';
	if (vml && vml->banner_len) {
		struct mdf_error *err =
			mem->phys.read(mem->phys.arg, kfd_image_pa(vml->banner_addr, s), buf,
				       vml->banner_len);
		if (err) {
			mdf_error_destroy(err);
			return -1;
		}
		if (memcmp(buf, vml->banner, vml->banner_len) == 0)
			return 1;
		if (found_ret && found_len) {
			buf[vml->banner_len] = '\0';
			snprintf(found_ret, found_len, "%.*s", (int)strcspn(buf, "\n"), buf);
		}
		return -1;
	}
	if (base->osrelease[0] && kf_have(base, KF_SYMBOL_init_uts_ns)) {
		uint64_t link = kf_get(base, KF_SYMBOL_init_uts_ns) + kf_uts_name_offset(base) +
				KFD_UTS_RELEASE_OFF;
		struct mdf_error *err =
			mem->phys.read(mem->phys.arg, kfd_image_pa(link, s), buf, KFD_UTS_FIELD);
		if (err) {
			mdf_error_destroy(err);
			return -1;
		}
		buf[KFD_UTS_FIELD] = '\0';
		if (strcmp(buf, base->osrelease) == 0)
			return 1;
		if (found_ret && found_len)
			snprintf(found_ret, found_len, "%.*s", KFD_UTS_FIELD, buf);
		return -1;
	}
	return 0;
}

/* Link-time address of the top page table (REFERENCE.md 7.1), 0 if none. */
static uint64_t kfd_root_link(const struct kfacts *base)
{
	static const enum kfact_id roots[] = { KF_SYMBOL_init_level4_pgt, KF_SYMBOL_init_top_pgt,
					       KF_SYMBOL_swapper_pg_dir };
	for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++)
		if (kf_have(base, roots[i]))
			return kf_get(base, roots[i]);
	return 0;
}

/* Finds K such that link + K translates to pa through the kernel's own page
 * tables (root at its image address for s). Bounded: one walk per 2 MiB
 * step of the 1 GiB text mapping. Returns false if none does. */
static bool kfd_find_k_by_walk(const struct kfd_memory *mem, uint64_t root_link, uint64_t s,
			       unsigned int levels, uint64_t link, uint64_t pa, uint64_t *k_ret)
{
	struct arch_state st;
	memset(&st, 0, sizeof(st));
	st.root = kfd_image_pa(root_link, s);
	st.levels = levels;
	st.entry_mask = KFD_ENTRY_MASK;
	st.kernel_va_start = KFD_START_KERNEL_MAP;
	if (link < KFD_START_KERNEL_MAP || link - KFD_START_KERNEL_MAP >= KFD_IMAGE_SIZE)
		return false;
	for (uint64_t k = 0; link + k - KFD_START_KERNEL_MAP < KFD_IMAGE_SIZE; k += KFD_ALIGN) {
		uint64_t got, leaf;
		struct mdf_error *err = arch_x86_64_ops.vtop(&st, &mem->phys, link + k, &got, &leaf, NULL);
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
static int kfd_l5(const struct kfd_memory *mem, const struct kfacts *note,
		  const struct kfd_vmlinux *vml, uint64_t s)
{
	if (note && kf_have(note, KF_NUMBER_pgtable_l5_enabled))
		return kf_get(note, KF_NUMBER_pgtable_l5_enabled) ? 1 : 0;
	if (!vml || !vml->l5_addr)
		return -1;
	uint8_t b[4];
	struct mdf_error *err = mem->phys.read(mem->phys.arg, kfd_image_pa(vml->l5_addr, s), b, 4);
	if (err) {
		mdf_error_destroy(err);
		return -1;
	}
	return mdf_get_le(b, 4) ? 1 : 0;
}

/* The walk check for a candidate (s, k): some address of the image (the
 * banner, else the root itself) translates as the formula says. 1 = yes,
 * 0 = could not walk, -1 = the tables map it elsewhere. */
static int kfd_check_walk(const struct kfd_memory *mem, const struct kfacts *base,
			  const struct kfd_vmlinux *vml, uint64_t s, int l5, uint64_t k)
{
	uint64_t root = kfd_root_link(base);
	if (!root)
		return 0;
	uint64_t link = vml && vml->banner_len ? vml->banner_addr : root;
	uint64_t pa = kfd_image_pa(link, s), found;
	for (unsigned int levels = 4; levels <= 5; levels++) {
		if (l5 >= 0 && levels != (l5 ? 5U : 4U))
			continue;
		if (kfd_find_k_by_walk(mem, root, s, levels, link, pa, &found))
			return found == k ? 1 : -1;
	}
	return 0;
}

struct kfd_kaslr {
	uint64_t k;          /* KERNELOFFSET */
	uint64_t phys_base;
	enum kfd_source src;
};

/* REFERENCE.md 7.1: kexec-tools' first PT_LOAD maps [_stext, _end) with
 * p_vaddr = runtime _stext (the real 6.1 dump: 0xffffffff9a000000 with
 * KERNELOFFSET 0x19000000 and link-time _stext 0xffffffff81000000). Returns
 * false when there is no such segment or the result does not verify. */
static bool kfd_from_ptload(const struct kfd_memory *mem, const struct kfacts *base,
			    const struct kfacts *note, const struct kfd_vmlinux *vml,
			    const struct mdf_msg *msg, struct kfd_kaslr *out)
{
	const struct vmcore_load *l = NULL;
	for (size_t i = 0; i < mem->nr_loads && !l; i++)
		if (mem->loads[i].vaddr >= KFD_START_KERNEL_MAP)
			l = &mem->loads[i];
	if (!l || !kf_have(base, KF_SYMBOL__stext))
		return false;
	uint64_t stext = kf_get(base, KF_SYMBOL__stext);
	uint64_t k = l->vaddr - stext;
	uint64_t pb = l->paddr - (l->vaddr - KFD_START_KERNEL_MAP);
	uint64_t s = k + pb;
	char found[128];
	int img = kfd_check_image(mem, base, vml, s, found, sizeof(found));
	if (img < 0 || l->vaddr < stext) {
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "kernel-text PT_LOAD at 0x%llx does not match the vmlinux%s%s%s",
			 (unsigned long long)l->vaddr, found[0] ? " (memory holds \"" : "", found,
			 found[0] ? "\")" : "");
		return false;
	}
	int walk = kfd_check_walk(mem, base, vml, s, kfd_l5(mem, note, vml, s), k);
	if (walk < 0) {
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "kernel-text PT_LOAD: KERNELOFFSET 0x%llx disagrees with the page tables",
			 (unsigned long long)k);
		return false;
	}
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "KERNELOFFSET 0x%llx, phys_base 0x%llx from the kernel-text PT_LOAD (%s%s)",
		 (unsigned long long)k, (unsigned long long)pb,
		 img > 0 ? (vml && vml->banner_len ? "banner matches" : "release matches")
			 : "image not verified",
		 walk > 0 ? ", page tables agree" : "");
	out->k = k;
	out->phys_base = pb;
	out->src = KFD_SRC_PT_LOAD;
	return true;
}

/* Tries banner candidates pa = first, first + step, ... inside one PT_LOAD
 * below limit; on a match sets *pa_ret. */
static bool kfd_scan_load(const struct kfd_memory *mem, const struct kfd_vmlinux *vml,
			  const struct vmcore_load *l, uint64_t step, uint64_t residue,
			  uint64_t limit, uint64_t *pa_ret)
{
	uint64_t end = l->paddr + l->memsz;
	if (end > limit)
		end = limit;
	if (l->paddr >= end || end - l->paddr < vml->banner_len)
		return false;
	uint64_t pa = (l->paddr & ~(step - 1)) + residue;
	if (pa < l->paddr)
		pa += step;
	char buf[KFD_BANNER_MAX];
	for (; pa <= end - vml->banner_len; pa += step) {
		struct mdf_error *err = mem->phys.read(mem->phys.arg, pa, buf, vml->banner_len);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		if (memcmp(buf, vml->banner, vml->banner_len) == 0) {
			*pa_ret = pa;
			return true;
		}
	}
	return false;
}

/* No usable kernel-text PT_LOAD (a QEMU dump-guest-memory core, or one
 * whose segment does not verify): find linux_banner in physical memory,
 * which gives s; the kernel's page tables, found at their image address,
 * then give K (REFERENCE.md 7.1). */
static bool kfd_from_banner(const struct kfd_memory *mem, const struct kfacts *base,
			    const struct kfacts *note, const struct kfd_vmlinux *vml,
			    const struct mdf_msg *msg, struct kfd_kaslr *out)
{
	if (!vml || !vml->banner_len || vml->banner_addr < KFD_START_KERNEL_MAP)
		return false;
	uint64_t rel = vml->banner_addr - KFD_START_KERNEL_MAP;
	uint64_t pa = 0;
	bool found = false;
	/* Load addresses are 2 MiB-aligned, so the banner sits at a fixed
	 * place modulo 2 MiB; only then try every page. */
	for (size_t i = 0; i < mem->nr_loads && !found; i++)
		found = kfd_scan_load(mem, vml, &mem->loads[i], KFD_ALIGN, rel & (KFD_ALIGN - 1),
				      KFD_SCAN_ALIGNED_LIMIT, &pa);
	for (size_t i = 0; i < mem->nr_loads && !found; i++)
		found = kfd_scan_load(mem, vml, &mem->loads[i], 4096, rel & 4095,
				      KFD_SCAN_PAGE_LIMIT, &pa);
	if (!found || pa < rel) {
		mdf_msgf(msg, MDF_MSG_DEBUG, "linux_banner not found in physical memory");
		return false;
	}
	uint64_t s = pa - rel;
	int l5 = kfd_l5(mem, note, vml, s);
	uint64_t root = kfd_root_link(base), k = 0;
	bool have_k = false;
	for (unsigned int levels = 4; root && levels <= 5 && !have_k; levels++)
		if (l5 < 0 || levels == (l5 ? 5U : 4U))
			have_k = kfd_find_k_by_walk(mem, root, s, levels, vml->banner_addr, pa, &k);
	if (!have_k) {
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "linux_banner found at physical 0x%llx, but the kernel page tables do "
			 "not map it in the text mapping",
			 (unsigned long long)pa);
		return false;
	}
	out->k = k;
	out->phys_base = s - k;
	out->src = KFD_SRC_BANNER;
	mdf_msgf(msg, MDF_MSG_DEBUG,
		 "linux_banner at physical 0x%llx: KERNELOFFSET 0x%llx, phys_base 0x%llx",
		 (unsigned long long)pa, (unsigned long long)k, (unsigned long long)out->phys_base);
	return true;
}

/* KERNELOFFSET and phys_base when the note lacks KERNELOFFSET. */
static struct mdf_error *kfd_derive(const struct kfd_memory *mem, const struct kfacts *base,
				    const struct kfacts *note, const struct kfd_vmlinux *vml,
				    const struct mdf_msg *msg, struct kfd_kaslr *out)
{
	if (mem->e_machine != EM_X86_64)
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"KERNELOFFSET is missing from VMCOREINFO and cannot be "
					"derived from the dump on this architecture");
	if (kfd_from_ptload(mem, base, note, vml, msg, out) ||
	    kfd_from_banner(mem, base, note, vml, msg, out))
		return NULL;
	if (!kf_have(base, KF_SYMBOL__stext) && !(vml && vml->banner_len))
		return mdf_error_create(MDF_ERR_NODATA,
					"KERNELOFFSET is missing from VMCOREINFO, and deriving it "
					"needs SYMBOL(_stext) or the vmlinux's linux_banner");
	/* The image found does not match: most likely the wrong vmlinux. */
	char found[128];
	const struct vmcore_load *tl = NULL;
	for (size_t i = 0; i < mem->nr_loads && !tl; i++)
		if (mem->loads[i].vaddr >= KFD_START_KERNEL_MAP)
			tl = &mem->loads[i];
	if (tl && kf_have(base, KF_SYMBOL__stext) && base->osrelease[0] &&
	    kfd_check_image(mem, base, NULL,
			    tl->paddr - kf_get(base, KF_SYMBOL__stext) + KFD_START_KERNEL_MAP, found,
			    sizeof(found)) < 0 &&
	    found[0])
		return mdf_error_create(MDF_ERR_RELEASE,
					"the kernel release %s does not match the dump's %s",
					base->osrelease, found);
	if (!vml)
		return mdf_error_create(MDF_ERR_NODATA,
					"KERNELOFFSET is missing from VMCOREINFO and the dump has no "
					"usable kernel-text PT_LOAD: use -x to find the kernel by its "
					"banner");
	return mdf_error_create(MDF_ERR_NODATA,
				"KERNELOFFSET is missing from VMCOREINFO and the kernel%s%s "
				"was not found in the dump (does the vmlinux match?)",
				base->osrelease[0] ? " " : "", base->osrelease);
}

/* ---- combining ---- */

/* dst = src with every symbol moved from src's KERNELOFFSET to k. */
static void kfd_relocate(struct kfacts *dst, const struct kfacts *src, uint64_t k)
{
	uint64_t from = src->have_kerneloffset ? src->kerneloffset : 0;
	*dst = *src;
	for (int i = 0; i < KF_COUNT; i++)
		if (dst->have[i] && kfact_table[i].kind == KFK_SYMBOL)
			dst->value[i] = dst->value[i] - from + k;
	dst->kerneloffset = k;
	dst->have_kerneloffset = true;
}

static void kfd_fill(struct kfacts *kf, enum kfact_id id, uint64_t v, const char *why,
		     const struct mdf_msg *msg, struct kfacts_origin *o)
{
	if (kf_have(kf, id))
		return;
	kf_set(kf, id, v);
	o->nr_defaults++;
	mdf_msgf(msg, MDF_MSG_DEBUG, "%s=%lld (%s)", kfact_table[id].key, (long long)(int64_t)v,
		 why);
}

/* Page-type values when neither the note nor the DWARF enum gives them
 * (REFERENCE.md 6.4). Kernels 4.18-6.8 keep them in preprocessor defines;
 * the version check is unavoidable. */
static void kfd_fill_page_types(struct kfacts *kf, const struct mdf_msg *msg,
				struct kfacts_origin *o)
{
	uint32_t rel = kfd_release_code(kf->osrelease);
	if (!rel) {
		mdf_msgf(msg, MDF_MSG_DEBUG, "kernel release unknown: no page-type defaults");
		return;
	}
	/* 4.18 ("mm: split page_type out from _mapcount"): PG_buddy 0x80 in a
	 * word that starts at -1; before, _mapcount -128 (2.6.39) or -2. */
	if (rel >= KFD_VERSION(6, 9, 0)) {
		if (!kf_have(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE))
			mdf_msgf(msg, MDF_MSG_DEBUG,
				 "%s: no pagetype enum in the DWARF; page types unknown",
				 kf->osrelease);
		return;
	}
	if (rel >= KFD_VERSION(4, 18, 0))
		kfd_fill(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-129,
			 "default for 4.18-6.8", msg, o);
	else if (rel >= KFD_VERSION(2, 6, 39))
		kfd_fill(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-128,
			 "default for 2.6.39-4.17", msg, o);
	else if (rel >= KFD_VERSION(2, 6, 38))
		kfd_fill(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-2,
			 "default for 2.6.38", msg, o);
	/* 5.0 ("mm: convert PG_balloon to PG_offline"): PG_offline 0x100. */
	if (rel >= KFD_VERSION(5, 0, 0))
		kfd_fill(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE, (uint64_t)-257,
			 "default for 5.0-6.8", msg, o);
}

/* Facts DWARF cannot see (REFERENCE.md 5.4, 6.1, 7.1), when -x/-i are in
 * use and the note did not give them. */
static void kfd_fill_defaults(struct kfacts *kf, const struct kfd_memory *mem, int l5,
			      const struct mdf_msg *msg, struct kfacts_origin *o)
{
	if (mem->e_machine == EM_X86_64) {
		if (!kf_have(kf, KF_NUMBER_pgtable_l5_enabled))
			kfd_fill(kf, KF_NUMBER_pgtable_l5_enabled, l5 > 0 ? 1 : 0,
				 l5 >= 0 ? "__pgtable_l5_enabled read from the dump"
					 : "no __pgtable_l5_enabled: 4-level paging",
				 msg, o);
		bool five = kf_get(kf, KF_NUMBER_pgtable_l5_enabled) != 0;
		kfd_fill(kf, KF_NUMBER_SECTION_SIZE_BITS, 27, "x86_64 default", msg, o);
		kfd_fill(kf, KF_NUMBER_MAX_PHYSMEM_BITS, five ? 52 : 46,
			 five ? "x86_64 5-level default" : "x86_64 4-level default", msg, o);
		kfd_fill(kf, KF_NUMBER_KERNEL_IMAGE_SIZE, KFD_IMAGE_SIZE, "x86_64 KASLR default",
			 msg, o);
	}
	if (kf_have(kf, KF_SYMBOL_mem_section) && !kf_have(kf, KF_LENGTH_mem_section))
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "LENGTH(mem_section) absent: SPARSEMEM_EXTREME assumed (REFERENCE.md 6.1)");
	kfd_fill_page_types(kf, msg, o);
}

/* Merges relocated -i/-x facts with the note (REFERENCE.md 5.1). */
static void kfd_merge(struct kfacts *kf, const struct kfacts *note, bool from_dwarf)
{
	if (!note)
		return;
	kfacts_merge(kf, note);
	/* The note's SYMBOL(mem_section) is the root array itself; DWARF's is
	 * the pointer variable (REFERENCE.md 6.1): keep the direct one. */
	if (from_dwarf && kf_have(note, KF_SYMBOL_mem_section))
		kf_set(kf, KF_SYMBOL_mem_section, kf_get(note, KF_SYMBOL_mem_section));
	if (note->have_crashtime) {
		kf->crashtime = note->crashtime;
		kf->have_crashtime = true;
	}
	if (note->page_size)
		kf->page_size = note->page_size;
}

/* KERNELOFFSET and phys_base for relocating link-time facts. */
static struct mdf_error *kfd_kaslr(const struct kfd_memory *mem, const struct kfacts *base,
				   const struct kfacts *note, const struct kfd_vmlinux *vml,
				   const struct mdf_msg *msg, struct kfd_kaslr *ks)
{
	memset(ks, 0, sizeof(*ks));
	if (note && note->have_kerneloffset) {
		ks->k = note->kerneloffset;
		ks->src = KFD_SRC_NOTE;
		return NULL;
	}
	return kfd_derive(mem, base, note, vml, msg, ks);
}

static struct mdf_error *kfd_combine_base(const struct kfd_memory *mem, const struct kfacts *note,
					  const struct kfacts *ifile, const struct kfacts *base,
					  const struct kfd_vmlinux *vml, const struct mdf_msg *msg,
					  struct kfacts *kf_ret, struct kfacts_origin *o);

struct mdf_error *kfd_combine(const struct kfd_memory *mem, const struct kfacts *note,
			      const struct kfacts *ifile, const struct kfd_vmlinux *vml,
			      const struct mdf_msg *msg, struct kfacts *kf_ret,
			      struct kfacts_origin *o)
{
	memset(o, 0, sizeof(*o));
	kfacts_init(kf_ret);
	if (ifile && vml)
		return mdf_error_create(MDF_ERR_INVALID, "-i and -x cannot be used together");
	o->note = note != NULL;
	const struct kfacts *base = vml ? &vml->kf : ifile;
	if (!base) {
		/* Note only (or nothing): the note is complete by itself. */
		if (note)
			*kf_ret = *note;
		if (!kf_ret->page_size)
			kf_ret->page_size = mem->page_size;
		if (note && note->have_kerneloffset) {
			o->kerneloffset = note->kerneloffset;
			o->kerneloffset_src = KFD_SRC_NOTE;
		}
		return NULL;
	}
	/* A -i file may carry its own KERNELOFFSET (a copy of a note rather
	 * than -g output): its symbols are then runtime addresses. Derivations
	 * below compare link-time addresses with the dump, so move them back
	 * first; the file's offset stays a fallback for this dump. */
	struct kfacts *linktime = NULL;
	if (ifile && ifile->have_kerneloffset && ifile->kerneloffset) {
		linktime = malloc(sizeof(*linktime));
		if (!linktime)
			return mdf_error_nomem();
		kfd_relocate(linktime, ifile, 0);
		base = linktime;
	}
	struct mdf_error *err = kfd_combine_base(mem, note, ifile, base, vml, msg, kf_ret, o);
	free(linktime);
	return err;
}

/* kfd_combine with base (the -i or -x facts) at link-time addresses. */
static struct mdf_error *kfd_combine_base(const struct kfd_memory *mem, const struct kfacts *note,
					  const struct kfacts *ifile, const struct kfacts *base,
					  const struct kfd_vmlinux *vml, const struct mdf_msg *msg,
					  struct kfacts *kf_ret, struct kfacts_origin *o)
{
	o->ifile = ifile != NULL;
	o->vmlinux = vml != NULL;
	const char *what = vml ? "the vmlinux" : "the VMCOREINFO file";
	if (ifile && !ifile->osrelease[0])
		return mdf_error_create(MDF_ERR_CORRUPT, "the VMCOREINFO file has no OSRELEASE line");
	if (note && note->osrelease[0] && base->osrelease[0] &&
	    strcmp(note->osrelease, base->osrelease) != 0)
		return mdf_error_create(MDF_ERR_RELEASE,
					"the kernel release of %s (%s) differs from the dump's (%s)",
					what, base->osrelease, note->osrelease);

	struct kfd_kaslr ks;
	struct mdf_error *err = kfd_kaslr(mem, base, note, vml, msg, &ks);
	if (err && ifile && ifile->have_kerneloffset && err->code != MDF_ERR_RELEASE) {
		mdf_msgf(msg, MDF_MSG_DEBUG, "%s; using the VMCOREINFO file's KERNELOFFSET 0x%llx",
			 err->message, (unsigned long long)ifile->kerneloffset);
		mdf_error_destroy(err);
		err = NULL;
		memset(&ks, 0, sizeof(ks));
		ks.k = ifile->kerneloffset;
		ks.src = KFD_SRC_IFILE;
	}
	if (err)
		return err;
	kfd_relocate(kf_ret, base, ks.k);
	kfd_merge(kf_ret, note, vml != NULL);
	o->kerneloffset = ks.k;
	o->kerneloffset_src = ks.src;
	if (!kf_ret->page_size) {
		kf_ret->page_size = mem->page_size;
		mdf_msgf(msg, MDF_MSG_DEBUG, "PAGESIZE=%llu (the dump reader's)",
			 (unsigned long long)mem->page_size);
	}

	/* phys_base: the note's, else what the derivation found, else the
	 * PT_LOAD formula (REFERENCE.md 7.1), which x86_64's init applies
	 * itself when the fact stays absent. */
	if (kf_have(kf_ret, KF_NUMBER_phys_base)) {
		o->phys_base_src = note && kf_have(note, KF_NUMBER_phys_base) ? KFD_SRC_NOTE
									      : KFD_SRC_IFILE;
	} else if (ks.src == KFD_SRC_PT_LOAD || ks.src == KFD_SRC_BANNER) {
		kfd_fill(kf_ret, KF_NUMBER_phys_base, ks.phys_base,
			 ks.src == KFD_SRC_BANNER ? "from the banner's place" : "from the kernel-text PT_LOAD",
			 msg, o);
		o->phys_base_src = ks.src;
	}
	o->phys_base = kf_get(kf_ret, KF_NUMBER_phys_base);
	int l5 = -1;
	if (vml && kf_have(kf_ret, KF_NUMBER_phys_base))
		l5 = kfd_l5(mem, note, vml, ks.k + kf_get(kf_ret, KF_NUMBER_phys_base));
	kfd_fill_defaults(kf_ret, mem, l5, msg, o);
	mdf_msgf(msg, MDF_MSG_DEBUG, "kernel facts: %s%s, KERNELOFFSET 0x%llx, %u defaults",
		 vml ? "vmlinux" : "VMCOREINFO file", note ? " + note" : "",
		 (unsigned long long)ks.k, o->nr_defaults);
	return NULL;
}

/* ---- the vmcore adapter ---- */

static struct mdf_error *kfd_vm_read(void *arg, uint64_t paddr, void *buf, size_t len)
{
	return vmcore_read_phys(arg, paddr, buf, len);
}

struct mdf_error *kfacts_for_dump(struct vmcore *vm, const char *vmlinux,
				  const char *vmcoreinfo_file, const struct mdf_msg *msg,
				  struct kfacts *kf_ret, struct kfacts_origin *origin_ret)
{
	struct kfacts_origin o_local;
	struct kfacts_origin *o = origin_ret ? origin_ret : &o_local;
	if (vmlinux && vmcoreinfo_file)
		return mdf_error_create(MDF_ERR_INVALID, "-i and -x cannot be used together");
	/* Big tables: on the heap rather than the stack. */
	struct kfacts *note = NULL, *ifile = NULL;
	struct kfd_vmlinux *vml = NULL;
	struct vmcore_reader *rd = NULL;
	struct mdf_error *err = NULL;
	if (vm->has_vmcoreinfo && vm->vmcoreinfo) {
		note = malloc(sizeof(*note));
		if (!note)
			return mdf_error_nomem();
		kfacts_init(note);
		/* Errors name the vmcore and where the note's text starts in it
		 * (exact when there is one PT_NOTE, as in every kdump vmcore). */
		char *where = NULL;
		if (asprintf(&where, "%s: VMCOREINFO note at offset 0x%llx", vm->path,
			     (unsigned long long)(vm->notes_file_offset +
						  vm->vmcoreinfo_offset)) < 0) {
			err = mdf_error_nomem();
			goto out;
		}
		err = vmcoreinfo_parse_msg(vm->vmcoreinfo, vm->vmcoreinfo_size, where, msg, note);
		free(where);
		if (err)
			goto out;
	}
	if (vmcoreinfo_file) {
		ifile = malloc(sizeof(*ifile));
		if (!ifile) {
			err = mdf_error_nomem();
			goto out;
		}
		kfacts_init(ifile);
		err = vmcoreinfo_read_file_msg(vmcoreinfo_file, msg, ifile);
		if (!err && !ifile->osrelease[0])
			err = mdf_error_create(MDF_ERR_CORRUPT, "%s has no OSRELEASE line",
					       vmcoreinfo_file);
		if (err)
			goto out;
	}
	if (vmlinux) {
		vml = malloc(sizeof(*vml));
		if (!vml) {
			err = mdf_error_nomem();
			goto out;
		}
		err = kfd_read_vmlinux(vmlinux, msg, vml);
		if (err)
			goto out;
	}
	err = vmcore_reader_create(vm, &rd);
	if (err)
		goto out;
	struct kfd_memory mem = {
		.e_machine = vm->e_machine,
		.page_size = vm->page_size,
		.loads = vm->loads,
		.nr_loads = vm->nr_loads,
		.phys = { kfd_vm_read, rd },
	};
	err = kfd_combine(&mem, note, ifile, vml, msg, kf_ret, o);
	if (err && (vmlinux || vmcoreinfo_file))
		err = mdf_error_wrap(err, "%s", vmlinux ? vmlinux : vmcoreinfo_file);
out:
	vmcore_reader_destroy(rd);
	free(note);
	free(ifile);
	free(vml);
	return err;
}

struct mdf_error *kfacts_dump_check(const struct kfacts *kf, uint16_t e_machine,
				    int dump_level)
{
	if (!(dump_level & 30))
		return NULL;
	const char *missing = NULL;
	if (!kf_have(kf, KF_SIZE_page))
		missing = "SIZE(page)";
	else if (!kf_have(kf, KF_OFFSET_page_flags))
		missing = "OFFSET(page.flags)";
	else if (!kf_have(kf, KF_SYMBOL_mem_map) && !kf_have(kf, KF_SYMBOL_mem_section))
		missing = "SYMBOL(mem_section)";
	else if (!kf_have(kf, KF_SYMBOL_mem_map) && !kf_have(kf, KF_SIZE_mem_section))
		missing = "SIZE(mem_section)";
	else if (!kf_have(kf, KF_SYMBOL_mem_map) &&
		 !kf_have(kf, KF_OFFSET_mem_section_section_mem_map))
		missing = "OFFSET(mem_section.section_mem_map)";
	else if (e_machine == EM_X86_64 && !kfd_root_link(kf))
		missing = "SYMBOL(init_top_pgt)";
	if (!missing)
		return NULL;
	return mdf_error_create(MDF_ERR_NODATA,
				"dump level %d needs %s, which neither the VMCOREINFO note nor "
				"-x/-i provides",
				dump_level, missing);
}
