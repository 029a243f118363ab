/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-compressed writer (REFERENCE.md 2, 8.2). Two passes over the page
 * filter: pass 1 counts the dumpable pages (the descriptor table precedes the
 * data, so its size must be known first), pass 2 writes bitmaps, descriptors
 * and page data. Pages are read and compressed in chunks of consecutive
 * dumpable pfns; with N threads, N - 1 workers process the chunks of a
 * bounded ring, and the calling thread fills the ring, processes chunks too
 * while the next one to write is not ready, and writes them strictly in
 * order, so the output does not depend on the thread count. */
#include "kdump_out.h"

#include "bitmap_store.h"
#include "vmemmap_excl.h"

#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
	/* Pages per work unit. Threaded, a chunk amortises the hand-over
	 * between threads (64 pages: 32k futex calls for a 2 GiB dump; 256
	 * cut -l wall time by about 10% there, for 1-5 MB more peak RSS);
	 * serial, nothing is handed over, and a small chunk keeps the chunk
	 * buffer (the largest allocation of a serial run) small: one CPU is
	 * what a capture kernel usually has. */
	KW_CHUNK_PAGES = 256,
	KW_CHUNK_PAGES_SERIAL = 8,
	KW_MAX_THREADS = 256,
	DDH_SIZE = KDUMP_HEADER_SIZE, /* disk_dump_header, LP64 (REFERENCE.md 2.2) */
	DDH_VERSION = 6,
	DDH_OFF_VERSION = 8,
	DDH_OFF_UTSNAME = 12,
	DDH_OFF_TV_SEC = 408,
	DDH_OFF_TV_USEC = 416,
	DDH_OFF_STATUS = 424,
	DDH_OFF_BLOCK_SIZE = 428,
	DDH_OFF_SUB_HDR_SIZE = 432,
	DDH_OFF_BITMAP_BLOCKS = 436,
	DDH_OFF_MAX_MAPNR = 440,
	DDH_OFF_NR_CPUS = 460,
	KSH_SIZE = 104,            /* kdump_sub_header, LP64 (REFERENCE.md 2.4) */
	KSH_OFF_PHYS_BASE = 0,
	KSH_OFF_DUMP_LEVEL = 8,
	KSH_OFF_OFFSET_ERASEINFO = 64,
	KSH_OFF_SIZE_ERASEINFO = 72,
	KSH_OFF_OFFSET_VMCOREINFO = 32,
	KSH_OFF_SIZE_VMCOREINFO = 40,
	KSH_OFF_OFFSET_NOTE = 48,
	KSH_OFF_SIZE_NOTE = 56,
	KSH_OFF_MAX_MAPNR_64 = 96,
	PD_SIZE = 24,              /* page_desc (REFERENCE.md 2.7) */
	STATUS_INCOMPLETE = 0x8,   /* DUMP_DH_COMPRESSED_INCOMPLETE (REFERENCE.md 2.5) */
	/* A page the source lost (REFERENCE.md 2.11): its descriptor stays
	 * zero in the output too. */
	KW_FLAG_LOST = 0x80000000u,
};

/* One work unit: up to KW_CHUNK_PAGES dumpable pfns and their stored bytes. */
struct kw_slot {
	uint64_t pfns[KW_CHUNK_PAGES];
	uint32_t sizes[KW_CHUNK_PAGES]; /* 0 = the shared zero page (or lost) */
	uint32_t flags[KW_CHUNK_PAGES];
	unsigned int n;                 /* pfns assigned */
	unsigned int done;              /* pages processed (< n after an error) */
	struct mdf_error *err;          /* read error that stopped the chunk */
	bool ready;                     /* processed; guarded by the writer's mutex */
	uint8_t *out;                   /* stored bytes of the pages, packed */
};

/* Per-thread state: its own reader (mmap window) and codec context. */
struct kw_worker {
	struct kdump_writer *w;
	struct input_reader *reader;
	struct codec *codec;
	pthread_t thread;
	bool started;
};

struct kdump_writer {
	const struct dump_source *src;
	struct sink *sink;
	enum codec_kind codec;
	int level;                 /* recorded: requested | source (REFERENCE.md 1.1) */
	bool zero_exclude;
	bool zero_check_stored;    /* a compressed source page may be a zero page */
	uint64_t bs;
	const uint8_t *notes;      /* the input's note blob */
	uint64_t notes_size;

	/* Layout (REFERENCE.md 2.1). */
	uint64_t sub_hdr_blocks;
	uint64_t bitmap_len;       /* one bitmap, padded to blocks */
	uint64_t bitmap1_off;
	uint64_t desc_off;
	uint64_t data_off;
	uint64_t num_dumpable;
	uint8_t header[DDH_SIZE];  /* kept to rewrite the status on failure */

