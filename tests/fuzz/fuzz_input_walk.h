/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the input-layer fuzz targets (fuzz_kdump.c, fuzz_split.c) do with an
 * input that opened: the RAM map, the ranges, up to MAX_PAGES pages every
 * step pfns (stored form, decoded, and a physical read across the page
 * boundary), the notes, the eraseinfo and VMCOREINFO. */
#ifndef FUZZ_INPUT_WALK_H
#define FUZZ_INPUT_WALK_H

#include <stdint.h>

#include "input.h"

enum { FUZZ_MAX_PAGES = 4096 };

static void fuzz_touch(const uint8_t *p, size_t n)
{
	volatile uint8_t sink = 0;
	for (size_t i = 0; i < n; i += 512)
		sink ^= p[i];
	if (n)
		sink ^= p[n - 1];
	(void)sink;
}

static void fuzz_walk_input(struct input *in, uint64_t step)
{
	uint64_t max = input_max_mapnr(in), ps = input_page_size(in);
	struct bitmap b1, b2;
	if (bitmap_init(&b1, max) == NULL && bitmap_init(&b2, max) == NULL) {
		bitmap_reset(&b1, 0, max);
		bitmap_reset(&b2, 0, max);
		struct input_map_counts c = {0, 0};
		mdf_error_destroy(input_ram_map(in, &b1, &b2, &c));
	}
	bitmap_deinit(&b1);
	bitmap_deinit(&b2);
	const struct input_range *r;
	size_t nr;
	mdf_error_destroy(input_ram_ranges(in, &r, &nr));
	struct input_reader *rd;
	if (input_reader_create(in, &rd))
		return;
	uint64_t done = 0;
	for (uint64_t pfn = 0; pfn < max && done < FUZZ_MAX_PAGES; pfn += step) {
		struct input_stored st;
		struct mdf_error *err = input_read_stored(rd, pfn, &st);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		done++;
		if (st.lost)
			continue;
		fuzz_touch(st.data, st.size);
		const uint8_t *page;
		err = input_decode(rd, pfn, &st, &page);
		if (!err)
			fuzz_touch(page, ps);
		mdf_error_destroy(err);
		uint8_t buf[96];
		mdf_error_destroy(input_read_phys(rd, (pfn + 1) * ps - 48, buf, sizeof(buf)));
	}
	input_reader_destroy(rd);
	const uint8_t *b;
	uint64_t n;
	input_notes(in, &b, &n);
	fuzz_touch(b, n);
	input_eraseinfo(in, &b, &n);
	fuzz_touch(b, n);
	const char *text;
	size_t tn;
	if (input_vmcoreinfo(in, &text, &tn, NULL, NULL))
		fuzz_touch((const uint8_t *)text, tn);
}

#endif
