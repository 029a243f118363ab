/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kdump-compressed back end of the input layer (input.h): header
 * versions 1 to 6 (REFERENCE.md 2.3), every codec, LP64 little-endian
 * layout (REFERENCE.md 2.2, 2.4; what makedumpfile and QEMU write on
 * little-endian 64-bit machines). A file may be a flattened stream (ifile.h), and N files may
 * be the members of a split set (REFERENCE.md 2.10) that form one pfn
 * space (kdump_set.c). What only this back end and its tests need. */
#ifndef MDF_KDUMP_IN_H
#define MDF_KDUMP_IN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "ifile.h"

enum {
	KDH_SIZE = 464,            /* disk_dump_header, LP64 (REFERENCE.md 2.2) */
	KSH_SIZE_V6 = 104,         /* kdump_sub_header, LP64 (REFERENCE.md 2.4) */
	KD_DESC_SIZE = 24,         /* page_desc (REFERENCE.md 2.7) */
	KD_MAX_VERSION = 6,
};

/* One file's headers, checked. */
struct kdump_hdr {
	uint8_t raw[KDH_SIZE];     /* the main header, for comparing set members */
	int version;
	uint32_t status;
	uint64_t bs;               /* block_size = page size */
	unsigned int shift;
	uint64_t sub_hdr_size;     /* blocks */
	uint64_t bitmap_blocks;
	uint64_t max_mapnr;
	int nr_cpus;
	uint64_t tv_sec;
	char utsname[6][65];

	/* Sub header, by version. */
	uint64_t phys_base;
	int dump_level;
	bool split;
	uint64_t start_pfn, end_pfn; /* [0, max_mapnr) unless split */
	uint64_t off_vmcoreinfo, size_vmcoreinfo;
	uint64_t off_note, size_note;
	uint64_t off_eraseinfo, size_eraseinfo;

	/* Layout (REFERENCE.md 2.1). */
	uint64_t bitmap1_off;
	uint64_t bitmap_len;       /* one bitmap's region, bytes */
	uint64_t desc_off;
	uint64_t file_size;        /* logical size of the file */
};

/* True if the first bytes are a kdump-compressed header ("KDUMP   " or
 * "DISKDUMP"). */
bool kdump_in_probe(const uint8_t *head, size_t len);

/* Reads and checks the headers of f. An absurd or unsupported header is one
 * error naming the file, the field and its offset. */
struct mdf_error *kdump_hdr_read(struct ifile *f, struct kdump_hdr *ret);

/* A split set's member: the file, its headers and where its pages are. */
struct kdump_member {
	struct ifile *f;
	struct kdump_hdr h;
	uint64_t rank_base;        /* dumpable pfns before start_pfn (set-wide) */
	uint64_t data_off;         /* where page data starts: after the descriptor table */
	bool cut_short;            /* flagged incomplete, or a flattened stream without its
				      end: data past the end is lost, not corrupt */
};

/* Puts members in pfn order and checks that they form one dump: the same
 * main header (REFERENCE.md 2.10; the incomplete bit may differ), split
 * ranges that are contiguous from pfn 0 to max_mapnr with no member given
 * twice, missing or overlapping. One member that is not split is a whole
 * dump. Errors name the member at fault. */
struct mdf_error *kdump_set_check(struct kdump_member *m, size_t n);

/* The member whose range holds pfn (hint: the last answer); n when none
 * (only an empty set or pfn >= max_mapnr). */
size_t kdump_set_find(const struct kdump_member *m, size_t n, uint64_t pfn, size_t hint);

#endif
