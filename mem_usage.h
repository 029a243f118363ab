/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --mem-usage: how many pages each excludable class holds, without
 * writing a dump (REFERENCE.md 1.7). makedumpfile runs it on /proc/kcore
 * only; this works on any input the page filter reads (an ELF vmcore).
 * The classes are counted as a -d 31 dump would exclude them: free pages
 * first, then cache, private cache and user pages by the struct-page scan,
 * and ZERO counts the remaining pages whose bytes are all zero. */
#ifndef MDF_MEM_USAGE_H
#define MDF_MEM_USAGE_H

#include <stdint.h>

#include "dump.h"
#include "error.h"

struct mem_usage {
	uint64_t page_size;
	uint64_t total_pages;   /* "Total pages on system": sum of PT_LOAD pages */
	uint64_t zero;          /* kept by class, all bytes zero */
	uint64_t cache;         /* NON_PRI_CACHE */
	uint64_t cache_private; /* PRI_CACHE */
	uint64_t user;
	uint64_t free;
	uint64_t kern_data;     /* total minus the five classes above */
};

/* Counts the classes for src (vm, kf, page_size, max_mapnr and
 * pfn_cyclic are used; src->dump_level and src->filter are not: a -d 31
 * filter of its own is made). Reads every page kept by class once, in
 * cycles of src->pfn_cyclic pfns, so memory is bounded like a dump.
 * Needs kernel facts enough for -d 31 (the filter's errors otherwise). */
struct mdf_error *mem_usage_compute(const struct dump_source *src, struct mem_usage *ret);

/* The table exactly as makedumpfile prints it (tabs, 16-column counts,
 * blank lines; REFERENCE.md 1.7), as one heap string of '\n'-terminated
 * lines, starting with an empty line. The caller prints it to stdout and
 * frees it; NULL on allocation failure. */
char *mem_usage_format(const struct mem_usage *mu);

#endif