	/* Cycles (REFERENCE.md 8.1). */
	struct bitmap bm1, bm2;
	uint64_t cycle_pfns;
	uint64_t nr_cycles;
	uint64_t next_cycle;       /* pass 2: next cycle to load */
	bool cycle_loaded;
	bool keep_bitmaps;         /* one cycle: pass 1 bitmaps are reused */
	struct bitmap_store *store; /* --work-dir: pass 1 bitmaps, read in pass 2 */
	uint32_t status_extra;     /* header status bits besides the codec (-e) */
	uint64_t scan_pfn;
	uint64_t assigned;         /* pfns handed out in pass 2 */

	/* Write caches (REFERENCE.md 2.12). */
	size_t cache_size;
	uint8_t *desc_buf;
	size_t desc_used;
	uint64_t desc_file_off;    /* file offset of desc_buf[0] */
	uint8_t *data_buf;
	size_t data_used;
	uint64_t data_file_off;    /* file offset of data_buf[0] */
	uint64_t file_end;         /* end of the bytes that reached the sink */
	uint64_t kept_pages;       /* descriptors on disk that point at stored data */
	uint64_t zero_pages;
	uint64_t lost_pages;       /* lost in the source, kept lost */
	uint64_t done_pages;       /* pages consumed (progress) */
	uint64_t next_report;
	uint64_t report_step;

	/* Workers and the ring of chunks. */
	struct kw_worker *workers; /* nworkers threads, then the calling thread's */
	int nworkers;
	struct kw_worker *self;    /* the calling thread's reader and codec */
	bool threaded;
	struct kw_slot *slots;
	unsigned int nslots;
	unsigned int chunk_pages;  /* pages per slot, <= KW_CHUNK_PAGES */
	size_t slot_out_size;
	pthread_mutex_t mu;
	pthread_cond_t work_cv;    /* a chunk was filled, or stop */
	pthread_cond_t done_cv;    /* a chunk was processed */
	uint64_t fill_seq, take_seq, consume_seq;
	bool stop;
	bool sync_ready;
};

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4); /* host-endian (REFERENCE.md 0 conventions) */
}

static void put_u64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* Computes the file map of REFERENCE.md 2.1 from the pass-1 count. */
static struct mdf_error *kw_layout(struct kdump_writer *w)
{
	const struct dump_source *src = w->src;
	uint64_t bs = w->bs;
	w->sub_hdr_blocks = (KSH_SIZE + w->notes_size + bs - 1) / bs;
	uint64_t bm_bytes = (src->max_mapnr + 7) / 8;
	w->bitmap_len = (bm_bytes + bs - 1) / bs * bs;
	uint64_t bitmap_blocks = 2 * w->bitmap_len / bs;
	if (w->sub_hdr_blocks > INT32_MAX || bitmap_blocks > UINT32_MAX)
		return mdf_error_create(MDF_ERR_NOTSUPP, "dump too large for the kdump header "
					"(%" PRIu64 " bitmap blocks)", bitmap_blocks);
	w->bitmap1_off = (1 + w->sub_hdr_blocks) * bs;
	w->desc_off = w->bitmap1_off + 2 * w->bitmap_len;
	w->data_off = w->desc_off + PD_SIZE * w->num_dumpable;
	return NULL;
}

/* Fills the main header block (REFERENCE.md 2.2) at its fixed offsets. */
static void kw_pack_header(struct kdump_writer *w, uint32_t status)
{
	const struct dump_source *src = w->src;
	uint8_t *h = w->header;
	memset(h, 0, DDH_SIZE);
	memcpy(h, "KDUMP   ", 8);
	put_u32(h + DDH_OFF_VERSION, DDH_VERSION);
	for (int i = 0; i < 6; i++)
		memcpy(h + DDH_OFF_UTSNAME + 65 * i, src->utsname[i], 65);
	put_u64(h + DDH_OFF_TV_SEC, src->crashtime);
	put_u64(h + DDH_OFF_TV_USEC, 0);
	put_u32(h + DDH_OFF_STATUS, status);
	put_u32(h + DDH_OFF_BLOCK_SIZE, (uint32_t)w->bs);
	put_u32(h + DDH_OFF_SUB_HDR_SIZE, (uint32_t)w->sub_hdr_blocks);
	put_u32(h + DDH_OFF_BITMAP_BLOCKS, (uint32_t)(2 * w->bitmap_len / w->bs));
	put_u32(h + DDH_OFF_MAX_MAPNR,
		src->max_mapnr > UINT_MAX ? UINT_MAX : (uint32_t)src->max_mapnr);
	put_u32(h + DDH_OFF_NR_CPUS, (uint32_t)input_facts(src->in)->nr_cpus);
}

