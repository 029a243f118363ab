/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for dmesg.c: the three kernel log formats (REFERENCE.md 9) laid
 * out in a fake kernel address space behind the read callback, with known
 * text, and corrupted variants that must end in an error or the valid
 * records, never a hang or a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dmesg.h"

/* ---- fake kernel memory and output ---- */

#define MEM_BASE UINT64_C(0xffffffff81000000)
#define MEM_SIZE 0x40000

struct fake {
	uint8_t mem[MEM_SIZE];
	char *out;
	size_t out_len, out_cap;
	int reads;
	struct kfacts kf;
	int warnings;
};

static struct mdf_error *fake_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct fake *f = arg;
	f->reads++;
	if (va < MEM_BASE || va - MEM_BASE > MEM_SIZE || len > MEM_SIZE - (va - MEM_BASE))
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx",
					(unsigned long long)va);
	memcpy(buf, f->mem + (va - MEM_BASE), len);
	return NULL;
}

static struct mdf_error *fake_write(void *arg, const void *buf, size_t len)
{
	struct fake *f = arg;
	if (f->out_len + len + 1 > f->out_cap) {
		f->out_cap = (f->out_len + len + 1) * 2;
		f->out = realloc(f->out, f->out_cap);
		assert_non_null(f->out);
	}
	memcpy(f->out + f->out_len, buf, len);
	f->out_len += len;
	f->out[f->out_len] = 0;
	return NULL;
}

static void fake_msg(void *arg, enum mdf_msg_level level, const char *text)
{
	(void)level;
	(void)text;
	((struct fake *)arg)->warnings++;
}

static struct fake *fake_new(void)
{
	struct fake *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	kfacts_init(&f->kf);
	return f;
}

static void fake_free(struct fake *f)
{
	free(f->out);
	free(f);
}

static void put64(struct fake *f, uint64_t off, uint64_t v)
{
	memcpy(f->mem + off, &v, 8);
}
static void put32(struct fake *f, uint64_t off, uint32_t v)
{
	memcpy(f->mem + off, &v, 4);
}
static void put16(struct fake *f, uint64_t off, uint16_t v)
{
	memcpy(f->mem + off, &v, 2);
}

/* Runs the decoder; returns its error code (0 = success). */
static int run(struct fake *f, bool partial, bool caller)
{
	struct dmesg_io io = { fake_read, fake_write, f };
	struct dmesg_opts o = { .partial = partial, .caller_id = caller };
	struct mdf_msg msg = { fake_msg, f, 0xff };
	f->out_len = 0;
	if (f->out)
		f->out[0] = 0;
	struct mdf_error *err = dmesg_extract_opts(&f->kf, &io, &o, &msg);
	int code = err ? (int)err->code : 0;
	mdf_error_destroy(err);
	return code;
}

static const char *out(struct fake *f)
{
	return f->out ? f->out : "";
}

/* ---- lockless ring (REFERENCE.md 9.3, the 6.1 layout) ---- */

enum {
	PRB_VAR = 0x0, CLEAR_SEQ = 0x40, RB = 0x100,
	DESCS = 0x1000, INFOS = 0x8000, DATA = 0x20000,
	DESC_SZ = 24, INFO_SZ = 88,
};
#define ID_MASK ((UINT64_C(1) << 62) - 1)

struct prb {
	struct fake *f;
	unsigned count_bits, size_bits;
	uint64_t next_id, lpos, seq;
};

