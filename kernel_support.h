/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Whether we understand the dumped kernel well enough for the dump level:
 * decided by checks, not by a version number. makedumpfile 1.7.x prints
 * "The kernel version is not supported." for any release outside a fixed
 * range; we print it (with 1.7.x's wording) only when one of these fails,
 * and name the check:
 *
 *   needed facts     every fact the dump level's page classes need is
 *                    known: tail pages and compound orders, slab and
 *                    hugetlb pages (-d 8), a free-page method (-d 16)
 *   page-type values the exported PAGE_*_MAPCOUNT_VALUE numbers are
 *                    distinct and share one encoding (REFERENCE.md 6.4);
 *                    the page-flag numbers are distinct bits of a word
 *   sampled pages    struct pages of objects whose class we know - the
 *                    kernel image, the pages holding the struct pages
 *                    (vmemmap) and the kernel page tables - classify as
 *                    pages to keep at -d 31
 *
 * The module only reports; makedumpfile.c prints. */
#ifndef MDF_KERNEL_SUPPORT_H
#define MDF_KERNEL_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "input.h"
#include "error.h"
#include "kernel_facts.h"
#include "memscan.h"
#include "page_class.h"

enum ksup_check {
	KSUP_FACTS,
	KSUP_PAGE_TYPES,
	KSUP_SAMPLES,
};

enum {
	KSUP_MAX_FAILURES = 8,
	KSUP_DETAIL_LEN = 200,
	KSUP_MAX_SAMPLES = 128,
};

struct ksup_failure {
	enum ksup_check check;
	char detail[KSUP_DETAIL_LEN];
};

struct ksup_report {
	unsigned int nr_failed;          /* failures recorded (at most KSUP_MAX_FAILURES) */
	unsigned int nr_dropped;         /* further failures not recorded */
	struct ksup_failure failed[KSUP_MAX_FAILURES];
	bool sampled;                    /* the sample check ran */
	unsigned int samples;            /* struct pages it classified */
	unsigned int sample_kinds[3];    /* of which: image, vmemmap, page tables */
	/* The kernel image the sample check's scan found (image.known), for
	 * the dump's own scan to reuse (memscan_create_with_image). */
	struct memscan_image image;
};

/* The name of a check as the warning prints it ("needed facts", ...). */
const char *ksup_check_name(enum ksup_check c);

/* Clears a report. */
void ksup_report_init(struct ksup_report *r);

/* The needed-facts check for dump_level, from the struct page layout the
 * facts give (page_layout_init). Pure. */
void ksup_check_facts(const struct page_layout *l, int dump_level, struct ksup_report *r);

/* The page-type and page-flag consistency check. Pure. */
void ksup_check_page_types(const struct kfacts *kf, struct ksup_report *r);

/* The sample check over an existing scan (its kmem, memmap, layout and
 * kernel image range). Unreadable samples are skipped. */
void ksup_check_samples(struct memscan *ms, const struct kfacts *kf, struct ksup_report *r);

/* Every check for a dump of in at dump_level: nothing when the level
 * classifies no pages; the sample check only when a struct page scan can
 * be set up (when it cannot, the dump itself reports why). msg gets a
 * debug line with the outcome. */
void ksup_check_dump(struct input *in, const struct kfacts *kf, int dump_level,
		     const struct mdf_msg *msg, struct ksup_report *r);

#endif