/* Fills the sub header (REFERENCE.md 2.4). */
static void kw_pack_sub(struct kdump_writer *w, uint8_t *sub, uint64_t erase_off)
{
	const struct dump_source *src = w->src;
	memset(sub, 0, KSH_SIZE);
	uint64_t note_off = w->bs + KSH_SIZE;
	put_u64(sub + KSH_OFF_PHYS_BASE, src->phys_base);
	put_u32(sub + KSH_OFF_DUMP_LEVEL, (uint32_t)w->level);
	/* split, start_pfn, end_pfn, start/end_pfn_64 stay 0 in a non-split
	 * dump, as makedumpfile 1.7.2 writes them. */
	if (w->notes_size) {
		const char *text;
		size_t vsize;
		uint64_t voff;
		put_u64(sub + KSH_OFF_OFFSET_NOTE, note_off);
		put_u64(sub + KSH_OFF_SIZE_NOTE, w->notes_size);
		if (input_vmcoreinfo(src->in, &text, &vsize, &voff, NULL) && voff < w->notes_size) {
			put_u64(sub + KSH_OFF_OFFSET_VMCOREINFO, note_off + voff);
			put_u64(sub + KSH_OFF_SIZE_VMCOREINFO, vsize);
		}
	}
	if (erase_off && src->eraseinfo_size) {
		put_u64(sub + KSH_OFF_OFFSET_ERASEINFO, erase_off);
		put_u64(sub + KSH_OFF_SIZE_ERASEINFO, src->eraseinfo_size);
	}
	put_u64(sub + KSH_OFF_MAX_MAPNR_64, src->max_mapnr);
}

/* Writes the main header, the note blob and the sub header (REFERENCE.md 2.4,
 * 2.8), in the order makedumpfile does (2.12). */
static struct mdf_error *kw_write_headers(struct kdump_writer *w)
{
	/* Incomplete from the first byte on: the flag is cleared by the sink
	 * only after the last byte and the fsync (sink.h), so a run killed at
	 * any point leaves a file readers know to be partial. */
	kw_pack_header(w, (uint32_t)w->codec | w->status_extra | STATUS_INCOMPLETE);
	uint8_t done_status[4];
	put_u32(done_status, (uint32_t)w->codec | w->status_extra);
	sink_set_complete_marker(w->sink, DDH_OFF_STATUS, done_status, sizeof(done_status));
	struct mdf_error *err = sink_write(w->sink, 0, w->header, DDH_SIZE);
	if (err)
		return err;
	uint8_t sub[KSH_SIZE];
	kw_pack_sub(w, sub, 0);
	if (w->notes_size) {
		err = sink_write(w->sink, w->bs + KSH_SIZE, w->notes, w->notes_size);
		if (err)
			return err;
	}
	return sink_write(w->sink, w->bs, sub, sizeof(sub));
}

/* The erase info after the page data, then the sub header again with its
 * place (REFERENCE.md 2.9, 2.12 step 5). */
static struct mdf_error *kw_write_eraseinfo(struct kdump_writer *w, uint64_t at)
{
	const struct dump_source *src = w->src;
	struct mdf_error *err = sink_write(w->sink, at, src->eraseinfo, src->eraseinfo_size);
	if (err)
		return err;
	if (at + src->eraseinfo_size > w->file_end)
		w->file_end = at + src->eraseinfo_size;
	uint8_t sub[KSH_SIZE];
	kw_pack_sub(w, sub, at);
	return sink_write(w->sink, w->bs, sub, sizeof(sub));
}

/* Builds the bitmaps of cycle c (REFERENCE.md 8.1 cycle boundaries). */
static struct mdf_error *kw_build_cycle(struct kdump_writer *w, uint64_t c,
					struct dump_stats *stats)
{
	return filter_build_cycle_nr(w->src->filter, c, w->cycle_pfns, &w->bm1, &w->bm2, stats);
}

