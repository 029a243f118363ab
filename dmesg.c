/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel log extraction, REFERENCE.md 9. Everything read from the dump is
 * treated as hostile: ring geometry is capped, indexes are checked against
 * the buffers they index, text lengths are clipped, and every walk has an
 * upper bound derived from a checked size. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg.h"

enum {
	DM_WIN_SIZE = 64 * 1024, /* cached window over a ring array */
	DM_OUT_SIZE = 64 * 1024, /* output buffer flushed through io->write */
	DM_INDENT = 15,          /* "[%5llu.%06llu] " for times < 100000 s */
	DM_INDENT_CALLER = 26,   /* plus "[%8s] " */
};

/* Lockless ring (5.10+) state_var encoding for 64-bit longs: the top two
 * bits are the state, the rest the descriptor id (kernel/printk/
 * printk_ringbuffer.h, DESC_FLAGS_SHIFT = BITS_PER_LONG - 2). */
#define DM_DESC_ID_MASK ((UINT64_C(1) << 62) - 1)
enum { DM_DESC_COMMITTED = 1, DM_DESC_FINALIZED = 2 };

struct dm_ctx {
	const struct kfacts *kf;
	const struct dmesg_io *io;
	const struct mdf_msg *msg;
	bool caller;
	bool be;
	uint8_t *out;
	size_t out_len;
};

/* A cached, bounds-checked view of an array in kernel memory [base, base+size),
 * so large rings are never copied in one allocation. */
struct dm_win {
	uint64_t base;
	uint64_t size;
	uint64_t off;  /* offset of buf[0] within the array */
	size_t len;    /* valid bytes in buf (0 = nothing cached) */
	uint8_t *buf;
};

/* ---- byte order and plain reads ---- */

static uint64_t dm_get(const struct dm_ctx *c, const uint8_t *p, unsigned width)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < width; i++) {
		unsigned shift = c->be ? 8 * (width - 1 - i) : 8 * i;
		v |= (uint64_t)p[i] << shift;
	}
	return v;
}

static struct mdf_error *dm_read(struct dm_ctx *c, uint64_t vaddr, void *buf, size_t len,
				 const char *what)
{
	struct mdf_error *err = c->io->read(c->io->arg, vaddr, buf, len);
	return mdf_error_wrap(err, "reading %s at 0x%llx", what, (unsigned long long)vaddr);
}

static struct mdf_error *dm_read_uint(struct dm_ctx *c, uint64_t vaddr, unsigned width,
				      const char *what, uint64_t *ret)
{
	uint8_t b[8];
	struct mdf_error *err = dm_read(c, vaddr, b, width, what);
	if (!err)
		*ret = dm_get(c, b, width);
	return err;
}

/* A field of width bytes at off inside an already-read struct of size bytes. */
static uint64_t dm_field(const struct dm_ctx *c, const uint8_t *st, uint64_t off, unsigned width)
{
	return dm_get(c, st + off, width);
}

/* ---- windowed array access ---- */

static struct mdf_error *dm_win_init(struct dm_win *w, uint64_t base, uint64_t size)
{
	memset(w, 0, sizeof(*w));
	w->base = base;
	w->size = size;
	w->buf = malloc(DM_WIN_SIZE);
	if (!w->buf)
		return mdf_error_create(MDF_ERR_NOMEM, "allocating a %d-byte log window",
					DM_WIN_SIZE);
	return NULL;
}

static void dm_win_deinit(struct dm_win *w)
{
	free(w->buf);
	w->buf = NULL;
}

/* Reads n bytes at offset off of the array; off+n must lie inside it. When a
 * whole window cannot be read (a missing page), only the bytes asked for are
 * read, so one bad page costs only the records on it. */
static struct mdf_error *dm_win_read(struct dm_ctx *c, struct dm_win *w, uint64_t off, void *dst,
				     size_t n, const char *what)
{
	if (off > w->size || n > w->size - off)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: offset 0x%llx+%zu outside its %llu-byte array",
					what, (unsigned long long)off, n,
					(unsigned long long)w->size);
	if (w->len && off >= w->off && off - w->off <= w->len && n <= w->len - (off - w->off)) {
		memcpy(dst, w->buf + (off - w->off), n);
		return NULL;
	}
	if (n > DM_WIN_SIZE / 2)
		return dm_read(c, w->base + off, dst, n, what);
	uint64_t start = off & ~(uint64_t)(DM_WIN_SIZE - 1);
	if (off + n > start + DM_WIN_SIZE)
		start = off;
	size_t len = w->size - start < DM_WIN_SIZE ? (size_t)(w->size - start) : DM_WIN_SIZE;
	struct mdf_error *err = c->io->read(c->io->arg, w->base + start, w->buf, len);
	if (err) {
		mdf_error_destroy(err);
		w->len = 0;
		return dm_read(c, w->base + off, dst, n, what);
	}
	w->off = start;
	w->len = len;
	memcpy(dst, w->buf + (off - start), n);
	return NULL;
}

