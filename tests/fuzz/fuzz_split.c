/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for split sets (kdump_set.c through input.h): the input is
 * one byte giving the number of members (2 to 4), then each member as a
 * 4-byte little-endian length and that many bytes (the last member takes
 * what is left). Each member is written to its own memfd and the set is
 * opened as --reassemble and a refilter open it: the member checks (same
 * main header, disjoint and complete pfn ranges), then the RAM map and
 * every page of the joined pfn space, bounded by MAX_PAGES. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_MEMBERS = 4, MAX_PAGES = 4096 };

static void touch(const uint8_t *p, size_t n)
{
	volatile uint8_t sink = 0;
	for (size_t i = 0; i < n; i += 512)
		sink ^= p[i];
	if (n)
		sink ^= p[n - 1];
	(void)sink;
}

static void read_all(struct input *in)
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
	struct input_reader *rd;
	if (input_reader_create(in, &rd))
		return;
	uint64_t done = 0;
	/* every member's pages: a stride that crosses the member boundaries */
	uint64_t step = max / MAX_PAGES + 1;
	for (uint64_t pfn = 0; pfn < max && done < MAX_PAGES; pfn += step, done++) {
		struct input_stored st;
		struct mdf_error *err = input_read_stored(rd, pfn, &st);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		if (st.lost)
			continue;
		touch(st.data, st.size);
		const uint8_t *page;
		err = input_decode(rd, pfn, &st, &page);
		if (!err)
			touch(page, ps);
		mdf_error_destroy(err);
		uint8_t buf[96];
		mdf_error_destroy(input_read_phys(rd, (pfn + 1) * ps - 48, buf, sizeof(buf)));
	}
	input_reader_destroy(rd);
	const uint8_t *b;
	uint64_t n;
	input_notes(in, &b, &n);
	touch(b, n);
	input_eraseinfo(in, &b, &n);
	touch(b, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nr = 2 + data[0] % (MAX_MEMBERS - 1);
	data++;
	size--;
	int fds[MAX_MEMBERS];
	char names[MAX_MEMBERS][64];
	const char *paths[MAX_MEMBERS];
	size_t made = 0;
	for (; made < nr; made++) {
		size_t len = size;
		if (made + 1 < nr) {
			if (size < 4)
				break;
			uint32_t l = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
				     (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
			data += 4;
			size -= 4;
			len = l < size ? l : size;
		}
		fds[made] = memfd_create("fuzz_split", MFD_CLOEXEC);
		if (fds[made] < 0)
			break;
		if (len > 0 && write(fds[made], data, len) != (ssize_t)len) {
			close(fds[made]);
			break;
		}
		data += len;
		size -= len;
		snprintf(names[made], sizeof(names[made]), "/proc/self/fd/%d", fds[made]);
		paths[made] = names[made];
	}
	if (made == nr) {
		for (int mm = 0; mm < 2; mm++) {
			struct input *in;
			struct input_options io = {.use_mmap = mm, .page_size = 4096};
			struct mdf_error *err = input_open(paths, nr, &io, &in);
			if (err) {
				mdf_error_destroy(err);
				break;
			}
			read_all(in);
			input_destroy(in);
		}
	}
	for (size_t i = 0; i < made; i++)
		close(fds[i]);
	return 0;
}
