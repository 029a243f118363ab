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

#include "fuzz_input_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		fuzz_walk_input(in, 1);
		input_destroy(in);
	}
	close(fd);
	return 0;
}
