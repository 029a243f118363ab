/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel facts of one dump: note, -i and -x combined, KASLR derived
 * from the dump when the note does not give it. kfacts_dump.h; REFERENCE.md
 * 5.1 (precedence, relocation), 5.4, 6.1, 6.4, 7.1. */
#include "kfacts_dump.h"

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

/* linux_banner (bytes and address) and the symbols the architecture's
 * probes ask for: none is a VMCOREINFO key, so the facts table does not
 * carry them. */
struct kfd_extras {
	Elf *elf;
	const struct arch_ops *ops; /* the vmlinux's architecture, or NULL */
	struct arch_vmlinux *v;
};

static bool kfd_extra_symbol(void *arg, const char *name, uint64_t value, uint64_t size,
			     unsigned char info)
{
	(void)info;
	struct kfd_extras *x = arg;
	struct arch_vmlinux *v = x->v;
	const char *const *want = x->ops ? x->ops->vmlinux_syms : NULL;
	for (unsigned int i = 0; want && want[i] && i < ARCH_MAX_SYMS; i++)
		if (strcmp(name, want[i]) == 0) {
			v->sym[i] = value;
			return true;
		}
	if (strcmp(name, "linux_banner") != 0)
		return true;
	/* The banner's bytes up to and including its NUL: the printk copy of
	 * it has no NUL after the newline, so only the variable matches. */
	size_t len = size && size <= ARCH_BANNER_MAX ? size : ARCH_BANNER_MAX;
	char buf[ARCH_BANNER_MAX];
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

static void kfd_read_extras(Elf *elf, struct arch_vmlinux *v)
{
	GElf_Ehdr eh;
	struct kfd_extras x = { elf, NULL, v };
	if (gelf_getehdr(elf, &eh))
		x.ops = arch_find(eh.e_machine);
	dwarf_elf_symbols(elf, kfd_extra_symbol, &x);
}

struct mdf_error *kfd_read_vmlinux(const char *path, const struct mdf_msg *msg,
				   struct kfd_vmlinux *ret)
{
	return kfd_read_vmlinux_visit(path, msg, NULL, ret);
}

struct mdf_error *kfd_read_vmlinux_visit(const char *path, const struct mdf_msg *msg,
					 const struct dwarf_visitor *visitor,
					 struct kfd_vmlinux *ret)
{
	memset(ret, 0, sizeof(*ret));
	kfacts_init(&ret->kf);
	struct mdf_error *err = dwarf_read_facts_visit(path, &ret->kf, msg, visitor);
	if (err)
		return err;
	elf_version(EV_CURRENT);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mdf_error_os(errno, "cannot open %s", path);
	Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf && elf_kind(elf) == ELF_K_ELF)
		kfd_read_extras(elf, &ret->x);
	if (elf)
		elf_end(elf);
	close(fd);
	if (!ret->x.banner_len)
		mdf_msgf(msg, MDF_MSG_DEBUG, "%s: no linux_banner symbol", path);
	return NULL;
}

/* ---- reading the dump ---- */

struct kfd_kaslr {
	uint64_t k;          /* KERNELOFFSET */
	enum kfd_source src;
	uint64_t page_size;  /* learned by the probe, 0 = not */
	struct arch_learned learned; /* run-time facts found with it (phys_base, ...) */
};

/* KERNELOFFSET and the run-time facts that go with it when the note lacks
 * KERNELOFFSET: the architecture's probe. */
static struct mdf_error *kfd_derive(const struct arch_ops *ops, const struct arch_probe *p,
				    struct kfd_kaslr *out)
{
	if (!ops || !ops->find_kaslr)
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"KERNELOFFSET is missing from VMCOREINFO and cannot be "
					"derived from the dump on this architecture");
	struct arch_kaslr ak;
	memset(&ak, 0, sizeof(ak));
	struct mdf_error *err = ops->find_kaslr(p, &ak);
	if (err)
		return err;
	out->k = ak.kerneloffset;
	out->src = ak.src == ARCH_KASLR_BANNER ? KFD_SRC_BANNER : KFD_SRC_PT_LOAD;
	out->learned = ak.learned;
	out->page_size = ak.page_size;
	return NULL;
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
 * use and the note did not give them: the architecture's defaults, then
 * the page types. */
