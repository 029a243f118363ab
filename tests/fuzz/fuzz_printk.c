/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the lockless printk ring (dmesg.c, REFERENCE.md 9.3),
 * structure-aware: the input describes a ring the way the kernel builds it,
 * a builder lays it out in memory with the 6.1 layout, then the input's
 * damage is applied and the decoder runs. Unlike fuzz_dmesg (raw memory),
 * every input is a well-formed ring until damaged (blocks placed as the
 * kernel's data_alloc() places them), so the fuzzer reaches
 * the record walk, wrapping blocks and --partial-dmesg at once.
 *
 * Input:
 *   u8 count_bits (2..8), u8 size_bits (6..14), u8 flags (bit 0 partial,
 *   bit 1 caller column, bit 2: first id is the 6.1 boot id 0xfffff000
 *   instead of 0), u8 nr_records, u8 clear_skip (clear_seq = first seq +
 *   clear_skip), u8 nr_damage;
 *   nr_records * { u8 state (0..3), u8 text_len, u8 ts }, texts taken from
 *   the rest of the input (printable bytes are mapped into 0x20..0x7e
 *   unless flags bit 3);
 *   nr_damage * { u16 offset, u8 value }: bytes of the image overwritten.
 * Oracle: an undamaged ring of finalized records with printable texts that
 * all still fit in the text ring (nothing overwritten, no wrap of the
 * descriptor ring, no --partial-dmesg) must decode to exactly the lines
 * "[%5u.%06u] text" of the records. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define PK_BASE UINT64_C(0xffffffff82000000)
enum {
	PK_PRB = 0x0,          /* pointer variable prb */
	PK_CLEAR = 0x40,       /* clear_seq (latched_seq) */
	PK_RB = 0x100,         /* struct printk_ringbuffer */
	PK_DESCS = 0x1000,     /* descs[count], 24 bytes each */
	PK_INFOS = 0x3000,     /* infos[count], 88 bytes each */
	PK_DATA = 0xb000,      /* data[size] */
	PK_MEM = PK_DATA + (1 << 14),
	PK_OUT_MAX = 1 << 16,
};

struct pk_mem {
	uint8_t *mem;
	char *out;
	size_t out_len;
};

static struct mdf_error *pk_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct pk_mem *m = arg;
	if (va < PK_BASE || va - PK_BASE > PK_MEM || len > PK_MEM - (va - PK_BASE))
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)va);
	memcpy(buf, m->mem + (va - PK_BASE), len);
	return NULL;
}

static struct mdf_error *pk_write(void *arg, const void *buf, size_t len)
{
	struct pk_mem *m = arg;
	size_t n = len < PK_OUT_MAX - m->out_len ? len : PK_OUT_MAX - m->out_len;
	memcpy(m->out + m->out_len, buf, n);
	m->out_len += n;
	return NULL;
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8); /* x86_64 layout, little-endian hosts only */
}

static void pk_facts(struct kfacts *kf)
{
	static const struct {
		enum kfact_id id;
		uint64_t v;
	} f[] = {
		{ KF_OFFSET_printk_ringbuffer_desc_ring, 0 },
		{ KF_OFFSET_printk_ringbuffer_text_data_ring, 48 },
		{ KF_OFFSET_prb_desc_ring_count_bits, 0 },
		{ KF_OFFSET_prb_desc_ring_descs, 8 },
		{ KF_OFFSET_prb_desc_ring_infos, 16 },
		{ KF_OFFSET_prb_desc_ring_head_id, 24 },
		{ KF_OFFSET_prb_desc_ring_tail_id, 32 },
		{ KF_SIZE_prb_desc, 24 },
		{ KF_OFFSET_prb_desc_state_var, 0 },
		{ KF_OFFSET_prb_desc_text_blk_lpos, 8 },
		{ KF_OFFSET_prb_data_blk_lpos_begin, 0 },
		{ KF_OFFSET_prb_data_blk_lpos_next, 8 },
		{ KF_OFFSET_prb_data_ring_size_bits, 0 },
		{ KF_OFFSET_prb_data_ring_data, 8 },
		{ KF_SIZE_printk_info, 88 },
		{ KF_OFFSET_printk_info_seq, 0 },
		{ KF_OFFSET_printk_info_ts_nsec, 8 },
		{ KF_OFFSET_printk_info_text_len, 16 },
		{ KF_OFFSET_printk_info_caller_id, 20 },
		{ KF_OFFSET_atomic_long_t_counter, 0 },
		{ KF_SIZE_latched_seq, 24 },
		{ KF_OFFSET_latched_seq_val, 8 },
	};
	kfacts_init(kf);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		kf_set(kf, f[i].id, f[i].v);
	kf_set(kf, KF_SYMBOL_prb, PK_BASE + PK_PRB);
	kf_set(kf, KF_SYMBOL_clear_seq, PK_BASE + PK_CLEAR);
}