static void prb_facts(struct kfacts *kf)
{
	kf_set(kf, KF_SYMBOL_prb, MEM_BASE + PRB_VAR);
	kf_set(kf, KF_SYMBOL_clear_seq, MEM_BASE + CLEAR_SEQ);
	kf_set(kf, KF_OFFSET_printk_ringbuffer_desc_ring, 0);
	kf_set(kf, KF_OFFSET_printk_ringbuffer_text_data_ring, 48);
	kf_set(kf, KF_OFFSET_prb_desc_ring_count_bits, 0);
	kf_set(kf, KF_OFFSET_prb_desc_ring_descs, 8);
	kf_set(kf, KF_OFFSET_prb_desc_ring_infos, 16);
	kf_set(kf, KF_OFFSET_prb_desc_ring_head_id, 24);
	kf_set(kf, KF_OFFSET_prb_desc_ring_tail_id, 32);
	kf_set(kf, KF_SIZE_prb_desc, DESC_SZ);
	kf_set(kf, KF_OFFSET_prb_desc_state_var, 0);
	kf_set(kf, KF_OFFSET_prb_desc_text_blk_lpos, 8);
	kf_set(kf, KF_OFFSET_prb_data_blk_lpos_begin, 0);
	kf_set(kf, KF_OFFSET_prb_data_blk_lpos_next, 8);
	kf_set(kf, KF_OFFSET_prb_data_ring_size_bits, 0);
	kf_set(kf, KF_OFFSET_prb_data_ring_data, 8);
	kf_set(kf, KF_SIZE_printk_info, INFO_SZ);
	kf_set(kf, KF_OFFSET_printk_info_seq, 0);
	kf_set(kf, KF_OFFSET_printk_info_ts_nsec, 8);
	kf_set(kf, KF_OFFSET_printk_info_text_len, 16);
	kf_set(kf, KF_OFFSET_printk_info_caller_id, 20);
	kf_set(kf, KF_OFFSET_atomic_long_t_counter, 0);
	kf_set(kf, KF_SIZE_latched_seq, 24);
	kf_set(kf, KF_OFFSET_latched_seq_val, 8);
}

static void prb_set_ids(struct prb *p, uint64_t tail, uint64_t head)
{
	put64(p->f, RB + 32, tail);
	put64(p->f, RB + 24, head);
}

static void prb_set_clear_seq(struct prb *p, uint64_t seq)
{
	put32(p->f, CLEAR_SEQ, 1); /* latch odd: val[1] is current */
	put64(p->f, CLEAR_SEQ + 8, 0xdead);
	put64(p->f, CLEAR_SEQ + 16, seq);
}

/* An empty ring as the kernel boots it: one reusable boot descriptor whose id
 * is -(count + 1) computed in 32 bits, lpos starting at -size. */
static void prb_init(struct prb *p, struct fake *f, unsigned count_bits, unsigned size_bits,
		     uint64_t first_id)
{
	uint64_t count = 1u << count_bits;
	memset(p, 0, sizeof(*p));
	p->f = f;
	p->count_bits = count_bits;
	p->size_bits = size_bits;
	prb_facts(&f->kf);
	put64(f, PRB_VAR, MEM_BASE + RB);
	put32(f, RB + 0, count_bits);
	put64(f, RB + 8, MEM_BASE + DESCS);
	put64(f, RB + 16, MEM_BASE + INFOS);
	put32(f, RB + 48, size_bits);
	put64(f, RB + 56, MEM_BASE + DATA);
	uint64_t boot = first_id - 1;
	put64(f, DESCS + (boot & (count - 1)) * DESC_SZ, (UINT64_C(3) << 62) | (boot & ID_MASK));
	put64(f, DESCS + (boot & (count - 1)) * DESC_SZ + 8, 1);
	put64(f, DESCS + (boot & (count - 1)) * DESC_SZ + 16, 1);
	prb_set_ids(p, boot & ID_MASK, boot & ID_MASK);
	prb_set_clear_seq(p, 0);
	p->next_id = first_id & ID_MASK;
	p->lpos = -(UINT64_C(1) << size_bits);
}

/* Appends a finalized record, allocating its data block as the kernel does
 * (a block that would cross the end of the array is stored at its start).
 * Returns the id. text_len may exceed len to model a clipped record. */
