/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ELF vmcore back end of the input layer (input.h; /proc/vmcore or a
 * copy, also as a flattened -E -F stream): ELF64 and ELF32, little- and
 * big-endian headers, PT_NOTE parsing (VMCOREINFO, NT_PRSTATUS per CPU), the
 * PT_LOAD map, and page reads through the file layer's bounded mmap windows
 * (ifile.h). REFERENCE.md 5.1, 6.7, 7 (first paragraph). Only this file
 * reads an ELF field of the input; the rest of the tool goes through
 * input.h. The functions below are the back end's own, for its tests. */
#ifndef MDF_ELF_INFO_H
#define MDF_ELF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ifile.h"
#include "input.h"

/* One piece of the resolved physical map: [start, end) comes from loads[load]. */
struct vmcore_range {
	uint64_t start;
	uint64_t end;
	size_t load;
};

struct vmcore {
	const char *path;    /* the file's (ifile_path) */
	struct ifile *file;
	bool own_file;       /* opened by vmcore_open */
	uint64_t file_size;  /* logical size (ifile_size) */

	/* ELF header facts, kept for ELF output (-E). */
	unsigned char e_ident[16];
	int elf_class;       /* ELFCLASS32 or ELFCLASS64 */
	bool big_endian;
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint32_t e_flags;
	uint16_t e_shentsize; /* copied to ELF output as makedumpfile does */
	uint64_t e_entry;

	/* PT_LOADs in program-header order (where they overlap, the first wins). */
	struct vmcore_load *loads;
	size_t nr_loads;

	/* The physical map resolved at open time: sorted, non-overlapping
	 * ranges, each owned by the first PT_LOAD (in phdr order) covering it
	 * (REFERENCE.md 7, first paragraph). Page lookups binary-search this. */
	struct vmcore_range *ranges;
	size_t nr_ranges;

	/* The PT_NOTE payloads, concatenated in phdr order, copied verbatim. */
	uint8_t *notes;
	uint64_t notes_size;
	uint64_t notes_file_offset; /* file offset of the first PT_NOTE's data */
	uint32_t note_flags;        /* the first PT_NOTE's p_flags and p_align */
	uint64_t note_align;

	/* VMCOREINFO note, if present: its text (NUL-terminated copy) and the
	 * offset of the descriptor inside the notes blob. */
	char *vmcoreinfo;
	size_t vmcoreinfo_size;     /* n_descsz */
	uint64_t vmcoreinfo_offset; /* offset of the desc within notes[] */
	bool has_vmcoreinfo;

	int nr_cpus;                /* number of CORE/NT_PRSTATUS notes */

	uint64_t page_size;         /* set with vmcore_set_page_size() */
	unsigned int page_shift;
	uint64_t max_mapnr;         /* highest PT_LOAD end (page-rounded up) >> page_shift */
};

/* Opens and validates an ELF vmcore: headers, program headers and notes are
 * bounds-checked against the file size. page_size is the initial page size
 * (the host's; vmcore_set_page_size() changes it once VMCOREINFO is read).
 * Errors name the file and the offset. */
struct mdf_error *vmcore_open(const char *path, bool use_mmap, uint64_t page_size,
			      struct vmcore **ret);

/* The same over an opened file, which must outlive the vmcore. */
struct mdf_error *vmcore_open_file(struct ifile *f, uint64_t page_size, struct vmcore **ret);

/* Closes and frees; NULL is a no-op. */
void vmcore_destroy(struct vmcore *vm);

/* Sets the page size (power of two, 1 KiB..1 MiB) and recomputes max_mapnr. */
struct mdf_error *vmcore_set_page_size(struct vmcore *vm, uint64_t page_size);

/* True if a file starting with these bytes looks like an ELF core. */
bool vmcore_is_elf(const uint8_t *head, size_t len);

/* Per-thread reader: its own mmap window and bounce buffer. */
struct vmcore_reader;

/* Creates a reader for vm (vm must outlive it). */
struct mdf_error *vmcore_reader_create(struct vmcore *vm, struct vmcore_reader **ret);

/* Tells a reader that other readers map the same windows at the same time
 * (worker threads taking turns through the file): it then faults pages in as
 * they are touched instead of prefaulting whole windows, which would make
 * every reader fault in every page. */
void vmcore_reader_share_windows(struct vmcore_reader *r);

/* Frees a reader and unmaps its window; NULL is a no-op. */
void vmcore_reader_destroy(struct vmcore_reader *r);

/* Reads len bytes of physical memory at paddr. Bytes inside a PT_LOAD's
 * memsz but past its filesz read as zeros; a byte in no PT_LOAD gives an
 * MDF_ERR_NODATA error. Ranges may span segments. */
struct mdf_error *vmcore_read_phys(struct vmcore_reader *r, uint64_t paddr, void *buf,
				   size_t len);

/* Returns one whole page (vm->page_size bytes) of physical memory: a pointer
 * into the mmap window when the page lies in one segment's file data, else a
 * copy assembled in the reader's buffer (parts in no PT_LOAD are zero-filled
 * if at least one byte is RAM; a page with no RAM at all is MDF_ERR_NODATA).
 * The pointer is valid until the next call on this reader. */
struct mdf_error *vmcore_read_page(struct vmcore_reader *r, uint64_t pfn,
				   const uint8_t **page_ret);

/* Finds the resolved range containing paddr; returns its index into
 * vm->ranges, or vm->nr_ranges if paddr is in no PT_LOAD. */
size_t vmcore_find_range(const struct vmcore *vm, uint64_t paddr);

/* True if any byte of page pfn (vm->page_size) lies in a PT_LOAD's memsz. */
bool vmcore_pfn_is_ram(const struct vmcore *vm, uint64_t pfn);

#endif
