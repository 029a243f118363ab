/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the page-table walk (arch/x86_64.c through kmem.c,
 * REFERENCE.md 7.1), structure-aware: the input writes page-table entries
 * into 64 tables of a small physical memory and lists addresses to
 * translate.
 *
 * Input:
 *   u8  flags      bit 0: 5-level paging; bit 1: NUMBER(phys_base) given;
 *                  bit 2: NUMBER(sme_mask) bit 47; bits 3-5: PT_LOADs (0-7)
 *   u8  root       table index of init_top_pgt (0..63)
 *   PT_LOADs       { u64 vaddr; u64 paddr; u32 size } each
 *   u16 n          entries, then n * { u8 table; u16 slot; u64 value }
 *                  (table % 64 lives at physical 0x1000 * (table + 1);
 *                  slot % 512)
 *   the rest       u64 virtual addresses to translate (at most 64)
 * Checks, besides no crash or hang: the cached translation (kmem) equals
 * a direct walk (arch ops), twice in a row, the trace has at most one step
 * per level, and a read through kmem returns the bytes at the translated
 * physical address. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum {
	PT_TABLES = 64,
	PT_MEM = 0x1000 * (PT_TABLES + 1) + 0x40000, /* tables, then 256 KiB of data */
	PT_MAX_PROBES = 64,
};
#define PT_START_KERNEL_MAP 0xffffffff80000000ULL

struct pt_in {
	const uint8_t *p;
	size_t left;
};

static uint64_t pt_take(struct pt_in *in, unsigned int n)
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

static struct mdf_error *pt_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	const uint8_t *mem = arg;
	if (pa >= PT_MEM || len > PT_MEM - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)pa);
	memcpy(buf, mem + pa, len);
	return NULL;
}

/* One address: kmem and the bare walk must agree. */
static void pt_probe(struct kmem *km, const struct arch_phys *phys, const uint8_t *mem,
		     uint64_t va)
{
	uint64_t pa1 = 0, pa2 = 0, pa3 = 0, leaf = 0;
	struct mdf_error *e1 = kmem_vtop(km, va, &pa1);
	struct mdf_error *e2 = kmem_vtop(km, va, &pa2);
	struct mdf_error *e3 = kmem_arch(km)->vtop(kmem_arch_state(km), phys, va, &pa3, &leaf, NULL);
	if (!e1 != !e2 || !e1 != !e3 || (!e1 && (pa1 != pa2 || pa1 != pa3))) {
		fprintf(stderr, "va 0x%llx: kmem %s 0x%llx / %s 0x%llx, walk %s 0x%llx\n",
			(unsigned long long)va, e1 ? "fails" : "gives", (unsigned long long)pa1,
			e2 ? "fails" : "gives", (unsigned long long)pa2, e3 ? "fails" : "gives",
			(unsigned long long)pa3);
		abort();
	}
	if (!e3 && (leaf & (leaf - 1)))
		abort(); /* a leaf is a power of two */
	struct arch_vtop_trace tr;
	struct mdf_error *e4 = kmem_vtop_trace(km, va, &tr);
	if (tr.nr_steps > ARCH_MAX_LEVELS || (!e4 && tr.paddr != pa3))
		abort();
	uint8_t buf[16];
	size_t n = 16 - (va & 15);
	struct mdf_error *e5 = e1 ? NULL : kmem_read(km, va, buf, n);
	if (!e1 && !e5 && pa1 < PT_MEM && n <= PT_MEM - pa1 && memcmp(buf, mem + pa1, n) != 0)
		abort();
	mdf_error_destroy(e5);
	mdf_error_destroy(e1);
	mdf_error_destroy(e2);
	mdf_error_destroy(e3);
	mdf_error_destroy(e4);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pt_in in = { data, size };
	unsigned int flags = (unsigned int)pt_take(&in, 1);
	unsigned int root = (unsigned int)pt_take(&in, 1) % PT_TABLES;
	struct vmcore_load loads[7];
	unsigned int nloads = (flags >> 3) & 7;
	memset(loads, 0, sizeof(loads));
	for (unsigned int i = 0; i < nloads; i++) {
		loads[i].vaddr = pt_take(&in, 8);
		loads[i].paddr = pt_take(&in, 8);
		loads[i].filesz = loads[i].memsz = pt_take(&in, 4);
	}
	uint8_t *mem = calloc(1, PT_MEM);
	struct kfacts *kf = malloc(sizeof(*kf));
	if (!mem || !kf)
		goto out;
	/* Recognisable data after the tables. */
	for (size_t i = 0x1000 * (PT_TABLES + 1); i < PT_MEM; i++)
		mem[i] = (uint8_t)(i * 7 + (i >> 12));
	unsigned int n = (unsigned int)pt_take(&in, 2);
	for (unsigned int i = 0; i < n && in.left; i++) {
		unsigned int t = (unsigned int)pt_take(&in, 1) % PT_TABLES;
		unsigned int slot = (unsigned int)pt_take(&in, 2) % 512;
		uint64_t v = pt_take(&in, 8);
		memcpy(mem + 0x1000 * (t + 1) + 8 * slot, &v, 8);
	}
	kfacts_init(kf);
	kf_set(kf, KF_SYMBOL_init_top_pgt, PT_START_KERNEL_MAP + 0x1000 * (root + 1));
	if (flags & 1)
		kf_set(kf, KF_NUMBER_pgtable_l5_enabled, 1);
	if (flags & 2)
		kf_set(kf, KF_NUMBER_phys_base, 0);
	if (flags & 4)
		kf_set(kf, KF_NUMBER_sme_mask, 1ULL << 47);
	kf_set(kf, KF_SYMBOL_mem_section, 0xffff888000000000ULL + 0x1000 * (PT_TABLES + 1));
	struct arch_phys phys = { pt_read, mem };
	struct kmem *km = NULL;
	struct mdf_error *err = kmem_create_phys(62 /* EM_X86_64 */, 4096, loads, nloads, &phys, kf,
						 NULL, &km);
	if (!err) {
		for (unsigned int i = 0; i < PT_MAX_PROBES && in.left >= 8; i++)
			pt_probe(km, &phys, mem, pt_take(&in, 8));
		/* The kernel-image and direct-map bases, always. */
		pt_probe(km, &phys, mem, PT_START_KERNEL_MAP + 0x1000 * (root + 1));
		pt_probe(km, &phys, mem, kmem_arch_state(km)->page_offset + 0x1000);
	}
	mdf_error_destroy(err);
	kmem_destroy(km);
out:
	free(mem);
	free(kf);
	return 0;
}