/* Pass 1 (REFERENCE.md 8.2): counts RAM and dumpable pages. */
static struct mdf_error *kw_count(struct kdump_writer *w, struct dump_stats *stats)
{
	uint64_t ram = 0, dumpable = 0;
	for (uint64_t c = 0; c < w->nr_cycles; c++) {
		struct mdf_error *err = kw_build_cycle(w, c, stats);
		if (!err && w->store)
			err = bitmap_store_put(w->store, BITMAP_STORE_RAM, &w->bm1);
		if (!err && w->store)
			err = bitmap_store_put(w->store, BITMAP_STORE_DUMPABLE, &w->bm2);
		if (err)
			return err;
		ram += bitmap_count(&w->bm1, w->bm1.start_pfn, w->bm1.end_pfn);
		dumpable += bitmap_count(&w->bm2, w->bm2.start_pfn, w->bm2.end_pfn);
	}
	if (w->src->exclude_vmemmap) {
		/* After pass 1, when the bitmaps of every pfn are known
		 * (REFERENCE.md 6.8, 8.2). */
		uint64_t gone = 0;
		struct mdf_error *err = vmemmap_exclude(w->src, w->store, w->cycle_pfns, &gone);
		if (err)
			return err;
		stats->vmemmap = gone;
		dumpable = gone <= dumpable ? dumpable - gone : 0;
		w->status_extra |= VMEMMAP_EXCL_STATUS;
	}
	stats->ram_pages = ram;
	stats->dumpable = dumpable;
	w->num_dumpable = dumpable;
	return NULL;
}

/* Writes one cycle's chunk of a bitmap; the last cycle's chunk is padded with
 * zeros to the end of the block-aligned region (REFERENCE.md 2.1, 2.12). */
static struct mdf_error *kw_write_bitmap(struct kdump_writer *w, struct bitmap *bm,
					 uint64_t region_off)
{
	uint64_t first_byte = bm->start_pfn / 8;
	size_t len = bitmap_bytes(bm);
	if (bm->end_pfn == w->src->max_mapnr) {
		size_t padded = (size_t)(w->bitmap_len - first_byte);
		if (padded > len && padded <= bm->capacity)
			memset(bm->bits + len, 0, padded - len);
		if (padded <= bm->capacity)
			len = padded;
	}
	struct mdf_error *err = sink_write(w->sink, region_off + first_byte, bm->bits, len);
	if (!err && region_off + first_byte + len > w->file_end)
		w->file_end = region_off + first_byte + len;
	return err;
}

/* Loads the next cycle in pass 2: rebuilds its bitmaps (unless pass 1's
 * are still held) and writes their chunks. */
static struct mdf_error *kw_load_cycle(struct kdump_writer *w)
{
	struct mdf_error *err = NULL;
	if (w->store) {
		uint64_t start = w->next_cycle * w->cycle_pfns;
		uint64_t end = start + w->cycle_pfns;
		err = bitmap_store_get(w->store, BITMAP_STORE_RAM, &w->bm1, start, end);
		if (!err)
			err = bitmap_store_get(w->store, BITMAP_STORE_DUMPABLE, &w->bm2, start, end);
	} else if (!w->keep_bitmaps) {
		err = kw_build_cycle(w, w->next_cycle, NULL);
	}
	if (!err)
		err = kw_write_bitmap(w, &w->bm1, w->bitmap1_off);
	if (!err)
		err = kw_write_bitmap(w, &w->bm2, w->bitmap1_off + w->bitmap_len);
	if (err)
		return err;
	w->scan_pfn = w->bm2.start_pfn;
	w->cycle_loaded = true;
	w->next_cycle++;
	return NULL;
}

/* Fills a chunk with the next dumpable pfns (main thread only). */
static struct mdf_error *kw_fill_slot(struct kdump_writer *w, struct kw_slot *slot)
{
	slot->n = 0;
	slot->done = 0;
	slot->err = NULL;
	while (slot->n < w->chunk_pages) {
		if (!w->cycle_loaded) {
			if (w->next_cycle >= w->nr_cycles)
				break;
			struct mdf_error *err = kw_load_cycle(w);
			if (err)
				return err;
		}
		uint64_t pfn = bitmap_next_set(&w->bm2, w->scan_pfn);
		if (pfn >= w->bm2.end_pfn) {
			w->cycle_loaded = false;
			continue;
		}
		if (w->assigned >= w->num_dumpable)
			return mdf_error_create(MDF_ERR_CORRUPT, "the page filter kept more pages "
						"in the second pass than in the first (pfn 0x%" PRIx64 ")",
						pfn);
		slot->pfns[slot->n++] = pfn;
		w->assigned++;
		w->scan_pfn = pfn + 1;
	}
	return NULL;
}

/* One page of a chunk: its stored bytes go to out (at most bs of them);
 * *size_ret 0 = the shared zero page, or lost with KW_FLAG_LOST. A page the
 * source stores compressed with the output's codec is copied as it is,
 * unless it must be checked for zeros (REFERENCE.md 1.1 refiltering). */
