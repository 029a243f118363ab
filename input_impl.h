/* SPDX-License-Identifier: GPL-2.0-or-later */
/* For the format back ends only: struct input and the format_ops table each
 * on-disk format implements (input.h is the interface everyone else uses). */
#ifndef MDF_INPUT_IMPL_H
#define MDF_INPUT_IMPL_H

#include "ifile.h"
#include "input.h"

/* One on-disk dump format. */
struct format_ops {
	const char *name;

	/* True if a file starting with these bytes is in this format. */
	bool (*probe)(const uint8_t *head, size_t len);

	/* Opens the back end over files[0..n) (n > 1 only for a split set;
	 * the files belong to in): sets in->priv and the fields of in marked
	 * "set by open" below. */
	struct mdf_error *(*open)(struct input *in, struct ifile *const *files, size_t n,
				  const struct input_options *opt);

	/* Frees in->priv and what open allocated. */
	void (*close)(struct input *in);

	/* Changes the page size (and in->page_size, in->max_mapnr). */
	struct mdf_error *(*set_page_size)(struct input *in, uint64_t page_size);

	/* input_ram_map for this format. */
	struct mdf_error *(*ram_map)(struct input *in, struct bitmap *bm1, struct bitmap *bm2,
				     struct input_map_counts *counts);

	/* Computes in->ram / in->nr_ram (allocated, freed by input.c). */
	struct mdf_error *(*ram_ranges)(struct input *in);

	/* Per-thread readers and their operations (input.h). */
	struct mdf_error *(*reader_create)(struct input *in, void **ret);
	void (*reader_destroy)(void *r);
	void (*reader_share_windows)(void *r);
	void (*reader_small_windows)(void *r);
	struct mdf_error *(*read_page)(void *r, uint64_t pfn, const uint8_t **page_ret);
	struct mdf_error *(*read_stored)(void *r, uint64_t pfn, struct input_stored *ret);
	struct mdf_error *(*decode)(void *r, uint64_t pfn, const struct input_stored *st,
				    const uint8_t **page_ret);
	struct mdf_error *(*read_phys)(void *r, uint64_t paddr, void *buf, size_t len);
};

struct input {
	const struct format_ops *ops;
	void *priv;                     /* set by open */
	struct ifile **files;           /* owned by input.c */
	size_t nr_files;
	const struct mdf_msg *msg;

	/* Set by open (pointers owned by the back end). */
	struct input_facts facts;
	uint64_t page_size;
	uint64_t max_mapnr;
	const uint8_t *notes;
	uint64_t notes_size;
	const char *vmcoreinfo;         /* NUL-terminated, NULL if none */
	size_t vmcoreinfo_size;
	uint64_t vmcoreinfo_note_off;   /* inside notes */
	uint64_t vmcoreinfo_file_off;
	const uint8_t *eraseinfo;
	uint64_t eraseinfo_size;
	const struct vmcore_load *segs;
	size_t nr_segs;
	const struct input_elf_orig *elf;

	/* Filled on demand by ops->ram_ranges. */
	struct input_range *ram;
	size_t nr_ram;
	bool have_ram;
};

/* The back ends (elf_info.c, kdump_in.c). */
extern const struct format_ops elf_format_ops;
extern const struct format_ops kdump_format_ops;

/* Walks an ELF note blob (4-byte aligned names and descs) of the given byte
 * order: counts CORE/NT_PRSTATUS notes and finds the first VMCOREINFO note
 * (offset and size of its desc inside the blob). Stops quietly at a note
 * that runs past the blob. */
void input_scan_notes(const uint8_t *notes, uint64_t size, bool big_endian, int *nr_cpus_ret,
		      bool *have_vmci_ret, uint64_t *vmci_off_ret, uint64_t *vmci_size_ret);

#endif
