/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the flattened stream index (flat_index.c, ifile.c): the
 * input is a stream file. Its index is built, then logical ranges are read
 * with pread and through an mmap window, at record boundaries, across them,
 * in holes and past the end; the index must stay sorted and disjoint. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "flat_index.h"
#include "ifile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_index(int fd, uint64_t size)
{
	struct flat_index fi;
	struct mdf_error *err = flat_index_build(fd, "fuzz", size, &fi);
	if (err) {
		mdf_error_destroy(err);
		return;
	}
	for (size_t i = 0; i < fi.nr_ext; i++) {
		const struct flat_extent *e = &fi.ext[i];
		if (e->len == 0 || e->poff + e->len > size || e->loff + e->len > fi.size)
			abort();
		if (i && fi.ext[i - 1].loff + fi.ext[i - 1].len > e->loff)
			abort();
		if (flat_index_find(&fi, e->loff) != i)
			abort();
	}
	flat_index_deinit(&fi);
}

static void read_at(struct ifile *f, struct ifile_reader *r, uint64_t off, size_t len)
{
	static uint8_t a[8192], b[8192];
	if (len > sizeof(a))
		len = sizeof(a);
	struct mdf_error *e1 = ifile_pread(f, a, len, off);
	struct mdf_error *e2 = ifile_reader_read(r, off, b, len);
	/* Both paths must agree on the bytes and on whether they exist. */
	if ((e1 == NULL) != (e2 == NULL) || (!e1 && memcmp(a, b, len) != 0))
		abort();
	mdf_error_destroy(e1);
	mdf_error_destroy(e2);
	const uint8_t *p = ifile_reader_map(r, off, len);
	if (!p)
		return;
	/* Copied first: pread does not move the window, but be strict. */
	memcpy(b, p, len);
	e1 = ifile_pread(f, a, len, off);
	if (e1 || memcmp(a, b, len) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz_flat_index", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (size > 0 && write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	check_index(fd, size);
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct ifile *f;
	struct mdf_error *err = ifile_open(path, true, &f);
	if (err) {
		mdf_error_destroy(err);
		close(fd);
		return 0;
	}
	struct ifile_reader *r;
	if (ifile_reader_create(f, &r) == NULL) {
		uint64_t n = ifile_size(f);
		static const uint64_t offs[] = {0, 1, 15, 16, 463, 464, 4095, 4096, 4097, 8191};
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			read_at(f, r, offs[i], 64);
			read_at(f, r, offs[i], 5000);
			if (n > offs[i])
				read_at(f, r, n - offs[i] - 1, 32);
		}
		read_at(f, r, n, 1);
		ifile_reader_destroy(r);
	}
	ifile_destroy(f);
	close(fd);
	return 0;
}
