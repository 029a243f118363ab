/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output sinks (REFERENCE.md 2.11, 3): positioned writes to a file, framed
 * records on a stream (-F), or nowhere (--dry-run). The -L cap and ENOSPC
 * both end data writes with MDF_ERR_NOSPC; header rewrites still go through
 * so the incomplete flag can be recorded. */
#include "sink.h"

#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	FLAT_HEADER_SIZE = 4096,      /* REFERENCE.md 3: stream header */
	FLAT_RECORD_HEADER = 16,      /* big-endian int64 offset, int64 size */
	FLAT_BUF_SIZE = 1 << 20,      /* small records are batched into one write(2) */
};

struct sink {
	enum sink_kind kind;
	char *name;
	int fd;
	bool own_fd;
	uint64_t size_limit;  /* 0 = none */
	uint64_t written;     /* payload bytes accepted */
	uint64_t unflushed;   /* file: bytes written since writeback was last started */
	bool failed;          /* after NOSPC (or another write error) */
	uint8_t *buf;         /* flattened: pending records */
	size_t buf_used;
	struct outfile *out;  /* file: the output file's lifecycle (outfile.h) */
	/* The header bytes of a finished dump (sink_set_complete_marker):
	 * written only after the last byte and the fsync. */
	bool have_marker;
	uint64_t marker_off;
	uint8_t marker[SINK_MARKER_MAX];
	size_t marker_len;
	bool published;       /* the file is visible at its path */
	bool defer_commit;    /* sink_finish(complete) leaves the commit to sink_commit */
	bool commit_pending;
};

static struct sink *sink_alloc(enum sink_kind kind, const char *name, uint64_t size_limit)
{
	struct sink *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->kind = kind;
	s->fd = -1;
	s->size_limit = size_limit;
	s->name = strdup(name ? name : "");
	if (!s->name) {
		free(s);
		return NULL;
	}
	return s;
}

struct mdf_error *sink_open_file_guarded(const char *path, bool overwrite, uint64_t size_limit,
					 const struct outfile_guard *guard, struct sink **ret)
{
	*ret = NULL;
	struct sink *s = sink_alloc(SINK_FILE, path, size_limit);
	if (!s)
		return mdf_error_nomem();
	/* Mode 0600 as makedumpfile 1.7.2 creates its dump files (a dump holds
	 * kernel memory: keys, passwords). */
	struct mdf_error *err = outfile_open(path, overwrite, 0600, guard, &s->out);
	if (err) {
		sink_destroy(s, false);
		return err;
	}
	s->fd = outfile_fd(s->out);
	*ret = s;
	return NULL;
}

struct mdf_error *sink_open_file(const char *path, bool overwrite, uint64_t size_limit,
				 struct sink **ret)
{
	return sink_open_file_guarded(path, overwrite, size_limit, NULL, ret);
}

static void put_be64(uint8_t *p, uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* write(2) all of buf to a stream, retrying on EINTR and short writes. */
static struct mdf_error *sink_stream_write(struct sink *s, const uint8_t *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(s->fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			s->failed = true;
			return mdf_error_os(errno, "Can't write the dump file (%s)", s->name);
		}
		if (n == 0) {
			s->failed = true;
			return mdf_error_create(MDF_ERR_OS, "Can't write the dump file (%s): "
						"write returned 0", s->name);
		}
		buf += n;
		len -= (size_t)n;
	}
	return NULL;
}

static struct mdf_error *sink_flat_flush(struct sink *s)
{
	if (s->buf_used == 0)
		return NULL;
	struct mdf_error *err = sink_stream_write(s, s->buf, s->buf_used);
	s->buf_used = 0;
	return err;
}

/* Appends one record (header + payload) to the stream, batching small ones. */
static struct mdf_error *sink_flat_record(struct sink *s, int64_t offset, int64_t size,
					  const void *payload, size_t len)
{
	uint8_t hdr[FLAT_RECORD_HEADER];
	put_be64(hdr, (uint64_t)offset);
	put_be64(hdr + 8, (uint64_t)size);
	struct mdf_error *err;
	if (s->buf_used + sizeof(hdr) + len > FLAT_BUF_SIZE) {
		err = sink_flat_flush(s);
		if (err)
			return err;
	}
	if (sizeof(hdr) + len <= FLAT_BUF_SIZE) {
		memcpy(s->buf + s->buf_used, hdr, sizeof(hdr));
		if (len)
			memcpy(s->buf + s->buf_used + sizeof(hdr), payload, len);
		s->buf_used += sizeof(hdr) + len;
		return NULL;
	}
	err = sink_stream_write(s, hdr, sizeof(hdr));
	if (!err)
		err = sink_stream_write(s, payload, len);
	return err;
}

