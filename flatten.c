/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the flattened format (REFERENCE.md 3): turns a stream of
 * (offset, size, payload) records into the real file (-R).
 *
 * The stream usually comes from a pipe or ssh, so reads are large: each
 * read asks for a record's whole payload plus the next record header in one
 * call. Reads never ask for more than the stream still owes us, so nothing
 * after the end marker is consumed. Payloads that continue the previous one
 * in the output are gathered into one buffer and written with one pwrite. */
#include "flatten.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "byteio.h"
#include "outfile.h"

enum {
	FLAT_REC_HDR = 16,                   /* int64 offset, int64 size (REFERENCE.md 3) */
	FLAT_BUF_SIZE = 4 << 20,             /* gather buffer; the only allocation */
	FLAT_MAX_RECORD = 1 << 30,           /* writers' buffers are far smaller */
	FLAT_OUT_MODE = 0600,                /* a dump holds kernel memory */
	FLAT_SHADOW = 464,                   /* kdump main header, covers the ELF header */
};

struct flat_ctx {
	int in_fd;
	const char *in_name;
	int out_fd;
	const char *out_path;
	const volatile sig_atomic_t *interrupted;
	uint64_t pos;        /* stream bytes consumed so far */
	uint8_t *buf;
	size_t pend_len;     /* payload bytes gathered in buf, not yet written */
	uint64_t pend_off;   /* their offset in the output */
	uint64_t written;    /* payload bytes written to the output */
	/* The file's header as the stream wrote it. The file itself always
	 * holds it with the format's incomplete flag set, until the end
	 * marker has arrived and everything is on disk (crash-safe, like the
	 * writers: sink.h). */
	uint8_t shadow[FLAT_SHADOW];
	size_t shadow_len;   /* bytes of it the stream has written (a prefix) */
	bool flagged;        /* the file's header says incomplete */
	struct outfile *out;
};

static int64_t flat_get_be64(const uint8_t *p)
{
	return (int64_t)mdf_get_be(p, 8);
}

/* Reads up to len bytes, looping on short reads, EINTR and EAGAIN; *got is
 * less than len only at end of stream. */
static struct mdf_error *flat_read(struct flat_ctx *c, void *buf, size_t len, size_t *got)
{
	size_t done = 0;
	while (done < len) {
		ssize_t n = read(c->in_fd, (uint8_t *)buf + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n == 0)
			break;
		if (errno == EINTR) {
			if (c->interrupted && *c->interrupted)
				return mdf_error_create(MDF_ERR_INTR, "%s: interrupted", c->in_name);
			continue;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK) {
			struct pollfd p = { .fd = c->in_fd, .events = POLLIN };
			if (poll(&p, 1, -1) < 0 && errno != EINTR)
				return mdf_error_os(errno, "%s: poll", c->in_name);
			continue;
		}
		return mdf_error_at(mdf_error_os(errno, "%s: read at stream offset %" PRIu64,
						 c->in_name, c->pos + done),
				    c->pos + done);
	}
	c->pos += done;
	*got = done;
	return NULL;
}

