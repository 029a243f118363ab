/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for dmesg.c. Input layout:
 *   byte 0       format (bits 0-1: 0 lockless, 1 structured, 2 plain,
 *                3 structured with pre-3.11 names), bit 2 --partial-dmesg,
 *                bit 3 caller column, bit 4 big-endian
 *   bytes 1..32  struct layout overrides: 0xff keeps the 6.1 value
 *                (REFERENCE.md 9.3 table), anything else replaces it
 *   the rest     kernel memory at FUZZ_BASE; every symbol points into it
 * Whatever the bytes, the decoder must return without crashing or hanging. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmesg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_BASE UINT64_C(0xffffffff81000000)
enum { HDR_LEN = 33 };

struct fuzz_mem {
	const uint8_t *mem;
	size_t size;
	uint64_t written;
};

static struct mdf_error *fuzz_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct fuzz_mem *m = arg;
	if (va < FUZZ_BASE || va - FUZZ_BASE > m->size || len > m->size - (va - FUZZ_BASE))
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx",
					(unsigned long long)va);
	memcpy(buf, m->mem + (va - FUZZ_BASE), len);
	return NULL;
}

static struct mdf_error *fuzz_write(void *arg, const void *buf, size_t len)
{
	struct fuzz_mem *m = arg;
	if (len)
		m->written += ((const uint8_t *)buf)[len - 1];
	m->written += len;
	return NULL;
}

struct fuzz_fact {
	enum kfact_id id;
	uint64_t value;
};

/* Lockless ring facts; symbols are memory offsets 0x00 (prb) and 0x40. */
static const struct fuzz_fact prb_facts[] = {
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

/* Structured-record facts (printk_log names; old names are mapped below). */
static const struct fuzz_fact log_facts[] = {
	{ KF_SIZE_printk_log, 16 },
	{ KF_OFFSET_printk_log_ts_nsec, 0 },
	{ KF_OFFSET_printk_log_len, 8 },
	{ KF_OFFSET_printk_log_text_len, 10 },
	{ KF_OFFSET_printk_log_caller_id, 12 },
};

static void set_facts(struct kfacts *kf, const struct fuzz_fact *t, size_t n,
		      const uint8_t *over)
{
	for (size_t i = 0; i < n; i++)
		kf_set(kf, t[i].id, over[i] == 0xff ? t[i].value : over[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HDR_LEN)
		return 0;
	struct kfacts kf;
	kfacts_init(&kf);
	unsigned fmt = data[0] & 3;
	const uint8_t *over = data + 1;
	/* Symbols: variables at fixed offsets of the memory image. */
	if (fmt == 0) {
		set_facts(&kf, prb_facts, sizeof(prb_facts) / sizeof(prb_facts[0]), over);
		kf_set(&kf, KF_SYMBOL_prb, FUZZ_BASE + 0x00);
		kf_set(&kf, KF_SYMBOL_clear_seq, FUZZ_BASE + 0x40);
	} else {
		kf_set(&kf, KF_SYMBOL_log_buf, FUZZ_BASE + 0x00);
		kf_set(&kf, KF_SYMBOL_log_buf_len, FUZZ_BASE + 0x08);
		if (fmt == 2) {
			kf_set(&kf, KF_SYMBOL_log_end, FUZZ_BASE + 0x10);
			if (over[0] & 1)
				memcpy(kf.osrelease, "2.6.18", 7);
		} else {
			kf_set(&kf, KF_SYMBOL_log_first_idx, FUZZ_BASE + 0x10);
			kf_set(&kf, KF_SYMBOL_log_next_idx, FUZZ_BASE + 0x18);
			kf_set(&kf, KF_SYMBOL_clear_idx, FUZZ_BASE + 0x20);
			set_facts(&kf, log_facts, sizeof(log_facts) / sizeof(log_facts[0]), over);
			if (fmt == 3) {
				kf_set(&kf, KF_SIZE_log, kf_get(&kf, KF_SIZE_printk_log));
				kf_set(&kf, KF_OFFSET_log_ts_nsec,
				       kf_get(&kf, KF_OFFSET_printk_log_ts_nsec));
				kf_set(&kf, KF_OFFSET_log_len, kf_get(&kf, KF_OFFSET_printk_log_len));
				kf_set(&kf, KF_OFFSET_log_text_len,
				       kf_get(&kf, KF_OFFSET_printk_log_text_len));
				kf.have[KF_SIZE_printk_log] = false;
			}
		}
	}
	/* A heap copy of the exact size, so ASan sees any read past the end. */
	size_t msize = size - HDR_LEN;
	uint8_t *mem = malloc(msize ? msize : 1);
	if (!mem)
		return 0;
	memcpy(mem, data + HDR_LEN, msize);
	struct fuzz_mem m = { mem, msize, 0 };
	struct dmesg_io io = { fuzz_read, fuzz_write, &m };
	struct dmesg_opts o = {
		.partial = data[0] & 4, .caller_id = data[0] & 8, .big_endian = data[0] & 16,
	};
	mdf_error_destroy(dmesg_extract_opts(&kf, &io, &o, NULL));
	free(mem);
	return 0;
}
