/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The struct-page scan of one cycle: reads the struct pages of the pfns
 * still kept in bitmap 2, classifies them (page_class.h) and clears the
 * excluded ones (dump levels 2, 4, 8, 16; hwpoison and offline pages
 * always). REFERENCE.md 6.2, 6.3, 8.2. One memscan per thread. */
#ifndef MDF_MEMSCAN_H
#define MDF_MEMSCAN_H

#include <stdbool.h>
#include <stdint.h>

#include "bitmap.h"
#include "dump.h"
#include "error.h"
#include "input.h"
#include "kernel_facts.h"
#include "kmem.h"
#include "memmap.h"
#include "page_class.h"

struct memscan;

/* The parts of the kernel image the image rule protects (REFERENCE.md
 * 7.1), as a scan found them: they depend only on the input and its kernel
 * facts, so one scan's result can be handed to the next scan of the same
 * input (the kernel-support check's to the filter's), which then skips
 * reading kallsyms again. */
enum { MEMSCAN_IMAGE_MAX_KEEP = 7 };
struct memscan_image {
	bool known;                  /* filled by memscan_get_image */
	uint64_t start, end;         /* pfns [start, end); 0, 0: not protected */
	/* The parts the kernel keeps, pfn ranges [keep[i][0], keep[i][1]);
	 * nr_keep == 0: the whole range. */
	uint64_t keep[MEMSCAN_IMAGE_MAX_KEEP][2];
	size_t nr_keep;
	char log[1024];              /* the debug lines that told how, one per line */
};

/* True if a scan would exclude anything at this dump level: levels 2, 4,
 * 8 or 16, or hwpoison/offline pages the note lets us see (REFERENCE.md
 * 6.6). */
bool memscan_wanted(const struct kfacts *kf, int dump_level);

/* Creates a scan over the input: its own kmem and memmap. Fails with
 * MDF_ERR_NODATA / MDF_ERR_CORRUPT naming the fact when what every class
 * needs is missing or wrong (SIZE(page), OFFSET(page.flags), the memory
 * model); a class whose own facts are missing is left out of the dump
 * level with a warning and its pages kept (memscan_dump_level). in and kf
 * must outlive it. */
struct mdf_error *memscan_create(struct input *in, const struct kfacts *kf, int dump_level,
				 const struct mdf_msg *msg, struct memscan **ret);

/* memscan_create, with the kernel image another scan of the same input
 * and facts found (known may be NULL, or not known: then it is looked for
 * as memscan_create does). */
struct mdf_error *memscan_create_with_image(struct input *in, const struct kfacts *kf,
					    int dump_level, const struct mdf_msg *msg,
					    const struct memscan_image *known,
					    struct memscan **ret);

/* The kernel image this scan found (known is set). */
void memscan_get_image(const struct memscan *ms, struct memscan_image *img);

/* Same over an existing kmem (borrowed, must outlive the scan); the memmap
 * is built for pfns below max_mapnr. */
struct mdf_error *memscan_create_kmem(struct kmem *km, const struct kfacts *kf,
				      uint64_t max_mapnr, int dump_level,
				      const struct mdf_msg *msg, struct memscan **ret);

/* Frees; NULL is a no-op. */
void memscan_destroy(struct memscan *ms);

/* Scans pfns [start_pfn, end_pfn) that are set in bm2 and clears the
 * excluded ones, adding the counts (pfns actually cleared) to stats when
 * not NULL. Cycles are expected in increasing order: an exclusion that
 * runs past end_pfn is finished by the call whose start_pfn is this end.
 * Struct pages that cannot be read are kept (debug message). */
struct mdf_error *memscan_cycle(struct memscan *ms, uint64_t start_pfn, uint64_t end_pfn,
				struct bitmap *bm2, struct dump_stats *stats);

/* Turns the kernel-image rule off (on by default): pages of [_stext, _end)
 * that the kernel keeps are never excluded. Off only to compare with
 * makedumpfile 1.7.x. */
void memscan_set_protect_image(struct memscan *ms, bool on);

/* The kernel image's pfn range [start, end) (0, 0 when unknown). */
void memscan_image_pfns(const struct memscan *ms, uint64_t *start_ret, uint64_t *end_ret);

/* True if the image rule protects pfn: inside the image range and, when
 * the dump's kallsyms gave the section boundaries, not wholly inside a
 * part the kernel freed (init, alignment gaps, unused .bss..decrypted,
 * unused brk); else the whole range. Ignores memscan_set_protect_image. */
bool memscan_image_protects(const struct memscan *ms, uint64_t pfn);

/* True if the image rule uses the kernel's section boundaries (kallsyms),
 * false if it protects the whole image range. */
bool memscan_image_sections(const struct memscan *ms);

/* The memmap in use (for -D messages, -e). */
const struct memmap *memscan_memmap(const struct memscan *ms);

/* The kmem the scan reads through (borrowed from the scan). */
struct kmem *memscan_kmem(const struct memscan *ms);

/* The struct page layout in use. */
const struct page_layout *memscan_layout(const struct memscan *ms);

/* Classifies the struct page of one pfn at dump_level, as the scan would
 * (ignoring the kernel-image rule and the bitmaps): for checks that sample
 * struct pages of known kernel objects. MDF_ERR_NODATA when pfn has no
 * struct page; read errors are passed on. */
struct mdf_error *memscan_classify_pfn(struct memscan *ms, uint64_t pfn, int dump_level,
				       enum page_class *class_ret);

/* The dump level the scan honours: the one asked for, less the classes
 * whose facts are missing. */
int memscan_dump_level(const struct memscan *ms);

/* Pages the kernel-image rule kept that would otherwise have been
 * excluded, since creation. */
uint64_t memscan_image_overrides(const struct memscan *ms);

#endif