static struct mdf_error *flat_pwrite_raw(struct flat_ctx *c, const uint8_t *buf, size_t len,
					 uint64_t off)
{
	while (len > 0) {
		ssize_t n = pwrite(c->out_fd, buf, len, (off_t)off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return mdf_error_at(mdf_error_os(errno, "%s: write at offset %" PRIu64,
							 c->out_path, off),
					    off);
		}
		if (n == 0)
			return mdf_error_at(mdf_error_os(ENOSPC, "%s: write at offset %" PRIu64,
							 c->out_path, off),
					    off);
		buf += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return NULL;
}

/* Where a file's incomplete flag lives (REFERENCE.md 2.11: kdump status
 * bit 0x8 at 424; 4: ELF e_flags bit 0), from its first bytes h[0..n).
 * False when the header is not (yet) one we know. */
static bool flat_flag_field(const uint8_t *h, size_t n, size_t *at_ret, bool *big_ret,
			    uint32_t *bit_ret)
{
	if (n >= 464 && memcmp(h, "KDUMP   ", 8) == 0) {
		/* LP64 header: status at 424, block_size at 428 (REFERENCE.md
		 * 2.2); the byte order is the one giving a power-of-two block. */
		uint32_t bs_le = (uint32_t)h[428] | (uint32_t)h[429] << 8 |
				 (uint32_t)h[430] << 16 | (uint32_t)h[431] << 24;
		*big_ret = !(bs_le && (bs_le & (bs_le - 1)) == 0);
		*at_ret = 424;
		*bit_ret = 0x8;
		return true;
	}
	if (n >= 52 && memcmp(h, "\177ELF", 4) == 0 && (h[4] == 1 || (h[4] == 2 && n >= 64))) {
		*big_ret = h[5] == 2; /* EI_DATA == ELFDATA2MSB */
		*at_ret = h[4] == 2 ? 48 : 36; /* e_flags in ELF64 / ELF32 */
		*bit_ret = 0x1;
		return true;
	}
	return false;
}

/* Writes the flag word of the file's header: the stream's own value, with
 * the incomplete bit or'ed in unless final. */
static struct mdf_error *flat_write_flag(struct flat_ctx *c, bool final)
{
	size_t at;
	bool big;
	uint32_t bit;
	if (!flat_flag_field(c->shadow, c->shadow_len, &at, &big, &bit))
		return NULL;
	uint8_t w[4];
	memcpy(w, c->shadow + at, 4);
	if (!final)
		w[big ? 3 : 0] |= (uint8_t)bit;
	struct mdf_error *err = flat_pwrite_raw(c, w, 4, at);
	/* Flagged: the file may now be seen at its path (outfile.h). */
	if (!err && !final && !c->flagged) {
		c->flagged = true;
		err = outfile_publish(c->out);
	}
	return err;
}

/* Every write of the output: the header part is remembered, and the file's
 * copy of it is flagged incomplete again at once. */
static struct mdf_error *flat_pwrite(struct flat_ctx *c, const uint8_t *buf, size_t len,
				     uint64_t off)
{
	struct mdf_error *err = flat_pwrite_raw(c, buf, len, off);
	if (err)
		return err;
	c->written += len;
	if (off >= FLAT_SHADOW)
		return NULL;
	size_t n = len < FLAT_SHADOW - off ? len : (size_t)(FLAT_SHADOW - off);
	memcpy(c->shadow + off, buf, n);
	/* Only a prefix counts: a header is known once its start is. */
	if (off <= c->shadow_len && off + n > c->shadow_len)
		c->shadow_len = off + n;
	return flat_write_flag(c, false);
}

/* The end marker arrived: data on disk, then the header as the stream
 * wrote it, on disk too (the same order as sink_finish). */
static struct mdf_error *flat_complete(struct flat_ctx *c, const char *out_path)
{
	int fd = c->out_fd;
	if (fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
		return mdf_error_os(errno, "%s: fsync", out_path);
	struct mdf_error *err = flat_write_flag(c, true);
	if (!err && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
		err = mdf_error_os(errno, "%s: fsync", out_path);
	return err;
}

static struct mdf_error *flat_flush(struct flat_ctx *c)
{
	if (c->pend_len == 0)
		return NULL;
	struct mdf_error *err = flat_pwrite(c, c->buf, c->pend_len, c->pend_off);
	c->pend_len = 0;
	return err;
}

static struct mdf_error *flat_truncated(const struct flat_ctx *c)
{
	return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
					     "%s: truncated stream at offset %" PRIu64
					     " (no end marker); %s is incomplete",
					     c->in_name, c->pos, c->out_path),
			    c->pos);
}

/* Checks the 4096-byte stream header. The signature and type are read
 * first so that a wrong input fails before we wait for the rest. */
static struct mdf_error *flat_read_header(struct flat_ctx *c)
{
	uint8_t *h = c->buf;
	size_t got;
	struct mdf_error *err = flat_read(c, h, 24, &got);
	if (err)
		return err;
	static const char sig[13] = FLAT_SIGNATURE;
	if (got < 24 && memcmp(h, sig, got < sizeof(sig) ? got : sizeof(sig)) == 0)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: stream header truncated at offset %zu",
						     c->in_name, got), got);
	if (memcmp(h, sig, sizeof(sig)) != 0)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: not a flattened makedumpfile stream "
						     "(bad signature)", c->in_name), 0);
	int64_t type = flat_get_be64(h + 16);
	if (type != FLAT_TYPE)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: not a flattened makedumpfile stream "
						     "(type %" PRId64 ", expected %d)",
						     c->in_name, type, FLAT_TYPE), 16);
	err = flat_read(c, h + 24, FLAT_HEADER_SIZE - 24, &got);
	if (err)
		return err;
	if (got < FLAT_HEADER_SIZE - 24)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: stream header truncated at offset %"
						     PRIu64, c->in_name, c->pos), c->pos);
	return NULL;
}

/* Copies a payload too large for the gather buffer in bounded chunks. */
static struct mdf_error *flat_copy_large(struct flat_ctx *c, uint64_t off, uint64_t size)
{
	uint64_t done = 0;
	while (done < size) {
		size_t want = (size_t)(size - done < FLAT_BUF_SIZE ? size - done : FLAT_BUF_SIZE);
		size_t got;
		struct mdf_error *err = flat_read(c, c->buf, want, &got);
		if (!err && got)
			err = flat_pwrite(c, c->buf, got, off + done);
		if (err)
			return err;
		if (got < want)
			return flat_truncated(c);
		done += got;
	}
	return NULL;
}