static uint64_t prb_push_raw(struct prb *p, const char *text, size_t len, uint16_t text_len,
			     uint64_t ts)
{
	uint64_t count = 1u << p->count_bits, size = UINT64_C(1) << p->size_bits;
	uint64_t id = p->next_id, idx = id & (count - 1);
	uint64_t blk = (8 + len + 7) & ~UINT64_C(7);
	uint64_t begin = p->lpos, next = begin + blk;
	if (begin / size != next / size)
		next = (next & ~(size - 1)) + blk;
	uint64_t at = (next - blk) & (size - 1);
	put64(p->f, DATA + at, id);
	memcpy(p->f->mem + DATA + at + 8, text, len);
	put64(p->f, DESCS + idx * DESC_SZ, (UINT64_C(2) << 62) | id);
	put64(p->f, DESCS + idx * DESC_SZ + 8, begin);
	put64(p->f, DESCS + idx * DESC_SZ + 16, next);
	memset(p->f->mem + INFOS + idx * INFO_SZ, 0, INFO_SZ);
	put64(p->f, INFOS + idx * INFO_SZ, p->seq);
	put64(p->f, INFOS + idx * INFO_SZ + 8, ts);
	put16(p->f, INFOS + idx * INFO_SZ + 16, text_len);
	put32(p->f, INFOS + idx * INFO_SZ + 20, (uint32_t)(100 + p->seq));
	p->lpos = next;
	p->seq++;
	p->next_id = (id + 1) & ID_MASK;
	uint64_t tail;
	memcpy(&tail, p->f->mem + RB + 32, 8);
	if (((id - tail) & ID_MASK) >= count)
		tail = (id - (count - 1)) & ID_MASK;
	prb_set_ids(p, tail, id);
	return id;
}

static uint64_t prb_push(struct prb *p, const char *text, uint64_t ts)
{
	return prb_push_raw(p, text, strlen(text), (uint16_t)strlen(text), ts);
}

static void prb_set_state(struct prb *p, uint64_t id, unsigned state)
{
	uint64_t idx = id & ((1u << p->count_bits) - 1);
	put64(p->f, DESCS + idx * DESC_SZ, ((uint64_t)state << 62) | id);
}

static void test_prb_formatting(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 4, 10, 0xfffff000);
	prb_push(&p, "Linux version 6.1", 0);
	prb_push(&p, "first\nsecond", 1500000000);
	prb_push(&p, "\x07" "bell \xe2\x80\x99 tab\tvt\vff\fcr\r del\x7f nul", 12345678901);
	prb_push(&p, "", 100000123456789);
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f),
			    "[    0.000000] Linux version 6.1\n"
			    "[    1.500000] first\n"
			    "               second\n"
			    "[   12.345678] \\x07bell \\xffffffe2\\xffffff80\\xffffff99 tab\tvt\vff\fcr\r del\\x7f nul\n"
			    "[100000.123456] \n");
	/* --partial-dmesg with clear_seq 0 is the whole log. */
	char *full = strdup(out(f));
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), full);
	free(full);
	/* Caller column of makedumpfile >= 1.7.5, behind the option. */
	assert_int_equal(run(f, false, true), 0);
	assert_non_null(strstr(out(f), "[    1.500000] [    T101] first\n"
					"                          second\n"));
	fake_free(f);
}

static void test_prb_empty(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 4, 10, 0xfffff000);
	assert_int_equal(run(f, false, false), 0);
	assert_int_equal(f->out_len, 0);
	assert_int_equal(run(f, true, false), 0);
	assert_int_equal(f->out_len, 0);
	fake_free(f);
}

/* A ring that has wrapped several times, ids crossing the 62-bit mask,
 * records in every state, a data-less record and a block stored at the start
 * of the data array. */
