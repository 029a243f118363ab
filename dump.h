/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the writers consume: the input, the page filter that decides which
 * pages are kept, header facts, and the callbacks for progress and messages.
 * The writers (kdump_out.c, elf_out.c) and the page filter (filter.c) share
 * these types. REFERENCE.md 8.2 for the two-pass, per-cycle design. */
#ifndef MDF_DUMP_H
#define MDF_DUMP_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "bitmap.h"
#include "error.h"
#include "input.h"
#include "kernel_facts.h"

/* Dump level bits (REFERENCE.md 1.3). */
enum {
	DL_EXCLUDE_ZERO = 1,
	DL_EXCLUDE_CACHE = 2,
	DL_EXCLUDE_CACHE_PRI = 4,
	DL_EXCLUDE_USER = 8,
	DL_EXCLUDE_FREE = 16,
	DL_MAX = 31,
};

/* Write cache sizes (-b ORDER: page size << ORDER) when -b is not given.
 * 1.7.2 uses 4 (64 KiB writes). Where memory is plentiful we write 1 MiB at
 * a time, which the page cache takes with less work per byte (ext4 on 6.x:
 * -l -d 1 about 8% less wall time on one core, 15% with two), for about
 * 1 MiB more peak RSS; a capture kernel (typically under 256 MiB free)
 * keeps 1.7.2's size and its memory footprint. With -L we keep 1.7.2's size
 * too: the cache size decides where a capped file is cut. */
enum {
	DUMP_BLOCK_ORDER_REF = 4,
	DUMP_BLOCK_ORDER_BIG = 8,
};
#define DUMP_BIG_WRITES_MEMFREE (256ull << 20) /* MemFree for ORDER_BIG */

/* Pages excluded per class, counted in pfns (REFERENCE.md 1.7 report). */
struct dump_stats {
	uint64_t original_pages;   /* sum of PT_LOAD page counts (overlaps twice) */
	uint64_t ram_pages;        /* bits set in bitmap 1 */
	uint64_t zero;
	uint64_t cache;
	uint64_t cache_private;
	uint64_t user;
	uint64_t free;
	uint64_t hwpoison;
	uint64_t offline;
	uint64_t no_data;          /* PT_LOAD memsz past filesz */
	uint64_t vmemmap;          /* struct-page pages dropped by -e (REFERENCE.md 6.8) */
	uint64_t dumpable;         /* bits set in bitmap 2 */
	uint64_t lost;             /* pages the source had lost (kept lost, REFERENCE.md 2.11) */
	uint64_t written_pages;    /* page descriptors written */
	uint64_t write_bytes;      /* bytes written to the output */
};

struct page_filter; /* filter.c */
struct erase_list;  /* erase_info.c */
struct memscan_image; /* memscan.h */

/* Progress of a phase: label is one of makedumpfile's labels ("Copying
 * data", ...); done/total in pages; show_eta for the copy phase. */
struct dump_progress {
	void (*fn)(void *arg, const char *label, uint64_t done, uint64_t total, bool show_eta);
	void *arg;
};

struct dump_source {
	struct input *in;           /* the dump read (input.h) */
	const struct kfacts *kf;
	uint64_t page_size;
	uint64_t max_mapnr;         /* pfns covered by the bitmaps */
	int dump_level;             /* requested; the output records it OR the source's */
	struct page_filter *filter;

	/* Header facts (kdump-compressed). */
	char utsname[6][65];        /* sysname, nodename, release, version, machine, domainname */
	uint64_t crashtime;
	uint64_t phys_base;
	/* Erase info to record (REFERENCE.md 2.9, 10.3): the source's when
	 * refiltering; NULL/0 for none. Borrowed. */
	const uint8_t *eraseinfo;
	uint64_t eraseinfo_size;

	uint64_t pfn_cyclic;        /* pfns per cycle; >= max_mapnr means one cycle */
	int num_threads;            /* 1 = no worker threads */
	/* --compress-level: a level of the kdump writer's codec, or
	 * CODEC_LEVEL_DEFAULT (0, codec.h). */
	int compress_level;
	int block_order;            /* -b: write cache = page_size << block_order */

	/* --work-dir: both bitmaps of every cycle go to an unlinked file
	 * there in pass 1 and are read back in pass 2, so the struct pages
	 * are scanned once (REFERENCE.md 8.1). NULL = rebuild per pass. */
	const char *work_dir;
	/* -e: drop unused vmemmap pages (REFERENCE.md 6.8); needs work_dir. */
	bool exclude_vmemmap;

	/* --config: bytes to erase in the pages written (erase_info.h), or
	 * NULL. The writers apply it to each page after reading it and
	 * before the zero check and compression (REFERENCE.md 2.7), and
	 * record its eraseinfo text (2.9, 10.3). */
	const struct erase_list *erase;

	/* The kernel image as the kernel-support check found it, for the
	 * filter's scan to reuse (memscan.h), or NULL. Borrowed. */
	const struct memscan_image *image;

	const struct mdf_msg *msg;
	struct dump_progress progress;
	volatile sig_atomic_t *interrupted; /* set by SIGINT/SIGTERM; checked per chunk */
};

/* Whether SIGINT/SIGTERM came: an atomic load, as any thread of a dump
 * may ask while the handler runs on another. */
static inline bool dump_interrupted(const struct dump_source *src)
{
	return src->interrupted && __atomic_load_n(src->interrupted, __ATOMIC_RELAXED);
}

/* Fills the input-derived fields of src from in and kf: page_size,
 * max_mapnr, utsname (the header's, else read from the dump's init_uts_ns
 * when the kernel facts allow), crashtime, phys_base, eraseinfo. The caller
 * sets the rest. */
struct mdf_error *dump_source_setup(struct dump_source *src, struct input *in,
				    const struct kfacts *kf);

/* The dump level an output of src records: the requested one OR the
 * source's, whose exclusions stay (REFERENCE.md 1.1). */
int dump_effective_level(const struct dump_source *src);

/* Creates the page filter for src (PT_LOAD RAM map, no-data pages, and the
 * kernel memory scan for dump levels >= 2 when available). */
struct mdf_error *filter_create(struct dump_source *src, struct page_filter **ret);

/* Frees; NULL is a no-op. */
void filter_destroy(struct page_filter *f);

/* Builds the bitmaps of one cycle: bm1 and bm2 must already cover the
 * cycle's range (bitmap_reset). bm1 = RAM pfns; bm2 = RAM minus every page
 * excluded by class (zero pages are not decided here: they are found while
 * pages are copied). Counts are added to stats when stats is not NULL. */
struct mdf_error *filter_build_cycle(struct page_filter *f, struct bitmap *bm1,
				     struct bitmap *bm2, struct dump_stats *stats);

/* Builds the bitmaps of cycle number `cycle` of cycle_pfns pfns each (the
 * last ends at src->max_mapnr): resets bm1 and bm2 to its range, then as
 * filter_build_cycle; an error names the cycle's pfn range. */
struct mdf_error *filter_build_cycle_nr(struct page_filter *f, uint64_t cycle,
					uint64_t cycle_pfns, struct bitmap *bm1,
					struct bitmap *bm2, struct dump_stats *stats);

/* The eraseinfo text of a dump: the source's (eraseinfo, when refiltering),
 * then the erase list's lines (REFERENCE.md 2.9), malloc'ed into *text_ret
 * (NULL and 0 when there is none). */
struct mdf_error *dump_eraseinfo(const struct dump_source *src, char **text_ret,
				 size_t *len_ret);

/* True if every byte of the page is zero. */
bool page_is_zero(const uint8_t *page, uint64_t page_size);

#endif