static struct mdf_error *kw_page(const struct kdump_writer *w, struct kw_worker *wk, uint64_t pfn,
				 uint8_t *out, uint32_t *size_ret, uint32_t *flags_ret)
{
	uint64_t bs = w->bs;
	struct input_stored st;
	struct mdf_error *err = input_read_stored(wk->reader, pfn, &st);
	if (err)
		return err;
	*size_ret = 0;
	*flags_ret = 0;
	if (st.lost) {
		*flags_ret = KW_FLAG_LOST;
		return NULL;
	}
	const uint8_t *page = st.data;
	if (st.codec != CODEC_NONE) {
		if (st.codec == w->codec && !w->zero_check_stored) {
			memcpy(out, st.data, st.size);
			*size_ret = st.size;
			*flags_ret = (uint32_t)st.codec;
			return NULL;
		}
		if ((err = input_decode(wk->reader, pfn, &st, &page)))
			return err;
	}
	if (w->zero_exclude && page_is_zero(page, bs))
		return NULL;
	/* codec_bound bytes remain at out (slot_out_size). */
	size_t n = codec_compress(wk->codec, page, out);
	if (n == 0) {
		memcpy(out, page, bs);
		*size_ret = (uint32_t)bs;
	} else {
		*size_ret = (uint32_t)n;
		*flags_ret = (uint32_t)w->codec;
	}
	return NULL;
}

/* Reads, zero-checks and compresses the pages of a chunk (any thread). Only
 * the slot and the worker's own state are written. */
static void kw_process(const struct kdump_writer *w, struct kw_worker *wk, struct kw_slot *slot)
{
	size_t pos = 0;
	unsigned int i;
	for (i = 0; i < slot->n; i++) {
		/* pos <= i * bs, so at least codec_bound bytes remain. */
		struct mdf_error *err = kw_page(w, wk, slot->pfns[i], slot->out + pos, &slot->sizes[i],
						&slot->flags[i]);
		if (err) {
			slot->err = mdf_error_wrap(err, "reading pfn 0x%" PRIx64, slot->pfns[i]);
			break;
		}
		pos += slot->sizes[i];
	}
	slot->done = i;
}

static void *kw_worker_main(void *arg)
{
	struct kw_worker *wk = arg;
	struct kdump_writer *w = wk->w;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->stop && w->take_seq == w->fill_seq)
			pthread_cond_wait(&w->work_cv, &w->mu);
		if (w->stop)
			break;
		struct kw_slot *slot = &w->slots[w->take_seq % w->nslots];
		w->take_seq++;
		pthread_mutex_unlock(&w->mu);
		kw_process(w, wk, slot);
		pthread_mutex_lock(&w->mu);
		slot->ready = true;
		pthread_cond_signal(&w->done_cv);
	}
	pthread_mutex_unlock(&w->mu);
	/* Return, never pthread_exit: see ORACLES.md (libgcc_s in initramfs). */
	return NULL;
}

/* Writes both caches (descriptors first, REFERENCE.md 2.12). If the data
 * write stops short, descriptors from the first page whose data did not
 * reach the output on are zeroed again (2.11): readers treat them as lost. */
static struct mdf_error *kw_flush(struct kdump_writer *w, bool data_first)
{
	struct mdf_error *err = NULL;
	size_t ddone = 0, pdone = 0;
	if (!data_first && w->desc_used)
		err = sink_write_ex(w->sink, w->desc_file_off, w->desc_buf, w->desc_used, &pdone);
	if (!err && w->data_used)
		err = sink_write_ex(w->sink, w->data_file_off, w->data_buf, w->data_used, &ddone);
	if (!err && data_first && w->desc_used)
		err = sink_write_ex(w->sink, w->desc_file_off, w->desc_buf, w->desc_used, &pdone);
	if (ddone && w->data_file_off + ddone > w->file_end)
		w->file_end = w->data_file_off + ddone;
	if (pdone && w->desc_file_off + pdone > w->file_end)
		w->file_end = w->desc_file_off + pdone;
	if (!err) {
		w->kept_pages += w->desc_used / PD_SIZE;
		w->desc_file_off += w->desc_used;
		w->data_file_off += w->data_used;
		w->desc_used = 0;
		w->data_used = 0;
		return NULL;
	}
	/* Which descriptors of this batch point at stored data? */
	size_t keep = 0;
	if (pdone == w->desc_used) {
		uint64_t stored_end = w->data_file_off + ddone;
		for (; keep < w->desc_used / PD_SIZE; keep++) {
			uint64_t off, size32;
			uint32_t sz;
			memcpy(&off, w->desc_buf + keep * PD_SIZE, 8);
			memcpy(&sz, w->desc_buf + keep * PD_SIZE + 8, 4);
			size32 = sz;
			if (off + size32 > stored_end)
				break;
		}
	}
	size_t zero_from = keep * PD_SIZE;
	size_t zero_to = pdone;
	if (zero_to > zero_from) {
		memset(w->desc_buf + zero_from, 0, zero_to - zero_from);
		struct mdf_error *e2 = sink_write_header(w->sink, w->desc_file_off + zero_from,
							 w->desc_buf + zero_from,
							 zero_to - zero_from);
		mdf_error_destroy(e2); /* the first error is the one to report */
	}
	w->kept_pages += keep;
	w->desc_used = 0;
	w->data_used = 0;
	return err;
}

