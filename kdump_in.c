/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-compressed input (kdump_in.h): headers, the bitmaps of the whole
 * set, page descriptors found by ranking the 2nd bitmap (REFERENCE.md
 * 2.13), page data read in place or decompressed, and the format_ops of
 * the back end. All integers are LP64 little-endian, as the writers on
 * every little-endian 64-bit machine store them (REFERENCE.md 0
 * conventions). */
#include "kdump_in.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "byteio.h"
#include "dump.h"
#include "input_impl.h"

enum {
	/* disk_dump_header offsets, LP64 (REFERENCE.md 2.2). */
	KDH_OFF_VERSION = 8,
	KDH_OFF_UTSNAME = 12,
	KDH_OFF_TV_SEC = 408,
	KDH_OFF_STATUS = 424,
	KDH_OFF_BLOCK_SIZE = 428,
	KDH_OFF_SUB_HDR_SIZE = 432,
	KDH_OFF_BITMAP_BLOCKS = 436,
	KDH_OFF_MAX_MAPNR = 440,
	KDH_OFF_NR_CPUS = 460,
	KDH32_OFF_BLOCK_SIZE = 416, /* i386/ARM32 layout (REFERENCE.md 2.2) */
	/* kdump_sub_header offsets, LP64 (REFERENCE.md 2.4). */
	KSH_OFF_PHYS_BASE = 0,
	KSH_OFF_DUMP_LEVEL = 8,
	KSH_OFF_SPLIT = 12,
	KSH_OFF_START_PFN = 16,
	KSH_OFF_END_PFN = 24,
	KSH_OFF_OFFSET_VMCOREINFO = 32,
	KSH_OFF_SIZE_VMCOREINFO = 40,
	KSH_OFF_OFFSET_NOTE = 48,
	KSH_OFF_SIZE_NOTE = 56,
	KSH_OFF_OFFSET_ERASEINFO = 64,
	KSH_OFF_SIZE_ERASEINFO = 72,
	KSH_OFF_START_PFN_64 = 80,
	KSH_OFF_END_PFN_64 = 88,
	KSH_OFF_MAX_MAPNR_64 = 96,
	/* Flags (REFERENCE.md 2.5). */
	KD_CODEC_BITS = CODEC_ZLIB | CODEC_LZO | CODEC_SNAPPY | CODEC_ZSTD,
	/* Sanity limits on what a header may ask for. */
	KD_MAX_NOTES = 256 << 20,
	KD_MAX_VMCOREINFO = 16 << 20,
	KD_MAX_ERASEINFO = 256 << 20,
	/* Pfns per entry of the rank index; descriptors read per batch; pages
	 * kept decoded for the tool's own reads (struct pages, page tables). */
	KD_RANK_STEP = 4096,
	KD_DESC_BATCH = 512,
	KD_PCACHE = 8,
};

/* Physical addresses beyond 52 bits do not exist on any supported arch. */
#define KD_PHYS_LIMIT (UINT64_C(1) << 52)

bool kdump_in_probe(const uint8_t *head, size_t len)
{
	return len >= 8 && (memcmp(head, "KDUMP   ", 8) == 0 || memcmp(head, "DISKDUMP", 8) == 0);
}

static struct mdf_error *kd_bad(const struct ifile *f, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "<path>: <what> at offset 0x..." as an MDF_ERR_CORRUPT error. */
static struct mdf_error *kd_bad(const struct ifile *f, uint64_t off, const char *fmt, ...)
{
	char buf[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT, "%s: %s (at offset 0x%" PRIx64 ")",
					     ifile_path(f), buf, off),
			    off);
}

/* Page sizes Linux has (1 KiB to 256 KiB); a wider range would take a
 * big-endian 4 KiB for a little-endian 1 MiB. */
static bool pow2_page(uint64_t v)
{
	return v >= 1024 && v <= (1u << 18) && !(v & (v - 1));
}

/* The main header (REFERENCE.md 2.2), with the checks that tell a layout we
 * do not read (big-endian, 32-bit) from a damaged one. */
