/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The record index of a flattened stream (flat_index.h, REFERENCE.md 3). */
#include "flat_index.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteio.h"

enum {
	FI_HEADER_SIZE = 4096,      /* stream header (REFERENCE.md 3) */
	FI_REC_HDR = 16,            /* big-endian int64 offset, int64 size */
	FI_TYPE = 1,                /* the only stream type: flat */
	FI_READ_AHEAD = 64 << 10,   /* header reads are served from this window */
};

/* Logical offsets past 2^62 cannot be a dump of any machine. */
#define FI_MAX_LOGICAL (UINT64_C(1) << 62)

static const char fi_signature[16] = "makedumpfile";

bool flat_index_is_stream(const uint8_t *head, size_t len)
{
	if (len < 24 || memcmp(head, fi_signature, sizeof(fi_signature)) != 0)
		return false;
	return mdf_get_be(head + 16, 8) == FI_TYPE;
}

/* A record in stream order. */
struct fi_rec {
	uint64_t loff, len, poff, seq;
};

/* A read-ahead window over the stream for the record headers. */
struct fi_reader {
	int fd;
	const char *name;
	uint64_t size;
	uint8_t *buf;
	uint64_t buf_off;
	size_t buf_len;
};

/* Points *p at n bytes of the stream at off (n <= FI_READ_AHEAD); *got is
 * less than n at the end of the stream. */
static struct mdf_error *fi_get(struct fi_reader *r, uint64_t off, size_t n, const uint8_t **p,
				size_t *got)
{
	if (off < r->buf_off || off + n > r->buf_off + r->buf_len) {
		size_t want = FI_READ_AHEAD;
		if (r->size - off < want)
			want = (size_t)(r->size - off);
		size_t done = 0;
		while (done < want) {
			ssize_t k = pread(r->fd, r->buf + done, want - done, (off_t)(off + done));
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return mdf_error_at(mdf_error_os(errno, "%s: reading the flattened stream at "
								 "offset 0x%" PRIx64, r->name, off + done),
						    off + done);
			if (k == 0)
				break;
			done += (size_t)k;
		}
		r->buf_off = off;
		r->buf_len = done;
	}
	size_t avail = (size_t)(r->buf_off + r->buf_len - off);
	*p = r->buf + (off - r->buf_off);
	*got = avail < n ? avail : n;
	return NULL;
}

static struct mdf_error *fi_corrupt(const char *name, uint64_t off, const char *what, int64_t a,
				    int64_t b)
{
	return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
					     "%s: flattened record at stream offset 0x%" PRIx64
					     ": %s (offset %" PRId64 ", size %" PRId64 ")",
					     name, off, what, a, b),
			    off);
}

/* Reads every record header (each iteration moves past one record: the
 * loop is bounded by the stream size). */
static struct mdf_error *fi_scan(struct fi_reader *r, struct flat_index *fi, struct fi_rec **recs,
				 size_t *nrec)
{
	size_t cap = 0, n = 0;
	uint64_t pos = FI_HEADER_SIZE;
	*recs = NULL;
	for (;;) {
		const uint8_t *h;
		size_t got;
		struct mdf_error *err = fi_get(r, pos, FI_REC_HDR, &h, &got);
		if (err)
			return err;
		if (got < FI_REC_HDR) {
			fi->truncated = got > 0;
			break;
		}
		int64_t off = (int64_t)mdf_get_be(h, 8), size = (int64_t)mdf_get_be(h + 8, 8);
		if (off == -1 && size == -1) {
			fi->complete = true;
			break;
		}
		if (off < 0 || size <= 0)
			return fi_corrupt(r->name, pos, "invalid record header", off, size);
		if ((uint64_t)off > FI_MAX_LOGICAL || (uint64_t)size > FI_MAX_LOGICAL - (uint64_t)off)
			return fi_corrupt(r->name, pos, "record beyond any dump's size", off, size);
		uint64_t data = pos + FI_REC_HDR, len = (uint64_t)size;
		if (r->size - data < len) {
			len = r->size - data;
			fi->truncated = true;
		}
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct fi_rec *nr = reallocarray(*recs, ncap, sizeof(*nr));
			if (!nr)
				return mdf_error_nomem();
			*recs = nr;
			cap = ncap;
		}
		if (len > 0) {
			(*recs)[n] = (struct fi_rec){(uint64_t)off, len, data, fi->nr_records};
			n++;
		}
		if ((uint64_t)off + len > fi->size)
			fi->size = (uint64_t)off + len;
		fi->nr_records++;
		pos = data + len;
		if (fi->truncated)
			break;
	}
	fi->stream_end = pos;
	*nrec = n;
	return NULL;
}

