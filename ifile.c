/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Input file bytes: plain or flattened, through mmap windows (ifile.h). */
#include "ifile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "flat_index.h"

enum {
	/* The mmap window: large enough to amortise remapping on sequential
	 * reads, small enough that memory use does not grow with the dump. */
	IFILE_WINDOW = 4u << 20,
	/* Upper bound of one mapping request; keeps a chunk plus its
	 * misalignment inside one window. */
	IFILE_CHUNK = 1u << 20,
};

struct ifile {
	char *path;
	int fd;
	bool use_mmap;
	uint64_t file_size;  /* of the file on disk */
	dev_t dev;
	ino_t ino;
	bool flat;
	struct flat_index fi;
};

const char *ifile_path(const struct ifile *f)
{
	return f->path;
}

uint64_t ifile_size(const struct ifile *f)
{
	return f->flat ? f->fi.size : f->file_size;
}

uint64_t ifile_disk_size(const struct ifile *f)
{
	return f->file_size;
}

bool ifile_is_flattened(const struct ifile *f, bool *complete_ret)
{
	if (complete_ret)
		*complete_ret = !f->flat || (f->fi.complete && !f->fi.truncated);
	return f->flat;
}

bool ifile_same(const struct ifile *a, const struct ifile *b)
{
	return a->dev == b->dev && a->ino == b->ino;
}

/* pread(2) of the file on disk until len bytes are in, retrying EINTR; EOF
 * first is corruption (the file is shorter than its headers say). `at` is
 * the logical offset named in errors. */
static struct mdf_error *raw_pread(const struct ifile *f, void *buf, size_t len, uint64_t off,
				   uint64_t at)
{
	uint8_t *p = buf;
	size_t done = 0;
	while (done < len) {
		ssize_t n = pread(f->fd, p + done, len - done, (off_t)(off + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mdf_error_at(mdf_error_os(errno, "%s: reading %zu bytes at offset 0x%" PRIx64,
							 f->path, len - done, at + done),
					    at + done);
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	if (done < len)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: short read at offset 0x%" PRIx64
						     " (%zu bytes missing): file truncated?",
						     f->path, at + done, len - done),
				    at + done);
	return NULL;
}

struct mdf_error *ifile_pread(const struct ifile *f, void *buf, size_t len, uint64_t off)
{
	if (!f->flat)
		return raw_pread(f, buf, len, off, off);
	uint8_t *dst = buf;
	if (off > f->fi.size || f->fi.size - off < len) {
		uint64_t have = off > f->fi.size ? 0 : f->fi.size - off;
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: short read at offset 0x%" PRIx64
						     " (%" PRIu64 " bytes missing): flattened stream "
						     "truncated?",
						     f->path, off + have, (uint64_t)len - have),
				    off + have);
	}
	size_t i = flat_index_find(&f->fi, off);
	/* Each iteration consumes one extent or the hole before it. */
	while (len > 0) {
		const struct flat_extent *e = i < f->fi.nr_ext ? &f->fi.ext[i] : NULL;
		if (!e || e->loff > off) {
			uint64_t gap = e ? e->loff - off : len;
			size_t n = gap < len ? (size_t)gap : len;
			memset(dst, 0, n);
			dst += n;
			off += n;
			len -= n;
			continue;
		}
		uint64_t in = off - e->loff;
		size_t n = e->len - in < len ? (size_t)(e->len - in) : len;
		struct mdf_error *err = raw_pread(f, dst, n, e->poff + in, off);
		if (err)
			return err;
		dst += n;
		off += n;
		len -= n;
		i++;
	}
	return NULL;
}

struct mdf_error *ifile_open(const char *path, bool use_mmap, struct ifile **ret)
{
	*ret = NULL;
	struct ifile *f = calloc(1, sizeof(*f));
	if (!f)
		return mdf_error_nomem();
	f->fd = -1;
	f->use_mmap = use_mmap;
	f->path = strdup(path);
	if (!f->path) {
		free(f);
		return mdf_error_nomem();
	}
	struct mdf_error *err = NULL;
	struct stat st;
	f->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		err = mdf_error_os(errno, "%s: cannot open", path);
	else if (fstat(f->fd, &st) != 0)
		err = mdf_error_os(errno, "%s: cannot stat", path);
	if (!err) {
		f->file_size = st.st_size > 0 ? (uint64_t)st.st_size : 0;
		f->dev = st.st_dev;
		f->ino = st.st_ino;
		uint8_t head[24];
		size_t n = f->file_size < sizeof(head) ? (size_t)f->file_size : sizeof(head);
		err = raw_pread(f, head, n, 0, 0);
		if (!err && flat_index_is_stream(head, n)) {
			f->flat = true;
			err = flat_index_build(f->fd, path, f->file_size, &f->fi);
		}
	}
	if (err) {
		ifile_destroy(f);
		return err;
	}
	*ret = f;
	return NULL;
}