static struct mdf_error *kd_main_header(struct ifile *f, struct kdump_hdr *h)
{
	const uint8_t *b = h->raw;
	if (!kdump_in_probe(b, KDH_SIZE))
		return kd_bad(f, 0, "no KDUMP signature");
	h->version = (int)(int32_t)mdf_get_le(b + KDH_OFF_VERSION, 4);
	uint32_t bs = (uint32_t)mdf_get_le(b + KDH_OFF_BLOCK_SIZE, 4);
	if (!pow2_page(bs)) {
		if (pow2_page(mdf_get_be(b + KDH_OFF_BLOCK_SIZE, 4)))
			return mdf_error_create(MDF_ERR_NOTSUPP,
						"%s: a big-endian kdump-compressed file: not supported",
						ifile_path(f));
		if (pow2_page(mdf_get_le(b + KDH32_OFF_BLOCK_SIZE, 4)))
			return mdf_error_create(MDF_ERR_NOTSUPP,
						"%s: a 32-bit kdump-compressed file: not supported",
						ifile_path(f));
		return kd_bad(f, KDH_OFF_BLOCK_SIZE, "absurd block_size %" PRIu32, bs);
	}
	if (h->version < 1 || h->version > KD_MAX_VERSION)
		return kd_bad(f, KDH_OFF_VERSION, "header_version %d is not one of 1-6", h->version);
	h->bs = bs;
	h->shift = (unsigned int)__builtin_ctzll(bs);
	h->status = (uint32_t)mdf_get_le(b + KDH_OFF_STATUS, 4);
	h->sub_hdr_size = mdf_get_le(b + KDH_OFF_SUB_HDR_SIZE, 4);
	h->bitmap_blocks = mdf_get_le(b + KDH_OFF_BITMAP_BLOCKS, 4);
	h->max_mapnr = mdf_get_le(b + KDH_OFF_MAX_MAPNR, 4);
	h->nr_cpus = (int)(int32_t)mdf_get_le(b + KDH_OFF_NR_CPUS, 4);
	h->tv_sec = mdf_get_le(b + KDH_OFF_TV_SEC, 8);
	for (int i = 0; i < 6; i++) {
		memcpy(h->utsname[i], b + KDH_OFF_UTSNAME + 65 * i, 64);
		h->utsname[i][64] = '\0';
	}
	if (h->sub_hdr_size == 0 || h->sub_hdr_size > INT32_MAX)
		return kd_bad(f, KDH_OFF_SUB_HDR_SIZE, "absurd sub_hdr_size %" PRIu64, h->sub_hdr_size);
	if ((1 + h->sub_hdr_size) * h->bs > h->file_size)
		return kd_bad(f, KDH_OFF_SUB_HDR_SIZE,
			      "the sub header (%" PRIu64 " blocks) is past the end of the file "
			      "(size 0x%" PRIx64 "): file truncated?",
			      h->sub_hdr_size, h->file_size);
	return NULL;
}

/* A region [off, off + size) named what must lie inside the file and be at
 * most limit bytes. */
static struct mdf_error *kd_region(const struct ifile *f, const struct kdump_hdr *h, uint64_t at,
				   const char *what, uint64_t off, uint64_t size, uint64_t limit)
{
	if (size > limit)
		return kd_bad(f, at, "absurd %s size 0x%" PRIx64, what, size);
	if (off > h->file_size || h->file_size - off < size)
		return kd_bad(f, at, "%s [0x%" PRIx64 ", 0x%" PRIx64 ") is past the end of the file "
			      "(size 0x%" PRIx64 "): file truncated?",
			      what, off, off + size, h->file_size);
	return NULL;
}

/* The sub header, field by field as the version has them (REFERENCE.md
 * 2.3, 2.4). */
static struct mdf_error *kd_sub_header(struct ifile *f, struct kdump_hdr *h)
{
	uint8_t s[KSH_SIZE_V6];
	memset(s, 0, sizeof(s));
	uint64_t avail = h->sub_hdr_size * h->bs;
	struct mdf_error *err = ifile_pread(f, s, avail < sizeof(s) ? (size_t)avail : sizeof(s), h->bs);
	if (err)
		return err;
	uint64_t at = h->bs;
	h->phys_base = mdf_get_le(s + KSH_OFF_PHYS_BASE, 8);
	h->dump_level = (int)(int32_t)mdf_get_le(s + KSH_OFF_DUMP_LEVEL, 4);
	if (h->dump_level < 0 || h->dump_level > 31)
		return kd_bad(f, at + KSH_OFF_DUMP_LEVEL, "dump_level %d is not a dump level (0-31)",
			      h->dump_level);
	if (h->version >= 2) {
		h->split = mdf_get_le(s + KSH_OFF_SPLIT, 4) != 0;
		h->start_pfn = mdf_get_le(s + KSH_OFF_START_PFN, 8);
		h->end_pfn = mdf_get_le(s + KSH_OFF_END_PFN, 8);
	}
	if (h->version >= 3) {
		h->off_vmcoreinfo = mdf_get_le(s + KSH_OFF_OFFSET_VMCOREINFO, 8);
		h->size_vmcoreinfo = mdf_get_le(s + KSH_OFF_SIZE_VMCOREINFO, 8);
	}
	if (h->version >= 4) {
		h->off_note = mdf_get_le(s + KSH_OFF_OFFSET_NOTE, 8);
		h->size_note = mdf_get_le(s + KSH_OFF_SIZE_NOTE, 8);
	}
	if (h->version >= 5) {
		h->off_eraseinfo = mdf_get_le(s + KSH_OFF_OFFSET_ERASEINFO, 8);
		h->size_eraseinfo = mdf_get_le(s + KSH_OFF_SIZE_ERASEINFO, 8);
	}
	if (h->version >= 6) {
		/* 64-bit pfns; the main header's max_mapnr becomes legacy. */
		h->start_pfn = mdf_get_le(s + KSH_OFF_START_PFN_64, 8);
		h->end_pfn = mdf_get_le(s + KSH_OFF_END_PFN_64, 8);
		h->max_mapnr = mdf_get_le(s + KSH_OFF_MAX_MAPNR_64, 8);
	}
	if (!h->split) {
		h->start_pfn = 0;
		h->end_pfn = h->max_mapnr;
	}
	if (h->size_vmcoreinfo &&
	    (err = kd_region(f, h, at + KSH_OFF_OFFSET_VMCOREINFO, "VMCOREINFO", h->off_vmcoreinfo,
			     h->size_vmcoreinfo, KD_MAX_VMCOREINFO)))
		return err;
	if (h->size_note && (err = kd_region(f, h, at + KSH_OFF_OFFSET_NOTE, "note blob", h->off_note,
					     h->size_note, KD_MAX_NOTES)))
		return err;
	if (h->size_eraseinfo &&
	    (err = kd_region(f, h, at + KSH_OFF_OFFSET_ERASEINFO, "eraseinfo", h->off_eraseinfo,
			     h->size_eraseinfo, KD_MAX_ERASEINFO)))
		return err;
	return NULL;
}