static int fi_cmp_loff(const void *a, const void *b)
{
	const struct fi_rec *x = a, *y = b;
	if (x->loff != y->loff)
		return x->loff < y->loff ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int fi_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Max-heap on seq: the active record written last wins. */
static void fi_heap_push(struct fi_rec *h, size_t *n, struct fi_rec e)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].seq < e.seq) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static void fi_heap_pop(struct fi_rec *h, size_t *n)
{
	struct fi_rec last = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].seq > h[c].seq)
			c++;
		if (h[c].seq <= last.seq)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = last;
}

/* Appends [loff, loff + len) at poff, merging with the previous extent
 * when both the logical and the stream ranges continue it. */
static void fi_emit(struct flat_index *fi, uint64_t loff, uint64_t len, uint64_t poff)
{
	if (fi->nr_ext > 0) {
		struct flat_extent *p = &fi->ext[fi->nr_ext - 1];
		if (p->loff + p->len == loff && p->poff + p->len == poff) {
			p->len += len;
			return;
		}
	}
	fi->ext[fi->nr_ext++] = (struct flat_extent){loff, len, poff};
}

/* Resolves overlapping records into disjoint extents: a sweep over the
 * record boundaries with a heap of the records covering each piece. */
static struct mdf_error *fi_resolve(struct flat_index *fi, struct fi_rec *recs, size_t n)
{
	if (n > 1) /* recs is NULL for a stream without records */
		qsort(recs, n, sizeof(*recs), fi_cmp_loff);
	bool overlap = false;
	for (size_t i = 1; i < n && !overlap; i++)
		overlap = recs[i].loff < recs[i - 1].loff + recs[i - 1].len;
	fi->ext = calloc(n ? 2 * n : 1, sizeof(*fi->ext));
	if (!fi->ext)
		return mdf_error_nomem();
	if (!overlap) {
		for (size_t i = 0; i < n; i++)
			fi_emit(fi, recs[i].loff, recs[i].len, recs[i].poff);
		return NULL;
	}
	uint64_t *pts = calloc(2 * n, sizeof(*pts));
	struct fi_rec *heap = calloc(n, sizeof(*heap));
	if (!pts || !heap) {
		free(pts);
		free(heap);
		return mdf_error_nomem();
	}
	for (size_t i = 0; i < n; i++) {
		pts[2 * i] = recs[i].loff;
		pts[2 * i + 1] = recs[i].loff + recs[i].len;
	}
	qsort(pts, 2 * n, sizeof(*pts), fi_cmp_u64);
	size_t np = 0;
	for (size_t i = 0; i < 2 * n; i++)
		if (np == 0 || pts[np - 1] != pts[i])
			pts[np++] = pts[i];
	size_t j = 0, hn = 0;
	for (size_t k = 0; k + 1 < np; k++) {
		while (j < n && recs[j].loff <= pts[k])
			fi_heap_push(heap, &hn, recs[j++]);
		while (hn > 0 && heap[0].loff + heap[0].len <= pts[k])
			fi_heap_pop(heap, &hn);
		if (hn == 0)
			continue;
		const struct fi_rec *o = &heap[0];
		fi_emit(fi, pts[k], pts[k + 1] - pts[k], o->poff + (pts[k] - o->loff));
	}
	free(pts);
	free(heap);
	return NULL;
}

struct mdf_error *flat_index_build(int fd, const char *name, uint64_t stream_size,
				   struct flat_index *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct fi_reader r = {fd, name, stream_size, malloc(FI_READ_AHEAD), 0, 0};
	if (!r.buf)
		return mdf_error_nomem();
	const uint8_t *h;
	size_t got;
	struct mdf_error *err = fi_get(&r, 0, 24, &h, &got);
	if (!err && (got < 24 || !flat_index_is_stream(h, got)))
		err = mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						    "%s: not a flattened stream (no makedumpfile "
						    "signature of type 1 at offset 0x0)", name), 0);
	if (!err && stream_size < FI_HEADER_SIZE)
		err = mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						    "%s: flattened stream header cut short (file size "
						    "0x%" PRIx64 ")", name, stream_size), stream_size);
	struct fi_rec *recs = NULL;
	size_t n = 0;
	if (!err)
		err = fi_scan(&r, ret, &recs, &n);
	if (!err)
		err = fi_resolve(ret, recs, n);
	free(recs);
	free(r.buf);
	if (err)
		flat_index_deinit(ret);
	return err;
}

void flat_index_deinit(struct flat_index *fi)
{
	free(fi->ext);
	fi->ext = NULL;
	fi->nr_ext = 0;
}

size_t flat_index_find(const struct flat_index *fi, uint64_t loff)
{
	size_t lo = 0, hi = fi->nr_ext;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (fi->ext[mid].loff + fi->ext[mid].len <= loff)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
