/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The facts of one dump (kfacts_dump.c) on a small fake memory: a kernel
 * image loaded with KASLR (its banner, init_uts_ns, __pgtable_l5_enabled
 * and 4-level page tables mapping it), a kfacts table standing in for the
 * DWARF facts, and a note. REFERENCE.md 5.1 (precedence, relocation), 6.4
 * (page-type defaults), 7.1 (phys_base, KASLR). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <elf.h>

#include "kfacts_dump.h"

#define START_KERNEL_MAP 0xffffffff80000000ULL
#define PO 0xffff888000000000ULL
/* Link-time layout of the fake vmlinux. */
#define L_STEXT 0xffffffff81000000ULL
#define L_BANNER 0xffffffff81200100ULL
#define L_UTS 0xffffffff81201000ULL
#define L_L5 0xffffffff81202000ULL
#define L_PGT 0xffffffff81300000ULL
#define L_PUD 0xffffffff81301000ULL
#define L_PMD 0xffffffff81302000ULL
#define L_MEMSEC 0xffffffff81400000ULL
/* The boot: KASLR offset K, phys_base PB; the image lands at
 * L - __START_KERNEL_map + K + PB. */
#define K 0x6000000ULL
#define PB 0x2800000ULL
#define IMG_PA (L_STEXT - START_KERNEL_MAP + K + PB) /* 0x9800000 */
#define IMG_SIZE (4u << 20)
#define RAM_END 0x20000000ULL
#define NOTE_MEMSEC 0xffff888000123000ULL

static const char banner[] = "Linux version 6.1.0-test (tester@example) (gcc 12) #1 SMP\n";

struct ctx {
	uint8_t *img;
	struct vmcore_load loads[2];
	struct kfd_memory mem;
	struct kfd_vmlinux vml;
	struct kfacts note;
};

/* Image bytes where they are, zeros elsewhere in RAM, nothing past it. */
static struct mdf_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct ctx *c = arg;
	if (pa >= RAM_END || len > RAM_END - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)pa);
	memset(buf, 0, len);
	for (size_t i = 0; i < len; i++)
		if (pa + i >= IMG_PA && pa + i < IMG_PA + IMG_SIZE)
			((uint8_t *)buf)[i] = c->img[pa + i - IMG_PA];
	return NULL;
}

static uint64_t img_off(uint64_t link)
{
	return link - L_STEXT;
}

static void put64(struct ctx *c, uint64_t link, uint64_t v)
{
	memcpy(c->img + img_off(link), &v, 8);
}

static void vmlinux_facts(struct kfd_vmlinux *v)
{
	memset(v, 0, sizeof(*v));
	kfacts_init(&v->kf);
	strcpy(v->kf.osrelease, "6.1.0-test");
	kf_set(&v->kf, KF_SYMBOL__stext, L_STEXT);
	kf_set(&v->kf, KF_SYMBOL_init_uts_ns, L_UTS);
	kf_set(&v->kf, KF_OFFSET_uts_namespace_name, 0);
	kf_set(&v->kf, KF_SYMBOL_init_top_pgt, L_PGT);
	kf_set(&v->kf, KF_SYMBOL_mem_section, L_MEMSEC);
	kf_set(&v->kf, KF_SIZE_mem_section, 16);
	kf_set(&v->kf, KF_OFFSET_mem_section_section_mem_map, 0);
	kf_set(&v->kf, KF_SIZE_page, 64);
	kf_set(&v->kf, KF_OFFSET_page_flags, 0);
	kf_set(&v->kf, KF_OFFSET_page_lru, 8);
	memcpy(v->x.banner, banner, sizeof(banner));
	v->x.banner_len = sizeof(banner);
	v->x.banner_addr = L_BANNER;
	v->x.sym[0] = L_L5; /* __pgtable_l5_enabled, x86_64's first probe symbol */
}