/* The bitmaps and descriptor table must fit the claimed pfn count and the
 * file (REFERENCE.md 2.1, 2.6). */
static struct mdf_error *kd_layout(struct ifile *f, struct kdump_hdr *h)
{
	uint64_t at = h->version >= 6 ? h->bs + KSH_OFF_MAX_MAPNR_64 : KDH_OFF_MAX_MAPNR;
	if (h->max_mapnr == 0 || h->max_mapnr > (KD_PHYS_LIMIT >> h->shift))
		return kd_bad(f, at, "absurd max_mapnr 0x%" PRIx64, h->max_mapnr);
	uint64_t need = (h->max_mapnr + 7) / 8;
	h->bitmap_len = h->bitmap_blocks * h->bs / 2;
	if (h->bitmap_blocks % 2 || h->bitmap_len < need)
		return kd_bad(f, KDH_OFF_BITMAP_BLOCKS,
			      "bitmap_blocks %" PRIu64 " cannot hold two bitmaps of max_mapnr "
			      "0x%" PRIx64 " pfns",
			      h->bitmap_blocks, h->max_mapnr);
	h->bitmap1_off = (1 + h->sub_hdr_size) * h->bs;
	h->desc_off = h->bitmap1_off + 2 * h->bitmap_len;
	/* Real writers store both bitmaps in full, so they are on disk: this
	 * also bounds the memory the bitmaps take by the input's size. */
	if (2 * need > ifile_disk_size(f) || h->desc_off > h->file_size)
		return kd_bad(f, KDH_OFF_BITMAP_BLOCKS,
			      "the bitmaps of max_mapnr 0x%" PRIx64 " pfns are larger than the "
			      "file (size 0x%" PRIx64 "): file truncated?",
			      h->max_mapnr, h->file_size);
	if (h->split && (h->start_pfn > h->end_pfn || h->end_pfn > h->max_mapnr))
		return kd_bad(f, h->bs + KSH_OFF_START_PFN_64,
			      "split range 0x%" PRIx64 "-0x%" PRIx64 " is not inside max_mapnr 0x%" PRIx64,
			      h->start_pfn, h->end_pfn, h->max_mapnr);
	return NULL;
}

struct mdf_error *kdump_hdr_read(struct ifile *f, struct kdump_hdr *ret)
{
	memset(ret, 0, sizeof(*ret));
	ret->file_size = ifile_size(f);
	if (ret->file_size < KDH_SIZE)
		return kd_bad(f, ret->file_size, "truncated kdump header: file size 0x%" PRIx64,
			      ret->file_size);
	struct mdf_error *err = ifile_pread(f, ret->raw, KDH_SIZE, 0);
	if (!err)
		err = kd_main_header(f, ret);
	if (!err)
		err = kd_sub_header(f, ret);
	if (!err)
		err = kd_layout(f, ret);
	return err;
}

/* ---- the set's state ---- */

struct kdump_in {
	struct kdump_member *m;
	size_t n;
	uint64_t bs;
	unsigned int shift;
	uint64_t max_mapnr;
	uint8_t *bm1, *bm2;        /* whole-set bitmaps, (max_mapnr + 7) / 8 bytes + 8 */
	uint64_t *rank;            /* rank[i] = set bits of bm2 below i * KD_RANK_STEP */
	bool zero_excluded;        /* excluded pages read as zeros (dump level 1) */
	uint8_t *notes;
	uint64_t notes_size;
	char *vmcoreinfo;
	uint8_t *eraseinfo;
};

/* Set bits of bits[from, to). */
static uint64_t kd_popcount(const uint8_t *bits, uint64_t from, uint64_t to)
{
	uint64_t n = 0;
	while (from < to && (from & 63)) {
		n += (bits[from >> 3] >> (from & 7)) & 1;
		from++;
	}
	for (; from + 64 <= to; from += 64) {
		uint64_t w;
		memcpy(&w, bits + (from >> 3), 8);
		n += (uint64_t)__builtin_popcountll(w);
	}
	for (; from < to; from++)
		n += (bits[from >> 3] >> (from & 7)) & 1;
	return n;
}

static bool kd_test(const uint8_t *bits, uint64_t pfn)
{
	return (bits[pfn >> 3] >> (pfn & 7)) & 1;
}

/* Reads bitmap 1 of the first member and, of each member, the part of
 * bitmap 2 its range covers. */
