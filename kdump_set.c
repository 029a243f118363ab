/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The split-set mapping layer (kdump_in.h): N kdump-compressed members
 * whose pfn ranges form one pfn space (REFERENCE.md 2.10). */
#include "kdump_in.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

enum { KDH_OFF_STATUS = 424, KD_STATUS_INCOMPLETE = 0x8 };

static int member_cmp(const void *a, const void *b)
{
	const struct kdump_member *x = a, *y = b;
	if (x->h.start_pfn != y->h.start_pfn)
		return x->h.start_pfn < y->h.start_pfn ? -1 : 1;
	if (x->h.end_pfn != y->h.end_pfn)
		return x->h.end_pfn < y->h.end_pfn ? -1 : 1;
	return 0;
}

/* True if two main headers are the same apart from the incomplete bit
 * (one member may have hit ENOSPC alone). */
static bool same_header(const struct kdump_hdr *a, const struct kdump_hdr *b)
{
	uint8_t x[KDH_SIZE], y[KDH_SIZE];
	memcpy(x, a->raw, KDH_SIZE);
	memcpy(y, b->raw, KDH_SIZE);
	x[KDH_OFF_STATUS] &= (uint8_t)~KD_STATUS_INCOMPLETE;
	y[KDH_OFF_STATUS] &= (uint8_t)~KD_STATUS_INCOMPLETE;
	return memcmp(x, y, KDH_SIZE) == 0;
}

/* Header checks of each member against the first given. */
static struct mdf_error *check_members(const struct kdump_member *m, size_t n)
{
	const char *p0 = ifile_path(m[0].f);
	for (size_t i = 0; i < n; i++) {
		const char *p = ifile_path(m[i].f);
		for (size_t j = 0; j < i; j++)
			if (ifile_same(m[i].f, m[j].f))
				return mdf_error_create(MDF_ERR_INVALID,
							"%s is given twice as a member of the split dump", p);
		if (n > 1 && !m[i].h.split)
			return mdf_error_create(MDF_ERR_CORRUPT,
						"%s is not a member of a split dump (its header's split "
						"flag is 0)", p);
		if (i > 0 && !same_header(&m[i].h, &m[0].h))
			return mdf_error_create(MDF_ERR_CORRUPT,
						"%s does not belong to the split dump of %s: its main "
						"header differs", p, p0);
		if (i > 0 && (m[i].h.dump_level != m[0].h.dump_level ||
			      m[i].h.phys_base != m[0].h.phys_base))
			return mdf_error_create(MDF_ERR_CORRUPT,
						"%s does not belong to the split dump of %s: its sub "
						"header differs", p, p0);
	}
	return NULL;
}

struct mdf_error *kdump_set_check(struct kdump_member *m, size_t n)
{
	if (n == 0)
		return mdf_error_create(MDF_ERR_INVALID, "no member of a split dump");
	struct mdf_error *err = check_members(m, n);
	if (err)
		return err;
	qsort(m, n, sizeof(*m), member_cmp);
	uint64_t max = m[0].h.max_mapnr, at = 0;
	for (size_t i = 0; i < n; i++) {
		const struct kdump_hdr *h = &m[i].h;
		const char *p = ifile_path(m[i].f);
		if (i > 0 && h->start_pfn == m[i - 1].h.start_pfn && h->end_pfn == m[i - 1].h.end_pfn &&
		    h->start_pfn < h->end_pfn)
			return mdf_error_create(MDF_ERR_INVALID,
						"%s holds the same pfns (0x%" PRIx64 "-0x%" PRIx64 ") as %s: "
						"a member is given twice",
						p, h->start_pfn, h->end_pfn, ifile_path(m[i - 1].f));
		if (h->start_pfn < at)
			return mdf_error_create(MDF_ERR_CORRUPT,
						"%s (pfns 0x%" PRIx64 "-0x%" PRIx64 ") overlaps %s "
						"(pfns 0x%" PRIx64 "-0x%" PRIx64 ")",
						p, h->start_pfn, h->end_pfn, ifile_path(m[i - 1].f),
						m[i - 1].h.start_pfn, m[i - 1].h.end_pfn);
		if (h->start_pfn > at)
			return mdf_error_create(MDF_ERR_NODATA,
						"a member of the split dump is missing: no file holds "
						"pfns 0x%" PRIx64 "-0x%" PRIx64 " (%s starts at 0x%" PRIx64 ")",
						at, h->start_pfn, p, h->start_pfn);
		at = h->end_pfn;
	}
	if (at != max) {
		const char *p = ifile_path(m[n - 1].f);
		if (n == 1)
			return mdf_error_create(MDF_ERR_NODATA,
						"%s is one member of a split dump (pfns 0x%" PRIx64
						"-0x%" PRIx64 " of 0x%" PRIx64 "): give all its members",
						p, m[0].h.start_pfn, m[0].h.end_pfn, max);
		return mdf_error_create(MDF_ERR_NODATA,
					"a member of the split dump is missing: no file holds pfns "
					"0x%" PRIx64 "-0x%" PRIx64 " (%s ends at 0x%" PRIx64 ")",
					at, max, p, at);
	}
	if (n == 1 && m[0].h.split && m[0].h.start_pfn != 0)
		return mdf_error_create(MDF_ERR_NODATA, "%s is one member of a split dump",
					ifile_path(m[0].f));
	return NULL;
}

size_t kdump_set_find(const struct kdump_member *m, size_t n, uint64_t pfn, size_t hint)
{
	if (hint < n && pfn >= m[hint].h.start_pfn && pfn < m[hint].h.end_pfn)
		return hint;
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (m[mid].h.end_pfn <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* Empty members ([x, x)) are skipped by the search. */
	if (lo < n && m[lo].h.start_pfn <= pfn && pfn < m[lo].h.end_pfn)
		return lo;
	return n;
}
