/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input-derived facts for the writers (dump.h), and the zero-page test. */
#include "dump.h"

#include <stdlib.h>
#include <string.h>

#include "erase_info.h"
#include "kmem.h"

struct mdf_error *dump_eraseinfo(const struct dump_source *src, char **text_ret,
				 size_t *len_ret)
{
	size_t n;
	const char *ours = erase_list_text(src->erase, &n);
	size_t in = src->eraseinfo ? (size_t)src->eraseinfo_size : 0;
	*text_ret = NULL;
	*len_ret = 0;
	if (in + n == 0)
		return NULL;
	char *t = malloc(in + n);
	if (!t)
		return mdf_error_nomem();
	if (in)
		memcpy(t, src->eraseinfo, in);
	memcpy(t + in, ours, n);
	*text_ret = t;
	*len_ret = in + n;
	return NULL;
}

bool page_is_zero(const uint8_t *page, uint64_t page_size)
{
	/* OR whole 256-byte blocks and test once per block: branch-light, with
	 * an early exit for the common non-zero page. GCC vectors: 16 bytes an
	 * instruction on any x86-64 (scalar code read 8; GCC 12 at -O2 does not
	 * vectorise the reduction itself). A zero page is read whole, and -d 1
	 * reads every page of the dump. The page may sit at any byte offset (an
	 * ELF segment's file offset may be anything, and a raw page is read in
	 * place from a kdump-compressed input): each vector is loaded with
	 * memcpy, which compiles to an unaligned load. */
	typedef uint64_t zvec __attribute__((vector_size(16)));
	uint64_t i = 0;
	for (; i + 256 <= page_size; i += 256) {
		zvec acc = {0, 0};
		for (unsigned int j = 0; j < 256; j += 16) {
			zvec v;
			memcpy(&v, page + i + j, sizeof(v));
			acc |= v;
		}
		if (acc[0] | acc[1])
			return false;
	}
	for (; i < page_size; i++)
		if (page[i])
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
	/* The kernel's own NUMBER(phys_base) first: QEMU's kdump header has
	 * been seen to hold a value unrelated to it. */
	src->phys_base = kf_have(kf, KF_NUMBER_phys_base) ? kf_get(kf, KF_NUMBER_phys_base)
			 : fa->have_phys_base ? fa->phys_base : 0;
	memcpy(src->utsname, fa->utsname, sizeof(src->utsname));
	input_eraseinfo(in, &src->eraseinfo, &src->eraseinfo_size);
	bool have_uts = false;
	for (int i = 0; i < 6; i++)
		have_uts |= src->utsname[i][0] != '\0' && i != 4;
	bool have_pb = fa->have_phys_base || kf_have(kf, KF_NUMBER_phys_base);
	if (have_uts && have_pb)
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
	if (!have_pb)
		src->phys_base = kmem_arch_state(km)->phys_base;
	if (!have_uts)
		read_utsname(src, km, kf);
	kmem_destroy(km);
	return NULL;
}