static struct mdf_error *kd_load_bitmaps(struct kdump_in *k)
{
	uint64_t bytes = (k->max_mapnr + 7) / 8;
	k->bm1 = calloc(1, bytes + 8);
	k->bm2 = calloc(1, bytes + 8);
	uint8_t *tmp = k->n > 1 ? calloc(1, bytes + 8) : NULL;
	if (!k->bm1 || !k->bm2 || (k->n > 1 && !tmp)) {
		free(tmp);
		return mdf_error_nomem();
	}
	const struct kdump_hdr *h0 = &k->m[0].h;
	struct mdf_error *err = ifile_pread(k->m[0].f, k->bm1, bytes, h0->bitmap1_off);
	for (size_t i = 0; !err && i < k->n; i++) {
		const struct kdump_hdr *h = &k->m[i].h;
		uint8_t *dst = k->n > 1 ? tmp : k->bm2;
		err = ifile_pread(k->m[i].f, dst, bytes, h->bitmap1_off + h->bitmap_len);
		/* The descriptor table holds one entry per bit of this file's
		 * bitmap 2 (a split member's covers every pfn, REFERENCE.md
		 * 2.10): page data starts after it. */
		if (!err)
			k->m[i].data_off = h->desc_off + KD_DESC_SIZE * kd_popcount(dst, 0, k->max_mapnr);
		for (uint64_t p = h->start_pfn; !err && k->n > 1 && p < h->end_pfn;) {
			if (!(p & 7) && p + 8 <= h->end_pfn) {
				k->bm2[p >> 3] = tmp[p >> 3];
				p += 8;
				continue;
			}
			if (kd_test(tmp, p))
				k->bm2[p >> 3] |= (uint8_t)(1u << (p & 7));
			p++;
		}
	}
	free(tmp);
	if (err)
		return err;
	/* Bits past max_mapnr are padding. */
	for (uint64_t p = k->max_mapnr; p < bytes * 8; p++) {
		k->bm1[p >> 3] &= (uint8_t)~(1u << (p & 7));
		k->bm2[p >> 3] &= (uint8_t)~(1u << (p & 7));
	}
	uint64_t nrank = k->max_mapnr / KD_RANK_STEP + 2;
	k->rank = calloc(nrank, sizeof(*k->rank));
	if (!k->rank)
		return mdf_error_nomem();
	uint64_t sum = 0;
	for (uint64_t i = 0; i < nrank; i++) {
		k->rank[i] = sum;
		uint64_t from = i * KD_RANK_STEP, to = from + KD_RANK_STEP;
		if (from < k->max_mapnr)
			sum += kd_popcount(k->bm2, from, to < k->max_mapnr ? to : k->max_mapnr);
	}
	for (size_t i = 0; i < k->n; i++) {
		uint64_t s = k->m[i].h.start_pfn;
		k->m[i].rank_base = k->rank[s / KD_RANK_STEP] +
				    kd_popcount(k->bm2, s / KD_RANK_STEP * KD_RANK_STEP, s);
	}
	return NULL;
}

/* Set bits of bm2 below pfn. */
static uint64_t kd_rank(const struct kdump_in *k, uint64_t pfn)
{
	uint64_t b = pfn / KD_RANK_STEP;
	return k->rank[b] + kd_popcount(k->bm2, b * KD_RANK_STEP, pfn);
}

/* Appends a VMCOREINFO ELF note holding text to the note blob: a version 3
 * file keeps VMCOREINFO outside any note, but writers and readers find it
 * in the notes (REFERENCE.md 2.8). */
static struct mdf_error *kd_add_vmci_note(struct kdump_in *k, const char *text, uint64_t size,
					  uint64_t *desc_off_ret)
{
	uint64_t add = 12 + 12 + ((size + 3) & ~UINT64_C(3));
	uint8_t *n = realloc(k->notes, k->notes_size + add);
	if (!n)
		return mdf_error_nomem();
	k->notes = n;
	uint8_t *p = n + k->notes_size;
	memset(p, 0, add);
	uint32_t hdr[3] = {11, (uint32_t)size, 0};
	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + 12, "VMCOREINFO", 10);
	memcpy(p + 24, text, size);
	*desc_off_ret = k->notes_size + 24;
	k->notes_size += add;
	return NULL;
}

/* Notes, VMCOREINFO and eraseinfo of the first member (REFERENCE.md 2.8,
 * 2.9). */
static struct mdf_error *kd_load_blobs(struct input *in, struct kdump_in *k)
{
	const struct kdump_member *m = &k->m[0];
	const struct kdump_hdr *h = &m->h;
	struct mdf_error *err = NULL;
	if (h->size_note) {
		k->notes = malloc(h->size_note);
		if (!k->notes)
			return mdf_error_nomem();
		k->notes_size = h->size_note;
		if ((err = ifile_pread(m->f, k->notes, h->size_note, h->off_note)))
			return err;
	}
	bool have;
	uint64_t voff, vsize;
	int cpus;
	input_scan_notes(k->notes, k->notes_size, false, &cpus, &have, &voff, &vsize);
	if (h->size_vmcoreinfo) {
		k->vmcoreinfo = malloc(h->size_vmcoreinfo + 1);
		if (!k->vmcoreinfo)
			return mdf_error_nomem();
		if ((err = ifile_pread(m->f, k->vmcoreinfo, h->size_vmcoreinfo, h->off_vmcoreinfo)))
			return err;
		k->vmcoreinfo[h->size_vmcoreinfo] = '\0';
		in->vmcoreinfo_size = h->size_vmcoreinfo;
		in->vmcoreinfo_file_off = h->off_vmcoreinfo;
		if (h->size_note && h->off_vmcoreinfo >= h->off_note &&
		    h->off_vmcoreinfo - h->off_note <= h->size_note - h->size_vmcoreinfo)
			in->vmcoreinfo_note_off = h->off_vmcoreinfo - h->off_note;
		else if ((err = kd_add_vmci_note(k, k->vmcoreinfo, h->size_vmcoreinfo,
						 &in->vmcoreinfo_note_off)))
			return err;
	} else if (have) {
		/* A writer that left offset_vmcoreinfo out: the note has it. */
		k->vmcoreinfo = malloc(vsize + 1);
		if (!k->vmcoreinfo)
			return mdf_error_nomem();
		memcpy(k->vmcoreinfo, k->notes + voff, vsize);
		k->vmcoreinfo[vsize] = '\0';
		in->vmcoreinfo_size = vsize;
		in->vmcoreinfo_note_off = voff;
		in->vmcoreinfo_file_off = h->off_note + voff;
	}
	in->vmcoreinfo = k->vmcoreinfo;
	in->facts.nr_cpus = h->nr_cpus > 0 ? h->nr_cpus : cpus;
	if (h->size_eraseinfo) {
		k->eraseinfo = malloc(h->size_eraseinfo);
		if (!k->eraseinfo)
			return mdf_error_nomem();
		if ((err = ifile_pread(m->f, k->eraseinfo, h->size_eraseinfo, h->off_eraseinfo)))
			return err;
		in->eraseinfo = k->eraseinfo;
		in->eraseinfo_size = h->size_eraseinfo;
	}
	in->notes = k->notes;
	in->notes_size = k->notes_size;
	return NULL;
}

