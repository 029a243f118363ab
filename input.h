/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The input layer (STYLE.md "The data flow"): one interface over every dump
 * format the tool reads. A back end per on-disk format sits behind
 * struct format_ops (input_impl.h): the ELF vmcore (elf_info.c) and the
 * kdump-compressed file, header versions 1 to 6 (kdump_in.c). Beneath them
 * two mapping layers: a flattened stream read in place (ifile.h,
 * flat_index.h) and a split set whose members form one pfn space
 * (kdump_set.c). The filter, the writers, --dump-dmesg, --mem-usage and
 * --vtop see pages, the RAM map, notes and header facts, never a field of
 * one format. */
#ifndef MDF_INPUT_H
#define MDF_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bitmap.h"
#include "codec.h"
#include "error.h"

/* A memory segment of the dump with its virtual address: an ELF vmcore's
 * PT_LOADs. Formats without virtual addresses (kdump-compressed) have none;
 * the architecture layer takes the list as it is (possibly empty). */
struct vmcore_load {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t offset; /* file offset of the segment data (ELF back end only) */
	uint64_t filesz;
	uint64_t memsz;
	uint32_t flags;  /* p_flags and p_align, copied to ELF output (-E) */
	uint64_t align;
};

/* A physical range of RAM, in bytes: [start, end). */
struct input_range {
	uint64_t start;
	uint64_t end;
};

/* kdump status bits the layer reports (REFERENCE.md 2.5). */
enum {
	INPUT_STATUS_INCOMPLETE = 0x8,
	INPUT_STATUS_EXCLUDED_VMEMMAP = 0x10,
};

/* What the dump's headers say about it. Fields a format does not carry are
 * zero (empty strings, have_* false). */
struct input_facts {
	const char *format;        /* "ELF", "kdump-compressed" */
	uint16_t e_machine;        /* the dumped machine as an ELF e_machine, 0 unknown */
	uint64_t page_size;        /* from the header; 0 when only VMCOREINFO knows */
	int dump_level;            /* pages already filtered out (0: none, an ELF vmcore) */
	bool have_phys_base;
	uint64_t phys_base;
	char utsname[6][65];       /* sysname, nodename, release, version, machine, domainname */
	uint64_t crashtime;        /* header timestamp (seconds), 0 unknown */
	uint32_t status;           /* kdump status bits of the source, 0 for ELF */
	int nr_cpus;               /* CPU (NT_PRSTATUS) notes, or the header's count */
	bool split_member;         /* a lone member of a split set */
};

/* The facts of an ELF vmcore that ELF output (-E) copies (REFERENCE.md 4).
 * Only the ELF back end has them. */
struct input_elf_orig {
	unsigned char e_ident[16];
	bool is64;
	bool big_endian;
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_flags;
	uint16_t e_shentsize;
	uint64_t e_entry;
	uint32_t note_flags;       /* the first PT_NOTE's p_flags and p_align */
	uint64_t note_align;
};

struct input;

/* Options of input_open. */
struct input_options {
	bool use_mmap;             /* false: --non-mmap */
	uint64_t page_size;        /* initial page size of an ELF vmcore (the host's) */
	const struct mdf_msg *msg; /* notes on what was found; may be NULL */
};

/* Opens a dump: one path (an ELF vmcore or a kdump-compressed file, either
 * possibly a flattened stream), or n > 1 paths forming a split set. Errors
 * name the file and the offset. */
struct mdf_error *input_open(const char *const *paths, size_t n, const struct input_options *opt,
			     struct input **ret);

/* Closes; NULL is a no-op. */
void input_destroy(struct input *in);

/* The input's name for messages (its path; a split set: the first member). */
const char *input_name(const struct input *in);

/* Header facts. */
const struct input_facts *input_facts(const struct input *in);

/* True if the first bytes of a file are a dump some back end reads (ELF
 * core, kdump-compressed, flattened stream). */
bool input_probe(const uint8_t *head, size_t len);

/* The page size in use and the number of pfns the RAM map covers. */
uint64_t input_page_size(const struct input *in);
uint64_t input_max_mapnr(const struct input *in);

/* Sets the page size once VMCOREINFO tells it. A format whose header fixes
 * the page size refuses another one. */
struct mdf_error *input_set_page_size(struct input *in, uint64_t page_size);