/* Appends one page's descriptor and data to the caches. */
static struct mdf_error *kw_emit(struct kdump_writer *w, const uint8_t *data, uint32_t size,
				 uint32_t flags)
{
	if (w->data_used + size > w->cache_size || w->desc_used + PD_SIZE > w->cache_size) {
		struct mdf_error *err = kw_flush(w, false);
		if (err)
			return err;
	}
	uint8_t *pd = w->desc_buf + w->desc_used;
	memset(pd, 0, PD_SIZE);
	if (flags == KW_FLAG_LOST) {
		w->lost_pages++; /* REFERENCE.md 2.11: offset 0 = lost */
	} else if (size == 0) {
		/* REFERENCE.md 2.7: every zero page shares the first data block. */
		put_u64(pd, w->data_off);
		put_u32(pd + 8, (uint32_t)w->bs);
		w->zero_pages++;
	} else {
		memcpy(w->data_buf + w->data_used, data, size);
		put_u64(pd, w->data_file_off + w->data_used);
		put_u32(pd + 8, size);
		put_u32(pd + 12, flags);
		w->data_used += size;
	}
	w->desc_used += PD_SIZE;
	return NULL;
}

static void kw_progress(struct kdump_writer *w, bool final)
{
	const struct dump_progress *p = &w->src->progress;
	if (!p->fn)
		return;
	if (!final && w->done_pages < w->next_report)
		return;
	while (w->next_report <= w->done_pages)
		w->next_report += w->report_step;
	p->fn(p->arg, "Copying data", w->done_pages, w->num_dumpable, true);
}

/* Writes a processed chunk's pages in pfn order (main thread). */
static struct mdf_error *kw_consume(struct kdump_writer *w, struct kw_slot *slot)
{
	size_t pos = 0;
	for (unsigned int i = 0; i < slot->done; i++) {
		struct mdf_error *err = kw_emit(w, slot->out + pos, slot->sizes[i], slot->flags[i]);
		if (err)
			return err;
		pos += slot->sizes[i];
		w->done_pages++;
	}
	if (slot->err) {
		struct mdf_error *err = slot->err;
		slot->err = NULL;
		return err;
	}
	kw_progress(w, false);
	if (w->src->interrupted && *w->src->interrupted)
		return mdf_error_create(MDF_ERR_INTR, "interrupted");
	return NULL;
}

/* Waits until slot is processed. Meanwhile the calling thread processes
 * filled chunks no worker has taken yet, with its own reader and codec: on a
 * machine with as many threads as cores the writer would otherwise sleep
 * while a core has work queued. */
static void kw_wait_ready(struct kdump_writer *w, struct kw_slot *slot)
{
	pthread_mutex_lock(&w->mu);
	while (!slot->ready) {
		if (w->take_seq == w->fill_seq) {
			pthread_cond_wait(&w->done_cv, &w->mu);
			continue;
		}
		struct kw_slot *own = &w->slots[w->take_seq % w->nslots];
		w->take_seq++;
		pthread_mutex_unlock(&w->mu);
		kw_process(w, w->self, own);
		pthread_mutex_lock(&w->mu);
		own->ready = true;
	}
	pthread_mutex_unlock(&w->mu);
}

/* Pass 2 main loop: keeps the ring full, consumes chunks in order. */
static struct mdf_error *kw_copy_pages(struct kdump_writer *w)
{
	bool exhausted = false;
	for (;;) {
		while (!exhausted && w->fill_seq - w->consume_seq < w->nslots) {
			struct kw_slot *slot = &w->slots[w->fill_seq % w->nslots];
			struct mdf_error *err = kw_fill_slot(w, slot);
			if (err)
				return err;
			if (slot->n == 0) {
				exhausted = true;
				break;
			}
			if (!w->threaded) {
				kw_process(w, w->self, slot);
				w->fill_seq++;
				continue;
			}
			pthread_mutex_lock(&w->mu);
			slot->ready = false;
			w->fill_seq++;
			pthread_cond_signal(&w->work_cv);
			pthread_mutex_unlock(&w->mu);
		}
		if (w->consume_seq == w->fill_seq)
			return NULL;
		struct kw_slot *slot = &w->slots[w->consume_seq % w->nslots];
		if (w->threaded)
			kw_wait_ready(w, slot);
		w->consume_seq++;
		struct mdf_error *err = kw_consume(w, slot);
		if (err)
			return err;
	}
}