/* ---- output ---- */

static struct mdf_error *dm_flush(struct dm_ctx *c)
{
	if (!c->out_len)
		return NULL;
	struct mdf_error *err = c->io->write(c->io->arg, c->out, c->out_len);
	c->out_len = 0;
	return mdf_error_wrap(err, "writing the kernel log");
}

static struct mdf_error *dm_put(struct dm_ctx *c, const void *p, size_t n)
{
	const uint8_t *s = p;
	while (n) {
		if (c->out_len == DM_OUT_SIZE) {
			struct mdf_error *err = dm_flush(c);
			if (err)
				return err;
		}
		size_t k = DM_OUT_SIZE - c->out_len;
		if (k > n)
			k = n;
		memcpy(c->out + c->out_len, s, k);
		c->out_len += k;
		s += k;
		n -= k;
	}
	return NULL;
}

/* C-locale isprint() || isspace(), independent of the process locale. */
static bool dm_passes_raw(uint8_t b)
{
	return (b >= 0x20 && b <= 0x7e) || (b >= 0x09 && b <= 0x0d);
}

/* Formats one record (REFERENCE.md 9.3, "Output formatting"): timestamp
 * prefix, optional caller column, escaped text, newline. Continuation lines
 * are indented to the prefix width; other unprintable bytes become \x%02x of
 * the byte as a signed char, as makedumpfile prints them. */
static struct mdf_error *dm_put_record(struct dm_ctx *c, uint64_t ts_nsec, bool have_caller,
				       uint32_t caller_id, const uint8_t *text, size_t text_len)
{
	char pre[96];
	int n = snprintf(pre, sizeof(pre), "[%5llu.%06llu] ",
			 (unsigned long long)(ts_nsec / 1000000000u),
			 (unsigned long long)(ts_nsec % 1000000000u / 1000u));
	if (c->caller && have_caller) {
		char id[16];
		snprintf(id, sizeof(id), "%c%u", (caller_id & 0x80000000u) ? 'C' : 'T',
			 (unsigned)(caller_id & 0x7fffffffu));
		n += snprintf(pre + n, sizeof(pre) - (size_t)n, "[%8s] ", id);
	}
	struct mdf_error *err = dm_put(c, pre, (size_t)n);
	static const char spaces[] = "                                ";
	unsigned indent = c->caller && have_caller ? DM_INDENT_CALLER : DM_INDENT;
	for (size_t i = 0; i < text_len && !err; i++) {
		uint8_t b = text[i];
		if (b == '\n') {
			err = dm_put(c, "\n", 1);
			if (!err)
				err = dm_put(c, spaces, indent);
		} else if (dm_passes_raw(b)) {
			err = dm_put(c, &b, 1);
		} else {
			char esc[16];
			int k = snprintf(esc, sizeof(esc), "\\x%02x", (unsigned)(int)(int8_t)b);
			err = dm_put(c, esc, (size_t)k);
		}
	}
	if (!err)
		err = dm_put(c, "\n", 1);
	return err;
}

/* ---- fact checks ---- */

/* Fails with NOTSUPP naming the first missing fact of ids[]. */
static struct mdf_error *dm_need(const struct dm_ctx *c, const char *fmt_name,
				 const enum kfact_id *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!kf_have(c->kf, ids[i]))
			return mdf_error_create(MDF_ERR_NOTSUPP,
						"%s kernel log: VMCOREINFO lacks %s", fmt_name,
						kfact_table[ids[i]].key);
	return NULL;
}

/* A struct size from the facts: nonzero and small enough to buffer. */
static struct mdf_error *dm_struct_size(const struct dm_ctx *c, enum kfact_id id, uint64_t *ret)
{
	uint64_t v = kf_get(c->kf, id);
	if (v == 0 || v > DMESG_MAX_STRUCT_SIZE)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s=%llu is out of range",
					kfact_table[id].key, (unsigned long long)v);
	*ret = v;
	return NULL;
}

