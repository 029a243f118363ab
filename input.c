/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input layer's dispatch (input.h): opens the files, picks the back end
 * by probing the (logical) first bytes, and forwards every call. */
#include "input_impl.h"

#include <elf.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "byteio.h"
#include "flat_index.h"

enum { PROBE_BYTES = 64, NOTE_HDR = 12 };

static const struct format_ops *const input_formats[] = { &elf_format_ops, &kdump_format_ops };

bool input_probe(const uint8_t *head, size_t len)
{
	if (flat_index_is_stream(head, len))
		return true;
	for (size_t i = 0; i < sizeof(input_formats) / sizeof(input_formats[0]); i++)
		if (input_formats[i]->probe(head, len))
			return true;
	return false;
}

/* The back end for a file's first bytes; ELF when nothing matches, whose
 * open then explains what is wrong ("not an ELF file"). */
static const struct format_ops *pick_format(struct ifile *f, struct mdf_error **err_ret)
{
	uint8_t head[PROBE_BYTES];
	memset(head, 0, sizeof(head));
	uint64_t size = ifile_size(f);
	size_t n = size < sizeof(head) ? (size_t)size : sizeof(head);
	*err_ret = ifile_pread(f, head, n, 0);
	if (*err_ret)
		return NULL;
	for (size_t i = 0; i < sizeof(input_formats) / sizeof(input_formats[0]); i++)
		if (input_formats[i]->probe(head, n))
			return input_formats[i];
	return &elf_format_ops;
}

struct mdf_error *input_open(const char *const *paths, size_t n, const struct input_options *opt,
			     struct input **ret)
{
	*ret = NULL;
	if (n == 0)
		return mdf_error_create(MDF_ERR_INVALID, "no input file");
	struct input *in = calloc(1, sizeof(*in));
	if (!in)
		return mdf_error_nomem();
	in->msg = opt->msg;
	in->files = calloc(n, sizeof(*in->files));
	struct mdf_error *err = in->files ? NULL : mdf_error_nomem();
	for (size_t i = 0; !err && i < n; i++) {
		err = ifile_open(paths[i], opt->use_mmap, &in->files[i]);
		if (!err)
			in->nr_files = i + 1;
	}
	const struct format_ops *ops = NULL;
	for (size_t i = 0; !err && i < n; i++) {
		const struct format_ops *o = pick_format(in->files[i], &err);
		if (!err && i > 0 && o != ops)
			err = mdf_error_create(MDF_ERR_CORRUPT,
					       "%s: not a kdump-compressed file like %s: the members of a "
					       "split dump must all be kdump-compressed",
					       paths[i], paths[0]);
		ops = o;
	}
	if (!err && n > 1 && ops != &kdump_format_ops)
		err = mdf_error_create(MDF_ERR_CORRUPT,
				       "%s: not a kdump-compressed file: only kdump-compressed "
				       "files form a split dump", paths[0]);
	if (!err) {
		in->ops = ops; /* close undoes a half-done open */
		err = ops->open(in, in->files, n, opt);
	}
	if (err) {
		input_destroy(in);
		return err;
	}
	*ret = in;
	return NULL;
}

void input_destroy(struct input *in)
{
	if (!in)
		return;
	if (in->ops)
		in->ops->close(in);
	for (size_t i = 0; i < in->nr_files; i++)
		ifile_destroy(in->files[i]);
	free(in->files);
	free(in->ram);
	free(in);
}

const char *input_name(const struct input *in)
{
	return ifile_path(in->files[0]);
}

const struct input_facts *input_facts(const struct input *in)
{
	return &in->facts;
}

uint64_t input_page_size(const struct input *in)
{
	return in->page_size;
}

uint64_t input_max_mapnr(const struct input *in)
{
	return in->max_mapnr;
}

struct mdf_error *input_set_page_size(struct input *in, uint64_t page_size)
{
	if (page_size == in->page_size)
		return NULL;
	return in->ops->set_page_size(in, page_size);
}

void input_notes(const struct input *in, const uint8_t **notes_ret, uint64_t *size_ret)
{
	*notes_ret = in->notes;
	*size_ret = in->notes_size;
}

bool input_vmcoreinfo(const struct input *in, const char **text_ret, size_t *size_ret,
		      uint64_t *note_off_ret, uint64_t *file_off_ret)
{
	if (text_ret)
		*text_ret = in->vmcoreinfo;
	if (size_ret)
		*size_ret = in->vmcoreinfo_size;
	if (note_off_ret)
		*note_off_ret = in->vmcoreinfo_note_off;
	if (file_off_ret)
		*file_off_ret = in->vmcoreinfo_file_off;
	return in->vmcoreinfo != NULL;
}