/* What the kernel's own note says for this boot. */
static void note_facts(struct kfacts *n)
{
	kfacts_init(n);
	strcpy(n->osrelease, "6.1.0-test");
	n->page_size = 4096;
	n->kerneloffset = K;
	n->have_kerneloffset = true;
	kf_set(n, KF_SYMBOL__stext, L_STEXT + K);
	kf_set(n, KF_SYMBOL_init_top_pgt, L_PGT + K);
	kf_set(n, KF_SYMBOL_mem_section, NOTE_MEMSEC);
	kf_set(n, KF_OFFSET_page_lru, 99); /* differs from the DWARF on purpose */
	kf_set(n, KF_NUMBER_PG_lru, 4);
	kf_set(n, KF_NUMBER_phys_base, PB);
	kf_set(n, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-129);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->img = calloc(1, IMG_SIZE);
	memcpy(c->img + img_off(L_BANNER), banner, sizeof(banner));
	strcpy((char *)c->img + img_off(L_UTS) + 130, "6.1.0-test");
	/* 4-level tables: PGD[511] -> PUD[510] -> PMD[56..57], two 2 MiB
	 * leaves mapping the image at L_STEXT + K. */
	uint64_t va = L_STEXT + K;
	put64(c, L_PGT + 511 * 8, (IMG_PA + img_off(L_PUD)) | 0x63);
	put64(c, L_PUD + ((va >> 30) & 511) * 8, (IMG_PA + img_off(L_PMD)) | 0x63);
	put64(c, L_PMD + ((va >> 21) & 511) * 8, IMG_PA | 0x83);
	put64(c, L_PMD + (((va >> 21) & 511) + 1) * 8, (IMG_PA + 0x200000) | 0x83);
	/* kexec-tools: the kernel-text segment first, then RAM. */
	c->loads[0] = (struct vmcore_load){ .paddr = IMG_PA, .vaddr = L_STEXT + K,
					    .filesz = IMG_SIZE, .memsz = IMG_SIZE };
	c->loads[1] = (struct vmcore_load){ .paddr = 0x100000, .vaddr = PO + 0x100000,
					    .filesz = RAM_END - 0x100000,
					    .memsz = RAM_END - 0x100000 };
	c->mem.e_machine = EM_X86_64;
	c->mem.page_size = 4096;
	c->mem.loads = c->loads;
	c->mem.nr_loads = 2;
	c->mem.phys = (struct arch_phys){ fake_read, c };
	vmlinux_facts(&c->vml);
	note_facts(&c->note);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	free(c->img);
	free(c);
	return 0;
}

/* Drops the kernel-text PT_LOAD (a QEMU dump-guest-memory core). */
static void no_text_load(struct ctx *c)
{
	c->mem.loads = &c->loads[1];
	c->mem.nr_loads = 1;
}

static void test_release_code(void **state)
{
	(void)state;
	assert_int_equal(kfd_release_code("6.1.0-56-amd64"), 0x060100);
	assert_int_equal(kfd_release_code("4.18.20"), 0x041214);
	assert_int_equal(kfd_release_code("6.12"), 0x060c00);
	assert_int_equal(kfd_release_code("2.6.39-rc1"), 0x020627);
	assert_int_equal(kfd_release_code("linux"), 0);
	assert_int_equal(kfd_release_code(""), 0);
}

static void test_note_only(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	assert_null(kfd_combine(&c->mem, &c->note, NULL, NULL, NULL, &kf, &o));
	assert_true(o.note);
	assert_false(o.vmlinux);
	assert_int_equal(o.kerneloffset_src, KFD_SRC_NOTE);
	assert_int_equal(kf_get(&kf, KF_OFFSET_page_lru), 99);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_mem_section), NOTE_MEMSEC);
	/* No defaults are invented for a note-only dump. */
	assert_false(kf_have(&kf, KF_NUMBER_SECTION_SIZE_BITS));
	assert_int_equal(o.nr_defaults, 0);
}

/* -x with the note: DWARF wins, the note fills, symbols move by the note's
 * KERNELOFFSET, the note's mem_section root array is kept. */
