/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kdump-compressed writer (REFERENCE.md 2, 8.2). Two passes over the page
 * filter: pass 1 counts the dumpable pages (the descriptor table precedes the
 * data, so its size must be known first), pass 2 writes bitmaps, descriptors
 * and page data. Pages are read and compressed in chunks of consecutive
 * dumpable pfns; with N threads, N - 1 workers process the chunks of a
 * bounded ring, and the calling thread fills the ring, processes chunks too
 * while the next one to write is not ready, and writes them strictly in
 * order, so the output does not depend on the thread count. The members of
 * a split dump are written by --num-threads runner threads, up to that many
 * members at once, one runner each; a runner with no member left to take
 * joins one still being written as one more worker (kw_help). */
#include "kdump_out.h"

#include "bitmap_store.h"
#include "erase_info.h"
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
	/* A member of a split dump: several members hold rings at once, so
	 * chunks are smaller (less memory per member). */
	KW_CHUNK_PAGES_SPLIT = 64,
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
	KSH_OFF_SPLIT = 12,
	KSH_OFF_START_PFN = 16,
	KSH_OFF_END_PFN = 24,
	KSH_OFF_START_PFN_64 = 80,
	KSH_OFF_END_PFN_64 = 88,
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
	/* Stored bytes of the pages, packed. Threaded: the slot's own buffer.
	 * Serial: the free end of the data write cache, so that kw_emit finds
	 * each page already in place instead of copying it there. */
	uint8_t *out;
};

/* Per-thread state: its own reader (mmap window) and codec context. */
struct kw_worker {
	struct kdump_writer *w;
	struct input_reader *reader;
	struct codec *codec;
	uint8_t *erase_buf;        /* a page being erased (--config) */
	pthread_t thread;
	bool started;
	bool shared;               /* its reader maps without prefaulting */
};

/* What pass 1 decides for the whole dump, shared read-only by the files
 * that pass 2 writes (one, or the members of a split dump). */
struct kw_plan {
	const struct dump_source *src;
	enum codec_kind codec;
	int level;
	bool zero_exclude;
	bool zero_check_stored;
	uint64_t bs;
	const uint8_t *notes;
	uint64_t notes_size;
	uint32_t status_extra;     /* header status bits besides the codec */

	/* Cycles (REFERENCE.md 8.1): pass 1 bitmaps, kept when there is one
	 * cycle, else stored (--work-dir, or a split dump) or rebuilt. */
	uint64_t cycle_pfns;
	uint64_t nr_cycles;
	bool keep_bitmaps;
	struct bitmap bm1, bm2;
	struct bitmap_store *store;
	uint64_t num_dumpable;

	/* Layout (REFERENCE.md 2.1), the same in every member. */
	uint64_t sub_hdr_blocks;
	uint64_t bitmap_len;
	uint64_t bitmap1_off;
	uint64_t desc_off;
	uint64_t data_off;
};

/* One output file (a whole dump, or one member of a split dump). Copies the
 * plan's values it uses on every page. */
struct kdump_writer {
	const struct kw_plan *p;
	const struct dump_source *src;
	struct sink *sink;
	uint64_t start_pfn, end_pfn; /* the pfns whose pages this file holds */
	bool split;
	int threads;
	struct dump_progress progress;
	const int *abort_flag;     /* a split dump's other member failed (may be NULL) */
	int order_less;            /* smaller write caches: several files at once */
	/* --split: up to max_helpers runners whose own member is done may
	 * join this one as workers (kw_help) while it is accepting; the
	 * split is told on notify_cv when that changes. */
	int max_helpers;
	int helping;               /* helpers inside; guarded by mu */
	bool accepting;            /* guarded by mu */
	pthread_mutex_t *notify_mu;
	pthread_cond_t *notify_cv;
	bool joinable;             /* mu is set up; guarded by notify_mu */
	char *erase_text;          /* eraseinfo: the source's, then --config's */
	size_t erase_len;
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
	struct bitmap bm1, bm2;    /* this file's, when it loads cycles itself */
	struct bitmap *cur1, *cur2; /* the current cycle's (its own, or the plan's) */
	uint64_t cycle_pfns;
	uint64_t nr_cycles;
	uint64_t next_cycle;       /* pass 2: next cycle to load */
	bool cycle_loaded;
	bool keep_bitmaps;         /* one cycle: pass 1 bitmaps are reused */
	struct bitmap_store *store; /* the plan's (borrowed) */
	uint32_t status_extra;     /* header status bits besides the codec (-e) */
	uint64_t scan_pfn;
	uint64_t assigned;         /* pfns handed out in pass 2 */