static void test_prb_wrapped_states(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 3, 7, ID_MASK - 9); /* 8 descriptors, 128 data bytes */
	char text[32];
	uint64_t ids[14];
	for (int i = 0; i < 14; i++) {
		snprintf(text, sizeof(text), "rec%02d-%.*s", i, i % 4 * 3, "xxxxxxxxxxxxxxxx");
		ids[i] = prb_push(&p, text, (uint64_t)i * 1000000000u);
	}
	assert_true(ids[13] < 8); /* the ids have wrapped under the mask */
	/* Every pushed block of the last 8 fits only if the ring wrapped; check
	 * at least one live block is stored at the start (begin % size > next % size). */
	int wrapped = 0;
	for (int i = 6; i < 14; i++) {
		uint64_t b, n, idx = ids[i] & 7;
		memcpy(&b, f->mem + DESCS + idx * DESC_SZ + 8, 8);
		memcpy(&n, f->mem + DESCS + idx * DESC_SZ + 16, 8);
		wrapped += (b & 127) > (n & 127);
	}
	assert_true(wrapped >= 1);
	/* Only the newest records whose data is still intact: keep tail at ids[9]. */
	prb_set_ids(&p, ids[9], ids[13]);
	prb_set_state(&p, ids[9], 3);  /* reusable: skipped */
	prb_set_state(&p, ids[10], 1); /* committed: printed */
	prb_set_state(&p, ids[11], 0); /* reserved: skipped */
	/* ids[12]: data-less (FAILED_LPOS) */
	put64(f, DESCS + (ids[12] & 7) * DESC_SZ + 8, 1);
	put64(f, DESCS + (ids[12] & 7) * DESC_SZ + 16, 1);
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[   10.000000] rec10-xxxxxx\n"
				    "[   13.000000] rec13-xxx\n");
	fake_free(f);
}

/* Each of the last records, printed, decodes its own block (wrapped or not). */
static void test_prb_wrap_blocks(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 2, 6, 0x100); /* 4 descriptors, 64 bytes */
	uint64_t a = prb_push(&p, "aaaaaaaaaaaaaaa", 1000); /* block 24 at lpos -64 */
	prb_push(&p, "bbbbbbbbbbbbbbb", 2000);      /* 24 at -40 */
	prb_push(&p, "ccccccccccccccc", 3000);      /* would cross: stored at 0 */
	prb_set_state(&p, a, 3); /* its data was overwritten: the kernel recycled it */
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[    0.000002] bbbbbbbbbbbbbbb\n"
				    "[    0.000003] ccccccccccccccc\n");
	uint64_t b, n;
	memcpy(&b, f->mem + DESCS + (0x102 & 3) * DESC_SZ + 8, 8);
	memcpy(&n, f->mem + DESCS + (0x102 & 3) * DESC_SZ + 16, 8);
	assert_true((b & 63) > (n & 63));
	fake_free(f);
}

/* A record whose text_len claims more than its block holds is clipped. */
static void test_prb_clipped(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 2, 8, 0x10);
	prb_push(&p, "ok", 0);
	prb_push_raw(&p, "cut-by-the-wrap!", 16, 0xffff, 0); /* block holds 16 bytes */
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[    0.000000] ok\n[    0.000000] cut-by-the-wrap!\n");
	fake_free(f);
}

static void test_prb_partial(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 3, 10, 0xfffff000);
	char text[16];
	for (int i = 0; i < 20; i++) { /* seq 0..19; ring keeps 12..19 */
		snprintf(text, sizeof(text), "m%d", i);
		prb_push(&p, text, 0);
	}
	/* clear_seq in the middle, with clear_seq % count > head % count (the
	 * case that makes 1.7.2's formula loop): 14 % 8 = 6 > 19 % 8 = 3. */
	prb_set_clear_seq(&p, 14);
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), "[    0.000000] m14\n[    0.000000] m15\n[    0.000000] m16\n"
				    "[    0.000000] m17\n[    0.000000] m18\n[    0.000000] m19\n");
	prb_set_clear_seq(&p, 19);
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), "[    0.000000] m19\n");
	/* After dmesg -C: clear_seq = head + 1 -> nothing, and promptly. */
	prb_set_clear_seq(&p, 20);
	assert_int_equal(run(f, true, false), 0);
	assert_int_equal(f->out_len, 0);
	prb_set_clear_seq(&p, UINT64_C(1) << 63);
	assert_int_equal(run(f, true, false), 0);
	assert_int_equal(f->out_len, 0);
	/* clear_seq older than the ring (0, or 5): everything retained. */
	prb_set_clear_seq(&p, 0);
	assert_int_equal(run(f, true, false), 0);
	assert_non_null(strstr(out(f), "m12\n"));
	assert_null(strstr(out(f), "m11\n"));
	assert_non_null(strstr(out(f), "m19\n"));
	char *full = strdup(out(f));
	prb_set_clear_seq(&p, 5);
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), full);
	free(full);
	/* Pre-5.13 kernels: clear_seq is a plain u64. */
	f->kf.have[KF_OFFSET_latched_seq_val] = false;
	put64(f, CLEAR_SEQ, 18);
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), "[    0.000000] m18\n[    0.000000] m19\n");
	/* Without printk_info.seq: ids and seqs agree modulo count. */
	f->kf.have[KF_OFFSET_printk_info_seq] = false;
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), "[    0.000000] m18\n[    0.000000] m19\n");
	fake_free(f);
}