static void test_vmlinux_with_note(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	assert_null(kfd_combine(&c->mem, &c->note, NULL, &c->vml, NULL, &kf, &o));
	assert_true(o.vmlinux);
	assert_int_equal(o.kerneloffset_src, KFD_SRC_NOTE);
	assert_int_equal(kf_get(&kf, KF_OFFSET_page_lru), 8);
	assert_int_equal(kf_get(&kf, KF_NUMBER_PG_lru), 4);
	assert_int_equal(kf_get(&kf, KF_SYMBOL__stext), L_STEXT + K);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_init_uts_ns), L_UTS + K);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_mem_section), NOTE_MEMSEC);
	assert_int_equal(kf_get(&kf, KF_NUMBER_phys_base), PB);
	assert_int_equal(o.phys_base_src, KFD_SRC_NOTE);
	assert_true(kf.have_kerneloffset);
	assert_int_equal(kf.kerneloffset, K);
	assert_int_equal(kf.page_size, 4096);
	/* The note's buddy value stays; offline comes from the 6.1 default. */
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE), -129);
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE), -257);

	/* Without a note value, the DWARF pointer variable is relocated. */
	kfacts_init(&c->note);
	note_facts(&c->note);
	c->note.have[KF_SYMBOL_mem_section] = false;
	assert_null(kfd_combine(&c->mem, &c->note, NULL, &c->vml, NULL, &kf, &o));
	assert_int_equal(kf_get(&kf, KF_SYMBOL_mem_section), L_MEMSEC + K);
}

/* -i: the file's values win; its symbols are link-time (or relative to
 * its own KERNELOFFSET) and move to the note's. */
static void test_ifile_precedence(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	struct kfacts file = c->vml.kf;
	kf_set(&c->note, KF_SIZE_page, 72);
	assert_null(kfd_combine(&c->mem, &c->note, &file, NULL, NULL, &kf, &o));
	assert_true(o.ifile);
	assert_int_equal(kf_get(&kf, KF_SIZE_page), 64);
	assert_int_equal(kf_get(&kf, KF_OFFSET_page_lru), 8);
	assert_int_equal(kf_get(&kf, KF_NUMBER_PG_lru), 4);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_init_top_pgt), L_PGT + K);

	file.kerneloffset = 0x1000000;
	file.have_kerneloffset = true;
	kf_set(&file, KF_SYMBOL_init_top_pgt, L_PGT + 0x1000000);
	assert_null(kfd_combine(&c->mem, &c->note, &file, NULL, NULL, &kf, &o));
	assert_int_equal(kf_get(&kf, KF_SYMBOL_init_top_pgt), L_PGT + K);
	assert_int_equal(kf.kerneloffset, K);

	/* A file without OSRELEASE is rejected. */
	file.osrelease[0] = '\0';
	struct mdf_error *err = kfd_combine(&c->mem, &c->note, &file, NULL, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "OSRELEASE"));
	mdf_error_destroy(err);
}

static void test_release_mismatch(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	strcpy(c->note.osrelease, "6.1.0-other");
	struct mdf_error *err = kfd_combine(&c->mem, &c->note, NULL, &c->vml, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_RELEASE);
	assert_non_null(strstr(err->message, "6.1.0-other"));
	mdf_error_destroy(err);
	err = kfd_combine(&c->mem, &c->note, &c->vml.kf, NULL, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_RELEASE);
	mdf_error_destroy(err);
	err = kfd_combine(&c->mem, &c->note, &c->vml.kf, &c->vml, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_INVALID);
	mdf_error_destroy(err);
}

/* No note: KERNELOFFSET = p_vaddr - link-time _stext, phys_base by the
 * PT_LOAD formula, verified by the banner; defaults for the rest. */