/* Checks that a field of width bytes at the fact's offset (+extra) fits in
 * a struct of size bytes; returns the offset. */
static struct mdf_error *dm_field_off(const struct dm_ctx *c, enum kfact_id id, uint64_t extra,
				      unsigned width, uint64_t size, uint64_t *ret)
{
	uint64_t off = kf_get(c->kf, id);
	if (off > size || extra > size - off || width > size - off - extra)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s=%llu does not fit in a %llu-byte struct",
					kfact_table[id].key, (unsigned long long)off,
					(unsigned long long)size);
	*ret = off + extra;
	return NULL;
}

/* An optional field: true if the fact is known and the field fits. */
static bool dm_optional_off(const struct dm_ctx *c, enum kfact_id id, unsigned width,
			    uint64_t size, uint64_t *ret)
{
	if (!kf_have(c->kf, id))
		return false;
	struct mdf_error *err = dm_field_off(c, id, 0, width, size, ret);
	mdf_error_destroy(err);
	return err == NULL;
}

/* ---- format 1: plain text buffer (< 3.5), REFERENCE.md 9.1 ---- */

/* log_end is unsigned long up to 2.6.24 and unsigned int from 2.6.25. */
static unsigned dm_log_end_width(const struct kfacts *kf)
{
	unsigned a = 0, b = 0, d = 0;
	if (sscanf(kf->osrelease, "%u.%u.%u", &a, &b, &d) == 3 && a == 2 &&
	    (b < 6 || (b == 6 && d <= 24)))
		return 8;
	return 4;
}

static struct mdf_error *dm_write_range(struct dm_ctx *c, uint64_t base, uint64_t from,
					uint64_t to)
{
	uint8_t *buf = malloc(DM_WIN_SIZE);
	if (!buf)
		return mdf_error_create(MDF_ERR_NOMEM, "allocating a log chunk");
	struct mdf_error *err = NULL;
	for (uint64_t pos = from; pos < to && !err; pos += DM_WIN_SIZE) {
		size_t n = to - pos < DM_WIN_SIZE ? (size_t)(to - pos) : DM_WIN_SIZE;
		err = dm_read(c, base + pos, buf, n, "log_buf");
		if (!err)
			err = dm_put(c, buf, n);
	}
	free(buf);
	return err;
}

static struct mdf_error *dm_read_log_buf(struct dm_ctx *c, uint64_t *buf_ret, uint64_t *len_ret)
{
	struct mdf_error *err = dm_read_uint(c, kf_get(c->kf, KF_SYMBOL_log_buf), 8, "log_buf",
					     buf_ret);
	if (!err)
		err = dm_read_uint(c, kf_get(c->kf, KF_SYMBOL_log_buf_len), 4, "log_buf_len",
				   len_ret);
	if (err)
		return err;
	if (*len_ret == 0 || *len_ret > (UINT64_C(1) << DMESG_MAX_SIZE_BITS))
		return mdf_error_create(MDF_ERR_CORRUPT, "log_buf_len %llu is out of range",
					(unsigned long long)*len_ret);
	return NULL;
}

static struct mdf_error *dm_plain(struct dm_ctx *c)
{
	uint64_t buf, len, end;
	struct mdf_error *err = dm_read_log_buf(c, &buf, &len);
	if (!err)
		err = dm_read_uint(c, kf_get(c->kf, KF_SYMBOL_log_end), dm_log_end_width(c->kf),
				   "log_end", &end);
	if (err)
		return err;
	if (end < len)
		return dm_write_range(c, buf, 0, end);
	/* The buffer has wrapped: the oldest byte is the next one to write. */
	uint64_t idx = (len & (len - 1)) == 0 ? end & (len - 1) : end % len;
	err = dm_write_range(c, buf, idx, len);
	if (!err)
		err = dm_write_range(c, buf, 0, idx);
	return err;
}

/* ---- format 2: structured records (3.5 - 5.9), REFERENCE.md 9.2 ---- */

struct dm_log {
	uint64_t buf, len;      /* log_buf and log_buf_len */
	uint64_t hdr_size;      /* SIZE(printk_log) */
	uint64_t off_ts, off_len, off_text_len, off_caller;
	bool have_caller;
	struct dm_win win;
	uint8_t hdr[DMESG_MAX_STRUCT_SIZE];
};