static void kw_stop_workers(struct kdump_writer *w)
{
	if (!w->sync_ready)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->work_cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nworkers; i++) {
		if (w->workers[i].started) {
			pthread_join(w->workers[i].thread, NULL);
			w->workers[i].started = false;
		}
	}
}

static struct mdf_error *kw_start(struct kdump_writer *w)
{
	int n = w->src->num_threads;
	if (n < 1)
		n = 1;
	if (n > KW_MAX_THREADS)
		n = KW_MAX_THREADS;
	w->threaded = n > 1;
	w->nworkers = n - 1;
	w->workers = calloc((size_t)w->nworkers + 1, sizeof(*w->workers));
	if (!w->workers)
		return mdf_error_nomem();
	w->self = &w->workers[w->nworkers];
	size_t bound = w->bs;
	for (int i = 0; i <= w->nworkers; i++) {
		struct kw_worker *wk = &w->workers[i];
		wk->w = w;
		struct mdf_error *err = input_reader_create(w->src->in, &wk->reader);
		if (!err)
			err = codec_create(w->codec, w->bs, &wk->codec);
		if (err)
			return err;
		if (w->threaded)
			input_reader_share_windows(wk->reader);
		if (codec_bound(wk->codec) > bound)
			bound = codec_bound(wk->codec);
	}
	/* A stored page is at most bs bytes, and a page is compressed straight
	 * into the chunk buffer, so one bound of slack suffices. */
	w->chunk_pages = w->threaded ? KW_CHUNK_PAGES : KW_CHUNK_PAGES_SERIAL;
	w->slot_out_size = (w->chunk_pages - 1) * w->bs + bound;
	w->nslots = w->threaded ? 2u * (unsigned int)n + 2 : 1;
	w->slots = calloc(w->nslots, sizeof(*w->slots));
	if (!w->slots)
		return mdf_error_nomem();
	for (unsigned int i = 0; i < w->nslots; i++) {
		w->slots[i].out = malloc(w->slot_out_size);
		if (!w->slots[i].out)
			return mdf_error_nomem();
	}
	if (!w->threaded)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work_cv, NULL);
	pthread_cond_init(&w->done_cv, NULL);
	w->sync_ready = true;
	for (int i = 0; i < w->nworkers; i++) {
		int rc = pthread_create(&w->workers[i].thread, NULL, kw_worker_main, &w->workers[i]);
		if (rc)
			return mdf_error_os(rc, "creating a worker thread");
		w->workers[i].started = true;
	}
	return NULL;
}

static void kw_cleanup(struct kdump_writer *w)
{
	kw_stop_workers(w);
	if (w->sync_ready) {
		pthread_cond_destroy(&w->done_cv);
		pthread_cond_destroy(&w->work_cv);
		pthread_mutex_destroy(&w->mu);
	}
	for (int i = 0; w->workers && i <= w->nworkers; i++) {
		input_reader_destroy(w->workers[i].reader);
		codec_destroy(w->workers[i].codec);
	}
	free(w->workers);
	for (unsigned int i = 0; w->slots && i < w->nslots; i++) {
		mdf_error_destroy(w->slots[i].err);
		free(w->slots[i].out);
	}
	free(w->slots);
	free(w->desc_buf);
	free(w->data_buf);
	bitmap_deinit(&w->bm1);
	bitmap_deinit(&w->bm2);
	bitmap_store_destroy(w->store);
}

