/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page filter: decides, per cycle, which pfns are RAM (bitmap 1) and
 * which are kept (bitmap 2). RAM and the pages without content come from the
 * input's RAM map (input.h: an ELF vmcore's PT_LOADs, REFERENCE.md 2.6, 6.7;
 * a filtered source's bitmaps, whose exclusions stay, 1.1); class-based
 * exclusion (dump levels 2..16) is the struct-page scan. */
#include "dump.h"
#include "memscan.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct page_filter {
	const struct dump_source *src;
	uint64_t page_size;
	unsigned int page_shift;
	struct memscan *ms; /* struct-page scan, NULL when the level needs none */
	double scan_seconds; /* time spent in the scan, for the report */
	uint64_t scan_pfns;  /* pfns whose struct pages the scan covered */
};

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A filter that only knows the PT_LOAD map. */
static struct mdf_error *filter_create_plain(struct dump_source *src, struct page_filter **ret)
{
	struct page_filter *f = calloc(1, sizeof(*f));
	if (!f)
		return mdf_error_nomem();
	f->src = src;
	f->page_size = src->page_size;
	f->page_shift = (unsigned int)__builtin_ctzll(src->page_size);
	*ret = f;
	return NULL;
}

struct mdf_error *filter_create(struct dump_source *src, struct page_filter **ret)
{
	const struct kfacts *kf = src->kf;
	bool classes = src->dump_level & ~DL_EXCLUDE_ZERO & DL_MAX;
	/* Without any kernel facts (no VMCOREINFO note, no -x, no -i) no page
	 * class can be told apart: makedumpfile's own wording. */
	if (classes && (!kf || (!kf->osrelease[0] && !kf_have(kf, KF_SIZE_page)))) {
		if (src->in && input_vmcoreinfo(src->in, NULL, NULL, NULL, NULL))
			return mdf_error_create(MDF_ERR_NODATA,
						"%s: its VMCOREINFO note gives no kernel facts (%u "
						"malformed lines skipped): dump level %d needs "
						"SIZE(page), OFFSET(page.flags) and the memory model. "
						"Specify '-x' option or '-i' option.",
						input_name(src->in), kf ? kf->nr_bad_lines : 0,
						src->dump_level);
		return mdf_error_create(MDF_ERR_INVALID, "Specify '-x' option or '-i' option.");
	}
	struct page_filter *f = NULL;
	struct mdf_error *err = filter_create_plain(src, &f);
	if (err)
		return err;
	/* The scan also drops hwpoison and offline pages, so it runs whenever
	 * it would exclude anything at this level (REFERENCE.md 6.6). */
	if (kf && memscan_wanted(kf, src->dump_level)) {
		err = memscan_create_with_image(src->in, kf, src->dump_level, src->msg, src->image,
						&f->ms);
		if (err && classes) {
			free(f);
			return err;
		}
		/* The header records the level actually applied. */
		if (!err)
			src->dump_level = memscan_dump_level(f->ms) | (src->dump_level & DL_EXCLUDE_ZERO);
		if (err) {
			/* Only hwpoison/offline pages would have been looked
			 * for: a dump level without classes still works. */
			mdf_msgf(src->msg, MDF_MSG_DEBUG, "struct page scan unavailable: %s",
				 err->message);
			mdf_error_destroy(err);
			f->ms = NULL;
		}
	}
	*ret = f;
	return NULL;
}

void filter_destroy(struct page_filter *f)
{
	if (!f)
		return;
	if (f->ms) {
		/* The scan rate (the benchmark reads it: the scan must not be
		 * a bottleneck); the phase's STEP line comes with its progress. */
		const struct mdf_msg *msg = f->src->msg;
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "struct page scan: %llu pfns in %.6f s (%.0f pfns/s)",
			 (unsigned long long)f->scan_pfns, f->scan_seconds,
			 f->scan_seconds > 0 ? (double)f->scan_pfns / f->scan_seconds : 0.0);
	}
	memscan_destroy(f->ms);
	free(f);
}

/* Pfns scanned between two progress reports of the struct-page scan. */
enum { FILTER_SCAN_STEP = 1 << 20 };

/* Reports progress of a phase of building the bitmaps: done of max_mapnr
 * pfns (makedumpfile's labels, REFERENCE.md 1.7). */
static void filter_progress(const struct page_filter *f, const char *label, uint64_t done)
{
	const struct dump_progress *p = &f->src->progress;
	if (p->fn)
		p->fn(p->arg, label, done, f->src->max_mapnr, false);
}

struct mdf_error *filter_build_cycle(struct page_filter *f, struct bitmap *bm1,
				     struct bitmap *bm2, struct dump_stats *stats)
{
	uint64_t cs = bm1->start_pfn, ce = bm1->end_pfn;
	struct input_map_counts counts = {0, 0};
	struct mdf_error *err = input_ram_map(f->src->in, bm1, bm2, &counts);
	if (err)
		return err;
	if (stats) {
		stats->original_pages += counts.original;
		stats->no_data += counts.missing;
	}
	filter_progress(f, "Checking for memory holes", ce);
	if (f->ms) {
		/* The struct-page scan, in steps so its progress line moves on
		 * a big machine (memscan_cycle takes increasing sub-ranges). */
		filter_progress(f, "Excluding unnecessary pages", cs);
		for (uint64_t a = cs; a < ce;) {
			uint64_t b = ce - a > FILTER_SCAN_STEP ? a + FILTER_SCAN_STEP : ce;
			double t0 = now_seconds();
			err = memscan_cycle(f->ms, a, b, bm2, stats);
			f->scan_seconds += now_seconds() - t0;
			f->scan_pfns += b - a;
			if (err)
				return err;
			filter_progress(f, "Excluding unnecessary pages", b);
			a = b;
		}
	}
	if (stats) {
		stats->ram_pages += bitmap_count(bm1, cs, ce);
		stats->dumpable += bitmap_count(bm2, cs, ce);
	}
	return NULL;
}

struct mdf_error *filter_build_cycle_nr(struct page_filter *f, uint64_t cycle,
					uint64_t cycle_pfns, struct bitmap *bm1,
					struct bitmap *bm2, struct dump_stats *stats)
{
	uint64_t start = cycle * cycle_pfns;
	uint64_t end = start + cycle_pfns;
	if (end > f->src->max_mapnr)
		end = f->src->max_mapnr;
	bitmap_reset(bm1, start, end);
	bitmap_reset(bm2, start, end);
	return mdf_error_wrap(filter_build_cycle(f, bm1, bm2, stats),
			      "building the bitmaps of pfns 0x%" PRIx64 "-0x%" PRIx64, start, end);
}