/* The facts of the header (input.h). */
static void kd_facts(struct input *in, const struct kdump_in *k)
{
	const struct kdump_hdr *h = &k->m[0].h;
	struct input_facts *fa = &in->facts;
	fa->format = "kdump-compressed";
	memcpy(fa->utsname, h->utsname, sizeof(fa->utsname));
	fa->e_machine = arch_machine_from_utsname(h->utsname[4]);
	fa->page_size = h->bs;
	fa->dump_level = h->dump_level;
	fa->have_phys_base = true;
	fa->phys_base = h->phys_base;
	fa->crashtime = h->tv_sec;
	fa->status = 0;
	for (size_t i = 0; i < k->n; i++)
		fa->status |= k->m[i].h.status;
	in->page_size = h->bs;
	in->max_mapnr = h->max_mapnr;
}

/* A header that does not name a machine this tool knows (QEMU 11.1's
 * dump-guest-memory writes utsname.machine "Unknown" and leaves the other
 * utsname fields empty) gets it from the VMCOREINFO entries only one
 * architecture writes. The facts' utsname.machine then says it too, so a
 * refiltered dump's header names its machine for readers that go by it
 * (libkdumpfile finds no architecture in QEMU 11.1's files). */
static void kd_machine_fallback(struct input *in)
{
	struct input_facts *fa = &in->facts;
	if (fa->e_machine || !in->vmcoreinfo)
		return;
	const struct arch_ops *ops =
		arch_find(arch_machine_from_vmcoreinfo(in->vmcoreinfo, in->vmcoreinfo_size));
	if (!ops)
		return;
	const char *name = ops->uts_machine;
	mdf_msgf(in->msg, MDF_MSG_DEBUG,
		 "%s: the header's utsname.machine \"%.64s\" is unknown; VMCOREINFO says %s",
		 input_name(in), fa->utsname[4], name);
	fa->e_machine = ops->e_machine;
	memset(fa->utsname[4], 0, sizeof(fa->utsname[4]));
	memcpy(fa->utsname[4], name, strnlen(name, sizeof(fa->utsname[4]) - 1));
}

static void kd_close(struct input *in);

static struct mdf_error *kd_open(struct input *in, struct ifile *const *files, size_t n,
				 const struct input_options *opt)
{
	(void)opt;
	struct kdump_in *k = calloc(1, sizeof(*k));
	if (!k)
		return mdf_error_nomem();
	in->priv = k;
	k->m = calloc(n, sizeof(*k->m));
	if (!k->m)
		return mdf_error_nomem();
	k->n = n;
	for (size_t i = 0; i < n; i++) {
		k->m[i].f = files[i];
		struct mdf_error *err = kdump_hdr_read(files[i], &k->m[i].h);
		if (err)
			return err;
		bool complete;
		if (ifile_is_flattened(files[i], &complete) && !complete)
			mdf_msgf(in->msg, MDF_MSG_COMMON,
				 "%s: the flattened stream ends without its end marker: pages it does "
				 "not hold read as lost", ifile_path(files[i]));
		k->m[i].cut_short = !complete || (k->m[i].h.status & INPUT_STATUS_INCOMPLETE);
	}
	struct mdf_error *err = kdump_set_check(k->m, n);
	if (err)
		return err;
	k->bs = k->m[0].h.bs;
	k->shift = k->m[0].h.shift;
	k->max_mapnr = k->m[0].h.max_mapnr;
	k->zero_excluded = k->m[0].h.dump_level == 1;
	kd_facts(in, k);
	in->facts.split_member = n == 1 && k->m[0].h.split;
	if ((err = kd_load_bitmaps(k)) || (err = kd_load_blobs(in, k)))
		return err;
	kd_machine_fallback(in);
	return NULL;
}

static void kd_close(struct input *in)
{
	struct kdump_in *k = in->priv;
	if (!k)
		return;
	free(k->m);
	free(k->bm1);
	free(k->bm2);
	free(k->rank);
	free(k->notes);
	free(k->vmcoreinfo);
	free(k->eraseinfo);
	free(k);
	in->priv = NULL;
}

static struct mdf_error *kd_set_page_size(struct input *in, uint64_t page_size)
{
	return mdf_error_create(MDF_ERR_CORRUPT,
				"%s: VMCOREINFO says PAGESIZE=%" PRIu64 ", but the file's block_size "
				"is %" PRIu64, input_name(in), page_size, in->page_size);
}