static void test_ptload_derivation(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	assert_null(kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o));
	assert_false(o.note);
	assert_int_equal(o.kerneloffset_src, KFD_SRC_PT_LOAD);
	assert_int_equal(o.kerneloffset, K);
	assert_int_equal(kf.kerneloffset, K);
	assert_int_equal(kf_get(&kf, KF_NUMBER_phys_base), PB);
	assert_int_equal(o.phys_base_src, KFD_SRC_PT_LOAD);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_init_top_pgt), L_PGT + K);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_mem_section), L_MEMSEC + K);
	assert_int_equal(kf.page_size, 4096);
	assert_int_equal(kf_get(&kf, KF_NUMBER_pgtable_l5_enabled), 0);
	assert_int_equal(kf_get(&kf, KF_NUMBER_SECTION_SIZE_BITS), 27);
	assert_int_equal(kf_get(&kf, KF_NUMBER_MAX_PHYSMEM_BITS), 46);
	assert_int_equal(kf_get(&kf, KF_NUMBER_KERNEL_IMAGE_SIZE), 1ULL << 30);
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE), -129);
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE), -257);
	assert_false(kf_have(&kf, KF_LENGTH_mem_section));

	/* __pgtable_l5_enabled set in memory: 5-level defaults. */
	uint32_t one = 1;
	memcpy(c->img + img_off(L_L5), &one, 4);
	assert_null(kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o));
	assert_int_equal(kf_get(&kf, KF_NUMBER_pgtable_l5_enabled), 1);
	assert_int_equal(kf_get(&kf, KF_NUMBER_MAX_PHYSMEM_BITS), 52);

	/* -i without a note: same derivation, verified by init_uts_ns. */
	struct kfacts file = c->vml.kf;
	assert_null(kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o));
	assert_int_equal(o.kerneloffset_src, KFD_SRC_PT_LOAD);
	assert_int_equal(kf.kerneloffset, K);
	assert_int_equal(kf_get(&kf, KF_NUMBER_phys_base), PB);
}

/* Page-type defaults follow the release (REFERENCE.md 6.4). */
static void test_page_type_defaults(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	struct kfacts file = c->vml.kf;
	char *uts = (char *)c->img + img_off(L_UTS) + 130;
	strcpy(file.osrelease, "4.19.0-1");
	strcpy(uts, file.osrelease); /* what verifies the -i file (no banner) */
	assert_null(kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o));
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE), -129);
	assert_false(kf_have(&kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE));
	strcpy(file.osrelease, "6.12.1");
	strcpy(uts, file.osrelease);
	assert_null(kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o));
	assert_false(kf_have(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE));
	strcpy(file.osrelease, "4.4.0");
	strcpy(uts, file.osrelease);
	assert_null(kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o));
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE), -128);
}

/* A kernel-text PT_LOAD that does not fit the vmlinux. */
static void test_wrong_kernel(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	c->vml.x.banner[15] = 'X';
	struct mdf_error *err = kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	assert_non_null(strstr(err->message, "KERNELOFFSET"));
	mdf_error_destroy(err);
	/* -i whose release is not the one in memory. */
	struct kfacts file = c->vml.kf;
	strcpy(file.osrelease, "6.1.0-other");
	err = kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_RELEASE);
	assert_non_null(strstr(err->message, "6.1.0-test"));
	mdf_error_destroy(err);
}

/* No kernel-text PT_LOAD: the banner is searched for in RAM, K comes from
 * the kernel's page tables. */
static void test_banner_search(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	no_text_load(c);
	assert_null(kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o));
	assert_int_equal(o.kerneloffset_src, KFD_SRC_BANNER);
	assert_int_equal(o.kerneloffset, K);
	assert_int_equal(kf_get(&kf, KF_NUMBER_phys_base), PB);
	assert_int_equal(o.phys_base_src, KFD_SRC_BANNER);
	assert_int_equal(kf_get(&kf, KF_SYMBOL__stext), L_STEXT + K);

	/* A text PT_LOAD that lies (wrong p_vaddr) is overruled by the banner. */
	c->mem.loads = c->loads;
	c->mem.nr_loads = 2;
	c->loads[0].vaddr += 0x200000;
	assert_null(kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o));
	assert_int_equal(o.kerneloffset_src, KFD_SRC_BANNER);
	assert_int_equal(o.kerneloffset, K);
}

static void test_banner_not_found(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf;
	struct kfacts_origin o;
	no_text_load(c);
	memset(c->img + img_off(L_BANNER), 'x', 8);
	struct mdf_error *err = kfd_combine(&c->mem, NULL, NULL, &c->vml, NULL, &kf, &o);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "KERNELOFFSET"));
	assert_non_null(strstr(err->message, "6.1.0-test"));
	mdf_error_destroy(err);
	/* -i cannot search: it says to use -x. */
	struct kfacts file = c->vml.kf;
	err = kfd_combine(&c->mem, NULL, &file, NULL, NULL, &kf, &o);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "-x"));
	mdf_error_destroy(err);
}