/* The ring being built. */
struct pk_ring {
	uint8_t *mem;
	unsigned count_bits, size_bits;
	uint64_t count, size;
	uint64_t lpos;        /* next free logical position in the text ring */
	uint64_t tail_lpos;   /* lpos below which text was overwritten */
	char *expect;         /* the oracle's lines */
	size_t expect_len;
	bool oracle;
};

/* Appends record `seq` (descriptor id `id`) with text t[0..len). The data
 * block is the 8-byte id and the text, 8-byte aligned; a block that does
 * not fit before the end of the ring starts again at 0 (begin then lies
 * past next modulo the size, REFERENCE.md 9.3). */
static void pk_add(struct pk_ring *r, uint64_t id, uint64_t seq, unsigned state, const uint8_t *t,
		   size_t len, uint64_t ts)
{
	uint64_t blk = (8 + len + 7) & ~(uint64_t)7;
	uint64_t begin = r->lpos, next;
	uint64_t at = begin % r->size;
	if (blk > r->size - 8) {
		/* Too big for the ring (the kernel's data_check_size() keeps
		 * room for the next block's id): a data-less record. */
		begin = next = 1;
		len = 0;
	} else if (at + blk >= r->size) {
		/* Ending exactly at the end counts as wrapping too: the
		 * kernel's get_next_lpos() compares the wraps of begin and
		 * next. */
		next = begin + (r->size - at) + blk;
		if (r->size - at >= 8)
			put64(r->mem + PK_DATA + at, id);
		put64(r->mem + PK_DATA, id);
		memcpy(r->mem + PK_DATA + 8, t, len);
		r->lpos = next;
	} else {
		next = begin + blk;
		put64(r->mem + PK_DATA + at, id);
		memcpy(r->mem + PK_DATA + at + 8, t, len);
		r->lpos = next;
	}
	if (r->lpos - r->tail_lpos > r->size)
		r->tail_lpos = r->lpos - r->size;
	uint8_t *d = r->mem + PK_DESCS + (id % r->count) * 24;
	put64(d, id | (uint64_t)state << 62);
	put64(d + 8, begin);
	put64(d + 16, next);
	uint8_t *in = r->mem + PK_INFOS + (id % r->count) * 88;
	memset(in, 0, 88);
	put64(in, seq);
	put64(in + 8, ts);
	in[16] = (uint8_t)len;
	in[17] = (uint8_t)(len >> 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 6)
		return 0;
	struct pk_ring r = { 0 };
	r.count_bits = 2 + data[0] % 7;
	r.size_bits = 6 + data[1] % 9;
	r.count = 1ull << r.count_bits;
	r.size = 1ull << r.size_bits;
	unsigned flags = data[2];
	unsigned nrec = data[3];
	unsigned clear_skip = data[4];
	unsigned ndamage = data[5];
	const uint8_t *p = data + 6, *end = data + size;
	if ((size_t)(end - p) < 3 * (size_t)nrec)
		nrec = (unsigned)((end - p) / 3);
	const uint8_t *recs = p;
	p += 3 * (size_t)nrec;
	const uint8_t *dmg = p;
	if ((size_t)(end - p) < 3 * (size_t)ndamage)
		ndamage = (unsigned)((end - p) / 3);
	p += 3 * (size_t)ndamage;
	r.mem = calloc(1, PK_MEM);
	char *out = malloc(PK_OUT_MAX);
	r.expect = malloc(PK_OUT_MAX);
	if (!r.mem || !out || !r.expect)
		goto done;

	/* 6.1 starts ids at the boot id -(count + 1) in 32 bits; seq 0 is
	 * the next one (REFERENCE.md 9.3). */
	uint64_t first_id = flags & 4 ? 0xfffff000ull & ~(r.count - 1) : 0;
	r.lpos = flags & 4 ? (uint64_t)0 - r.size : 0;
	r.tail_lpos = r.lpos;
	r.oracle = !(flags & 1) && nrec <= r.count && ndamage == 0 && nrec > 0;
	uint8_t text[256];
	uint64_t start_lpos = r.lpos;
	const uint8_t *texts = p;
	for (unsigned i = 0; i < nrec; i++) {
		unsigned state = recs[3 * i] & 3;
		size_t len = recs[3 * i + 1];
		uint64_t ts = (uint64_t)recs[3 * i + 2] * 1234567891ull;
		for (size_t k = 0; k < len; k++) {
			uint8_t c = p < end ? *p++ : (uint8_t)('a' + k % 26);
			text[k] = flags & 8 ? c : (uint8_t)(0x20 + c % 0x5f);
		}
		if (state != 2 || len == 0 || (flags & 8) || ((8 + len + 7) & ~(size_t)7) > r.size - 8)
			r.oracle = false;
		pk_add(&r, first_id + i, i, state, text, len, ts);
	}
	/* The oracle holds while no text was overwritten (then no block
	 * wrapped either). */
	if (r.lpos - start_lpos > r.size)
		r.oracle = false;
	for (unsigned i = 0; r.oracle && i < nrec; i++) {
		size_t len = recs[3 * i + 1];
		uint64_t ts = (uint64_t)recs[3 * i + 2] * 1234567891ull;
		for (size_t k = 0; k < len; k++) {
			uint8_t c = texts < end ? *texts++ : (uint8_t)('a' + k % 26);
			text[k] = (uint8_t)(0x20 + c % 0x5f);
		}
		int n = snprintf(r.expect + r.expect_len, PK_OUT_MAX - r.expect_len,
				 "[%5llu.%06llu] %.*s\n", (unsigned long long)(ts / 1000000000),
				 (unsigned long long)(ts % 1000000000 / 1000), (int)len, text);
		if (n < 0 || (size_t)n >= PK_OUT_MAX - r.expect_len)
			r.oracle = false;
		else
			r.expect_len += (size_t)n;
	}

	/* The ring structures. */
	uint8_t *m = r.mem;
	put64(m + PK_PRB, PK_BASE + PK_RB);
	uint8_t *rb = m + PK_RB;
	rb[0] = (uint8_t)r.count_bits;
	put64(rb + 8, PK_BASE + PK_DESCS);
	put64(rb + 16, PK_BASE + PK_INFOS);
	uint64_t head = nrec ? first_id + nrec - 1 : first_id;
	uint64_t tail = nrec > r.count ? head - r.count + 1 : first_id;
	put64(rb + 24, head);
	put64(rb + 32, tail);
	rb[48] = (uint8_t)r.size_bits;
	put64(rb + 56, PK_BASE + PK_DATA);
	put64(rb + 64, r.lpos);
	put64(rb + 72, r.tail_lpos);
	put64(m + PK_CLEAR + 8, (uint64_t)clear_skip);
	put64(m + PK_CLEAR + 16, (uint64_t)clear_skip);

	for (unsigned i = 0; i < ndamage; i++) {
		uint32_t off = (uint32_t)(dmg[3 * i] | dmg[3 * i + 1] << 8) % PK_MEM;
		m[off] = dmg[3 * i + 2];
	}

	struct kfacts kf;
	pk_facts(&kf);
	struct pk_mem pm = { m, out, 0 };
	struct dmesg_io io = { pk_read, pk_write, &pm };
	struct dmesg_opts o = { .partial = flags & 1, .caller_id = flags & 2, .big_endian = false };
	struct mdf_error *err = dmesg_extract_opts(&kf, &io, &o, NULL);
	if (r.oracle && !o.caller_id &&
	    (err || pm.out_len != r.expect_len || memcmp(out, r.expect, r.expect_len) != 0)) {
		fprintf(stderr, "printk oracle: %s; got %zu bytes, expected %zu\n",
			err ? err->message : "no error", pm.out_len, r.expect_len);
		abort();
	}
	mdf_error_destroy(err);
done:
	free(r.mem);
	free(out);
	free(r.expect);
	return 0;
}