	/* Write caches (REFERENCE.md 2.12). */
	size_t cache_size;
	/* Threaded, to a file: the data cache and the chunks' buffers are of
	 * one size and trade places (kw_consume). */
	bool swap_bufs;
	uint64_t data_ahead;       /* bytes written whose descriptors are still cached */
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
	/* nworkers own threads, then the helpers that joined, then (at
	 * [max_workers]) the calling thread's */
	struct kw_worker *workers;
	int nworkers;
	int nhelpers;              /* helpers that ever joined; guarded by mu */
	int helpers_seen;          /* the writer's copy of nhelpers (kw_depth) */
	int max_workers;           /* nworkers + max_helpers */
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
static struct mdf_error *kw_layout(struct kw_plan *w)
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
	 * dump, as makedumpfile 1.7.2 writes them (REFERENCE.md 2.10). */
	if (w->split) {
		put_u32(sub + KSH_OFF_SPLIT, 1);
		put_u64(sub + KSH_OFF_START_PFN, w->start_pfn > UINT_MAX ? UINT_MAX : w->start_pfn);
		put_u64(sub + KSH_OFF_END_PFN, w->end_pfn > UINT_MAX ? UINT_MAX : w->end_pfn);
		put_u64(sub + KSH_OFF_START_PFN_64, w->start_pfn);
		put_u64(sub + KSH_OFF_END_PFN_64, w->end_pfn);
	}
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
	if (erase_off && w->erase_len) {
		put_u64(sub + KSH_OFF_OFFSET_ERASEINFO, erase_off);
		put_u64(sub + KSH_OFF_SIZE_ERASEINFO, w->erase_len);
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
	struct mdf_error *err = sink_write(w->sink, at, w->erase_text, w->erase_len);
	if (err)
		return err;
	if (at + w->erase_len > w->file_end)
		w->file_end = at + w->erase_len;
	uint8_t sub[KSH_SIZE];
	kw_pack_sub(w, sub, at);
	return sink_write(w->sink, w->bs, sub, sizeof(sub));
}

/* Pass 1 (REFERENCE.md 8.2): counts RAM and dumpable pages. */
static struct mdf_error *kw_count(struct kw_plan *w, struct dump_stats *stats)
{
	uint64_t ram = 0, dumpable = 0;
	for (uint64_t c = 0; c < w->nr_cycles; c++) {
		/* Cycle boundaries: REFERENCE.md 8.1. */
		struct mdf_error *err = filter_build_cycle_nr(w->src->filter, c, w->cycle_pfns,
							      &w->bm1, &w->bm2, stats);
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
		/* The plan's kept bitmaps are padded once (kw_plan_pad): they
		 * are shared by the members of a split dump. */
		size_t padded = (size_t)(w->bitmap_len - first_byte);
		if (padded > len && padded <= bm->capacity && !w->keep_bitmaps)
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
	if (w->keep_bitmaps) {
		w->cur1 = (struct bitmap *)&w->p->bm1; /* read only from here on */
		w->cur2 = (struct bitmap *)&w->p->bm2;
	} else if (w->store) {
		uint64_t start = w->next_cycle * w->cycle_pfns;
		uint64_t end = start + w->cycle_pfns;
		err = bitmap_store_get(w->store, BITMAP_STORE_RAM, &w->bm1, start, end);
		if (!err)
			err = bitmap_store_get(w->store, BITMAP_STORE_DUMPABLE, &w->bm2, start, end);
	} else {
		/* One file only (kdump_write): the filter is its own. */
		err = filter_build_cycle_nr(w->src->filter, w->next_cycle, w->cycle_pfns, &w->bm1,
					    &w->bm2, NULL);
	}
	if (!err)
		err = kw_write_bitmap(w, w->cur1, w->bitmap1_off);
	if (!err)
		err = kw_write_bitmap(w, w->cur2, w->bitmap1_off + w->bitmap_len);
	if (err)
		return err;
	w->scan_pfn = w->cur2->start_pfn > w->start_pfn ? w->cur2->start_pfn : w->start_pfn;
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
		uint64_t end = w->cur2->end_pfn < w->end_pfn ? w->cur2->end_pfn : w->end_pfn;
		uint64_t pfn = w->scan_pfn < end ? bitmap_next_set(w->cur2, w->scan_pfn) : end;
		if (pfn >= end) {
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
	const struct erase_list *el = w->src->erase;
	bool erase = el && erase_touches(el, pfn * bs, bs);
	if (st.codec != CODEC_NONE) {
		if (st.codec == w->codec && !w->zero_check_stored && !erase) {
			memcpy(out, st.data, st.size);
			*size_ret = st.size;
			*flags_ret = (uint32_t)st.codec;
			return NULL;
		}
		if ((err = input_decode(wk->reader, pfn, &st, &page)))
			return err;
	}
	if (erase) {
		/* Erase in a copy: the page may be the input's mmap. */
		memcpy(wk->erase_buf, page, bs);
		erase_apply(el, pfn * bs, wk->erase_buf, bs);
		page = wk->erase_buf;
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

/* Reads, zero-checks and compresses the pages of a chunk (any thread) into
 * slot->out. Only the slot, its buffer and the worker's own state are
 * written. */
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

/* A worker's loop: processes filled chunks until the writer stops. Called
 * and left with w->mu held. */
static void kw_worker_loop(struct kdump_writer *w, struct kw_worker *wk)
{
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
}

static void *kw_worker_main(void *arg)
{
	struct kw_worker *wk = arg;
	struct kdump_writer *w = wk->w;
	pthread_mutex_lock(&w->mu);
	kw_worker_loop(w, wk);
	pthread_mutex_unlock(&w->mu);
	/* Return, never pthread_exit: see ORACLES.md (libgcc_s in initramfs). */
	return NULL;
}

/* The end in the file of the data descriptor i of the cache points at. */
static uint64_t kw_pd_end(const struct kdump_writer *w, size_t i)
{
	uint64_t off;
	uint32_t sz;
	memcpy(&off, w->desc_buf + i * PD_SIZE, 8);
	memcpy(&sz, w->desc_buf + i * PD_SIZE + 8, 4);
	return off + sz;
}

/* Writes both caches. A flattened stream keeps makedumpfile's order
 * (descriptors first, REFERENCE.md 2.12); a file gets the data first, so a
 * run killed between the two writes (SIGKILL, the OOM killer) leaves pages
 * without descriptors, which read as lost, never descriptors pointing at
 * data that is not there; when the data of a file stops short (ENOSPC),
 * the descriptors of the pages stored are written, giving back the data of
 * the last ones if the disk has no room for them. When the descriptors of a
 * stream stop short, those from the first page whose data did not reach
 * the output on are zeroed again (2.11): readers treat them as lost.
 * Without descs, a file's data only: its descriptors stay in the cache
 * (on failure, those of the pages stored are written as above). */
static struct mdf_error *kw_flush_ex(struct kdump_writer *w, bool data_first, bool descs)
{
	struct mdf_error *err = NULL;
	size_t ddone = 0, pdone = 0;
	if (!data_first && w->desc_used)
		err = sink_write_ex(w->sink, w->desc_file_off, w->desc_buf, w->desc_used, &pdone);
	if (!err && w->data_used)
		err = sink_write_ex(w->sink, w->data_file_off, w->data_buf, w->data_used, &ddone);
	if (!err && data_first && descs && w->desc_used)
		err = sink_write_ex(w->sink, w->desc_file_off, w->desc_buf, w->desc_used, &pdone);
	if (ddone && w->data_file_off + ddone > w->file_end)
		w->file_end = w->data_file_off + ddone;
	if (pdone && w->desc_file_off + pdone > w->file_end)
		w->file_end = w->desc_file_off + pdone;
	if (!err) {
		if (descs || !data_first) {
			w->kept_pages += w->desc_used / PD_SIZE;
			w->desc_file_off += w->desc_used;
			w->desc_used = 0;
			w->data_ahead = 0;
		} else {
			w->data_ahead += w->data_used;
		}
		w->data_file_off += w->data_used;
		w->data_used = 0;
		return NULL;
	}
	/* Which descriptors of this batch point at stored data? */
	size_t keep = 0;
	if (pdone == w->desc_used || (data_first && ddone < w->data_used)) {
		uint64_t stored_end = w->data_file_off + ddone;
		while (keep < w->desc_used / PD_SIZE && kw_pd_end(w, keep) <= stored_end)
			keep++;
	}
	if (data_first && ddone < w->data_used) {
		/* The data stopped short and no descriptor was written: those
		 * of the pages stored. When the disk is too full for them,
		 * the data of the later half of those pages is cut off to make
		 * room, and again (at most 64 times: keep halves each time). */
		for (int tries = 0; keep > 0 && tries < 64; tries++) {
			struct mdf_error *e2 = sink_write_header(w->sink, w->desc_file_off, w->desc_buf,
								 keep * PD_SIZE);
			if (!e2)
				break;
			mdf_error_destroy(e2);
			keep /= 2;
			/* Where the data of the pages still described ends:
			 * the largest end, as a zero page's descriptor points
			 * at the shared first block and a lost one at none;
			 * never before the data whose descriptors are on
			 * disk. */
			uint64_t end = w->data_file_off - w->data_ahead;
			for (size_t i = 0; i < keep; i++)
				if (kw_pd_end(w, i) > end)
					end = kw_pd_end(w, i);
			if (!sink_cut(w->sink, end))
				keep = 0; /* nothing freed: describe nothing */
			else if (w->file_end > end)
				w->file_end = end;
		}
		w->kept_pages += keep;
		w->desc_used = 0;
		w->data_used = 0;
		w->data_ahead = 0;
		return err;
	}
	if (data_first)
		keep = pdone / PD_SIZE; /* all data stored; whole descriptors written */
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
	w->data_ahead = 0;
	return err;
}

static struct mdf_error *kw_flush(struct kdump_writer *w, bool data_first)
{
	return kw_flush_ex(w, data_first, true);
}

/* Appends one page's descriptor and data to the caches. The data may
 * already be in the data cache at or past data_used (a serial run stages
 * its chunk there): it is then moved down only if a flush came between. */
static struct mdf_error *kw_emit(struct kdump_writer *w, const uint8_t *data, uint32_t size,
				 uint32_t flags)
{
	if (w->data_used + size > w->cache_size || w->desc_used + PD_SIZE > w->cache_size) {
		struct mdf_error *err = kw_flush(w, sink_get_kind(w->sink) != SINK_FLATTENED);
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
		uint8_t *dst = w->data_buf + w->data_used;
		/* memmove: staged pages only ever move down, onto bytes already
		 * written out or onto themselves. */
		if (dst != data)
			memmove(dst, data, size);
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
	const struct dump_progress *p = &w->progress;
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
	const uint8_t *base = slot->out;
	if (w->swap_bufs && slot->done) {
		/* The chunk's buffer becomes the data cache, its pages then
		 * in place for kw_emit instead of copied there (as a serial
		 * run stages them): the cache's own data goes out first, and
		 * its buffer takes the chunk's place in the ring. */
		if (w->data_used) {
			/* The descriptors go out about as often as with a
			 * full cache, so a run killed leaves few pages
			 * without them (lost to readers). */
			bool descs = w->data_ahead + w->data_used >= w->cache_size;
			struct mdf_error *err = kw_flush_ex(w, true, descs);
			if (err)
				return err;
		}
		uint8_t *t = w->data_buf;
		w->data_buf = slot->out;
		slot->out = t;
		base = w->data_buf;
	}
	for (unsigned int i = 0; i < slot->done; i++) {
		struct mdf_error *err = kw_emit(w, base + pos, slot->sizes[i], slot->flags[i]);
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
	if (dump_interrupted(w->src))
		return mdf_error_create(MDF_ERR_INTR, "interrupted");
	if (w->abort_flag && __atomic_load_n(w->abort_flag, __ATOMIC_RELAXED))
		return mdf_error_create(MDF_ERR_INTR, "stopped: another member of the split "
					"dump failed");
	return NULL;
}

/* Tells the split that this member's accepting changed (kw_help). */
static void kw_notify(struct kdump_writer *w)
{
	if (!w->notify_mu)
		return;
	pthread_mutex_lock(w->notify_mu);
	pthread_cond_broadcast(w->notify_cv);
	pthread_mutex_unlock(w->notify_mu);
}

/* Waits until slot is processed. Meanwhile the calling thread processes
 * filled chunks no worker has taken yet, with its own reader and codec: on a
 * machine with as many threads as cores the writer would otherwise sleep
 * while a core has work queued. */
static void kw_wait_ready(struct kdump_writer *w, struct kw_slot *slot)
{
	pthread_mutex_lock(&w->mu);
	w->helpers_seen = w->nhelpers;
	while (!slot->ready) {
		if (w->take_seq == w->fill_seq) {
			pthread_cond_wait(&w->done_cv, &w->mu);
			continue;
		}
		struct kw_slot *own = &w->slots[w->take_seq % w->nslots];
		w->take_seq++;
		/* Once another thread shares the chunks, prefaulting a whole
		 * window would map its pages too. */
		bool share = w->nworkers + w->nhelpers > 0 && !w->self->shared;
		pthread_mutex_unlock(&w->mu);
		if (share) {
			input_reader_share_windows(w->self->reader);
			w->self->shared = true;
		}
		kw_process(w, w->self, own);
		pthread_mutex_lock(&w->mu);
		own->ready = true;
	}
	pthread_mutex_unlock(&w->mu);
}

/* Chunks filled ahead of the writer: two per thread at work on this file
 * and two more, at most the ring; a split member's ring has room for the
 * helpers that may join, and its buffers are touched only as they come. */
static unsigned int kw_depth(const struct kdump_writer *w)
{
	unsigned int d = 2u * (unsigned int)(1 + w->nworkers + w->helpers_seen) + 2;
	return d < w->nslots ? d : w->nslots;
}

/* A split member takes no more helpers: every chunk is handed out (runners
 * that joined now would find nothing), or it stops. The split is told. */
static void kw_close(struct kdump_writer *w)
{
	if (!w->max_helpers || !w->sync_ready)
		return;
	pthread_mutex_lock(&w->mu);
	bool was_accepting = w->accepting;
	w->accepting = false;
	pthread_mutex_unlock(&w->mu);
	if (was_accepting)
		kw_notify(w);
}

/* Pass 2 main loop: keeps the ring full, consumes chunks in order. */
static struct mdf_error *kw_copy_pages(struct kdump_writer *w)
{
	bool exhausted = false;
	for (;;) {
		while (!exhausted && w->fill_seq - w->consume_seq < kw_depth(w)) {
			struct kw_slot *slot = &w->slots[w->fill_seq % w->nslots];
			struct mdf_error *err = kw_fill_slot(w, slot);
			if (err)
				return err;
			if (slot->n == 0) {
				exhausted = true;
				kw_close(w);
				break;
			}
			if (!w->threaded) {
				/* Room: the cache has slot_out_size bytes of slack. */
				slot->out = w->data_buf + w->data_used;
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

/* Stops the workers: the own threads are joined, the helpers waited for
 * (they leave at their next chunk). */
static void kw_stop_workers(struct kdump_writer *w)
{
	if (!w->sync_ready)
		return;
	kw_close(w); /* no helper joins from here on */
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->work_cv);
	while (w->helping > 0)
		pthread_cond_wait(&w->done_cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nworkers; i++) {
		if (w->workers[i].started) {
			pthread_join(w->workers[i].thread, NULL);
			w->workers[i].started = false;
		}
	}
}

/* A worker's reader, codec and erase buffer. */
static struct mdf_error *kw_worker_init(struct kdump_writer *w, struct kw_worker *wk, bool shared)
{
	wk->w = w;
	struct mdf_error *err = input_reader_create(w->src->in, &wk->reader);
	if (!err)
		err = codec_create_level(w->codec, w->bs, w->src->compress_level, &wk->codec);
	if (err)
		return err;
	if (shared)
		input_reader_share_windows(wk->reader);
	wk->shared = shared;
	/* Several readers of one split member, or several members at once:
	 * smaller windows, as little memory as one file's. (Larger windows
	 * for the lazily mapping readers, for fewer munmaps and so fewer
	 * TLB-shootdown interrupts, cost 50% more peak RSS on the 8 GiB
	 * bench machine for no gain beyond the noise.) */
	for (int k = 0; k < w->order_less + (w->max_helpers > 0); k++)
		input_reader_small_windows(wk->reader);
	if (w->src->erase && !(wk->erase_buf = malloc(w->bs)))
		return mdf_error_nomem();
	return NULL;
}

static struct mdf_error *kw_start(struct kdump_writer *w)
{
	int n = w->threads;
	if (n < 1)
		n = 1;
	if (n > KW_MAX_THREADS)
		n = KW_MAX_THREADS;
	if (w->max_helpers < 0 || w->max_helpers > KW_MAX_THREADS)
		w->max_helpers = 0;
	w->threaded = n > 1 || w->max_helpers > 0;
	w->nworkers = n - 1;
	w->max_workers = w->nworkers + w->max_helpers;
	w->workers = calloc((size_t)w->max_workers + 1, sizeof(*w->workers));
	if (!w->workers)
		return mdf_error_nomem();
	w->self = &w->workers[w->max_workers];
	/* The calling thread prefaults its windows while it reads alone. */
	for (int i = 0; i < w->nworkers; i++) {
		struct mdf_error *err = kw_worker_init(w, &w->workers[i], true);
		if (err)
			return err;
	}
	struct mdf_error *err = kw_worker_init(w, w->self, w->nworkers > 0);
	if (err)
		return err;
	/* A stored page is at most bs bytes, and a page is compressed straight
	 * into the chunk buffer, so one bound of slack suffices (every
	 * worker's codec is the same). */
	size_t bound = codec_bound(w->self->codec) > w->bs ? codec_bound(w->self->codec) : w->bs;
	w->chunk_pages = !w->threaded ? KW_CHUNK_PAGES_SERIAL
			 : w->max_helpers ? KW_CHUNK_PAGES_SPLIT : KW_CHUNK_PAGES;
	w->slot_out_size = (w->chunk_pages - 1) * w->bs + bound;
	w->nslots = w->threaded ? 2u * (unsigned int)(n + w->max_helpers) + 2 : 1;
	w->slots = calloc(w->nslots, sizeof(*w->slots));
	if (!w->slots)
		return mdf_error_nomem();
	if (!w->threaded) {
		/* Serial: the one chunk is compressed straight into the data
		 * cache, past what it holds (kw_copy_pages, kw_emit), which
		 * saves copying every stored byte once. */
		uint8_t *b = realloc(w->data_buf, w->cache_size + w->slot_out_size);
		if (!b)
			return mdf_error_nomem();
		w->data_buf = b;
		return NULL;
	}
	/* A flattened stream writes its descriptors before the data, so
	 * its cache is filled by copying. */
	w->swap_bufs = sink_get_kind(w->sink) != SINK_FLATTENED;
	size_t buf_size = w->slot_out_size;
	if (w->swap_bufs && w->cache_size > buf_size)
		buf_size = w->cache_size;
	if (w->swap_bufs) {
		uint8_t *b = realloc(w->data_buf, buf_size);
		if (!b)
			return mdf_error_nomem();
		w->data_buf = b;
	}
	for (unsigned int i = 0; i < w->nslots; i++) {
		w->slots[i].out = malloc(buf_size);
		if (!w->slots[i].out)
			return mdf_error_nomem();
	}
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
	if (w->max_helpers > 0 && w->notify_mu) {
		pthread_mutex_lock(&w->mu);
		w->accepting = !w->stop;
		pthread_mutex_unlock(&w->mu);
		pthread_mutex_lock(w->notify_mu);
		w->joinable = true;
		pthread_cond_broadcast(w->notify_cv);
		pthread_mutex_unlock(w->notify_mu);
	}
	return NULL;
}

/* Joins w as one more worker until w stops (--split: the calling runner's
 * own member is done). Only for a member that is joinable (kw_split_pick:
 * its mutex is set up); false when it takes no helper now (all its chunks
 * handed out, stopping, or as many helpers as it has room for). */
static bool kw_help(struct kdump_writer *w)
{
	pthread_mutex_lock(&w->mu);
	if (!w->accepting || w->nhelpers >= w->max_helpers) {
		pthread_mutex_unlock(&w->mu);
		return false;
	}
	struct kw_worker *wk = &w->workers[w->nworkers + w->nhelpers++];
	w->helping++;
	if (w->nhelpers == w->max_helpers)
		w->accepting = false; /* full: no need to tell the split */
	pthread_mutex_unlock(&w->mu);
	/* Its reader and codec are made outside the lock; when that fails,
	 * the member simply goes on without this helper. */
	struct mdf_error *err = kw_worker_init(w, wk, true);
	pthread_mutex_lock(&w->mu);
	if (!err)
		kw_worker_loop(w, wk);
	w->helping--;
	pthread_cond_broadcast(&w->done_cv);
	pthread_mutex_unlock(&w->mu);
	mdf_error_destroy(err);
	return true;
}

static void kw_cleanup(struct kdump_writer *w)
{
	kw_stop_workers(w);
	free(w->erase_text);
	if (w->sync_ready) {
		pthread_cond_destroy(&w->done_cv);
		pthread_cond_destroy(&w->work_cv);
		pthread_mutex_destroy(&w->mu);
	}
	/* Unused helper places are zero. */
	for (int i = 0; w->workers && i <= w->max_workers; i++) {
		input_reader_destroy(w->workers[i].reader);
		codec_destroy(w->workers[i].codec);
		free(w->workers[i].erase_buf);
	}
	free(w->workers);
	for (unsigned int i = 0; w->slots && i < w->nslots; i++) {
		mdf_error_destroy(w->slots[i].err);
		if (w->threaded)
			free(w->slots[i].out);
	}
	free(w->slots);
	free(w->desc_buf);
	free(w->data_buf);
	bitmap_deinit(&w->bm1);
	bitmap_deinit(&w->bm2);
}

/* ---- pass 1: the plan ---- */

static void kw_plan_deinit(struct kw_plan *p)
{
	bitmap_deinit(&p->bm1);
	bitmap_deinit(&p->bm2);
	bitmap_store_destroy(p->store);
}

/* Checks src and sets up the cycles and the pass 1 bitmaps. need_store: the
 * bitmaps of several cycles must be kept for several writers (a split
 * dump), in --work-dir or else $TMPDIR (REFERENCE.md 1.8, 8.1). */
static struct mdf_error *kw_plan_init(struct kw_plan *p, const struct dump_source *src,
				      enum codec_kind codec, bool need_store)
{
	memset(p, 0, sizeof(*p));
	p->src = src;
	p->codec = codec;
	uint64_t bs = src->page_size;
	if (bs < 1024 || bs > (1u << 20) || (bs & (bs - 1)))
		return mdf_error_create(MDF_ERR_INVALID, "bad page size %" PRIu64, bs);
	if (src->max_mapnr == 0 || !src->in)
		return mdf_error_create(MDF_ERR_NODATA, "no memory to dump");
	if (!codec_available(codec))
		return mdf_error_create(MDF_ERR_NOTSUPP, "compression %s is not compiled in",
					codec_name(codec));
	p->bs = bs;
	const struct input_facts *fa = input_facts(src->in);
	p->level = dump_effective_level(src);
	p->zero_exclude = (p->level & DL_EXCLUDE_ZERO) != 0;
	/* A source filtered without level 1 may hold compressed zero pages. */
	p->zero_check_stored = p->zero_exclude && !(fa->dump_level & DL_EXCLUDE_ZERO);
	/* Pages the source lacks stay missing, and its output says so. */
	p->status_extra = fa->status & (STATUS_INCOMPLETE | VMEMMAP_EXCL_STATUS);
	input_notes(src->in, &p->notes, &p->notes_size);
	uint64_t cp = src->pfn_cyclic;
	uint64_t all = (src->max_mapnr + 7) & ~(uint64_t)7;
	if (cp == 0 || cp >= src->max_mapnr)
		cp = all;
	cp = (cp + 7) & ~(uint64_t)7; /* bitmap chunks start on byte boundaries */
	p->cycle_pfns = cp;
	p->nr_cycles = (src->max_mapnr + cp - 1) / cp;
	p->keep_bitmaps = p->nr_cycles == 1;
	if (src->exclude_vmemmap && !src->work_dir)
		return mdf_error_create(MDF_ERR_INVALID, "-e needs --work-dir");
	const char *dir = src->work_dir;
	if (!dir && need_store && !p->keep_bitmaps) {
		dir = getenv("TMPDIR");
		if (!dir || !dir[0])
			dir = "/tmp";
	}
	if (dir) {
		struct mdf_error *err = bitmap_store_create(dir, src->max_mapnr, &p->store);
		if (err)
			return src->work_dir ? mdf_error_wrap(err, "--work-dir %s", dir) : err;
	}
	/* Slack of one block so the last chunk can be padded in place. */
	struct mdf_error *err = bitmap_init(&p->bm1, cp + 8 * bs);
	if (!err)
		err = bitmap_init(&p->bm2, cp + 8 * bs);
	return err;
}

/* Pads the kept bitmaps' last chunk to the block-aligned region once, before
 * the writers share them (kw_write_bitmap). */
static void kw_plan_pad(struct kw_plan *p)
{
	struct bitmap *bms[2] = {&p->bm1, &p->bm2};
	for (int i = 0; p->keep_bitmaps && i < 2; i++) {
		struct bitmap *bm = bms[i];
		size_t len = bitmap_bytes(bm);
		size_t padded = (size_t)(p->bitmap_len - bm->start_pfn / 8);
		if (padded > len && padded <= bm->capacity)
			memset(bm->bits + len, 0, padded - len);
	}
}

/* Pass 1 and the layout. */
static struct mdf_error *kw_plan_build(struct kw_plan *p, const struct dump_source *src,
				       enum codec_kind codec, bool need_store,
				       struct dump_stats *stats)
{
	struct mdf_error *err = kw_plan_init(p, src, codec, need_store);
	if (!err)
		err = kw_count(p, stats);
	if (!err)
		err = kw_layout(p);
	if (!err)
		kw_plan_pad(p);
	return err;
}

/* ---- pass 2: one file ---- */

/* Sets up a writer of the pfns [start, end) of plan p to sink. */
static struct mdf_error *kw_member_init(struct kdump_writer *w, const struct kw_plan *p,
					struct sink *sink, uint64_t start, uint64_t end, bool split,
					int threads)
{
	const struct dump_source *src = p->src;
	w->p = p;
	w->src = src;
	w->sink = sink;
	w->start_pfn = start;
	w->end_pfn = end;
	w->split = split;
	w->threads = threads;
	if (!w->progress.fn)
		w->progress = src->progress;
	w->codec = p->codec;
	w->level = p->level;
	w->zero_exclude = p->zero_exclude;
	w->zero_check_stored = p->zero_check_stored;
	w->bs = p->bs;
	w->notes = p->notes;
	w->notes_size = p->notes_size;
	w->sub_hdr_blocks = p->sub_hdr_blocks;
	w->bitmap_len = p->bitmap_len;
	w->bitmap1_off = p->bitmap1_off;
	w->desc_off = p->desc_off;
	w->data_off = p->data_off;
	w->num_dumpable = p->num_dumpable;
	w->cycle_pfns = p->cycle_pfns;
	w->nr_cycles = p->nr_cycles;
	w->keep_bitmaps = p->keep_bitmaps;
	w->store = p->store;
	w->status_extra = p->status_extra;
	w->cur1 = &w->bm1;
	w->cur2 = &w->bm2;
	struct mdf_error *err = NULL;
	if (!w->keep_bitmaps) {
		err = bitmap_init(&w->bm1, w->cycle_pfns + 8 * w->bs);
		if (!err)
			err = bitmap_init(&w->bm2, w->cycle_pfns + 8 * w->bs);
		if (err)
			return err;
	}
	int order = src->block_order;
	if (order < 0 || order > 12)
		order = 4;
	/* Members written at once share the memory one file would use; never
	 * below makedumpfile's default of 4 (64 KiB with 4 KiB pages). */
	if (order > DUMP_BLOCK_ORDER_REF)
		order = order - w->order_less > DUMP_BLOCK_ORDER_REF ? order - w->order_less
								      : DUMP_BLOCK_ORDER_REF;
	w->cache_size = (size_t)w->bs << order;
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

/* Pass 2 of one file: headers, bitmaps, descriptors, page data. */
static struct mdf_error *kw_member_run(struct kdump_writer *w, bool *header_written)
{
	struct mdf_error *err = dump_eraseinfo(w->src, &w->erase_text, &w->erase_len);
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
	if (!err && w->erase_len)
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

/* Runs a set-up writer to the end: finishes its sink, or flags it
 * incomplete. */
static struct mdf_error *kw_member_write(struct kdump_writer *w)
{
	bool header_written = false;
	struct mdf_error *err = kw_member_run(w, &header_written);
	kw_stop_workers(w);
	uint64_t size = w->data_file_off;
	if (!err) {
		if (w->file_end > size)
			size = w->file_end;
		err = sink_finish(w->sink, size, true);
		w->file_end = size;
	} else if (header_written) {
		kw_mark_incomplete(w);
	}
	return err ? mdf_error_wrap(err, "writing the kdump-compressed dump %s",
				    sink_name(w->sink))
		   : NULL;
}

static void kw_add_stats(struct dump_stats *st, const struct kdump_writer *w)
{
	st->written_pages += w->kept_pages;
	st->zero += w->zero_pages;
	st->lost += w->lost_pages;
	st->write_bytes += w->file_end;
}

struct mdf_error *kdump_write(const struct dump_source *src, enum codec_kind codec,
			      struct sink *sink, struct dump_stats *stats)
{
	struct kw_plan plan;
	struct kdump_writer w;
	memset(&w, 0, sizeof(w));
	struct mdf_error *err = kw_plan_build(&plan, src, codec, false, stats);
	if (!err)
		err = kw_member_init(&w, &plan, sink, 0, src->max_mapnr, false, src->num_threads);
	if (!err)
		err = kw_member_write(&w);
	else
		err = mdf_error_wrap(err, "writing the kdump-compressed dump %s", sink_name(sink));
	stats->written_pages = stats->zero = stats->lost = stats->write_bytes = 0;
	kw_add_stats(stats, &w);
	kw_cleanup(&w);
	kw_plan_deinit(&plan);
	return err;
}

/* ---- --split: the members of one dump, written in parallel ---- */

struct kw_split;

/* Which member a progress report comes from. */
struct kw_member_prog {
	struct kw_split *s;
	size_t i;
	uint64_t last;             /* its last count */
};

/* The state the members of a split dump share. */
struct kw_split {
	const struct kw_plan *plan;
	struct kdump_writer *w;
	struct mdf_error **errs;
	struct kw_member_prog *prog;
	size_t n;
	pthread_mutex_t mu;        /* progress */
	int abort_flag;            /* a member failed: the others stop */
	/* The runners: each writes the next member not yet taken; when
	 * none is left, it helps a member still being written (kw_help). */
	pthread_mutex_t hmu;
	pthread_cond_t hcv;        /* a member began or stopped accepting, or ended */
	size_t next;               /* next member a runner takes */
	size_t ended;              /* members written (or failed) */
	const struct dump_progress *outer;
	uint64_t done;             /* pages of all members */
};

/* The members' "Copying data" progress as one phase of the whole dump. */
static void kw_split_progress(void *arg, const char *label, uint64_t done, uint64_t total,
			      bool eta)
{
	struct kw_member_prog *mp = arg;
	struct kw_split *s = mp->s;
	(void)total;
	pthread_mutex_lock(&s->mu);
	s->done += done - mp->last;
	mp->last = done;
	if (s->outer->fn)
		s->outer->fn(s->outer->arg, label, s->done, s->plan->num_dumpable, eta);
	pthread_mutex_unlock(&s->mu);
}

/* The member still being written that a helper should join: the one with
 * the fewest helpers that takes one; NULL when none does now. Called with
 * s->hmu held. */
static struct kdump_writer *kw_split_pick(struct kw_split *s)
{
	struct kdump_writer *best = NULL;
	int fewest = 0;
	for (size_t i = 0; i < s->next && i < s->n; i++) {
		struct kdump_writer *w = &s->w[i];
		if (!w->joinable)
			continue;
		pthread_mutex_lock(&w->mu);
		bool open = w->accepting && w->nhelpers < w->max_helpers;
		int have = w->helping;
		pthread_mutex_unlock(&w->mu);
		if (open && (!best || have < fewest)) {
			best = w;
			fewest = have;
		}
	}
	return best;
}

/* A runner thread: writes members until none is left to take, then helps
 * those still being written until all have ended. So --num-threads runners
 * in all compress, write or wait, never more. */
static void *kw_split_runner(void *arg)
{
	struct kw_split *s = arg;
	pthread_mutex_lock(&s->hmu);
	while (s->ended < s->n) {
		if (s->next < s->n) {
			size_t i = s->next++;
			pthread_mutex_unlock(&s->hmu);
			s->errs[i] = kw_member_write(&s->w[i]);
			if (s->errs[i])
				__atomic_store_n(&s->abort_flag, 1, __ATOMIC_RELAXED);
			pthread_mutex_lock(&s->hmu);
			s->ended++;
			pthread_cond_broadcast(&s->hcv);
			continue;
		}
		struct kdump_writer *w = kw_split_pick(s);
		if (!w) {
			pthread_cond_wait(&s->hcv, &s->hmu);
			continue;
		}
		pthread_mutex_unlock(&s->hmu);
		kw_help(w);
		pthread_mutex_lock(&s->hmu);
	}
	pthread_mutex_unlock(&s->hmu);
	return NULL; /* never pthread_exit (ORACLES.md, libgcc_s) */
}

/* Member boundaries (REFERENCE.md 8.3): each member but the last takes whole
 * splitblocks until it holds num_dumpable / n dumpable pages; the last one
 * takes the rest. bounds[0..n] are pfns. */
static struct mdf_error *kw_split_bounds(struct kw_plan *p, size_t n, uint64_t sb,
					 uint64_t *bounds)
{
	uint64_t max = p->src->max_mapnr, target = p->num_dumpable / n, acc = 0;
	size_t m = 0;
	bounds[0] = 0;
	for (size_t i = 1; i <= n; i++)
		bounds[i] = max;
	if (sb == 0)
		sb = 1;
	/* Cycle by cycle, block piece by block piece: bounded by the number of
	 * cycles plus the number of blocks. */
	for (uint64_t c = 0; c < p->nr_cycles && m + 1 < n; c++) {
		uint64_t cs = c * p->cycle_pfns, ce = cs + p->cycle_pfns < max ? cs + p->cycle_pfns : max;
		if (!p->keep_bitmaps) {
			struct mdf_error *err = bitmap_store_get(p->store, BITMAP_STORE_DUMPABLE, &p->bm2,
								 cs, ce);
			if (err)
				return err;
		}
		for (uint64_t a = cs; a < ce && m + 1 < n;) {
			uint64_t bend = (a / sb + 1) * sb;
			uint64_t b = bend < ce ? bend : ce;
			acc += bitmap_count(&p->bm2, a, b);
			if (b == bend && acc >= target) {
				bounds[++m] = b < max ? b : max;
				acc = 0;
			}
			a = b;
		}
	}
	/* The last member has what the others did not take. */
	return NULL;
}

/* Flags the members that finished incomplete when another one failed
 * (every member of a broken split dump says so). */
static void kw_split_flag_all(struct kw_split *s)
{
	for (size_t i = 0; i < s->n; i++) {
		struct kdump_writer *w = &s->w[i];
		if (s->errs[i] || !w->sink)
			continue;
		kw_pack_header(w, (uint32_t)w->codec | w->status_extra | STATUS_INCOMPLETE);
		mdf_error_destroy(sink_write_header(w->sink, 0, w->header, DDH_SIZE));
		mdf_error_destroy(sink_finish(w->sink, w->file_end, false));
	}
}

/* Runs the members with `threads` runners, the calling thread one of them. */
static void kw_split_run(struct kw_split *s, int threads)
{
	size_t runners = (size_t)threads;
	pthread_t *tid = calloc(runners, sizeof(*tid));
	size_t started = 0;
	for (size_t i = 1; tid && i < runners; i++) {
		if (pthread_create(&tid[i], NULL, kw_split_runner, s) != 0)
			break;
		started = i;
	}
	kw_split_runner(s); /* the calling thread is a runner too */
	for (size_t i = 1; i <= started; i++)
		pthread_join(tid[i], NULL);
	free(tid);
}

struct mdf_error *kdump_write_split(const struct dump_source *src, enum codec_kind codec,
				    struct sink *const *sinks, size_t n, uint64_t splitblock_pfns,
				    struct dump_stats *stats)
{
	if (n == 0)
		return mdf_error_create(MDF_ERR_INVALID, "--split needs at least one dump file");
	struct kw_plan plan;
	struct kw_split s;
	memset(&s, 0, sizeof(s));
	s.plan = &plan;
	s.n = n;
	s.outer = &src->progress;
	s.w = calloc(n, sizeof(*s.w));
	s.errs = calloc(n, sizeof(*s.errs));
	s.prog = calloc(n, sizeof(*s.prog));
	uint64_t *bounds = calloc(n + 1, sizeof(*bounds));
	struct mdf_error *err = s.w && s.errs && s.prog && bounds ? NULL : mdf_error_nomem();
	bool planned = !err;
	if (!err)
		err = kw_plan_build(&plan, src, codec, true, stats);
	if (!err)
		err = kw_split_bounds(&plan, n, splitblock_pfns, bounds);
	int threads = src->num_threads < 1 ? 1 : src->num_threads;
	if (threads > KW_MAX_THREADS)
		threads = KW_MAX_THREADS;
	pthread_mutex_init(&s.mu, NULL);
	pthread_mutex_init(&s.hmu, NULL);
	pthread_cond_init(&s.hcv, NULL);
	for (size_t i = 0; !err && i < n; i++) {
		s.prog[i] = (struct kw_member_prog){&s, i, 0};
		/* One writer per member; the runners whose member is done
		 * join those still being written. */
		s.w[i].max_helpers = threads - 1;
		s.w[i].notify_mu = &s.hmu;
		s.w[i].notify_cv = &s.hcv;
		s.w[i].progress = (struct dump_progress){kw_split_progress, &s.prog[i]};
		s.w[i].abort_flag = &s.abort_flag;
		/* log2 of the members running at once, rounded up */
		size_t at_once = n < (size_t)threads ? n : (size_t)threads;
		while ((size_t)1 << s.w[i].order_less < at_once)
			s.w[i].order_less++;
		err = kw_member_init(&s.w[i], &plan, sinks[i], bounds[i], bounds[i + 1], true, 1);
	}
	/* The members become final together, once all are complete: a set
	 * that fails never costs the old files of -f. */
	for (size_t i = 0; !err && i < n; i++)
		sink_defer_commit(sinks[i]);
	if (!err) {
		kw_split_run(&s, threads);
		/* The first real failure; a member stopped because of it comes
		 * after it. */
		for (size_t i = 0; i < n && !err; i++)
			if (s.errs[i] && s.errs[i]->code != MDF_ERR_INTR)
				err = s.errs[i], s.errs[i] = NULL;
		for (size_t i = 0; i < n && !err; i++)
			if (s.errs[i])
				err = s.errs[i], s.errs[i] = NULL;
		if (err)
			kw_split_flag_all(&s);
		for (size_t i = 0; i < n && !err; i++)
			err = sink_commit(sinks[i]);
	} else {
		err = mdf_error_wrap(err, "writing the split dump");
	}
	stats->written_pages = stats->zero = stats->lost = stats->write_bytes = 0;
	for (size_t i = 0; s.w && i < n; i++) {
		kw_add_stats(stats, &s.w[i]);
		kw_cleanup(&s.w[i]);
		if (s.errs)
			mdf_error_destroy(s.errs[i]);
	}
	pthread_mutex_destroy(&s.mu);
	pthread_cond_destroy(&s.hcv);
	pthread_mutex_destroy(&s.hmu);
	if (planned)
		kw_plan_deinit(&plan);
	free(s.w);
	free(s.errs);
	free(s.prog);
	free(bounds);
	return err;
}