/* Reads the header at idx; *next_ret is where the following record starts. */
static struct mdf_error *dm_log_step(struct dm_ctx *c, struct dm_log *l, uint64_t idx,
				     uint64_t *next_ret)
{
	if (idx > l->len || l->hdr_size > l->len - idx)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"log record index 0x%llx is outside the %llu-byte log_buf",
					(unsigned long long)idx, (unsigned long long)l->len);
	struct mdf_error *err = dm_win_read(c, &l->win, idx, l->hdr, l->hdr_size, "log record");
	if (err)
		return err;
	uint64_t rec_len = dm_field(c, l->hdr, l->off_len, 2);
	if (rec_len == 0) {
		*next_ret = 0; /* wrap marker: the next record is at the start */
		return NULL;
	}
	if (rec_len < l->hdr_size)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"log record at 0x%llx has length %llu < header size %llu",
					(unsigned long long)idx, (unsigned long long)rec_len,
					(unsigned long long)l->hdr_size);
	*next_ret = idx + rec_len;
	return NULL;
}

/* Brent's cycle detection over the record chain from start; sets *steps_ret
 * to the number of transitions that visit each record once and returns the
 * reason the chain does not reach end (cycle or bad index), or NULL. */
static struct mdf_error *dm_log_measure(struct dm_ctx *c, struct dm_log *l, uint64_t start,
					uint64_t end, uint64_t *steps_ret)
{
	uint64_t power = 1, lam = 1, tortoise = start, hare = start, steps = 0, next;
	struct mdf_error *err = NULL;
	*steps_ret = 0;
	if (start == end)
		return NULL;
	if ((err = dm_log_step(c, l, hare, &next)))
		return err;
	hare = next;
	steps = 1;
	while (tortoise != hare) {
		if (hare == end) {
			*steps_ret = steps;
			return NULL;
		}
		if (power == lam) {
			tortoise = hare;
			power *= 2;
			lam = 0;
		}
		if ((err = dm_log_step(c, l, hare, &next))) {
			*steps_ret = steps;
			return err;
		}
		hare = next;
		lam++;
		steps++;
	}
	/* A cycle of length lam: find its first element mu steps from start. */
	tortoise = hare = start;
	for (uint64_t i = 0; i < lam && !err; i++)
		if (!(err = dm_log_step(c, l, hare, &next)))
			hare = next;
	uint64_t mu = 0;
	while (!err && tortoise != hare) {
		if (!(err = dm_log_step(c, l, tortoise, &next)))
			tortoise = next;
		if (!err && !(err = dm_log_step(c, l, hare, &next)))
			hare = next;
		mu++;
	}
	mdf_error_destroy(err);
	*steps_ret = mu + lam;
	return mdf_error_create(MDF_ERR_CORRUPT,
				"the log record chain loops at index 0x%llx after %llu records",
				(unsigned long long)tortoise, (unsigned long long)(mu + lam));
}

static struct mdf_error *dm_log_print(struct dm_ctx *c, struct dm_log *l, uint64_t start,
				      uint64_t end, uint64_t steps)
{
	uint8_t *text = malloc(UINT16_MAX + 1);
	if (!text)
		return mdf_error_create(MDF_ERR_NOMEM, "allocating a log record buffer");
	struct mdf_error *err = NULL;
	uint64_t idx = start;
	for (uint64_t i = 0; i < steps && idx != end && !err; i++) {
		uint64_t next;
		if ((err = dm_log_step(c, l, idx, &next)))
			break;
		if (dm_field(c, l->hdr, l->off_len, 2) != 0) {
			uint64_t ts = dm_field(c, l->hdr, l->off_ts, 8);
			uint64_t tl = dm_field(c, l->hdr, l->off_text_len, 2);
			uint64_t room = next - idx - l->hdr_size;
			if (tl > room)
				tl = room;
			if (tl > l->len - idx - l->hdr_size)
				tl = l->len - idx - l->hdr_size;
			uint32_t caller = l->have_caller ?
				(uint32_t)dm_field(c, l->hdr, l->off_caller, 4) : 0;
			err = tl ? dm_win_read(c, &l->win, idx + l->hdr_size, text, tl, "log text")
				 : NULL;
			if (!err)
				err = dm_put_record(c, ts, l->have_caller, caller, text, tl);
		}
		idx = next;
	}
	free(text);
	return err;
}