/* The ELF note blob (CPU notes, VMCOREINFO, ...) to copy to an output. */
void input_notes(const struct input *in, const uint8_t **notes_ret, uint64_t *size_ret);

/* The VMCOREINFO text, if the dump has one: its bytes (NUL-terminated
 * copy), its size, its offset inside the note blob and its file offset
 * (for messages). Returns false when there is none. */
bool input_vmcoreinfo(const struct input *in, const char **text_ret, size_t *size_ret,
		      uint64_t *note_off_ret, uint64_t *file_off_ret);

/* The eraseinfo text of the source (REFERENCE.md 2.9), empty if none. */
void input_eraseinfo(const struct input *in, const uint8_t **data_ret, uint64_t *size_ret);

/* The memory segments with virtual addresses (may be empty). */
void input_segments(const struct input *in, const struct vmcore_load **segs_ret, size_t *nr_ret);

/* RAM as sorted, disjoint physical byte ranges. */
struct mdf_error *input_ram_ranges(struct input *in, const struct input_range **ranges_ret,
				   size_t *nr_ret);

/* ELF header facts for -E, or NULL when the input is not an ELF vmcore. */
const struct input_elf_orig *input_elf_orig(const struct input *in);

/* Counts from input_ram_map. */
struct input_map_counts {
	uint64_t original;         /* pfns of memory the input describes (an ELF vmcore:
				      the PT_LOAD page counts, overlaps counted twice) */
	uint64_t missing;          /* RAM pfns without content: past a PT_LOAD's file
				      data, or excluded or lost in a filtered source */
};

/* The RAM map of the pfns bm1 covers (bm1 and bm2 must cover the same
 * range, already reset): bm1 = RAM pfns, bm2 = RAM pfns whose content the
 * dump holds (a filtered source's excluded pages stay out). Counts are
 * added to *counts when it is not NULL. */
struct mdf_error *input_ram_map(struct input *in, struct bitmap *bm1, struct bitmap *bm2,
				struct input_map_counts *counts);

/* A page as it is stored (input_read_stored). */
struct input_stored {
	const uint8_t *data;       /* valid until the next call on the reader */
	uint32_t size;             /* bytes at data */
	enum codec_kind codec;     /* CODEC_NONE: data is the page itself */
	bool lost;                 /* no content: lost in an incomplete source */
};

/* A per-thread reader. */
struct input_reader;

struct mdf_error *input_reader_create(struct input *in, struct input_reader **ret);

/* Frees; NULL is a no-op. */
void input_reader_destroy(struct input_reader *r);

/* Other readers read the same places at the same time (worker threads):
 * fault file pages in lazily (ifile_reader_share_windows). */
void input_reader_share_windows(struct input_reader *r);

/* Several such readers run at the same time, each on its own part of the
 * dump (the members of --split): halves its mmap window (down to 1 MiB) to
 * bound their memory; may be called more than once. */
void input_reader_small_windows(struct input_reader *r);

/* One whole page (input_page_size bytes), decompressed. Valid until the next
 * call on this reader. A pfn without content is an MDF_ERR_NODATA error. */
struct mdf_error *input_read_page(struct input_reader *r, uint64_t pfn, const uint8_t **page_ret);

/* The stored form of page pfn, for copying it without decompressing. A pfn
 * that is no RAM or was excluded is an MDF_ERR_NODATA error. */
struct mdf_error *input_read_stored(struct input_reader *r, uint64_t pfn,
				    struct input_stored *ret);

/* Decompresses a page returned by input_read_stored into the reader's page
 * buffer (a CODEC_NONE page is returned as it is). Errors name the file
 * offset of the data. */
struct mdf_error *input_decode(struct input_reader *r, uint64_t pfn, const struct input_stored *st,
			       const uint8_t **page_ret);

/* Reads physical memory for the tool's own use (struct pages, page tables,
 * the printk ring): len bytes at paddr. A byte in no RAM, or in a page
 * excluded or lost, is an MDF_ERR_NODATA error, except that where the
 * source's dump level says only zero pages were excluded (level 1) an
 * excluded page reads as zeros, as debuggers treat it. */
struct mdf_error *input_read_phys(struct input_reader *r, uint64_t paddr, void *buf, size_t len);

#endif