static struct mdf_error *kd_ram_map(struct input *in, struct bitmap *bm1, struct bitmap *bm2,
				    struct input_map_counts *counts)
{
	const struct kdump_in *k = in->priv;
	uint64_t s = bm1->start_pfn;
	uint64_t e = bm1->end_pfn < k->max_mapnr ? bm1->end_pfn : k->max_mapnr;
	if (s >= e)
		return NULL;
	/* Both bitmaps start on a byte (bitmap.h): copy whole bytes, then
	 * clear the bits past e. */
	size_t nbytes = (size_t)((e - s + 7) / 8);
	const uint8_t *a = k->bm1 + s / 8, *b = k->bm2 + s / 8;
	for (size_t i = 0; i < nbytes; i++) {
		bm1->bits[i] = a[i];
		bm2->bits[i] = a[i] & b[i];
	}
	if ((e - s) & 7) {
		uint8_t mask = (uint8_t)((1u << ((e - s) & 7)) - 1);
		bm1->bits[nbytes - 1] &= mask;
		bm2->bits[nbytes - 1] &= mask;
	}
	if (counts) {
		uint64_t ram = kd_popcount(bm1->bits, 0, e - s);
		counts->original += ram;
		counts->missing += ram - kd_popcount(bm2->bits, 0, e - s);
	}
	return NULL;
}

static struct mdf_error *kd_ram_ranges(struct input *in)
{
	const struct kdump_in *k = in->priv;
	size_t n = 0, cap = 16;
	struct input_range *r = malloc(cap * sizeof(*r));
	if (!r)
		return mdf_error_nomem();
	/* One step per pfn: bounded by max_mapnr. */
	for (uint64_t p = 0; p < k->max_mapnr; p++) {
		if (!kd_test(k->bm1, p))
			continue;
		uint64_t q = p;
		while (q < k->max_mapnr && kd_test(k->bm1, q))
			q++;
		if (n == cap) {
			struct input_range *nr = reallocarray(r, cap * 2, sizeof(*nr));
			if (!nr) {
				free(r);
				return mdf_error_nomem();
			}
			r = nr;
			cap *= 2;
		}
		r[n++] = (struct input_range){p << k->shift, q << k->shift};
		p = q;
	}
	in->ram = r;
	in->nr_ram = n;
	return NULL;
}

/* ---- readers ---- */

/* A reader's view of one member: a window on its page data, and a batch of
 * descriptors read with pread (the table is far from the data, and a
 * window of its own would only add memory). */
struct kd_mreader {
	struct ifile_reader *data_fr;
	uint64_t zero_off;         /* where this member's shared zero page is, 0 unknown */
	uint64_t dfirst;           /* index of dbuf[0] */
	uint32_t dcount;           /* descriptors in dbuf */
	uint8_t dbuf[KD_DESC_BATCH * KD_DESC_SIZE];
};

struct kd_reader {
	struct input *in;
	struct kdump_in *k;
	struct kd_mreader *mr;
	size_t hint;               /* member of the last look-up */
	uint8_t *page;             /* decoded page */
	uint8_t *zero;             /* a page of zeros */
	uint8_t *bounce;           /* stored bytes that could not be mapped */
	uint8_t *cache;            /* KD_PCACHE decoded pages for read_phys */
	uint64_t cache_pfn[KD_PCACHE];
	bool cache_ok[KD_PCACHE];
	unsigned int cache_next;
};

static void kd_reader_destroy(void *p)
{
	struct kd_reader *r = p;
	if (!r)
		return;
	for (size_t i = 0; r->mr && i < r->k->n; i++) {
		ifile_reader_destroy(r->mr[i].data_fr);
	}
	free(r->mr);
	free(r->page);
	free(r->zero);
	free(r->bounce);
	free(r->cache);
	free(r);
}

static struct mdf_error *kd_reader_create(struct input *in, void **ret)
{
	*ret = NULL;
	struct kdump_in *k = in->priv;
	struct kd_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return mdf_error_nomem();
	r->in = in;
	r->k = k;
	r->mr = calloc(k->n, sizeof(*r->mr));
	r->page = malloc(k->bs);
	r->zero = calloc(1, k->bs);
	r->bounce = malloc(k->bs);
	r->cache = malloc(KD_PCACHE * k->bs);
	struct mdf_error *err = r->mr && r->page && r->zero && r->bounce && r->cache ? NULL
													  : mdf_error_nomem();
	for (size_t i = 0; !err && i < k->n; i++) {
		err = ifile_reader_create(k->m[i].f, &r->mr[i].data_fr);
	}
	if (err) {
		kd_reader_destroy(r);
		return err;
	}
	*ret = r;
	return NULL;
}

static void kd_share(void *p)
{
	struct kd_reader *r = p;
	for (size_t i = 0; i < r->k->n; i++) {
		ifile_reader_share_windows(r->mr[i].data_fr);
	}
}

static void kd_small(void *p)
{
	struct kd_reader *r = p;
	for (size_t i = 0; i < r->k->n; i++) {
		ifile_reader_small_windows(r->mr[i].data_fr);
	}
}

