/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --mem-usage counts and table (mem_usage.h). */
#include "mem_usage.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"

/* Zero-checks the pages kept in bm2 (one cycle). */
static struct mdf_error *count_zero(struct input_reader *rd, const struct bitmap *bm2,
				    uint64_t page_size, uint64_t *zero)
{
	for (uint64_t pfn = bitmap_next_set(bm2, bm2->start_pfn); pfn < bm2->end_pfn;
	     pfn = bitmap_next_set(bm2, pfn + 1)) {
		const uint8_t *page;
		struct mdf_error *err = input_read_page(rd, pfn, &page);
		if (err)
			return mdf_error_wrap(err, "reading pfn 0x%" PRIx64, pfn);
		if (page_is_zero(page, page_size))
			(*zero)++;
	}
	return NULL;
}

static struct mdf_error *run_cycles(struct dump_source *s, struct input_reader *rd,
				    struct bitmap *bm1, struct bitmap *bm2, uint64_t cycle,
				    struct dump_stats *st, uint64_t *zero)
{
	for (uint64_t c = 0; c * cycle < s->max_mapnr; c++) {
		struct mdf_error *err = filter_build_cycle_nr(s->filter, c, cycle, bm1, bm2, st);
		if (!err)
			err = count_zero(rd, bm2, s->page_size, zero);
		if (err)
			return err;
		if (dump_interrupted(s))
			return mdf_error_create(MDF_ERR_INTR, "interrupted");
	}
	return NULL;
}

struct mdf_error *mem_usage_compute(const struct dump_source *src, struct mem_usage *ret)
{
	memset(ret, 0, sizeof(*ret));
	if (!src->in || src->max_mapnr == 0 || src->page_size == 0)
		return mdf_error_create(MDF_ERR_NODATA, "no memory to examine");
	/* A private source: the filter keeps a pointer to it. */
	struct dump_source s = *src;
	s.dump_level = DL_MAX;
	s.filter = NULL;
	uint64_t cycle = src->pfn_cyclic;
	if (cycle == 0 || cycle > src->max_mapnr)
		cycle = src->max_mapnr;
	cycle = (cycle + 7) & ~(uint64_t)7; /* cycles start on bitmap bytes */
	struct bitmap bm1, bm2;
	memset(&bm1, 0, sizeof(bm1));
	memset(&bm2, 0, sizeof(bm2));
	struct input_reader *rd = NULL;
	struct dump_stats st;
	memset(&st, 0, sizeof(st));
	uint64_t zero = 0;
	struct mdf_error *err = filter_create(&s, &s.filter);
	if (!err)
		err = bitmap_init(&bm1, cycle);
	if (!err)
		err = bitmap_init(&bm2, cycle);
	if (!err)
		err = input_reader_create(s.in, &rd);
	if (!err)
		err = run_cycles(&s, rd, &bm1, &bm2, cycle, &st, &zero);
	input_reader_destroy(rd);
	bitmap_deinit(&bm1);
	bitmap_deinit(&bm2);
	filter_destroy(s.filter);
	if (err)
		return mdf_error_wrap(err, "counting memory usage");
	ret->page_size = src->page_size;
	ret->total_pages = st.original_pages;
	ret->zero = zero;
	ret->cache = st.cache;
	ret->cache_private = st.cache_private;
	ret->user = st.user;
	ret->free = st.free;
	uint64_t sum = zero + st.cache + st.cache_private + st.user + st.free;
	ret->kern_data = sum < st.original_pages ? st.original_pages - sum : 0;
	return NULL;
}

char *mem_usage_format(const struct mem_usage *mu)
{
	/* Layout of makedumpfile 1.7.2's table, byte for byte (see
	 * /work/shared/vmcores/ref-mem-usage-first-kernel.txt). */
	static const struct {
		const char *type;  /* name and the tabs that follow it */
		const char *excl;
		const char *desc;
	} rows[] = {
		{ "ZERO\t\t", "yes", "Pages filled with zero" },
		{ "NON_PRI_CACHE\t", "yes", "Cache pages without private flag" },
		{ "PRI_CACHE\t", "yes", "Cache pages with private flag" },
		{ "USER\t\t", "yes", "User process pages" },
		{ "FREE\t\t", "yes", "Free pages" },
		{ "KERN_DATA\t", "no", "Dumpable kernel data " },
	};
	const uint64_t counts[] = { mu->zero, mu->cache, mu->cache_private,
				    mu->user, mu->free, mu->kern_data };
	size_t cap = 2048, len = 0;
	char *buf = malloc(cap);
	if (!buf)
		return NULL;
#define MU_PUT(...) (len += (size_t)snprintf(buf + len, cap - len, __VA_ARGS__))
	MU_PUT("\nTYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n");
	MU_PUT("----------------------------------------------------------------------\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		MU_PUT("%s%-16" PRIu64 "\t%s\t\t%s\n", rows[i].type, counts[i], rows[i].excl,
		       rows[i].desc);
	MU_PUT("\npage size:\t\t%-16" PRIu64 "\n", mu->page_size);
	MU_PUT("Total pages on system:\t%-16" PRIu64 "\n", mu->total_pages);
	MU_PUT("Total size on system:\t%-16" PRIu64 " Byte\n\n", mu->total_pages * mu->page_size);
#undef MU_PUT
	/* Each line is under 100 bytes; 14 lines fit well inside cap. */
	return buf;
}
