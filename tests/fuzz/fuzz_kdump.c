/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the kdump-compressed reader (kdump_in.c through input.h):
 * the input is a whole file, opened through a memfd with and without mmap.
 * The RAM map, every page (stored form, decoded, and the tool's own
 * physical reads across page boundaries), the notes, VMCOREINFO and
 * eraseinfo are all touched; the work is bounded by the file's size, since
 * the reader refuses bitmaps larger than the file. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "input.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_PAGES = 4096 };

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
	const struct input_range *r;
	size_t nr;
	mdf_error_destroy(input_ram_ranges(in, &r, &nr));
	struct input_reader *rd;
	if (input_reader_create(in, &rd))
		return;
	uint64_t done = 0;
	for (uint64_t pfn = 0; pfn < max && done < MAX_PAGES; pfn++) {
		struct input_stored st;
		struct mdf_error *err = input_read_stored(rd, pfn, &st);
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		done++;
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
	const char *text;
	size_t tn;
	if (input_vmcoreinfo(in, &text, &tn, NULL, NULL))
		touch((const uint8_t *)text, tn);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_kdump", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	const char *p = path;
	for (int mm = 0; mm < 2; mm++) {
		struct input *in;
		struct input_options io = {.use_mmap = mm, .page_size = 4096};
		struct mdf_error *err = input_open(&p, 1, &io, &in);
		if (err) {
			mdf_error_destroy(err);
			break;
		}
		read_all(in);
		input_destroy(in);
	}
	close(fd);
	return 0;
}
