/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input-derived facts for the writers (dump.h), and the zero-page test. */
#include "dump.h"

#include <string.h>

#include "kmem.h"

bool page_is_zero(const uint8_t *page, uint64_t page_size)
{
	/* OR whole blocks and test once per block: branch-light and
	 * vectorisable, with an early exit for the common non-zero page. The
	 * page may sit at any byte address (a PT_LOAD whose p_paddr and
	 * p_offset differ modulo 8 maps pages at odd addresses), so words are
	 * loaded with memcpy, which compiles to plain unaligned loads. */
	uint64_t n = page_size / 8;
	for (uint64_t i = 0; i < n; i += 32) {
		uint64_t acc = 0;
		uint64_t end = i + 32 < n ? i + 32 : n;
		for (uint64_t j = i; j < end; j++) {
			uint64_t w;
			memcpy(&w, page + 8 * j, sizeof(w));
			acc |= w;
		}
		if (acc)
			return false;
	}
	for (uint64_t k = n * 8; k < page_size; k++)
		if (page[k])
			return false;
	return true;
}

/* Reads the crashed kernel's init_uts_ns.name (six 65-byte strings) into the
 * header fields; leaves them zero when the facts or memory do not allow it,
 * as makedumpfile does without debug information. */
static void read_utsname(struct dump_source *src, struct kmem *km, const struct kfacts *kf)
{
	if (!kf_have(kf, KF_SYMBOL_init_uts_ns))
		return;
	uint64_t va = kf_get(kf, KF_SYMBOL_init_uts_ns) + kf_uts_name_offset(kf);
	char uts[6 * 65];
	struct mdf_error *err = kmem_read(km, va, uts, sizeof(uts));
	if (err) {
		mdf_msgf(src->msg, MDF_MSG_DEBUG, "cannot read init_uts_ns at 0x%llx: %s",
			 (unsigned long long)va, err->message);
		mdf_error_destroy(err);
		return;
	}
	for (int i = 0; i < 6; i++) {
		memcpy(src->utsname[i], uts + 65 * i, 64);
		src->utsname[i][64] = '\0';
	}
}

int dump_effective_level(const struct dump_source *src)
{
	int source = src->in ? input_facts(src->in)->dump_level : 0;
	return (src->dump_level | source) & DL_MAX;
}

struct mdf_error *dump_source_setup(struct dump_source *src, struct input *in,
				    const struct kfacts *kf)
{
	const struct input_facts *fa = input_facts(in);
	src->in = in;
	src->kf = kf;
	src->page_size = input_page_size(in);
	src->max_mapnr = input_max_mapnr(in);
	/* A refiltered dump keeps its source's timestamp; a vmcore's comes
	 * from VMCOREINFO. */
	src->crashtime = fa->crashtime ? fa->crashtime : kf->have_crashtime ? kf->crashtime : 0;
	src->phys_base = fa->have_phys_base ? fa->phys_base : 0;
	memcpy(src->utsname, fa->utsname, sizeof(src->utsname));
	input_eraseinfo(in, &src->eraseinfo, &src->eraseinfo_size);
	bool have_uts = false;
	for (int i = 0; i < 6; i++)
		have_uts |= src->utsname[i][0] != '\0' && i != 4;
	if (have_uts && fa->have_phys_base)
		return NULL;

	/* Translation needs the architecture and enough facts; a dump without
	 * them (a synthetic core, an unsupported machine) is still dumpable at
	 * levels 0 and 1, with an empty utsname. */
	struct kmem *km;
	struct mdf_error *err = kmem_create(in, kf, src->msg, &km);
	if (err) {
		mdf_msgf(src->msg, MDF_MSG_DEBUG, "no kernel address translation: %s",
			 err->message);
		mdf_error_destroy(err);
		return NULL;
	}
	if (!fa->have_phys_base)
		src->phys_base = kmem_arch_state(km)->phys_base;
	if (!have_uts)
		read_utsname(src, km, kf);
	kmem_destroy(km);
	return NULL;
}