static void test_missing_fact_named(void **state)
{
	struct ctx *c = *state;
	struct kfacts kf = c->vml.kf;
	assert_null(kfacts_dump_check(&kf, EM_X86_64, 31));
	kf.have[KF_SIZE_mem_section] = false;
	assert_null(kfacts_dump_check(&kf, EM_X86_64, 1));
	struct mdf_error *err = kfacts_dump_check(&kf, EM_X86_64, 31);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	assert_non_null(strstr(err->message, "SIZE(mem_section)"));
	mdf_error_destroy(err);
	kf.have[KF_SIZE_page] = false;
	err = kfacts_dump_check(&kf, EM_X86_64, 16);
	assert_non_null(strstr(err->message, "SIZE(page)"));
	mdf_error_destroy(err);
	kf = c->vml.kf;
	kf.have[KF_SYMBOL_init_top_pgt] = false;
	err = kfacts_dump_check(&kf, EM_X86_64, 2);
	assert_non_null(strstr(err->message, "SYMBOL(init_top_pgt)"));
	mdf_error_destroy(err);
}

/* A tiny ELF core without a note, for kfacts_for_dump's file handling. */
static void write_core(const char *path)
{
	Elf64_Ehdr eh;
	Elf64_Phdr ph;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = 1;
	memset(&ph, 0, sizeof(ph));
	ph.p_type = PT_LOAD;
	ph.p_offset = 4096;
	ph.p_paddr = 0x100000;
	ph.p_vaddr = PO + 0x100000;
	ph.p_filesz = ph.p_memsz = 4096;
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	static uint8_t page[8192];
	memcpy(page, &eh, sizeof(eh));
	memcpy(page + sizeof(eh), &ph, sizeof(ph));
	assert_int_equal(fwrite(page, 1, sizeof(page), f), sizeof(page));
	fclose(f);
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_bad_ifile(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_kfacts_dump.XXXXXX";
	assert_non_null(mkdtemp(dir));
	char core[64], bad[64], nokeys[64];
	snprintf(core, sizeof(core), "%s/core", dir);
	snprintf(bad, sizeof(bad), "%s/garbage.txt", dir);
	snprintf(nokeys, sizeof(nokeys), "%s/nokeys.txt", dir);
	write_core(core);
	write_text(bad, "OSRELEASE=6.1.0\nthis is not a key value line\n");
	write_text(nokeys, "PAGESIZE=4096\nSIZE(page)=64\n");
	struct input *vm;
	const char *path = core;
	struct input_options io = {.use_mmap = false, .page_size = 4096};
	assert_null(input_open(&path, 1, &io, &vm));
	assert_false(input_vmcoreinfo(vm, NULL, NULL, NULL, NULL));
	struct kfacts kf;
	struct kfacts_origin o;

	/* A bad line is skipped (vmcoreinfo.h); what fails is what the dump
	 * then lacks (this core has no note to find KERNELOFFSET in), named
	 * with the file. */
	struct mdf_error *err = kfacts_for_dump(vm, NULL, bad, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	assert_non_null(strstr(err->message, "garbage.txt"));
	assert_non_null(strstr(err->message, "KERNELOFFSET"));
	mdf_error_destroy(err);

	err = kfacts_for_dump(vm, NULL, nokeys, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	assert_non_null(strstr(err->message, "nokeys.txt"));
	assert_non_null(strstr(err->message, "OSRELEASE"));
	mdf_error_destroy(err);

	err = kfacts_for_dump(vm, "/nonexistent/vmlinux", nokeys, NULL, &kf, &o);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_INVALID);
	mdf_error_destroy(err);

	/* Nothing at all: an empty table with the reader's page size. */
	assert_null(kfacts_for_dump(vm, NULL, NULL, NULL, &kf, &o));
	assert_false(o.note);
	assert_false(kf_have(&kf, KF_SIZE_page));
	assert_int_equal(kf.page_size, 4096);

	input_destroy(vm);
	unlink(core);
	unlink(bad);
	unlink(nokeys);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_code),
		cmocka_unit_test_setup_teardown(test_note_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vmlinux_with_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ifile_precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_release_mismatch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ptload_derivation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_type_defaults, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wrong_kernel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_banner_not_found, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_fact_named, setup, teardown),
		cmocka_unit_test(test_bad_ifile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