/* Picks printk_log.* (3.11+) or log.* (3.5-3.10) facts. */
static struct mdf_error *dm_log_layout(struct dm_ctx *c, struct dm_log *l)
{
	bool new_name = kf_have(c->kf, KF_SIZE_printk_log);
	enum kfact_id ids_new[] = { KF_SIZE_printk_log, KF_OFFSET_printk_log_ts_nsec,
				    KF_OFFSET_printk_log_len, KF_OFFSET_printk_log_text_len };
	enum kfact_id ids_old[] = { KF_SIZE_log, KF_OFFSET_log_ts_nsec, KF_OFFSET_log_len,
				    KF_OFFSET_log_text_len };
	enum kfact_id *ids = new_name ? ids_new : ids_old;
	struct mdf_error *err = dm_need(c, "structured", ids, 4);
	if (!err)
		err = dm_struct_size(c, ids[0], &l->hdr_size);
	if (!err)
		err = dm_field_off(c, ids[1], 0, 8, l->hdr_size, &l->off_ts);
	if (!err)
		err = dm_field_off(c, ids[2], 0, 2, l->hdr_size, &l->off_len);
	if (!err)
		err = dm_field_off(c, ids[3], 0, 2, l->hdr_size, &l->off_text_len);
	if (!err && new_name)
		l->have_caller = dm_optional_off(c, KF_OFFSET_printk_log_caller_id, 4, l->hdr_size,
						  &l->off_caller);
	return err;
}

static struct mdf_error *dm_structured(struct dm_ctx *c, bool partial)
{
	enum kfact_id ids[] = { KF_SYMBOL_log_first_idx, KF_SYMBOL_log_next_idx };
	struct dm_log l;
	memset(&l, 0, sizeof(l));
	uint64_t first, end;
	struct mdf_error *err = dm_need(c, "structured", ids, 2);
	if (!err && partial && !kf_have(c->kf, KF_SYMBOL_clear_idx))
		err = dm_need(c, "structured (--partial-dmesg)",
			      (enum kfact_id[]){ KF_SYMBOL_clear_idx }, 1);
	if (!err)
		err = dm_log_layout(c, &l);
	if (!err)
		err = dm_read_log_buf(c, &l.buf, &l.len);
	if (!err)
		err = dm_read_uint(c, kf_get(c->kf, partial ? KF_SYMBOL_clear_idx :
						    KF_SYMBOL_log_first_idx), 4,
				   partial ? "clear_idx" : "log_first_idx", &first);
	if (!err)
		err = dm_read_uint(c, kf_get(c->kf, KF_SYMBOL_log_next_idx), 4, "log_next_idx",
				   &end);
	if (err)
		return err;
	if ((err = dm_win_init(&l.win, l.buf, l.len)))
		return err;
	uint64_t steps;
	struct mdf_error *chain_err = dm_log_measure(c, &l, first, end, &steps);
	err = dm_log_print(c, &l, first, end, steps);
	dm_win_deinit(&l.win);
	if (err) {
		mdf_error_destroy(chain_err);
		return err;
	}
	return chain_err;
}

/* ---- format 3: lockless ring buffer (5.10+), REFERENCE.md 9.3 ---- */

struct dm_prb {
	uint64_t count, size;          /* descriptors, data bytes */
	uint64_t head_id, tail_id;
	uint64_t desc_size, info_size;
	uint64_t off_state, off_begin, off_next;
	uint64_t off_seq, off_ts, off_text_len, off_caller;
	bool have_seq, have_caller;
	struct dm_win descs, infos, data;
	uint8_t desc[DMESG_MAX_STRUCT_SIZE];
	uint8_t info[DMESG_MAX_STRUCT_SIZE];
	uint8_t text[UINT16_MAX + 1];
};

static const enum kfact_id dm_prb_facts[] = {
	KF_SYMBOL_prb,
	KF_OFFSET_printk_ringbuffer_desc_ring, KF_OFFSET_printk_ringbuffer_text_data_ring,
	KF_OFFSET_prb_desc_ring_count_bits, KF_OFFSET_prb_desc_ring_descs,
	KF_OFFSET_prb_desc_ring_infos, KF_OFFSET_prb_desc_ring_head_id,
	KF_OFFSET_prb_desc_ring_tail_id, KF_SIZE_prb_desc, KF_OFFSET_prb_desc_state_var,
	KF_OFFSET_prb_desc_text_blk_lpos, KF_OFFSET_prb_data_blk_lpos_begin,
	KF_OFFSET_prb_data_blk_lpos_next, KF_OFFSET_prb_data_ring_size_bits,
	KF_OFFSET_prb_data_ring_data, KF_SIZE_printk_info, KF_OFFSET_printk_info_ts_nsec,
	KF_OFFSET_printk_info_text_len, KF_OFFSET_atomic_long_t_counter,
};