/* Validates one record header (at stream offset hpos); *end is set for
 * the end marker. */
static struct mdf_error *flat_check_record(const struct flat_ctx *c, uint64_t hpos,
					   int64_t off, int64_t size, bool *end)
{
	*end = false;
	if (off == -1 && size == -1) {
		*end = true;
		return NULL;
	}
	if (off < 0 || size <= 0 || size > FLAT_MAX_RECORD || off > INT64_MAX - size)
		return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT,
						     "%s: corrupt record header at stream offset %"
						     PRIu64 " (offset %" PRId64 ", size %" PRId64 ")",
						     c->in_name, hpos, off, size),
				    hpos);
	return NULL;
}

static struct mdf_error *flat_records(struct flat_ctx *c)
{
	uint8_t hdr[FLAT_REC_HDR];
	size_t got;
	struct mdf_error *err = flat_read(c, hdr, sizeof(hdr), &got);
	if (err)
		return err;
	if (got < sizeof(hdr))
		return flat_truncated(c);
	/* Each pass handles one record; a record is at least 17 stream bytes,
	 * so the loop ends with the stream. */
	for (;;) {
		uint64_t hpos = c->pos - FLAT_REC_HDR;
		int64_t off = flat_get_be64(hdr), size = flat_get_be64(hdr + 8);
		bool end;
		err = flat_check_record(c, hpos, off, size, &end);
		if (err || end)
			return err;
		uint64_t uoff = (uint64_t)off, usize = (uint64_t)size;
		if (usize + FLAT_REC_HDR > FLAT_BUF_SIZE) {
			if ((err = flat_flush(c)) || (err = flat_copy_large(c, uoff, usize)))
				return err;
			if ((err = flat_read(c, hdr, sizeof(hdr), &got)))
				return err;
			if (got < sizeof(hdr))
				return flat_truncated(c);
			continue;
		}
		if (c->pend_len && (uoff != c->pend_off + c->pend_len ||
				    c->pend_len + usize + FLAT_REC_HDR > FLAT_BUF_SIZE)) {
			if ((err = flat_flush(c)))
				return err;
		}
		if (c->pend_len == 0)
			c->pend_off = uoff;
		/* Payload and the next record header in one read. */
		uint8_t *dst = c->buf + c->pend_len;
		if ((err = flat_read(c, dst, (size_t)usize + FLAT_REC_HDR, &got)))
			return err;
		if (got < usize) {
			c->pend_len += got; /* keep what arrived in the partial file */
			if ((err = flat_flush(c)))
				return err;
			return flat_truncated(c);
		}
		c->pend_len += (size_t)usize;
		if (got < usize + FLAT_REC_HDR)
			return flat_truncated(c);
		memcpy(hdr, dst + usize, FLAT_REC_HDR);
	}
}

struct mdf_error *flatten_rearrange_guarded(int in_fd, const char *in_name, const char *out_path,
					    bool overwrite, const struct outfile_guard *guard,
					    const volatile sig_atomic_t *interrupted)
{
	struct flat_ctx c = {
		.in_fd = in_fd,
		.in_name = in_name ? in_name : "stdin",
		.out_fd = -1,
		.out_path = out_path,
		.interrupted = interrupted,
	};
	c.buf = malloc(FLAT_BUF_SIZE);
	if (!c.buf)
		return mdf_error_nomem();
	struct outfile *out = NULL;
	struct mdf_error *err = flat_read_header(&c);
	if (!err)
		err = outfile_open(out_path, overwrite, FLAT_OUT_MODE, guard, &out);
	if (err)
		goto done;
	c.out_fd = outfile_fd(out);
	c.out = out;
	err = flat_records(&c);
	struct mdf_error *err2 = flat_flush(&c);
	if (!err)
		err = err2;
	else
		mdf_error_destroy(err2);
	if (!err)
		err = flat_complete(&c, out_path);
	if (!err)
		err = outfile_commit(out);
	/* A cut stream leaves what arrived if its header did, flagged
	 * incomplete, unless it would replace an old file (outfile.h); bytes
	 * without a header that says so are no dump. */
	outfile_discard(out, err && c.flagged && !outfile_replacing(out));
	if (err && outfile_replacing(out))
		err = mdf_error_wrap(err, "%s was kept as it was", out_path);
done:
	outfile_destroy(out);
	free(c.buf);
	return err;
}

struct mdf_error *flatten_rearrange_intr(int in_fd, const char *in_name, const char *out_path,
					 bool overwrite,
					 const volatile sig_atomic_t *interrupted)
{
	return flatten_rearrange_guarded(in_fd, in_name, out_path, overwrite, NULL, interrupted);
}

struct mdf_error *flatten_rearrange(int in_fd, const char *in_name, const char *out_path,
				    bool overwrite)
{
	return flatten_rearrange_intr(in_fd, in_name, out_path, overwrite, NULL);
}