struct mdf_error *sink_open_flattened(int fd, const char *name, uint64_t size_limit,
				      struct sink **ret)
{
	*ret = NULL;
	struct sink *s = sink_alloc(SINK_FLATTENED, name, size_limit);
	if (!s)
		return mdf_error_nomem();
	s->fd = fd;
	s->buf = malloc(FLAT_BUF_SIZE);
	if (!s->buf) {
		sink_destroy(s, false);
		return mdf_error_nomem();
	}
	/* REFERENCE.md 3: signature, type 1, version 1, big-endian. */
	memset(s->buf, 0, FLAT_HEADER_SIZE);
	memcpy(s->buf, "makedumpfile", 12);
	put_be64(s->buf + 16, 1);
	put_be64(s->buf + 24, 1);
	s->buf_used = FLAT_HEADER_SIZE;
	/* Emit it now so a reader sees a valid stream start immediately. */
	struct mdf_error *err = sink_flat_flush(s);
	if (err) {
		sink_destroy(s, false);
		return err;
	}
	*ret = s;
	return NULL;
}

struct mdf_error *sink_open_null(const char *name, struct sink **ret)
{
	*ret = sink_alloc(SINK_NULL, name, 0);
	return *ret ? NULL : mdf_error_nomem();
}

/* pwrite(2) all of buf at offset; *done_ret = bytes that reached the file. */
static struct mdf_error *sink_file_pwrite(struct sink *s, uint64_t offset, const uint8_t *buf,
					  size_t len, size_t *done_ret)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = pwrite(s->fd, buf + done, len - done, (off_t)(offset + done));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*done_ret = done;
			return mdf_error_at(mdf_error_os(errno, "Can't write the dump file (%s) "
							 "at 0x%llx", s->name,
							 (unsigned long long)(offset + done)),
					    offset + done);
		}
		if (n == 0) {
			*done_ret = done;
			return mdf_error_os(ENOSPC, "Can't write the dump file (%s)", s->name);
		}
		done += (size_t)n;
	}
	*done_ret = done;
	return NULL;
}

/* Starts writeback of the file's dirty pages every few MiB, so the fsync at
 * the end (which makes a write error visible before we claim success) does
 * not wait for the whole dump, and dirty memory stays small in a capture
 * kernel. Best effort: a file system without it just syncs at the end.
 * Measured on the 6.1 sample dump (-l -d 1, 60 MB written, ext4 on virtio):
 * the final fsync waits 8 ms with a 16 MiB step, 2.6 ms with 4 MiB, about
 * 1 ms with 2 MiB, 0.5 ms with 1 MiB. Whole runs (the sample dump at -d 1
 * and 31, a generated 2 GiB one, 1 and 2 threads) were as fast or faster
 * with 2 MiB as with any other step from 512 KiB to 32 MiB. */
static void sink_file_start_writeback(struct sink *s, size_t just_written)
{
	enum { WRITEBACK_EVERY = 2 << 20 };
	s->unflushed += just_written;
	if (s->unflushed < WRITEBACK_EVERY)
		return;
	s->unflushed = 0;
	(void)sync_file_range(s->fd, 0, 0, SYNC_FILE_RANGE_WRITE);
}

struct mdf_error *sink_write_ex(struct sink *s, uint64_t offset, const void *buf, size_t len,
				size_t *written_ret)
{
	*written_ret = 0;
	if (s->failed)
		return mdf_error_create(MDF_ERR_NOSPC, "Can't write the dump file (%s): output "
					"already failed", s->name);
	size_t allowed = len;
	bool over = false;
	if (s->size_limit) {
		/* File: the limit is on the file size; stream: on payload bytes. */
		uint64_t pos = s->kind == SINK_FILE ? offset : s->written;
		uint64_t room = pos < s->size_limit ? s->size_limit - pos : 0;
		if (len > room) {
			allowed = (size_t)room;
			over = true;
		}
	}
	struct mdf_error *err = NULL;
	size_t done = allowed;
	switch (s->kind) {
	case SINK_FILE:
		err = sink_file_pwrite(s, offset, buf, allowed, &done);
		sink_file_start_writeback(s, done);
		/* The header that says "incomplete" is written: from now on the
		 * file may be seen at its path (outfile_publish). */
		if (!err && s->have_marker && !s->published && offset <= s->marker_off &&
		    offset + done >= s->marker_off + s->marker_len) {
			err = outfile_publish(s->out);
			s->published = true;
		}
		break;
	case SINK_FLATTENED:
		if (allowed)
			err = sink_flat_record(s, (int64_t)offset, (int64_t)allowed, buf, allowed);
		if (err)
			done = 0;
		break;
	case SINK_NULL:
		break;
	}
	s->written += done;
	*written_ret = done;
	if (err) {
		s->failed = true;
		return err;
	}
	if (over) {
		s->failed = true;
		return mdf_error_at(mdf_error_create(MDF_ERR_NOSPC, "Can't write the dump file "
						     "(%s): it exceeds the size limit (%llu)",
						     s->name,
						     (unsigned long long)s->size_limit),
				    offset + allowed);
	}
	return NULL;
}

struct mdf_error *sink_write(struct sink *s, uint64_t offset, const void *buf, size_t len)
{
	size_t done;
	return sink_write_ex(s, offset, buf, len, &done);
}

