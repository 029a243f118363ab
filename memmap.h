/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the struct pages are: a table of (start_pfn, end_pfn, mem_map)
 * ranges built from the kernel's memory model (SPARSEMEM with or without
 * EXTREME and VMEMMAP, FLATMEM). REFERENCE.md 6.1. */
#ifndef MDF_MEMMAP_H
#define MDF_MEMMAP_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"
#include "kmem.h"

enum memmap_model {
	MEMMAP_FLATMEM,
	MEMMAP_SPARSEMEM,
	MEMMAP_SPARSEMEM_EXTREME,
};

/* pfns [start_pfn, end_pfn) have struct pages at mem_map (the struct page
 * of start_pfn; pfn's is mem_map + (pfn - start_pfn) * page_struct_size). */
struct memmap_range {
	uint64_t start_pfn;
	uint64_t end_pfn;
	uint64_t mem_map;
};

struct memmap {
	enum memmap_model model;
	uint64_t page_struct_size;   /* SIZE(page) */
	struct memmap_range *ranges; /* sorted, non-overlapping, adjacent ones merged */
	size_t nr_ranges;
	uint64_t max_pfn;            /* highest end_pfn (REFERENCE.md 6.1: lowers max_mapnr) */
};

/* Builds the table for pfns below max_mapnr, reading mem_section or
 * mem_map through km. Every pointer is checked to be a kernel VA; a
 * corrupt table gives an MDF_ERR_CORRUPT error. */
struct mdf_error *memmap_create(struct kmem *km, const struct kfacts *kf, uint64_t max_mapnr,
				const struct mdf_msg *msg, struct memmap **ret);

/* Frees; NULL is a no-op. */
void memmap_destroy(struct memmap *mm);

/* The range holding pfn, or NULL. */
const struct memmap_range *memmap_find(const struct memmap *mm, uint64_t pfn);

/* Name of a model as makedumpfile prints it ("SPARSEMEM_EX", ...). */
const char *memmap_model_name(enum memmap_model model);

#endif