void ifile_destroy(struct ifile *f)
{
	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	if (f->flat)
		flat_index_deinit(&f->fi);
	free(f->path);
	free(f);
}

struct ifile_reader {
	struct ifile *f;
	bool use_mmap;      /* cleared for good after the first mmap failure */
	const uint8_t *win; /* current window, or NULL */
	uint64_t win_off;   /* offset in the file on disk */
	size_t win_len;
	bool no_prefault;   /* never MAP_POPULATE (ifile_reader_share_windows) */
	uint64_t window;    /* bytes per window, a power of two >= IFILE_CHUNK */
	size_t last_ext;    /* flattened: the extent of the last hit */
};

struct mdf_error *ifile_reader_create(struct ifile *f, struct ifile_reader **ret)
{
	*ret = NULL;
	struct ifile_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return mdf_error_nomem();
	r->f = f;
	r->use_mmap = f->use_mmap;
	r->window = IFILE_WINDOW;
	*ret = r;
	return NULL;
}

void ifile_reader_destroy(struct ifile_reader *r)
{
	if (!r)
		return;
	if (r->win)
		munmap((void *)r->win, r->win_len);
	free(r);
}

void ifile_reader_share_windows(struct ifile_reader *r)
{
	r->no_prefault = true;
}

void ifile_reader_small_windows(struct ifile_reader *r)
{
	if (r->window > IFILE_CHUNK)
		r->window /= 2;
}

/* Maps on-disk bytes [off, off + len) (len <= IFILE_CHUNK, inside the
 * file) in the window, remapping if needed; NULL when mmap is unusable. */
static const uint8_t *window_get(struct ifile_reader *r, uint64_t off, size_t len)
{
	if (r->win && off >= r->win_off && off + len <= r->win_off + r->win_len)
		return r->win + (off - r->win_off);
	uint64_t start = off & ~(r->window - 1);
	if (off + len > start + r->window)
		start = off & ~(uint64_t)(sysconf(_SC_PAGESIZE) - 1);
	/* A window that follows the previous one means a sequential scan:
	 * prefault it in one go (measured ~1.7x faster on the 6.1 sample
	 * dump); random look-ups (page-table walks) fault lazily instead. */
	int flags = MAP_SHARED;
	if (!r->no_prefault && r->win && start >= r->win_off && start <= r->win_off + r->win_len)
		flags |= MAP_POPULATE;
	if (r->win)
		munmap((void *)r->win, r->win_len);
	r->win = NULL;
	uint64_t size = r->f->file_size;
	uint64_t wlen = size - start < r->window ? size - start : r->window;
	void *p = mmap(NULL, (size_t)wlen, PROT_READ, flags, r->f->fd, (off_t)start);
	if (p == MAP_FAILED) {
		/* Some inputs (old /proc/vmcore, pipes) cannot be mapped: pread
		 * from now on, silently. */
		r->use_mmap = false;
		return NULL;
	}
	madvise(p, (size_t)wlen, MADV_SEQUENTIAL);
	r->win = p;
	r->win_off = start;
	r->win_len = (size_t)wlen;
	return r->win + (off - start);
}

/* The on-disk offset of logical [off, off + len) when one extent holds it
 * all (a plain file: itself); false otherwise. */
static bool to_disk(struct ifile_reader *r, uint64_t off, size_t len, uint64_t *disk_ret)
{
	const struct ifile *f = r->f;
	if (!f->flat) {
		if (off > f->file_size || f->file_size - off < len)
			return false;
		*disk_ret = off;
		return true;
	}
	const struct flat_index *fi = &f->fi;
	size_t i = r->last_ext;
	if (i >= fi->nr_ext || off < fi->ext[i].loff || off >= fi->ext[i].loff + fi->ext[i].len)
		i = flat_index_find(fi, off);
	if (i >= fi->nr_ext || fi->ext[i].loff > off)
		return false;
	const struct flat_extent *e = &fi->ext[i];
	r->last_ext = i;
	if (e->loff + e->len - off < len)
		return false;
	*disk_ret = e->poff + (off - e->loff);
	return true;
}

const uint8_t *ifile_reader_map(struct ifile_reader *r, uint64_t off, size_t len)
{
	uint64_t disk;
	if (!r->use_mmap || len > IFILE_CHUNK || !to_disk(r, off, len, &disk))
		return NULL;
	return window_get(r, disk, len);
}

struct mdf_error *ifile_reader_read(struct ifile_reader *r, uint64_t off, void *dst, size_t len)
{
	uint8_t *d = dst;
	while (len > 0) {
		size_t n = len < IFILE_CHUNK ? len : IFILE_CHUNK;
		const uint8_t *p = ifile_reader_map(r, off, n);
		if (p) {
			memcpy(d, p, n);
		} else {
			struct mdf_error *err = ifile_pread(r->f, d, n, off);
			if (err)
				return err;
		}
		off += n;
		d += n;
		len -= n;
	}
	return NULL;
}
