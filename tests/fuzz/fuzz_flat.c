/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the flattened-stream reader (REFERENCE.md 3): any input
 * must end in success or an error, never a crash or a hang. The input is
 * served through a memfd; the output goes to a temp file removed after. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flatten.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int in = memfd_create("fuzz_flat_in", 0);
	if (in < 0)
		return 0;
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(in, data + done, size - done);
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	if (done != size || lseek(in, 0, SEEK_SET) != 0) {
		close(in);
		return 0;
	}
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof(path), "%s/fuzz_flat_out.XXXXXX", dir && *dir ? dir : "/tmp");
	int out = mkstemp(path);
	if (out < 0) {
		close(in);
		return 0;
	}
	close(out);
	mdf_error_destroy(flatten_rearrange(in, "fuzz", path, true));
	unlink(path);
	close(in);
	return 0;
}
