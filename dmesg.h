/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel log extraction (--dump-dmesg, --partial-dmesg): the three printk
 * buffer formats of REFERENCE.md 9 (plain text < 3.5, structured printk_log
 * records 3.5-5.9, lockless ring 5.10+), decoded through caller-supplied
 * memory-read and output callbacks so the module does not depend on how
 * kernel virtual addresses are translated. */
#ifndef MDF_DMESG_H
#define MDF_DMESG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"

/* How dmesg reaches the dump and the output. */
struct dmesg_io {
	/* Reads len bytes of kernel virtual memory at vaddr (all or error). */
	struct mdf_error *(*read)(void *arg, uint64_t vaddr, void *buf, size_t len);
	/* Appends output text. */
	struct mdf_error *(*write)(void *arg, const void *buf, size_t len);
	void *arg;
};

/* Decoder options beyond the 1.7.2 defaults. */
struct dmesg_opts {
	bool partial;     /* --partial-dmesg: start at clear_idx / clear_seq */
	bool caller_id;   /* add the "[  T123] " column of makedumpfile >= 1.7.5
			   * (REFERENCE.md 9.3, output formatting); off = 1.7.2 */
	bool big_endian;  /* the dump's byte order (arch_ops.big_endian) */
};

/* Writes the kernel log of the dump exactly as Debian makedumpfile 1.7.2's
 * --dump-dmesg does (no caller column). The format is chosen from the facts
 * present (REFERENCE.md 9). With partial, only records since the last
 * `dmesg -C` are written (computed from sequence numbers, 9.3). A corrupted
 * log gives the records read so far, then an MDF_ERR_CORRUPT error; a log
 * format whose facts are missing gives MDF_ERR_NOTSUPP. Warnings about
 * clamped rings go to msg (may be NULL). Assumes 64-bit kernel pointers. */
struct mdf_error *dmesg_extract(const struct kfacts *kf, const struct dmesg_io *io, bool partial,
				const struct mdf_msg *msg);

/* As dmesg_extract, with every option explicit. */
struct mdf_error *dmesg_extract_opts(const struct kfacts *kf, const struct dmesg_io *io,
				     const struct dmesg_opts *opts, const struct mdf_msg *msg);

/* Largest accepted ring geometry: the kernel caps log_buf_len at 2^31 bytes
 * (LOG_BUF_LEN_MAX) and derives count_bits = size_bits - 5 (PRB_AVGBITS). */
enum {
	DMESG_MAX_SIZE_BITS = 31,
	DMESG_MAX_COUNT_BITS = 28,
	DMESG_MAX_STRUCT_SIZE = 1024, /* SIZE(prb_desc), SIZE(printk_info), SIZE(printk_log) */
};

#endif
