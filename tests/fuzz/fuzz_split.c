/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for split sets (kdump_set.c through input.h): the input is
 * one byte giving the number of members (2 to 4), then each member as a
 * 4-byte little-endian length and that many bytes (the last member takes
 * what is left). Each member is written to its own memfd and the set is
 * opened as --reassemble and a refilter open it: the member checks (same
 * main header, disjoint and complete pfn ranges), then the RAM map and
 * every page of the joined pfn space, in steps that cross the members' pfn
 * ranges, bounded by FUZZ_MAX_PAGES (fuzz_input_walk.h). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_input_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { MAX_MEMBERS = 4 };

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
			fuzz_walk_input(in, input_max_mapnr(in) / FUZZ_MAX_PAGES + 1);
			input_destroy(in);
		}
	}
	for (size_t i = 0; i < made; i++)
		close(fds[i]);
	return 0;
}
