/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for kallsyms.c: the dumped kernel's own symbol tables, read
 * through the x86_64 page tables (kmem) from a 1 MiB kernel image.
 *
 * Input:
 *   u8  flags      bit 0: put the name stream at the very end of the mapped
 *                  memory (reads then stop at an unmapped page); bits 1-3:
 *                  leave out one SYMBOL(kallsyms_*) fact (1..6)
 *   u32 kallsyms_num_syms; u64 kallsyms_relative_base
 *   u16 len, len bytes       kallsyms_token_table (at most 60 KiB)
 *   512 bytes                kallsyms_token_index
 *   u32 n, 4n bytes          kallsyms_offsets (at most 64 Ki entries)
 *   the rest                 kallsyms_names (at most 640 KiB)
 * The names looked up are the section symbols memscan.c asks for. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kallsyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define KS_STEXT 0xffffffff81000000ULL
enum {
	KS_NUM = 0x1000,
	KS_BASE = 0x1008,
	KS_INDEX = 0x2000,
	KS_TABLE = 0x3000,
	KS_TABLE_MAX = 0xf000,
	KS_OFFS = 0x20000,
	KS_OFFS_MAX = 0x40000,
	KS_NAMES = 0x60000,
	KS_DATA = 0x100000,        /* the image: [0, 1 MiB) */
	KS_PT = KS_DATA,           /* page tables after it */
	KS_MEM = KS_DATA + 0x3000,
};

struct ks_in {
	const uint8_t *p;
	size_t left;
};

static uint64_t ks_take(struct ks_in *in, unsigned int n)
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

/* Copies up to max bytes of the input to mem + at. */
static void ks_copy(struct ks_in *in, uint8_t *mem, size_t at, size_t len, size_t max)
{
	if (len > max)
		len = max;
	if (len > in->left)
		len = in->left;
	memcpy(mem + at, in->p, len);
	in->p += len;
	in->left -= len;
}

static struct mdf_error *ks_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	const uint8_t *mem = arg;
	if (pa >= KS_MEM || len > KS_MEM - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)pa);
	memcpy(buf, mem + pa, len);
	return NULL;
}

static void ks_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ks_in in = { data, size };
	uint8_t *mem = calloc(1, KS_MEM);
	struct kfacts *kf = malloc(sizeof(*kf));
	if (!mem || !kf)
		goto out;
	unsigned int flags = (unsigned int)ks_take(&in, 1);
	uint32_t num = (uint32_t)ks_take(&in, 4);
	memcpy(mem + KS_NUM, &num, 4);
	ks_put(mem + KS_BASE, ks_take(&in, 8));
	size_t tlen = (size_t)ks_take(&in, 2);
	ks_copy(&in, mem, KS_TABLE, tlen, KS_TABLE_MAX);
	ks_copy(&in, mem, KS_INDEX, 512, 512);
	size_t noff = (size_t)ks_take(&in, 4);
	ks_copy(&in, mem, KS_OFFS, noff > KS_OFFS_MAX / 4 ? KS_OFFS_MAX : 4 * noff, KS_OFFS_MAX);
	size_t nlen = in.left < KS_DATA - KS_NAMES ? in.left : KS_DATA - KS_NAMES;
	size_t names = flags & 1 ? KS_DATA - nlen : KS_NAMES;
	ks_copy(&in, mem, names, nlen, nlen);

	/* 4-level tables: PGD[511] -> PUD[510] -> PMD[8] = 2 MiB at pa 0. */
	ks_put(mem + KS_PT + 511 * 8, (KS_PT + 0x1000) | 0x63);
	ks_put(mem + KS_PT + 0x1000 + 510 * 8, (KS_PT + 0x2000) | 0x63);
	ks_put(mem + KS_PT + 0x2000 + 8 * 8, 0x0 | 0xe3);

	kfacts_init(kf);
	kf_set(kf, KF_NUMBER_phys_base, 0);
	kf_set(kf, KF_SYMBOL_init_top_pgt, 0xffffffff80000000ULL + KS_PT);
	kf_set(kf, KF_SYMBOL__stext, KS_STEXT);
	kf_set(kf, KF_SYMBOL_kallsyms_num_syms, KS_STEXT + KS_NUM);
	kf_set(kf, KF_SYMBOL_kallsyms_relative_base, KS_STEXT + KS_BASE);
	kf_set(kf, KF_SYMBOL_kallsyms_token_index, KS_STEXT + KS_INDEX);
	kf_set(kf, KF_SYMBOL_kallsyms_token_table, KS_STEXT + KS_TABLE);
	kf_set(kf, KF_SYMBOL_kallsyms_offsets, KS_STEXT + KS_OFFS);
	kf_set(kf, KF_SYMBOL_kallsyms_names, KS_STEXT + names);
	static const enum kfact_id drop[] = {
		KF_COUNT, KF_SYMBOL_kallsyms_num_syms, KF_SYMBOL_kallsyms_relative_base,
		KF_SYMBOL_kallsyms_token_index, KF_SYMBOL_kallsyms_token_table,
		KF_SYMBOL_kallsyms_offsets, KF_SYMBOL_kallsyms_names, KF_SYMBOL__stext,
	};
	enum kfact_id d = drop[(flags >> 1) & 7];
	if (d != KF_COUNT)
		kf->have[d] = false;

	struct arch_phys phys = { ks_read, mem };
	struct kmem *km = NULL;
	struct mdf_error *err = kmem_create_phys(62 /* EM_X86_64 */, 4096, NULL, 0, &phys, kf, NULL,
						 &km);
	if (!err) {
		static const char *const want[] = {
			"_etext", "__start_rodata", "__end_rodata", "_sdata", "__init_begin",
			"__init_end", "__smp_locks", "__smp_locks_end",
			"__start_bss_decrypted_unused", "__end_bss_decrypted", "_brk_end", "_end",
		};
		enum { N = sizeof(want) / sizeof(want[0]) };
		uint64_t addrs[N];
		bool found[N];
		/* the bases a dump without kallsyms_relative_base is tried
		 * with (_text/_stext, KERNELOFFSET): every encoding's path */
		struct kallsyms_bases bases;
		kallsyms_default_bases(&bases, kf, NULL, 0);
		struct kallsyms *ks = NULL;
		err = kallsyms_open_lookup(km, kf, &bases, want, N, addrs, found, &ks);
		if (!err)
			for (size_t i = 0; i < N; i++)
				if (!found[i] && addrs[i] != 0)
					abort(); /* a name not found has no address */
		if (!err) {
			/* a second lookup over the open tables agrees */
			uint64_t a;
			struct mdf_error *e2 = kallsyms_lookup(ks, "_end", &a);
			if (!e2 && found[N - 1] && a != addrs[N - 1])
				abort();
			mdf_error_destroy(e2);
		}
		kallsyms_close(ks);
	}
	mdf_error_destroy(err);
	kmem_destroy(km);
out:
	free(mem);
	free(kf);
	return 0;
}