/* Why a pfn has no content, as an MDF_ERR_NODATA error; NULL if it has. */
static struct mdf_error *kd_no_content(const struct kd_reader *r, uint64_t pfn)
{
	const struct kdump_in *k = r->k;
	if (pfn >= k->max_mapnr || !kd_test(k->bm1, pfn))
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
						     "%s: pfn 0x%" PRIx64 " is not in the dump's memory",
						     input_name(r->in), pfn),
				    pfn << k->shift);
	if (!kd_test(k->bm2, pfn))
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
						     "%s: pfn 0x%" PRIx64 " was excluded from the dump "
						     "(dump level %d)",
						     input_name(r->in), pfn, k->m[0].h.dump_level),
				    pfn << k->shift);
	return NULL;
}

/* Fetches the descriptor of pfn (present in bm2) into d. */
static struct mdf_error *kd_desc(struct kd_reader *r, uint64_t pfn, size_t *mi_ret, uint8_t *d)
{
	struct kdump_in *k = r->k;
	size_t mi = kdump_set_find(k->m, k->n, pfn, r->hint);
	if (mi >= k->n)
		return mdf_error_create(MDF_ERR_NODATA, "%s: no member holds pfn 0x%" PRIx64,
					input_name(r->in), pfn);
	r->hint = mi;
	const struct kdump_member *m = &k->m[mi];
	struct kd_mreader *mr = &r->mr[mi];
	uint64_t idx = kd_rank(k, pfn) - m->rank_base;
	if (idx < mr->dfirst || idx >= mr->dfirst + mr->dcount) {
		uint64_t off = m->h.desc_off + idx * KD_DESC_SIZE;
		uint64_t avail = off < m->h.file_size ? (m->h.file_size - off) / KD_DESC_SIZE : 0;
		if (avail == 0 && m->cut_short) {
			memset(d, 0, KD_DESC_SIZE); /* lost with the end of the file */
			*mi_ret = mi;
			return NULL;
		}
		if (avail == 0)
			return kd_bad(m->f, off, "the page descriptor of pfn 0x%" PRIx64 " is past the "
				      "end of the file (size 0x%" PRIx64 "): file truncated?",
				      pfn, m->h.file_size);
		uint32_t cnt = avail < KD_DESC_BATCH ? (uint32_t)avail : KD_DESC_BATCH;
		mr->dcount = 0;
		struct mdf_error *err = ifile_pread(m->f, mr->dbuf, (size_t)cnt * KD_DESC_SIZE, off);
		if (err)
			return err;
		mr->dfirst = idx;
		mr->dcount = cnt;
	}
	memcpy(d, mr->dbuf + (idx - mr->dfirst) * KD_DESC_SIZE, KD_DESC_SIZE);
	*mi_ret = mi;
	return NULL;
}

static struct mdf_error *kd_read_stored(void *p, uint64_t pfn, struct input_stored *st)
{
	struct kd_reader *r = p;
	struct kdump_in *k = r->k;
	memset(st, 0, sizeof(*st));
	struct mdf_error *err = kd_no_content(r, pfn);
	uint8_t d[KD_DESC_SIZE];
	size_t mi = 0;
	if (!err)
		err = kd_desc(r, pfn, &mi, d);
	if (err)
		return err;
	const struct kdump_member *m = &k->m[mi];
	uint64_t off = mdf_get_le(d, 8);
	uint32_t size = (uint32_t)mdf_get_le(d + 8, 4), flags = (uint32_t)mdf_get_le(d + 12, 4);
	uint64_t at = m->h.desc_off + (kd_rank(k, pfn) - m->rank_base) * KD_DESC_SIZE;
	if (off == 0) {
		/* REFERENCE.md 2.11: the page never reached the file. */
		st->lost = true;
		return NULL;
	}
	if (size == 0 || size > k->bs || (flags & ~(uint32_t)KD_CODEC_BITS) ||
	    __builtin_popcount(flags) > 1 || (flags == 0 && size != k->bs)) {
		/* A source cut short may hold a descriptor only in part (a
		 * flattened record cut in its middle): its page is lost, as the
		 * ones past the cut are. */
		if (m->cut_short) {
			st->lost = true;
			return NULL;
		}
		return kd_bad(m->f, at, "bad page descriptor of pfn 0x%" PRIx64 " (size %" PRIu32
			      ", flags 0x%" PRIx32 ")", pfn, size, flags);
	}
	if (m->cut_short && off >= m->data_off &&
	    (off > m->h.file_size || m->h.file_size - off < size)) {
		st->lost = true; /* its data went with the end of the file */
		return NULL;
	}
	if (off < m->data_off || off > m->h.file_size || m->h.file_size - off < size)
		return kd_bad(m->f, at, "the page data of pfn 0x%" PRIx64 " [0x%" PRIx64 ", 0x%" PRIx64
			      ") is outside the page data area [0x%" PRIx64 ", 0x%" PRIx64 ")",
			      pfn, off, off + size, m->data_off, m->h.file_size);
	struct kd_mreader *mr = &r->mr[mi];
	if (flags == 0 && off == mr->zero_off) {
		/* The shared zero page (REFERENCE.md 2.7): most zero pages point
		 * at the start of the data area; reading it there again would
		 * move the window away from the sequential data each time. */
		st->data = r->zero;
		st->size = size;
		st->codec = CODEC_NONE;
		return NULL;
	}
	const uint8_t *data = ifile_reader_map(mr->data_fr, off, size);
	if (!data) {
		if ((err = ifile_pread(m->f, r->bounce, size, off)))
			return err;
		data = r->bounce;
	}
	if (flags == 0 && off == m->data_off && page_is_zero(data, size))
		mr->zero_off = off;
	st->data = data;
	st->size = size;
	st->codec = (enum codec_kind)flags;
	return NULL;
}

