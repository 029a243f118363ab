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

enum {
	FLAT_REC_HDR = 16,                   /* int64 offset, int64 size (REFERENCE.md 3) */
	FLAT_BUF_SIZE = 4 << 20,             /* gather buffer; the only allocation */
	FLAT_MAX_RECORD = 1 << 30,           /* writers' buffers are far smaller */
	FLAT_OUT_MODE = 0600,                /* a dump holds kernel memory */
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

static struct mdf_error *flat_pwrite(struct flat_ctx *c, const uint8_t *buf, size_t len,
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

/* Reads a little- or big-endian u32 and writes it back with bits or'ed in. */
static void flat_or32(uint8_t *p, bool big, uint32_t bits)
{
	uint32_t v = big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
			 : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
	v |= bits;
	for (int i = 0; i < 4; i++)
		p[big ? i : 3 - i] = (uint8_t)(v >> (24 - 8 * i));
}

/* A stream that ended early left a partial file: flag it the way its own
 * format marks an incomplete dump, so no reader takes it for complete
 * (REFERENCE.md 2.11: kdump status bit 0x8; 4: ELF e_flags bit 0). Best
 * effort: a file whose header never arrived has nothing to flag. */
static void flat_flag_incomplete(int fd)
{
	uint8_t h[464];
	ssize_t n = pread(fd, h, sizeof(h), 0);
	if (n < 64)
		return;
	size_t at = 0;
	bool big = false;
	if (n >= 464 && memcmp(h, "KDUMP   ", 8) == 0) {
		/* LP64 header: status at 424, block_size at 428 (REFERENCE.md
		 * 2.2); the byte order is the one giving a power-of-two block. */
		uint32_t bs_le = (uint32_t)h[428] | (uint32_t)h[429] << 8 |
				 (uint32_t)h[430] << 16 | (uint32_t)h[431] << 24;
		big = !(bs_le && (bs_le & (bs_le - 1)) == 0);
		at = 424;
	} else if (memcmp(h, "\177ELF", 4) == 0) {
		big = h[5] == 2; /* EI_DATA == ELFDATA2MSB */
		at = h[4] == 2 ? 48 : 36; /* e_flags in ELF64 / ELF32 */
	} else {
		return;
	}
	flat_or32(h + at, big, at == 424 ? 0x8 : 0x1);
	(void)!pwrite(fd, h + at, 4, (off_t)at);
}

struct mdf_error *flatten_rearrange_intr(int in_fd, const char *in_name, const char *out_path,
					 bool overwrite,
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
	struct mdf_error *err = flat_read_header(&c);
	if (err)
		goto out;
	int flags = O_RDWR | O_CREAT | O_CLOEXEC | (overwrite ? O_TRUNC : O_EXCL);
	c.out_fd = open(out_path, flags, FLAT_OUT_MODE);
	if (c.out_fd < 0) {
		err = mdf_error_os(errno, "Can't open the dump file (%s)", out_path);
		goto out;
	}
	err = flat_records(&c);
	struct mdf_error *err2 = flat_flush(&c);
	if (!err)
		err = err2;
	else
		mdf_error_destroy(err2);
	if (err)
		flat_flag_incomplete(c.out_fd);
	if (!err && fsync(c.out_fd) != 0 && errno != EINVAL && errno != EROFS)
		err = mdf_error_os(errno, "%s: fsync", out_path);
	if (close(c.out_fd) != 0 && !err)
		err = mdf_error_os(errno, "%s: close", out_path);
out:
	free(c.buf);
	return err;
}

struct mdf_error *flatten_rearrange(int in_fd, const char *in_name, const char *out_path,
				    bool overwrite)
{
	return flatten_rearrange_intr(in_fd, in_name, out_path, overwrite, NULL);
}
