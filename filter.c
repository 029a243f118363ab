/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The page filter: decides, per cycle, which pfns are RAM (bitmap 1) and
 * which are kept (bitmap 2). RAM comes from the PT_LOADs (REFERENCE.md 2.6,
 * 6.7); class-based exclusion (dump levels 2..16) is the struct-page scan. */
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
		if (src->vm && src->vm->has_vmcoreinfo)
			return mdf_error_create(MDF_ERR_NODATA,
						"%s: its VMCOREINFO note gives no kernel facts (%u "
						"malformed lines skipped): dump level %d needs "
						"SIZE(page), OFFSET(page.flags) and the memory model. "
						"Specify '-x' option or '-i' option.",
						src->vm->path, kf ? kf->nr_bad_lines : 0,
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
		err = memscan_create(src->vm, kf, src->dump_level, src->msg, &f->ms);
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
		/* makedumpfile's report line for this phase, and the scan rate
		 * (the benchmark reads it: the scan must not be a bottleneck). */
		const struct mdf_msg *msg = f->src->msg;
		mdf_msgf(msg, MDF_MSG_REPORT, "STEP [Excluding unnecessary pages] : %.6f seconds",
			 f->scan_seconds);
		mdf_msgf(msg, MDF_MSG_DEBUG,
			 "struct page scan: %llu pfns in %.6f s (%.0f pfns/s)",
			 (unsigned long long)f->scan_pfns, f->scan_seconds,
			 f->scan_seconds > 0 ? (double)f->scan_pfns / f->scan_seconds : 0.0);
	}
	memscan_destroy(f->ms);
	free(f);
}

/* True if pfn has file data in some PT_LOAD (so a memsz-only tail of another
 * segment does not make it "no data"). */
static bool pfn_has_file_data(const struct vmcore *vm, uint64_t pfn, unsigned int shift)
{
	uint64_t pa = pfn << shift;
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (pa >= l->paddr && pa - l->paddr < l->filesz)
			return true;
	}
	return false;
}

struct mdf_error *filter_build_cycle(struct page_filter *f, struct bitmap *bm1,
				     struct bitmap *bm2, struct dump_stats *stats)
{
	const struct vmcore *vm = f->src->vm;
	unsigned int shift = f->page_shift;
	uint64_t ps = f->page_size;
	uint64_t cs = bm1->start_pfn, ce = bm1->end_pfn;

	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (!l->memsz)
			continue;
		/* A partial page at either end counts as RAM: we dump it rather
		 * than lose its bytes (REFERENCE.md 2.6 leaves the choice). */
		uint64_t s = l->paddr >> shift;
		uint64_t e = (l->paddr + l->memsz + ps - 1) >> shift;
		bitmap_set_range(bm1, s, e);
		bitmap_set_range(bm2, s, e);
		if (stats) {
			uint64_t a = s > cs ? s : cs, b = e < ce ? e : ce;
			if (a < b)
				stats->original_pages += b - a;
		}
	}
	/* Pages wholly past a segment's file data have no content. */
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (l->filesz >= l->memsz)
			continue;
		uint64_t s = (l->paddr + l->filesz + ps - 1) >> shift;
		uint64_t e = (l->paddr + l->memsz) >> shift;
		if (s < cs)
			s = cs;
		if (e > ce)
			e = ce;
		for (uint64_t pfn = s; pfn < e; pfn++) {
			if (bitmap_test(bm2, pfn) && !pfn_has_file_data(vm, pfn, shift)) {
				bitmap_clear(bm2, pfn);
				if (stats)
					stats->no_data++;
			}
		}
	}
	if (f->ms) {
		double t0 = now_seconds();
		struct mdf_error *err = memscan_cycle(f->ms, cs, ce, bm2, stats);
		f->scan_seconds += now_seconds() - t0;
		f->scan_pfns += ce - cs;
		if (err)
			return err;
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