/* Sets up cycles, bitmaps and caches from src. */
static struct mdf_error *kw_init(struct kdump_writer *w)
{
	const struct dump_source *src = w->src;
	uint64_t bs = src->page_size;
	if (bs < 1024 || bs > (1u << 20) || (bs & (bs - 1)))
		return mdf_error_create(MDF_ERR_INVALID, "bad page size %" PRIu64, bs);
	if (src->max_mapnr == 0 || !src->in)
		return mdf_error_create(MDF_ERR_NODATA, "no memory to dump");
	if (!codec_available(w->codec))
		return mdf_error_create(MDF_ERR_NOTSUPP, "compression %s is not compiled in",
					codec_name(w->codec));
	w->bs = bs;
	const struct input_facts *fa = input_facts(src->in);
	w->level = dump_effective_level(src);
	w->zero_exclude = (w->level & DL_EXCLUDE_ZERO) != 0;
	/* A source filtered without level 1 may hold compressed zero pages. */
	w->zero_check_stored = w->zero_exclude && !(fa->dump_level & DL_EXCLUDE_ZERO);
	/* Pages the source lacks stay missing, and its output says so. */
	w->status_extra |= fa->status & (STATUS_INCOMPLETE | VMEMMAP_EXCL_STATUS);
	input_notes(src->in, &w->notes, &w->notes_size);
	uint64_t cp = src->pfn_cyclic;
	uint64_t all = (src->max_mapnr + 7) & ~(uint64_t)7;
	if (cp == 0 || cp >= src->max_mapnr)
		cp = all;
	cp = (cp + 7) & ~(uint64_t)7; /* bitmap chunks start on byte boundaries */
	w->cycle_pfns = cp;
	w->nr_cycles = (src->max_mapnr + cp - 1) / cp;
	w->keep_bitmaps = w->nr_cycles == 1;
	if (src->exclude_vmemmap && !src->work_dir)
		return mdf_error_create(MDF_ERR_INVALID, "-e needs --work-dir");
	if (src->work_dir) {
		struct mdf_error *err = bitmap_store_create(src->work_dir, src->max_mapnr, &w->store);
		if (err)
			return mdf_error_wrap(err, "--work-dir %s", src->work_dir);
	}
	/* Slack of one block so the last chunk can be padded in place. */
	struct mdf_error *err = bitmap_init(&w->bm1, cp + 8 * bs);
	if (!err)
		err = bitmap_init(&w->bm2, cp + 8 * bs);
	if (err)
		return err;
	int order = src->block_order;
	if (order < 0 || order > 12)
		order = 4;
	w->cache_size = (size_t)bs << order;
	w->desc_buf = malloc(w->cache_size);
	w->data_buf = malloc(w->cache_size);
	if (!w->desc_buf || !w->data_buf)
		return mdf_error_nomem();
	return NULL;
}

/* After a failure past the header: the header written first already says
 * incomplete (REFERENCE.md 2.11); finish the output as it is, without the
 * completion marker (and, for -F, without an end marker). */
static void kw_mark_incomplete(struct kdump_writer *w)
{
	mdf_error_destroy(sink_finish(w->sink, w->file_end, false));
}

static struct mdf_error *kw_run(struct kdump_writer *w, struct dump_stats *stats,
				bool *header_written)
{
	struct mdf_error *err = kw_init(w);
	if (!err)
		err = kw_count(w, stats);
	if (!err)
		err = kw_layout(w);
	if (!err)
		err = kw_start(w);
	if (err)
		return err;
	err = kw_write_headers(w);
	*header_written = true;
	if (err)
		return err;
	w->file_end = w->bs + KSH_SIZE + w->notes_size;
	w->desc_file_off = w->desc_off;
	w->data_file_off = w->data_off;
	if (w->zero_exclude) {
		/* The shared zero page is the first data chunk. */
		memset(w->data_buf, 0, w->bs);
		w->data_used = w->bs;
	}
	w->report_step = w->num_dumpable / 10000 ? w->num_dumpable / 10000 : 1;
	w->next_report = 0;
	err = kw_copy_pages(w);
	if (err)
		return err;
	kw_stop_workers(w);
	err = kw_flush(w, true);
	if (!err && w->src->eraseinfo_size)
		err = kw_write_eraseinfo(w, w->data_file_off);
	if (!err && w->lost_pages && !(w->status_extra & STATUS_INCOMPLETE)) {
		/* The source lost pages without saying so: this dump says it,
		 * also once finished (the header already carries the bit; the
		 * completion marker now keeps it). */
		w->status_extra |= STATUS_INCOMPLETE;
		uint8_t status[4];
		put_u32(status, (uint32_t)w->codec | w->status_extra);
		sink_set_complete_marker(w->sink, DDH_OFF_STATUS, status, sizeof(status));
	}
	if (err)
		return err;
	kw_progress(w, true);
	return NULL;
}

struct mdf_error *kdump_write(const struct dump_source *src, enum codec_kind codec,
			      struct sink *sink, struct dump_stats *stats)
{
	struct kdump_writer w;
	memset(&w, 0, sizeof(w));
	w.src = src;
	w.sink = sink;
	w.codec = codec;
	bool header_written = false;
	struct mdf_error *err = kw_run(&w, stats, &header_written);
	kw_stop_workers(&w);
	uint64_t size = w.data_file_off;
	if (!err) {
		if (w.file_end > size)
			size = w.file_end;
		err = sink_finish(sink, size, true);
		w.file_end = size;
	} else if (header_written) {
		kw_mark_incomplete(&w);
	}
	stats->written_pages = w.kept_pages;
	stats->zero = w.zero_pages;
	stats->lost = w.lost_pages;
	stats->write_bytes = w.file_end;
	kw_cleanup(&w);
	return err ? mdf_error_wrap(err, "writing the kdump-compressed dump %s",
				    sink_name(sink))
		   : NULL;
}