static void test_prb_corrupt(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	struct prb p;
	prb_init(&p, f, 3, 8, 0x1000);
	uint64_t a = prb_push(&p, "alpha", 0);
	uint64_t b = prb_push(&p, "beta", 0);
	uint64_t c = prb_push(&p, "gamma", 0);
	/* Descriptor id mismatch (stale slot): skipped. */
	put64(f, DESCS + (b & 7) * DESC_SZ, (UINT64_C(2) << 62) | (b + 8));
	/* Text position past the ring: reduced modulo the ring size, clipped. */
	put64(f, DESCS + (c & 7) * DESC_SZ + 8, UINT64_C(0xfffffffffff00000));
	put64(f, DESCS + (c & 7) * DESC_SZ + 16, UINT64_C(0xfffffffffff00000) + 8);
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[    0.000000] alpha\n[    0.000000] \n");
	(void)a;
	/* Head far ahead of tail: clamped to one ring's worth, with a warning. */
	prb_set_ids(&p, 0, UINT64_C(0x3000000000000005));
	f->warnings = 0;
	f->reads = 0;
	assert_int_equal(run(f, false, false), 0);
	assert_int_equal(f->warnings, 1);
	assert_true(f->reads < 1000);
	/* Geometry out of range. */
	put32(f, RB + 0, 63);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	put32(f, RB + 0, 3);
	put32(f, RB + 48, 40);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	put32(f, RB + 48, 8);
	/* Arrays pointing at unmapped memory: a read error, no crash. */
	prb_set_ids(&p, a, c);
	put64(f, RB + 8, 0x1000);
	assert_int_equal(run(f, false, false), MDF_ERR_NODATA);
	put64(f, RB + 8, MEM_BASE + MEM_SIZE - 16);
	assert_int_equal(run(f, false, false), MDF_ERR_NODATA);
	put64(f, RB + 8, MEM_BASE + DESCS);
	/* Struct sizes and offsets from the facts are checked. */
	kf_set(&f->kf, KF_SIZE_prb_desc, 0);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	kf_set(&f->kf, KF_SIZE_prb_desc, DESC_SZ);
	kf_set(&f->kf, KF_OFFSET_printk_info_text_len, 87);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	kf_set(&f->kf, KF_OFFSET_printk_info_text_len, 16);
	/* A missing fact: the format is unknown. */
	f->kf.have[KF_OFFSET_printk_info_ts_nsec] = false;
	assert_int_equal(run(f, false, false), MDF_ERR_NOTSUPP);
	fake_free(f);
}

/* ---- structured records (REFERENCE.md 9.2) ---- */

enum {
	LOG_BUF_VAR = 0x0, LOG_BUF_LEN = 0x10, LOG_FIRST = 0x20, LOG_NEXT = 0x30, CLEAR_IDX = 0x40,
	LOG_BUF = 0x1000, HDR = 16,
};