static void kfd_fill_defaults(struct kfacts *kf, const struct arch_ops *ops,
			      const struct arch_probe *p, struct kfacts_origin *o)
{
	if (ops && ops->defaults) {
		struct arch_learned d;
		memset(&d, 0, sizeof(d));
		ops->defaults(p, kf, &d);
		for (unsigned int i = 0; i < d.nr; i++)
			kfd_fill(kf, d.fact[i].id, d.fact[i].value, d.fact[i].why, p->msg, o);
	}
	if (kf_have(kf, KF_SYMBOL_mem_section) && !kf_have(kf, KF_LENGTH_mem_section))
		mdf_msgf(p->msg, MDF_MSG_DEBUG,
			 "LENGTH(mem_section) absent: SPARSEMEM_EXTREME assumed (REFERENCE.md 6.1)");
	kfd_fill_page_types(kf, p->msg, o);
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

/* KERNELOFFSET (and the run-time facts found with it) for relocating
 * link-time facts: the note's, else the architecture's probe. */
static struct mdf_error *kfd_kaslr(const struct arch_ops *ops, const struct arch_probe *p,
				   struct kfd_kaslr *ks)
{
	memset(ks, 0, sizeof(*ks));
	if (p->note && p->note->have_kerneloffset) {
		ks->k = p->note->kerneloffset;
		ks->src = KFD_SRC_NOTE;
		return NULL;
	}
	return kfd_derive(ops, p, ks);
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

	const struct arch_ops *ops = arch_find(mem->e_machine);
	struct arch_dump dump = { mem->page_size, mem->loads, mem->nr_loads, mem->phys };
	struct arch_probe probe = { &dump, base, note, vml ? &vml->x : NULL, msg };
	struct kfd_kaslr ks;
	struct mdf_error *err = kfd_kaslr(ops, &probe, &ks);
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
	if (!kf_ret->page_size && ks.page_size) {
		kf_ret->page_size = ks.page_size;
		mdf_msgf(msg, MDF_MSG_DEBUG, "PAGESIZE=%llu (the kernel image's)",
			 (unsigned long long)ks.page_size);
	}
	if (!kf_ret->page_size) {
		kf_ret->page_size = mem->page_size;
		mdf_msgf(msg, MDF_MSG_DEBUG, "PAGESIZE=%llu (the dump reader's)",
			 (unsigned long long)mem->page_size);
	}

	/* phys_base: the note's, else what the probe found (with the other
	 * run-time facts it learned), else the PT_LOAD formula (REFERENCE.md
	 * 7.1), which the architecture's init applies itself when the fact
	 * stays absent. */
	bool had_phys_base = kf_have(kf_ret, KF_NUMBER_phys_base);
	for (unsigned int i = 0; i < ks.learned.nr; i++)
		kfd_fill(kf_ret, ks.learned.fact[i].id, ks.learned.fact[i].value,
			 ks.learned.fact[i].why, msg, o);
	if (had_phys_base)
		o->phys_base_src = note && kf_have(note, KF_NUMBER_phys_base) ? KFD_SRC_NOTE
									      : KFD_SRC_IFILE;
	else if (kf_have(kf_ret, KF_NUMBER_phys_base))
		o->phys_base_src = ks.src;
	o->phys_base = kf_get(kf_ret, KF_NUMBER_phys_base);
	kfd_fill_defaults(kf_ret, ops, &probe, o);
	mdf_msgf(msg, MDF_MSG_DEBUG, "kernel facts: %s%s, KERNELOFFSET 0x%llx, %u defaults",
		 vml ? "vmlinux" : "VMCOREINFO file", note ? " + note" : "",
		 (unsigned long long)ks.k, o->nr_defaults);
	return NULL;
}

/* ---- the input adapter ---- */

static struct mdf_error *kfd_in_read(void *arg, uint64_t paddr, void *buf, size_t len)
{
	return input_read_phys(arg, paddr, buf, len);
}

/* The dump's memory for the derivations: its segments with virtual
 * addresses, or, for a format without them, its RAM ranges (virtual address
 * 0: only the banner search looks at them). */
static struct mdf_error *kfd_in_memory(struct input *in, struct input_reader *rd,
				       struct vmcore_load **own_ret, struct kfd_memory *mem)
{
	*own_ret = NULL;
	memset(mem, 0, sizeof(*mem));
	mem->e_machine = input_facts(in)->e_machine;
	mem->page_size = input_page_size(in);
	mem->phys = (struct arch_phys){ kfd_in_read, rd };
	input_segments(in, &mem->loads, &mem->nr_loads);
	if (mem->nr_loads)
		return NULL;
	const struct input_range *ram;
	size_t n;
	struct mdf_error *err = input_ram_ranges(in, &ram, &n);
	if (err || n == 0)
		return err;
	struct vmcore_load *l = calloc(n, sizeof(*l));
	if (!l)
		return mdf_error_nomem();
	for (size_t i = 0; i < n; i++)
		l[i] = (struct vmcore_load){ .paddr = ram[i].start, .filesz = ram[i].end - ram[i].start,
					     .memsz = ram[i].end - ram[i].start };
	*own_ret = l;
	mem->loads = l;
	mem->nr_loads = n;
	return NULL;
}

/* Parses the dump's VMCOREINFO into note (kfacts_init'ed by the caller). */
static struct mdf_error *kfd_in_note(struct input *in, const struct mdf_msg *msg,
				     struct kfacts *note)
{
	const char *text;
	size_t size;
	uint64_t file_off;
	input_vmcoreinfo(in, &text, &size, NULL, &file_off);
	/* Warnings about skipped lines name the dump and where the note's
	 * text starts in it. */
	char *where = NULL;
	if (asprintf(&where, "%s: VMCOREINFO note at offset 0x%llx", input_name(in),
		     (unsigned long long)file_off) < 0)
		return mdf_error_nomem();
	struct mdf_error *err = vmcoreinfo_parse_msg(text, size, where, msg, note);
	free(where);
	return err;
}

struct mdf_error *kfacts_for_dump(struct input *in, const char *vmlinux,
				  const char *vmcoreinfo_file, const struct mdf_msg *msg,
				  struct kfacts *kf_ret, struct kfacts_origin *origin_ret)
{
	return kfacts_for_dump_visit(in, vmlinux, vmcoreinfo_file, msg, NULL, kf_ret, origin_ret);
}

struct mdf_error *kfacts_for_dump_visit(struct input *in, const char *vmlinux,
					const char *vmcoreinfo_file, const struct mdf_msg *msg,
					const struct dwarf_visitor *visitor,
					struct kfacts *kf_ret, struct kfacts_origin *origin_ret)
{
	struct kfacts_origin o_local;
	struct kfacts_origin *o = origin_ret ? origin_ret : &o_local;
	if (vmlinux && vmcoreinfo_file)
		return mdf_error_create(MDF_ERR_INVALID, "-i and -x cannot be used together");
	/* Big tables: on the heap rather than the stack. */
	struct kfacts *note = NULL, *ifile = NULL;
	struct kfd_vmlinux *vml = NULL;
	struct input_reader *rd = NULL;
	struct vmcore_load *own = NULL;
	struct mdf_error *err = NULL;
	if (input_vmcoreinfo(in, NULL, NULL, NULL, NULL)) {
		note = malloc(sizeof(*note));
		if (!note)
			return mdf_error_nomem();
		kfacts_init(note);
		err = kfd_in_note(in, msg, note);
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
		err = kfd_read_vmlinux_visit(vmlinux, msg, visitor, vml);
		if (err)
			goto out;
	}
	err = input_reader_create(in, &rd);
	struct kfd_memory mem;
	if (!err)
		err = kfd_in_memory(in, rd, &own, &mem);
	if (err)
		goto out;
	err = kfd_combine(&mem, note, ifile, vml, msg, kf_ret, o);
	if (err && (vmlinux || vmcoreinfo_file))
		err = mdf_error_wrap(err, "%s", vmlinux ? vmlinux : vmcoreinfo_file);
	const struct input_facts *fa = input_facts(in);
	if (!err && fa->have_phys_base && !kf_have(kf_ret, KF_NUMBER_phys_base)) {
		kf_set(kf_ret, KF_NUMBER_phys_base, fa->phys_base);
		mdf_msgf(msg, MDF_MSG_DEBUG, "NUMBER(phys_base)=0x%llx (from the %s header)",
			 (unsigned long long)fa->phys_base, fa->format);
	}
out:
	input_reader_destroy(rd);
	free(own);
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
	else if (arch_find(e_machine) && arch_find(e_machine)->missing_fact)
		missing = arch_find(e_machine)->missing_fact(kf);
	if (!missing)
		return NULL;
	return mdf_error_create(MDF_ERR_NODATA,
				"dump level %d needs %s, which neither the VMCOREINFO note nor "
				"-x/-i provides",
				dump_level, missing);
}