void input_eraseinfo(const struct input *in, const uint8_t **data_ret, uint64_t *size_ret)
{
	*data_ret = in->eraseinfo;
	*size_ret = in->eraseinfo_size;
}

void input_segments(const struct input *in, const struct vmcore_load **segs_ret, size_t *nr_ret)
{
	*segs_ret = in->segs;
	*nr_ret = in->nr_segs;
}

struct mdf_error *input_ram_ranges(struct input *in, const struct input_range **ranges_ret,
				   size_t *nr_ret)
{
	if (!in->have_ram) {
		struct mdf_error *err = in->ops->ram_ranges(in);
		if (err)
			return err;
		in->have_ram = true;
	}
	*ranges_ret = in->ram;
	*nr_ret = in->nr_ram;
	return NULL;
}

const struct input_elf_orig *input_elf_orig(const struct input *in)
{
	return in->elf;
}

struct mdf_error *input_ram_map(struct input *in, struct bitmap *bm1, struct bitmap *bm2,
				struct input_map_counts *counts)
{
	return in->ops->ram_map(in, bm1, bm2, counts);
}

struct input_reader {
	struct input *in;
	void *priv;
};

struct mdf_error *input_reader_create(struct input *in, struct input_reader **ret)
{
	*ret = NULL;
	struct input_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return mdf_error_nomem();
	r->in = in;
	struct mdf_error *err = in->ops->reader_create(in, &r->priv);
	if (err) {
		free(r);
		return err;
	}
	*ret = r;
	return NULL;
}

void input_reader_destroy(struct input_reader *r)
{
	if (!r)
		return;
	r->in->ops->reader_destroy(r->priv);
	free(r);
}

void input_reader_share_windows(struct input_reader *r)
{
	r->in->ops->reader_share_windows(r->priv);
}

void input_reader_small_windows(struct input_reader *r)
{
	r->in->ops->reader_small_windows(r->priv);
}

struct mdf_error *input_read_page(struct input_reader *r, uint64_t pfn, const uint8_t **page_ret)
{
	return r->in->ops->read_page(r->priv, pfn, page_ret);
}

struct mdf_error *input_read_stored(struct input_reader *r, uint64_t pfn,
				    struct input_stored *ret)
{
	return r->in->ops->read_stored(r->priv, pfn, ret);
}

struct mdf_error *input_decode(struct input_reader *r, uint64_t pfn, const struct input_stored *st,
			       const uint8_t **page_ret)
{
	return r->in->ops->decode(r->priv, pfn, st, page_ret);
}

struct mdf_error *input_read_phys(struct input_reader *r, uint64_t paddr, void *buf, size_t len)
{
	return r->in->ops->read_phys(r->priv, paddr, buf, len);
}

void input_scan_notes(const uint8_t *notes, uint64_t size, bool big_endian, int *nr_cpus_ret,
		      bool *have_vmci_ret, uint64_t *vmci_off_ret, uint64_t *vmci_size_ret)
{
	int cpus = 0;
	bool have = false;
	uint64_t pos = 0;
	*vmci_off_ret = *vmci_size_ret = 0;
	/* Each iteration advances by at least NOTE_HDR bytes: bounded. */
	while (size - pos >= NOTE_HDR) {
		const uint8_t *h = notes + pos;
		uint32_t namesz, descsz, type;
		if (big_endian) {
			namesz = (uint32_t)mdf_get_be(h, 4);
			descsz = (uint32_t)mdf_get_be(h + 4, 4);
			type = (uint32_t)mdf_get_be(h + 8, 4);
		} else {
			namesz = (uint32_t)mdf_get_le(h, 4);
			descsz = (uint32_t)mdf_get_le(h + 4, 4);
			type = (uint32_t)mdf_get_le(h + 8, 4);
		}
		if (namesz == 0 && descsz == 0 && type == 0)
			break;
		uint64_t name_off = pos + NOTE_HDR;
		uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~UINT64_C(3));
		uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~UINT64_C(3));
		if (desc_off > size || size - desc_off < descsz)
			break;
		const char *name = (const char *)notes + name_off;
		size_t nlen = strnlen(name, namesz);
		if (nlen == 4 && memcmp(name, "CORE", 4) == 0 && type == NT_PRSTATUS) {
			cpus++;
		} else if (nlen == 10 && memcmp(name, "VMCOREINFO", 10) == 0 && type == 0 && !have) {
			have = true;
			*vmci_off_ret = desc_off;
			*vmci_size_ret = descsz;
		}
		if (next >= size)
			break;
		pos = next;
	}
	*nr_cpus_ret = cpus;
	*have_vmci_ret = have;
}