/* Struct layouts from the facts, each field checked to fit its struct. */
static struct mdf_error *dm_prb_layout(struct dm_ctx *c, struct dm_prb *p)
{
	const struct kfacts *kf = c->kf;
	uint64_t counter = kf_get(kf, KF_OFFSET_atomic_long_t_counter);
	uint64_t lpos = kf_get(kf, KF_OFFSET_prb_desc_text_blk_lpos);
	struct mdf_error *err = dm_need(c, "lockless ring", dm_prb_facts,
					sizeof(dm_prb_facts) / sizeof(dm_prb_facts[0]));
	if (!err)
		err = dm_struct_size(c, KF_SIZE_prb_desc, &p->desc_size);
	if (!err)
		err = dm_struct_size(c, KF_SIZE_printk_info, &p->info_size);
	if (!err)
		err = dm_field_off(c, KF_OFFSET_prb_desc_state_var, counter, 8, p->desc_size,
				   &p->off_state);
	if (!err)
		err = dm_field_off(c, KF_OFFSET_prb_data_blk_lpos_begin, lpos, 8, p->desc_size,
				   &p->off_begin);
	if (!err)
		err = dm_field_off(c, KF_OFFSET_prb_data_blk_lpos_next, lpos, 8, p->desc_size,
				   &p->off_next);
	if (!err)
		err = dm_field_off(c, KF_OFFSET_printk_info_ts_nsec, 0, 8, p->info_size, &p->off_ts);
	if (!err)
		err = dm_field_off(c, KF_OFFSET_printk_info_text_len, 0, 2, p->info_size,
				   &p->off_text_len);
	if (!err)
		p->have_seq = dm_optional_off(c, KF_OFFSET_printk_info_seq, 8, p->info_size,
					      &p->off_seq);
	if (!err)
		p->have_caller = dm_optional_off(c, KF_OFFSET_printk_info_caller_id, 4, p->info_size,
						 &p->off_caller);
	return err;
}

/* Reads *prb and the ring geometry; opens windows over the three arrays. */
static struct mdf_error *dm_prb_open(struct dm_ctx *c, struct dm_prb *p)
{
	const struct kfacts *kf = c->kf;
	uint64_t rb = 0, bits = 0, descs = 0, infos = 0, data = 0, sbits = 0;
	uint64_t counter = kf_get(kf, KF_OFFSET_atomic_long_t_counter);
	struct mdf_error *err = dm_read_uint(c, kf_get(kf, KF_SYMBOL_prb), 8, "prb", &rb);
	uint64_t dr = rb + kf_get(kf, KF_OFFSET_printk_ringbuffer_desc_ring);
	uint64_t tr = rb + kf_get(kf, KF_OFFSET_printk_ringbuffer_text_data_ring);
	if (!err)
		err = dm_read_uint(c, dr + kf_get(kf, KF_OFFSET_prb_desc_ring_count_bits), 4,
				   "prb_desc_ring.count_bits", &bits);
	if (!err)
		err = dm_read_uint(c, dr + kf_get(kf, KF_OFFSET_prb_desc_ring_descs), 8,
				   "prb_desc_ring.descs", &descs);
	if (!err)
		err = dm_read_uint(c, dr + kf_get(kf, KF_OFFSET_prb_desc_ring_infos), 8,
				   "prb_desc_ring.infos", &infos);
	if (!err)
		err = dm_read_uint(c, dr + kf_get(kf, KF_OFFSET_prb_desc_ring_head_id) + counter,
				   8, "prb_desc_ring.head_id", &p->head_id);
	if (!err)
		err = dm_read_uint(c, dr + kf_get(kf, KF_OFFSET_prb_desc_ring_tail_id) + counter,
				   8, "prb_desc_ring.tail_id", &p->tail_id);
	if (!err)
		err = dm_read_uint(c, tr + kf_get(kf, KF_OFFSET_prb_data_ring_size_bits), 4,
				   "prb_data_ring.size_bits", &sbits);
	if (!err)
		err = dm_read_uint(c, tr + kf_get(kf, KF_OFFSET_prb_data_ring_data), 8,
				   "prb_data_ring.data", &data);
	if (err)
		return err;
	if (bits > DMESG_MAX_COUNT_BITS || sbits > DMESG_MAX_SIZE_BITS || sbits < 3)
		return mdf_error_create(MDF_ERR_CORRUPT,
					"printk ring geometry out of range: count_bits %llu, size_bits %llu",
					(unsigned long long)bits, (unsigned long long)sbits);
	p->count = UINT64_C(1) << bits;
	p->size = UINT64_C(1) << sbits;
	p->head_id &= DM_DESC_ID_MASK;
	p->tail_id &= DM_DESC_ID_MASK;
	if ((err = dm_win_init(&p->descs, descs, p->count * p->desc_size)))
		return err;
	if ((err = dm_win_init(&p->infos, infos, p->count * p->info_size)))
		return err;
	return dm_win_init(&p->data, data, p->size);
}