struct mdf_error *sink_write_header(struct sink *s, uint64_t offset, const void *buf,
				    size_t len)
{
	size_t done;
	switch (s->kind) {
	case SINK_FILE:
		/* Never past -L, not even to flag the dump. */
		if (s->size_limit) {
			if (offset >= s->size_limit)
				return NULL;
			if (len > s->size_limit - offset)
				len = (size_t)(s->size_limit - offset);
		}
		return sink_file_pwrite(s, offset, buf, len, &done);
	case SINK_FLATTENED:
		/* Later records win when the stream is rearranged (-R). */
		return sink_flat_record(s, (int64_t)offset, (int64_t)len, buf, len);
	case SINK_NULL:
		return NULL;
	}
	return NULL;
}

bool sink_cut(struct sink *s, uint64_t size)
{
	if (s->kind != SINK_FILE || size > INT64_MAX)
		return false;
	struct stat st;
	if (fstat(s->fd, &st) < 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size <= size)
		return false;
	return ftruncate(s->fd, (off_t)size) == 0;
}

void sink_set_complete_marker(struct sink *s, uint64_t offset, const void *bytes, size_t len)
{
	if (len > SINK_MARKER_MAX)
		len = SINK_MARKER_MAX;
	memcpy(s->marker, bytes, len);
	s->marker_off = offset;
	s->marker_len = len;
	s->have_marker = true;
}

/* The marker that says "complete", on disk, then the file final. */
static struct mdf_error *sink_file_complete(struct sink *s)
{
	if (s->have_marker) {
		size_t done;
		struct mdf_error *err = sink_file_pwrite(s, s->marker_off, s->marker, s->marker_len, &done);
		if (err)
			return err;
		if (fsync(s->fd) < 0 && errno != EINVAL)
			return mdf_error_os(errno, "Can't sync the dump file (%s)", s->name);
	}
	return outfile_commit(s->out);
}

/* A finished file: the size, the data on disk, then the header that says
 * complete, on disk too, then the rename over an old file. Until the
 * second fsync a crash leaves a file whose header says incomplete. */
static struct mdf_error *sink_file_finish(struct sink *s, uint64_t size, bool complete)
{
	struct stat st;
	if (fstat(s->fd, &st) < 0)
		return mdf_error_os(errno, "Can't stat the dump file (%s)", s->name);
	if (s->size_limit && size > s->size_limit)
		size = s->size_limit;
	/* Holes are never written, so a trailing one needs extending. */
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size < size && ftruncate(s->fd, (off_t)size) < 0)
		return mdf_error_os(errno, "Can't extend the dump file (%s)", s->name);
	if (fsync(s->fd) < 0 && errno != EINVAL)
		return mdf_error_os(errno, "Can't sync the dump file (%s)", s->name);
	if (!complete)
		return NULL;
	/* One file of a set (--split): it says "complete" only when the
	 * whole set is (sink_commit). */
	if (s->defer_commit) {
		s->commit_pending = true;
		return NULL;
	}
	return sink_file_complete(s);
}

void sink_defer_commit(struct sink *s)
{
	s->defer_commit = true;
}

struct mdf_error *sink_commit(struct sink *s)
{
	if (!s || !s->commit_pending)
		return NULL;
	s->commit_pending = false;
	return s->kind == SINK_FILE ? sink_file_complete(s) : NULL;
}

struct mdf_error *sink_finish(struct sink *s, uint64_t size, bool complete)
{
	switch (s->kind) {
	case SINK_FILE:
		return sink_file_finish(s, size, complete);
	case SINK_FLATTENED:
		if (complete) {
			struct mdf_error *err = NULL;
			if (s->have_marker)
				err = sink_flat_record(s, (int64_t)s->marker_off, (int64_t)s->marker_len,
						       s->marker, s->marker_len);
			/* REFERENCE.md 3: end marker (-1, -1), no payload. */
			if (!err)
				err = sink_flat_record(s, -1, -1, NULL, 0);
			if (err)
				return err;
		}
		return sink_flat_flush(s);
	case SINK_NULL:
		return NULL;
	}
	return NULL;
}

void sink_destroy(struct sink *s, bool remove)
{
	if (!s)
		return;
	if (s->out) {
		/* Not finished complete: the partial file is kept (its header
		 * says incomplete) or removed, as the caller decides. */
		outfile_discard(s->out, !remove);
		outfile_destroy(s->out);
	} else if (s->own_fd && s->fd >= 0) {
		close(s->fd);
	}
	free(s->buf);
	free(s->name);
	free(s);
}

bool sink_replacing(const struct sink *s)
{
	return s->out && outfile_replacing(s->out);
}

uint64_t sink_replaced_size(const struct sink *s)
{
	return s->out ? outfile_old_size(s->out) : 0;
}

const char *sink_name(const struct sink *s)
{
	return s->name;
}

uint64_t sink_bytes_written(const struct sink *s)
{
	return s->written;
}

enum sink_kind sink_get_kind(const struct sink *s)
{
	return s->kind;
}