static struct mdf_error *kd_decode_into(struct kd_reader *r, uint64_t pfn,
					const struct input_stored *st, uint8_t *dst)
{
	if (st->codec == CODEC_NONE) {
		memcpy(dst, st->data, r->k->bs);
		return NULL;
	}
	if (!codec_available(st->codec))
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"%s: pfn 0x%" PRIx64 " is compressed with %s, which is not compiled in",
					input_name(r->in), pfn, codec_name(st->codec));
	struct mdf_error *err = codec_decompress(st->codec, st->data, st->size, dst, r->k->bs);
	if (!err)
		return NULL;
	struct mdf_error *e2 = mdf_error_create(MDF_ERR_CORRUPT,
						"%s: the %s data of pfn 0x%" PRIx64 " does not "
						"decompress (%s)",
						input_name(r->in), codec_name(st->codec), pfn,
						err->message);
	mdf_error_destroy(err);
	return e2;
}

static struct mdf_error *kd_decode(void *p, uint64_t pfn, const struct input_stored *st,
				   const uint8_t **page_ret)
{
	struct kd_reader *r = p;
	if (st->codec == CODEC_NONE) {
		*page_ret = st->data;
		return NULL;
	}
	struct mdf_error *err = kd_decode_into(r, pfn, st, r->page);
	*page_ret = err ? NULL : r->page;
	return err;
}

static struct mdf_error *kd_lost(const struct kd_reader *r, uint64_t pfn)
{
	return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
					     "%s: pfn 0x%" PRIx64 " was lost (the dump is incomplete)",
					     input_name(r->in), pfn),
			    pfn << r->k->shift);
}

static struct mdf_error *kd_read_page(void *p, uint64_t pfn, const uint8_t **page_ret)
{
	struct kd_reader *r = p;
	struct input_stored st;
	*page_ret = NULL;
	struct mdf_error *err = kd_read_stored(r, pfn, &st);
	if (!err && st.lost)
		err = kd_lost(r, pfn);
	if (err)
		return err;
	return kd_decode(r, pfn, &st, page_ret);
}

/* The decoded page pfn for the tool's own reads, through a small cache (a
 * run of struct pages is read piece by piece); NULL with *zero set for an
 * excluded page that reads as zeros. */
static struct mdf_error *kd_phys_page(struct kd_reader *r, uint64_t pfn, const uint8_t **page_ret)
{
	struct kdump_in *k = r->k;
	for (unsigned int i = 0; i < KD_PCACHE; i++)
		if (r->cache_ok[i] && r->cache_pfn[i] == pfn) {
			*page_ret = r->cache + i * k->bs;
			return NULL;
		}
	struct mdf_error *err = kd_no_content(r, pfn);
	if (err && pfn < k->max_mapnr && kd_test(k->bm1, pfn) && k->zero_excluded) {
		mdf_error_destroy(err);
		*page_ret = NULL;
		return NULL;
	}
	struct input_stored st;
	if (!err)
		err = kd_read_stored(r, pfn, &st);
	if (!err && st.lost)
		err = kd_lost(r, pfn);
	if (err)
		return err;
	unsigned int slot = r->cache_next++ % KD_PCACHE;
	r->cache_ok[slot] = false;
	uint8_t *dst = r->cache + slot * k->bs;
	if ((err = kd_decode_into(r, pfn, &st, dst)))
		return err;
	r->cache_pfn[slot] = pfn;
	r->cache_ok[slot] = true;
	*page_ret = dst;
	return NULL;
}

static struct mdf_error *kd_read_phys(void *p, uint64_t paddr, void *buf, size_t len)
{
	struct kd_reader *r = p;
	uint8_t *out = buf;
	if (paddr > KD_PHYS_LIMIT || KD_PHYS_LIMIT - paddr < len)
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
						     "%s: physical address 0x%" PRIx64 " is not in the "
						     "dump's memory", input_name(r->in), paddr),
				    paddr);
	/* Each step consumes the rest of a page: bounded by len / page size. */
	while (len > 0) {
		uint64_t pfn = paddr >> r->k->shift, in = paddr & (r->k->bs - 1);
		size_t n = r->k->bs - in < len ? (size_t)(r->k->bs - in) : len;
		const uint8_t *page;
		struct mdf_error *err = kd_phys_page(r, pfn, &page);
		if (err)
			return mdf_error_at(err, paddr);
		if (page)
			memcpy(out, page + in, n);
		else
			memset(out, 0, n);
		out += n;
		paddr += n;
		len -= n;
	}
	return NULL;
}

const struct format_ops kdump_format_ops = {
	.name = "kdump-compressed",
	.probe = kdump_in_probe,
	.open = kd_open,
	.close = kd_close,
	.set_page_size = kd_set_page_size,
	.ram_map = kd_ram_map,
	.ram_ranges = kd_ram_ranges,
	.reader_create = kd_reader_create,
	.reader_destroy = kd_reader_destroy,
	.reader_share_windows = kd_share,
	.reader_small_windows = kd_small,
	.read_page = kd_read_page,
	.read_stored = kd_read_stored,
	.decode = kd_decode,
	.read_phys = kd_read_phys,
};