/* clear_seq: a u64 before 5.13, a latched_seq since (value = val[latch & 1]). */
static struct mdf_error *dm_clear_seq(struct dm_ctx *c, uint64_t *ret)
{
	const struct kfacts *kf = c->kf;
	uint64_t addr = kf_get(kf, KF_SYMBOL_clear_seq), latch;
	if (!kf_have(kf, KF_OFFSET_latched_seq_val))
		return dm_read_uint(c, addr, 8, "clear_seq", ret);
	struct mdf_error *err = dm_read_uint(c, addr, 4, "clear_seq.latch", &latch);
	if (!err)
		err = dm_read_uint(c, addr + kf_get(kf, KF_OFFSET_latched_seq_val) + 8 * (latch & 1),
				   8, "clear_seq.val", ret);
	return err;
}

/* First id to print with --partial-dmesg, from sequence numbers rather than
 * makedumpfile's formula, which loops when clear_seq % count > head % count
 * (REFERENCE.md 9.3). *none_ret is set when clear_seq is past the head. */
static struct mdf_error *dm_prb_partial_start(struct dm_ctx *c, struct dm_prb *p, uint64_t dist,
					      uint64_t *start_ret, bool *none_ret)
{
	uint64_t clear, head_seq;
	*none_ret = false;
	*start_ret = p->tail_id;
	struct mdf_error *err = dm_need(c, "lockless ring (--partial-dmesg)",
					(enum kfact_id[]){ KF_SYMBOL_clear_seq }, 1);
	if (!err)
		err = dm_clear_seq(c, &clear);
	if (err)
		return err;
	if (!p->have_seq) {
		/* Without seq, ids and sequence numbers agree modulo count. */
		uint64_t back = (p->head_id - clear) & (p->count - 1);
		if (back <= dist)
			*start_ret = (p->head_id - back) & DM_DESC_ID_MASK;
		return NULL;
	}
	err = dm_win_read(c, &p->infos, (p->head_id & (p->count - 1)) * p->info_size, p->info,
			  p->info_size, "printk_info");
	if (err)
		return err;
	head_seq = dm_field(c, p->info, p->off_seq, 8);
	if (clear > head_seq) {
		*none_ret = true;
		return NULL;
	}
	if (head_seq - clear <= dist)
		*start_ret = (p->head_id - (head_seq - clear)) & DM_DESC_ID_MASK;
	return NULL;
}

/* Prints the record of descriptor id if it is committed or finalized and
 * has text; anything else (stale, reserved, reusable, data-less) is skipped. */
static struct mdf_error *dm_prb_record(struct dm_ctx *c, struct dm_prb *p, uint64_t id)
{
	uint64_t idx = id & (p->count - 1);
	struct mdf_error *err = dm_win_read(c, &p->descs, idx * p->desc_size, p->desc,
					    p->desc_size, "prb_desc");
	if (err)
		return err;
	uint64_t sv = dm_field(c, p->desc, p->off_state, 8);
	uint64_t state = sv >> 62;
	if ((sv & DM_DESC_ID_MASK) != id ||
	    (state != DM_DESC_COMMITTED && state != DM_DESC_FINALIZED))
		return NULL;
	uint64_t begin = dm_field(c, p->desc, p->off_begin, 8) & (p->size - 1);
	uint64_t next = dm_field(c, p->desc, p->off_next, 8) & (p->size - 1);
	if (begin == next)
		return NULL; /* data-less: FAILED_LPOS or NO_LPOS */
	if (begin > next)
		begin = 0; /* a wrapped block keeps its data at the start */
	begin += 8;    /* the block starts with its descriptor id */
	err = dm_win_read(c, &p->infos, idx * p->info_size, p->info, p->info_size, "printk_info");
	if (err)
		return err;
	uint64_t len = dm_field(c, p->info, p->off_text_len, 2);
	uint64_t room = next > begin ? next - begin : 0;
	if (len > room)
		len = room;
	if (len && (err = dm_win_read(c, &p->data, begin, p->text, len, "printk text")))
		return err;
	uint32_t caller = p->have_caller ? (uint32_t)dm_field(c, p->info, p->off_caller, 4) : 0;
	return dm_put_record(c, dm_field(c, p->info, p->off_ts, 8), p->have_caller, caller,
			     p->text, len);
}

