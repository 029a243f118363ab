/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -e: drop the pages that hold struct pages (the vmemmap's backing memory)
 * when every pfn those struct pages describe is RAM and excluded
 * (REFERENCE.md 6.8). Runs after pass 1 on the bitmaps of the whole pfn
 * range kept in a work-dir store; the decision uses the pass-1 bitmaps
 * only (no cascade), then bitmap 2 of the backing pfns is cleared.
 * Only where the architecture allows it (arch_ops.vmemmap_exclusion: x86
 * as makedumpfile), 2 MiB vmemmap leaves only. */
#ifndef MDF_VMEMMAP_EXCL_H
#define MDF_VMEMMAP_EXCL_H

#include <stdint.h>

#include "bitmap_store.h"
#include "dump.h"
#include "error.h"
#include "kmem.h"
#include "memmap.h"

/* Kernel header status bit set when -e removed struct pages (REFERENCE.md
 * 2.5). */
enum { VMEMMAP_EXCL_STATUS = 0x10 };

/* The core: walks the struct-page arrays of mm through km, reads the
 * bitmaps from st in windows of chunk_pfns pfns, and clears the backing
 * pfns of unused struct pages from bitmap 2. A backing page goes when all
 * the pfns whose struct pages it holds lie in a run of at least two
 * aligned 64-pfn words that are all RAM and all excluded (makedumpfile's
 * rule, REFERENCE.md 6.8 step 2). The decisions are spooled to an
 * unlinked file in st's directory, so memory stays bounded.
 * *excluded_ret = bits actually cleared. */
struct mdf_error *vmemmap_exclude_kmem(struct kmem *km, const struct memmap *mm,
				       struct bitmap_store *st, uint64_t max_mapnr,
				       uint64_t chunk_pfns, const struct mdf_msg *msg,
				       uint64_t *excluded_ret);

/* The same for a dump source: builds its own kmem and memmap from src->in
 * and src->kf, and reports "Excluded N unused vmemmap pages" as a
 * progress message (REFERENCE.md 6.8 step 4). */
struct mdf_error *vmemmap_exclude(const struct dump_source *src, struct bitmap_store *st,
				  uint64_t chunk_pfns, uint64_t *excluded_ret);

#endif