static void log_init(struct fake *f, uint32_t len)
{
	struct kfacts *kf = &f->kf;
	kf_set(kf, KF_SYMBOL_log_buf, MEM_BASE + LOG_BUF_VAR);
	kf_set(kf, KF_SYMBOL_log_buf_len, MEM_BASE + LOG_BUF_LEN);
	kf_set(kf, KF_SYMBOL_log_first_idx, MEM_BASE + LOG_FIRST);
	kf_set(kf, KF_SYMBOL_log_next_idx, MEM_BASE + LOG_NEXT);
	kf_set(kf, KF_SYMBOL_clear_idx, MEM_BASE + CLEAR_IDX);
	kf_set(kf, KF_SIZE_printk_log, HDR);
	kf_set(kf, KF_OFFSET_printk_log_ts_nsec, 0);
	kf_set(kf, KF_OFFSET_printk_log_len, 8);
	kf_set(kf, KF_OFFSET_printk_log_text_len, 10);
	put64(f, LOG_BUF_VAR, MEM_BASE + LOG_BUF);
	put32(f, LOG_BUF_LEN, len);
}

/* Writes a record at idx and returns the next index (8-byte aligned). */
static uint32_t log_rec(struct fake *f, uint32_t idx, const char *text, uint64_t ts)
{
	uint32_t tl = (uint32_t)strlen(text), len = (HDR + tl + 7) & ~7u;
	put64(f, LOG_BUF + idx, ts);
	put16(f, LOG_BUF + idx + 8, (uint16_t)len);
	put16(f, LOG_BUF + idx + 10, (uint16_t)tl);
	memcpy(f->mem + LOG_BUF + idx + HDR, text, tl);
	return idx + len;
}

static void test_log_wrap_partial(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	log_init(f, 128);
	/* Oldest records at 64.., a zero-length wrap marker, newer ones at 0. */
	uint32_t i = log_rec(f, 64, "old one", 1000000000);     /* 64..88 */
	i = log_rec(f, i, "old\ttwo", 2000000000);               /* 88..112 */
	put16(f, LOG_BUF + i + 8, 0);                            /* wrap at 112 */
	uint32_t n = log_rec(f, 0, "new\x01", 3000000000u);      /* 0..24 */
	n = log_rec(f, n, "newest", 4000000000u);                /* 24..48 */
	put32(f, LOG_FIRST, 64);
	put32(f, LOG_NEXT, n);
	put32(f, CLEAR_IDX, 24);
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[    1.000000] old one\n[    2.000000] old\ttwo\n"
				    "[    3.000000] new\\x01\n[    4.000000] newest\n");
	assert_int_equal(run(f, true, false), 0);
	assert_string_equal(out(f), "[    4.000000] newest\n");
	/* Empty log. */
	put32(f, LOG_FIRST, 48);
	assert_int_equal(run(f, false, false), 0);
	assert_int_equal(f->out_len, 0);
	/* Pre-3.11 naming: struct log. */
	put32(f, LOG_FIRST, 0);
	f->kf.have[KF_SIZE_printk_log] = false;
	kf_set(&f->kf, KF_SIZE_log, HDR);
	kf_set(&f->kf, KF_OFFSET_log_ts_nsec, 0);
	kf_set(&f->kf, KF_OFFSET_log_len, 8);
	kf_set(&f->kf, KF_OFFSET_log_text_len, 10);
	assert_int_equal(run(f, false, false), 0);
	assert_string_equal(out(f), "[    3.000000] new\\x01\n[    4.000000] newest\n");
	fake_free(f);
}

