/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the BTF locator and the module lists read from a dump
 * (kmodules.c) and for the BTF back end on what they find
 * (typeinfo_btf.c, libbpf). The input is a 64-byte header and a memory
 * image seen at kernel virtual address MEM_VA:
 *   u64 __start_BTF, __stop_BTF, modules head, btf_modules head (offsets
 *   into the image), then 32 bytes unused.
 * Struct layouts are fixed here as tests/erase/vmlinux_fx.c has them.
 * tests/fuzz/mk_btf_locate_seeds.py made the corpus. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kmodules.h"
#include "typeinfo_btf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MEM_VA 0xffff888000000000ULL

struct fz_mem {
	const uint8_t *p;
	size_t len;
};

static struct mdf_error *fz_read(void *arg, uint64_t va, void *buf, size_t len)
{
	const struct fz_mem *m = arg;
	if (va < MEM_VA || va - MEM_VA > m->len || len > m->len - (va - MEM_VA))
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx",
					(unsigned long long)va);
	memcpy(buf, m->p + (va - MEM_VA), len);
	return NULL;
}

static uint64_t fz_u64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v;
}

/* Looks at the first types as the erase resolver would. */
static void fz_types(struct typeinfo *ti)
{
	static const char *const members[] = {"next", "prev"};
	struct ti_desc d;
	uint64_t id, off, mt;
	bool found, bf;
	for (uint64_t t = 1; t < 200; t++) {
		struct mdf_error *err = ti->ops->describe(ti, t, &d);
		if (err) {
			mdf_error_destroy(err);
			break;
		}
		mdf_error_destroy(ti->ops->member(ti, t, "next", &off, &mt, &bf, &found));
		mdf_error_destroy(ti->ops->member(ti, t, "name", &off, &mt, &bf, &found));
	}
	mdf_error_destroy(ti->ops->named(ti, TI_STRUCT, "list_head", &id, &found));
	mdf_error_destroy(ti->ops->named(ti, TI_OTHER, "char", &id, &found));
	mdf_error_destroy(ti->ops->anonymous(ti, TI_STRUCT, members, 2, &id, &found));
	struct ti_var v;
	mdf_error_destroy(ti->ops->variable(ti, "fx_banner", &v, &found));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 64)
		return 0;
	struct fz_mem m = {data + 64, size - 64};
	struct kmod_reader rd = {fz_read, &m};
	void *btf = NULL, *mbtf = NULL;
	size_t bsize = 0, msize = 0;
	struct typeinfo *ti = NULL, *mti = NULL;
	struct mdf_error *err = kbtf_vmlinux(&rd, MEM_VA + fz_u64(data), MEM_VA + fz_u64(data + 8),
					     &btf, &bsize);
	if (!err)
		err = typeinfo_btf_new(btf, bsize, NULL, "vmlinux", "fuzz", &ti);
	if (!err)
		fz_types(ti);
	mdf_error_destroy(err);
	const struct kmod_layout kl = {.list = 8, .name = 24, .name_len = 56, .kallsyms_ptr = true,
				       .kallsyms = 80, .symtab = 0, .num_symtab = 8, .strtab = 16,
				       .num_symtab_size = 4};
	struct kmod mod;
	bool found = false;
	err = kmod_find(&rd, MEM_VA + fz_u64(data + 16), &kl, "mod_fx", &mod, &found);
	if (!err && found) {
		static const char *const names[] = {"fx_mod_data", "fx_mod_name", "nothere"};
		uint64_t addrs[3];
		bool f[3];
		mdf_error_destroy(kmod_symbols(&rd, &mod, names, 3, addrs, f));
	}
	mdf_error_destroy(err);
	const struct kbtf_layout bl = {.bm_list = 0, .bm_btf = 24, .data = 0, .data_size = 8,
				       .name = 12, .name_len = 56};
	err = kbtf_module(&rd, MEM_VA + fz_u64(data + 24), &bl, "mod_fx", &mbtf, &msize, &found);
	if (!err && found && ti)
		err = typeinfo_btf_new(mbtf, msize, ti, "mod_fx", "fuzz", &mti);
	if (!err && mti)
		fz_types(mti);
	mdf_error_destroy(err);
	typeinfo_destroy(mti);
	typeinfo_destroy(ti);
	free(btf);
	free(mbtf);
	return 0;
}