/* A tail more than count ids behind the head cannot happen in a kernel's
 * ring: warn and print the newest count ids. */
static struct mdf_error *dm_prb_walk(struct dm_ctx *c, struct dm_prb *p, bool partial)
{
	uint64_t dist = (p->head_id - p->tail_id) & DM_DESC_ID_MASK;
	if (dist >= p->count) {
		mdf_msgf(c->msg, MDF_MSG_ERROR,
			 "printk ring: tail id 0x%llx is %llu ids behind head id 0x%llx, more than the %llu descriptors; printing the last %llu ids",
			 (unsigned long long)p->tail_id, (unsigned long long)dist,
			 (unsigned long long)p->head_id, (unsigned long long)p->count,
			 (unsigned long long)p->count);
		dist = p->count - 1;
		p->tail_id = (p->head_id - dist) & DM_DESC_ID_MASK;
	}
	uint64_t start = p->tail_id;
	if (partial) {
		bool none;
		struct mdf_error *err = dm_prb_partial_start(c, p, dist, &start, &none);
		if (err || none)
			return err;
	}
	uint64_t n = ((p->head_id - start) & DM_DESC_ID_MASK) + 1;
	for (uint64_t i = 0; i < n; i++) {
		struct mdf_error *err = dm_prb_record(c, p, (start + i) & DM_DESC_ID_MASK);
		if (err)
			return err;
	}
	return NULL;
}

static struct mdf_error *dm_lockless(struct dm_ctx *c, bool partial)
{
	struct dm_prb *p = calloc(1, sizeof(*p));
	if (!p)
		return mdf_error_create(MDF_ERR_NOMEM, "allocating printk ring state");
	struct mdf_error *err = dm_prb_layout(c, p);
	if (!err)
		err = dm_prb_open(c, p);
	if (!err)
		err = dm_prb_walk(c, p, partial);
	dm_win_deinit(&p->descs);
	dm_win_deinit(&p->infos);
	dm_win_deinit(&p->data);
	free(p);
	return err;
}

/* ---- entry points ---- */

struct mdf_error *dmesg_extract_opts(const struct kfacts *kf, const struct dmesg_io *io,
				     const struct dmesg_opts *opts, const struct mdf_msg *msg)
{
	struct dm_ctx c = {
		.kf = kf, .io = io, .msg = msg, .caller = opts->caller_id, .be = opts->big_endian,
	};
	/* REFERENCE.md 9: prb first (6.x notes lack log_buf*), then log_end. */
	if (!kf_have(kf, KF_SYMBOL_prb) &&
	    (!kf_have(kf, KF_SYMBOL_log_buf) || !kf_have(kf, KF_SYMBOL_log_buf_len)))
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"cannot find the kernel log: VMCOREINFO has neither SYMBOL(prb) nor SYMBOL(log_buf) and SYMBOL(log_buf_len)");
	struct mdf_error *err;
	c.out = malloc(DM_OUT_SIZE);
	if (!c.out)
		return mdf_error_create(MDF_ERR_NOMEM, "allocating the dmesg output buffer");
	if (kf_have(kf, KF_SYMBOL_prb))
		err = dm_lockless(&c, opts->partial);
	else if (kf_have(kf, KF_SYMBOL_log_end))
		err = dm_plain(&c); /* whole buffer; 1.7.2 ignores --partial-dmesg here */
	else
		err = dm_structured(&c, opts->partial);
	/* Records decoded before an error are still written. */
	struct mdf_error *ferr = dm_flush(&c);
	free(c.out);
	if (err) {
		mdf_error_destroy(ferr);
		return err;
	}
	return ferr;
}

struct mdf_error *dmesg_extract(const struct kfacts *kf, const struct dmesg_io *io, bool partial,
				const struct mdf_msg *msg)
{
	struct dmesg_opts o = { .partial = partial };
	return dmesg_extract_opts(kf, io, &o, msg);
}