static void test_log_corrupt(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	log_init(f, 256);
	uint32_t r1 = log_rec(f, 0, "r0", 0);
	uint32_t r2 = log_rec(f, r1, "r1", 0);
	uint32_t k = log_rec(f, r2, "r2", 0);
	/* A cycle: a wrap marker after r2 leads back to r0; log_next_idx is
	 * never reached. */
	put16(f, LOG_BUF + k + 8, 0);
	put32(f, LOG_FIRST, 0);
	put32(f, LOG_NEXT, 200);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	assert_string_equal(out(f), "[    0.000000] r0\n[    0.000000] r1\n[    0.000000] r2\n");
	/* A record whose length leads exactly to the end of the buffer. */
	put16(f, LOG_BUF + k + 8, (uint16_t)(256 - k));
	put16(f, LOG_BUF + k + 10, 1);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	assert_non_null(strstr(out(f), "r2\n"));
	/* Record length shorter than the header. */
	put16(f, LOG_BUF + k + 8, 3);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	/* First index outside the buffer. */
	put32(f, LOG_FIRST, 0x7fffffff);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	assert_int_equal(f->out_len, 0);
	/* log_buf_len out of range. */
	put32(f, LOG_BUF_LEN, 0);
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	fake_free(f);
}

/* Cycle detection over a long chain (Brent) stays fast. */
static void test_log_long_cycle(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	log_init(f, 0x20000);
	uint32_t idx = 0;
	while (idx + 24 <= 0x20000)
		idx = log_rec(f, idx, "zzzzzzz", 0);
	put16(f, LOG_BUF + idx - 24 + 8, 0); /* last record wraps to 0: a cycle */
	put32(f, LOG_FIRST, 48);
	put32(f, LOG_NEXT, 4); /* never reached */
	assert_int_equal(run(f, false, false), MDF_ERR_CORRUPT);
	assert_int_equal(f->out_len, (0x20000 / 24 - 1) * 23u);
	fake_free(f);
}

/* ---- plain text buffer (REFERENCE.md 9.1) ---- */

static void test_plain(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	kf_set(&f->kf, KF_SYMBOL_log_buf, MEM_BASE + 0);
	kf_set(&f->kf, KF_SYMBOL_log_buf_len, MEM_BASE + 0x10);
	kf_set(&f->kf, KF_SYMBOL_log_end, MEM_BASE + 0x20);
	put64(f, 0, MEM_BASE + 0x100);
	put32(f, 0x10, 16);
	memcpy(f->mem + 0x100, "<6>abc\n<4>de\x01\n\xff" "f", 16);
	put32(f, 0x20, 7);
	assert_int_equal(run(f, false, false), 0);
	assert_int_equal(f->out_len, 7);
	assert_memory_equal(f->out, "<6>abc\n", 7);
	/* Wrapped: log_end = 3 * len + 5 -> bytes [5, 16) then [0, 5). */
	put32(f, 0x20, 53);
	assert_int_equal(run(f, true, false), 0);
	assert_int_equal(f->out_len, 16);
	assert_memory_equal(f->out, "c\n<4>de\x01\n\xff" "f<6>ab", 16);
	/* 2.6.24 and older: log_end is an unsigned long. */
	snprintf(f->kf.osrelease, sizeof(f->kf.osrelease), "2.6.18-8.el5");
	put64(f, 0x20, UINT64_C(0x100000007));
	assert_int_equal(run(f, false, false), 0);
	assert_memory_equal(f->out, "<4>de\x01\n\xff" "f<6>abc\n", 16);
	fake_free(f);
}

static void test_no_format(void **state)
{
	(void)state;
	struct fake *f = fake_new();
	assert_int_equal(run(f, false, false), MDF_ERR_NOTSUPP);
	kf_set(&f->kf, KF_SYMBOL_log_buf, MEM_BASE);
	kf_set(&f->kf, KF_SYMBOL_log_buf_len, MEM_BASE + 8);
	put32(f, 8, 64);
	assert_int_equal(run(f, false, false), MDF_ERR_NOTSUPP); /* no log_first_idx */
	fake_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prb_formatting),
		cmocka_unit_test(test_prb_empty),
		cmocka_unit_test(test_prb_wrapped_states),
		cmocka_unit_test(test_prb_wrap_blocks),
		cmocka_unit_test(test_prb_clipped),
		cmocka_unit_test(test_prb_partial),
		cmocka_unit_test(test_prb_corrupt),
		cmocka_unit_test(test_log_wrap_partial),
		cmocka_unit_test(test_log_corrupt),
		cmocka_unit_test(test_log_long_cycle),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_no_format),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
