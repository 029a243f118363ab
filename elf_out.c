/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF output (-E, REFERENCE.md 4).
 *
 * Program headers come first in the file, so the PT_LOAD list must be known
 * before anything is written. Pass 1 walks every input PT_LOAD page by page
 * with the cycle's bitmaps (and, at dump level bit 1, a zero check of each
 * page) and records the output segments. Pass 2 writes the headers and the
 * notes, then copies each segment's file data, which is always one
 * contiguous physical range starting at the segment's p_paddr (excluded
 * pages inside a short run are written with their original content).
 *
 * Threads (--num-threads N > 1, which makedumpfile 1.7.x refuses with -E):
 * there is nothing to compress, so the one place they help is pass 2, where
 * a reader thread reads the next chunk of /proc/vmcore while the calling
 * thread writes the current one (reading the old kernel's memory and
 * writing the file overlap instead of taking turns). More threads would
 * only read further ahead of a writer that cannot go faster. */
#include "elf_out.h"

#include "erase_info.h"

#include <elf.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum {
	ELF_SPLIT_RUN = 256,        /* excluded pages that split a PT_LOAD (REFERENCE.md 4) */
	ELF_COPY_CHUNK = 1 << 20,   /* bytes per read/write in pass 2 */
	ELF_PHDR_BATCH = 512,       /* program headers formatted per sink write */
	ELF_INCOMPLETE_FLAG = 1,    /* e_flags bit of an incomplete dump */
	ELF_PROGRESS_STEPS = 100,
	ELF_OFF_FLAGS64 = 48,       /* e_flags in Elf64_Ehdr */
	ELF_OFF_FLAGS32 = 36,       /* e_flags in Elf32_Ehdr */
};

struct elf_seg {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t offset; /* file offset, set in pass 2 */
	uint32_t flags;  /* p_flags and p_align of the input segment */
	uint64_t align;
	bool split;      /* closed by a long excluded run (not a load's last) */
};

struct elf_writer {
	const struct dump_source *src;
	const struct input_elf_orig *orig; /* the input's ELF header facts */
	const struct vmcore_load *loads;
	size_t nr_loads;
	const uint8_t *notes;
	uint64_t notes_size;
	uint64_t out_notes_size; /* notes_size plus the ERASEINFO note */
	uint8_t *erase_note;  /* the ERASEINFO note (REFERENCE.md 10.3), or NULL */
	size_t erase_note_size;
	uint8_t *erase_buf;   /* a page being erased for the zero check */
	struct sink *sink;
	struct dump_stats *stats;
	uint64_t ps;
	bool is64;

	/* Bitmaps of the current cycle; counted[c] once cycle c added its
	 * counts to stats (unsorted PT_LOADs can revisit a cycle). */
	struct bitmap bm1, bm2;
	bool have_cycle;
	uint64_t cycle_pfns, nr_cycles;
	uint8_t *counted;

	struct input_reader *rd;
	struct elf_seg *segs;
	size_t nr_segs, cap_segs;

	/* Layout (pass 2). */
	uint64_t phnum;       /* PT_NOTE + PT_LOADs */
	uint64_t ehsize, phentsize, shentsize;
	uint64_t shoff;       /* 0 unless PN_XNUM */
	uint64_t note_off;
	uint64_t file_size;
	uint64_t written_end; /* end of the last successful write */

	uint64_t data_pages, done_pages, next_report;
	size_t copy_seg;      /* segment being copied in pass 2 */
};

/* Pass 2's reader thread: fills EO_AHEAD buffers with the chunks of every
 * segment, in the order eo_copy writes them. */
enum { EO_AHEAD = 2 };

struct eo_ahead {
	const struct elf_writer *w;
	struct input_reader *rd;      /* the thread's own reader */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[EO_AHEAD];
	struct mdf_error *err[EO_AHEAD];
	uint64_t filled, taken;       /* chunks read / written so far */
	bool stop;
};

/* Field writers in the input's byte order. */
static void eo_put(const struct elf_writer *w, uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++) {
		int shift = w->orig->big_endian ? 8 * (n - 1 - i) : 8 * i;
		p[i] = (uint8_t)(v >> shift);
	}
}

/* Word-sized (Elf32/Elf64 Addr/Off/Xword) field; returns its width. */
static int eo_putw(const struct elf_writer *w, uint8_t *p, uint64_t v)
{
	int n = w->is64 ? 8 : 4;
	eo_put(w, p, v, n);
	return n;
}

static struct mdf_error *eo_add_seg(struct elf_writer *w, const struct elf_seg *s)
{
	if (w->nr_segs == w->cap_segs) {
		size_t cap = w->cap_segs ? w->cap_segs * 2 : 64;
		struct elf_seg *n = realloc(w->segs, cap * sizeof(*n));
		if (!n)
			return mdf_error_nomem();
		w->segs = n;
		w->cap_segs = cap;
	}
	w->segs[w->nr_segs++] = *s;
	return NULL;
}

/* Makes the bitmaps cover pfn, building its cycle if needed. */
static struct mdf_error *eo_load_cycle(struct elf_writer *w, uint64_t pfn)
{
	if (w->have_cycle && pfn >= w->bm2.start_pfn && pfn < w->bm2.end_pfn)
		return NULL;
	uint64_t c = pfn / w->cycle_pfns;
	w->have_cycle = false;
	struct dump_stats *st = w->counted[c] ? NULL : w->stats;
	struct mdf_error *err = filter_build_cycle_nr(w->src->filter, c, w->cycle_pfns, &w->bm1,
						      &w->bm2, st);
	if (err)
		return err;
	w->counted[c] = 1;
	w->have_cycle = true;
	return NULL;
}

/* Whether page pfn goes into the output as data (bitmap 2, then the zero
 * check at dump level bit 1). Pfns the bitmaps do not cover are kept. */
static struct mdf_error *eo_page_kept(struct elf_writer *w, uint64_t pfn, bool *kept)
{
	*kept = true;
	if (w->src->filter && pfn < w->src->max_mapnr) {
		struct mdf_error *err = eo_load_cycle(w, pfn);
		if (err)
			return err;
		if (!bitmap_test(&w->bm2, pfn)) {
			*kept = false;
			return NULL;
		}
	}
	if (w->src->dump_level & DL_EXCLUDE_ZERO) {
		const uint8_t *page;
		struct mdf_error *err = input_read_page(w->rd, pfn, &page);
		if (err)
			return mdf_error_wrap(err, "reading pfn 0x%" PRIx64, pfn);
		if (w->erase_buf && erase_touches(w->src->erase, pfn * w->ps, w->ps)) {
			/* the zero check sees the page as it will be written */
			memcpy(w->erase_buf, page, w->ps);
			erase_apply(w->src->erase, pfn * w->ps, w->erase_buf, w->ps);
			page = w->erase_buf;
		}
		if (page_is_zero(page, w->ps)) {
			*kept = false;
			w->stats->zero++;
		}
	}
	return NULL;
}

/* Pass 1 for one input PT_LOAD: appends its output segments. */
static struct mdf_error *eo_scan_load(struct elf_writer *w, const struct vmcore_load *l)
{
	uint64_t ps = w->ps;
	if (l->memsz > UINT64_MAX - l->paddr)
		return mdf_error_create(MDF_ERR_CORRUPT, "PT_LOAD at 0x%" PRIx64 " wraps around",
					l->paddr);
	uint64_t end = l->paddr + l->memsz;
	struct elf_seg seg = { .paddr = l->paddr, .vaddr = l->vaddr, .flags = l->flags,
			       .align = l->align };
	uint64_t pfn = l->paddr / ps;
	/* A partial first page is always kept as data (REFERENCE.md 4). */
	if (l->paddr % ps) {
		uint64_t head = ps - l->paddr % ps;
		if (head > l->memsz)
			head = l->memsz;
		seg.filesz = seg.memsz = head;
		pfn++;
	}
	uint64_t run = 0, run_bytes = 0; /* trailing excluded pages */
	uint64_t last = (end + ps - 1) / ps;
	for (; pfn < last; pfn++) {
		uint64_t bytes = end - pfn * ps < ps ? end - pfn * ps : ps;
		if ((pfn & 0xfff) == 0 && dump_interrupted(w->src))
			return mdf_error_create(MDF_ERR_INTR, "interrupted");
		bool kept;
		struct mdf_error *err = eo_page_kept(w, pfn, &kept);
		if (err)
			return err;
		if (!kept) {
			run++;
			run_bytes += bytes;
			seg.memsz += bytes;
			continue;
		}
		if (run >= ELF_SPLIT_RUN) {
			seg.split = true;
			if ((err = eo_add_seg(w, &seg)))
				return err;
			uint64_t pa = pfn * ps;
			seg = (struct elf_seg){ .paddr = pa, .vaddr = l->vaddr + (pa - l->paddr),
						.filesz = bytes, .memsz = bytes, .flags = l->flags,
						.align = l->align };
		} else {
			seg.filesz += run_bytes + bytes;
			seg.memsz += bytes;
		}
		run = run_bytes = 0;
	}
	return eo_add_seg(w, &seg);
}

static struct mdf_error *eo_scan(struct elf_writer *w)
{
	for (size_t i = 0; i < w->nr_loads; i++) {
		struct mdf_error *err = eo_scan_load(w, &w->loads[i]);
		if (err)
			return err;
		if (dump_interrupted(w->src))
			return mdf_error_create(MDF_ERR_INTR, "interrupted");
	}
	return NULL;
}

/* Assigns file offsets: Ehdr | Phdrs | [Shdr for PN_XNUM] | notes | data. */
static struct mdf_error *eo_layout(struct elf_writer *w)
{
	w->phnum = (uint64_t)w->nr_segs + 1;
	w->ehsize = w->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	w->phentsize = w->is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	w->shentsize = w->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	uint64_t off = w->ehsize + w->phnum * w->phentsize;
	if (w->phnum >= PN_XNUM) {
		w->shoff = off;
		off += w->shentsize;
	}
	w->note_off = off;
	w->out_notes_size = w->notes_size + w->erase_note_size;
	off += w->out_notes_size;
	w->data_pages = 0;
	for (size_t i = 0; i < w->nr_segs; i++) {
		struct elf_seg *s = &w->segs[i];
		/* makedumpfile 1.7.2 zeroes p_offset only for an empty segment
		 * closed by a split; a load's last segment keeps the current
		 * offset even when empty (black-box, REFERENCE.md 4). */
		s->offset = s->filesz || !s->split ? off : 0;
		off += s->filesz;
		w->data_pages += (s->filesz + w->ps - 1) / w->ps;
		if (!w->is64 && (off > UINT32_MAX || s->paddr + s->memsz > (uint64_t)UINT32_MAX + 1))
			return mdf_error_create(MDF_ERR_NOTSUPP,
						"the dump does not fit in ELF32 (segment at 0x%"
						PRIx64 ")", s->paddr);
	}
	w->file_size = off;
	return NULL;
}

static size_t eo_format_ehdr(const struct elf_writer *w, uint8_t *b, uint32_t extra_flags)
{
	const struct input_elf_orig *vm = w->orig;
	memset(b, 0, w->ehsize);
	memcpy(b, vm->e_ident, EI_NIDENT);
	size_t p = EI_NIDENT;
	eo_put(w, b + p, vm->e_type, 2), p += 2;
	eo_put(w, b + p, vm->e_machine, 2), p += 2;
	eo_put(w, b + p, vm->e_version, 4), p += 4;
	p += eo_putw(w, b + p, vm->e_entry);
	p += eo_putw(w, b + p, w->ehsize);                /* e_phoff */
	p += eo_putw(w, b + p, w->shoff);
	eo_put(w, b + p, vm->e_flags | extra_flags, 4), p += 4;
	eo_put(w, b + p, w->ehsize, 2), p += 2;
	eo_put(w, b + p, w->phentsize, 2), p += 2;
	eo_put(w, b + p, w->phnum >= PN_XNUM ? PN_XNUM : w->phnum, 2), p += 2;
	/* makedumpfile 1.7 copies e_shentsize from the input (and also e_shoff,
	 * e_shnum and e_shstrndx, which would then describe sections the
	 * output does not have: those we do not copy). */
	eo_put(w, b + p, w->shoff ? w->shentsize : vm->e_shentsize, 2), p += 2;
	eo_put(w, b + p, w->shoff ? 1 : 0, 2), p += 2;   /* e_shnum */
	eo_put(w, b + p, SHN_UNDEF, 2), p += 2;           /* e_shstrndx */
	return p;
}

static void eo_format_phdr(const struct elf_writer *w, uint8_t *b, uint32_t type,
			   const struct elf_seg *s)
{
	uint32_t flags = s->flags;
	memset(b, 0, w->phentsize);
	eo_put(w, b, type, 4);
	if (w->is64) {
		eo_put(w, b + 4, flags, 4);
		eo_put(w, b + 8, s->offset, 8);
		eo_put(w, b + 16, s->vaddr, 8);
		eo_put(w, b + 24, s->paddr, 8);
		eo_put(w, b + 32, s->filesz, 8);
		eo_put(w, b + 40, s->memsz, 8);
		eo_put(w, b + 48, s->align, 8);
	} else {
		eo_put(w, b + 4, s->offset, 4);
		eo_put(w, b + 8, s->vaddr, 4);
		eo_put(w, b + 12, s->paddr, 4);
		eo_put(w, b + 16, s->filesz, 4);
		eo_put(w, b + 20, s->memsz, 4);
		eo_put(w, b + 24, flags, 4);
		eo_put(w, b + 28, s->align, 4);
	}
}

static struct mdf_error *eo_write(struct elf_writer *w, uint64_t off, const void *buf,
				  size_t len)
{
	struct mdf_error *err = sink_write(w->sink, off, buf, len);
	if (!err && off + len > w->written_end)
		w->written_end = off + len;
	return err;
}

/* Writes the ELF header, program headers, the PN_XNUM section header and
 * the notes (REFERENCE.md 4). */
static struct mdf_error *eo_write_headers(struct elf_writer *w)
{
	/* Incomplete from the first byte on (e_flags bit 0): the sink writes
	 * the finished e_flags only after the last byte and the fsync
	 * (sink.h), so a killed run leaves a file flagged partial. */
	uint8_t eh[sizeof(Elf64_Ehdr)];
	size_t n = eo_format_ehdr(w, eh, ELF_INCOMPLETE_FLAG);
	uint8_t done_flags[4];
	eo_put(w, done_flags, w->orig->e_flags, 4);
	sink_set_complete_marker(w->sink, w->is64 ? ELF_OFF_FLAGS64 : ELF_OFF_FLAGS32, done_flags,
				 sizeof(done_flags));
	struct mdf_error *err = eo_write(w, 0, eh, n);
	if (err)
		return err;
	uint8_t *batch = malloc(ELF_PHDR_BATCH * sizeof(Elf64_Phdr));
	if (!batch)
		return mdf_error_nomem();
	/* p_memsz = p_filesz, ERASEINFO included (1.7.2 leaves p_memsz at the
	 * input's notes; readers take p_filesz). */
	struct elf_seg note = { .offset = w->note_off, .filesz = w->out_notes_size,
				.memsz = w->out_notes_size, .flags = w->orig->note_flags,
				.align = w->orig->note_align };
	uint64_t off = w->ehsize;
	for (uint64_t i = 0; i < w->phnum && !err;) {
		size_t k = 0;
		for (; k < ELF_PHDR_BATCH && i < w->phnum; k++, i++) {
			uint8_t *b = batch + k * w->phentsize;
			if (i == 0)
				eo_format_phdr(w, b, PT_NOTE, &note);
			else
				eo_format_phdr(w, b, PT_LOAD, &w->segs[i - 1]);
		}
		err = eo_write(w, off, batch, k * w->phentsize);
		off += k * w->phentsize;
	}
	free(batch);
	if (err)
		return err;
	if (w->shoff) {
		/* PN_XNUM: the real count lives in section header 0's sh_info. */
		uint8_t sh[sizeof(Elf64_Shdr)] = { 0 };
		eo_put(w, sh + (w->is64 ? 44 : 28), w->phnum, 4);
		if ((err = eo_write(w, w->shoff, sh, w->shentsize)))
			return err;
	}
	if (w->notes_size)
		err = eo_write(w, w->note_off, w->notes, w->notes_size);
	if (!err && w->erase_note_size)
		err = eo_write(w, w->note_off + w->notes_size, w->erase_note, w->erase_note_size);
	return err;
}

static void eo_progress(struct elf_writer *w, bool final)
{
	const struct dump_progress *p = &w->src->progress;
	if (!p->fn || (!final && w->done_pages < w->next_report))
		return;
	uint64_t step = w->data_pages / ELF_PROGRESS_STEPS + 1;
	while (w->next_report <= w->done_pages)
		w->next_report += step;
	p->fn(p->arg, "Copying data", w->done_pages, w->data_pages, true);
}

/* Bytes of chunk `done` of segment s. */
static size_t eo_chunk_len(const struct elf_seg *s, uint64_t done)
{
	return s->filesz - done < ELF_COPY_CHUNK ? (size_t)(s->filesz - done) : ELF_COPY_CHUNK;
}

static void *eo_ahead_main(void *arg)
{
	struct eo_ahead *a = arg;
	const struct elf_writer *w = a->w;
	for (size_t i = 0; i < w->nr_segs; i++) {
		const struct elf_seg *s = &w->segs[i];
		for (uint64_t done = 0; done < s->filesz; done += ELF_COPY_CHUNK) {
			pthread_mutex_lock(&a->mu);
			while (!a->stop && a->filled - a->taken >= EO_AHEAD)
				pthread_cond_wait(&a->cv, &a->mu);
			bool stop = a->stop;
			unsigned k = (unsigned)(a->filled % EO_AHEAD);
			pthread_mutex_unlock(&a->mu);
			if (stop)
				return NULL;
			struct mdf_error *err = input_read_phys(a->rd, s->paddr + done, a->buf[k],
								 eo_chunk_len(s, done));
			pthread_mutex_lock(&a->mu);
			a->err[k] = err ? mdf_error_wrap(err, "reading 0x%" PRIx64, s->paddr + done)
					: NULL;
			a->filled++;
			pthread_cond_broadcast(&a->cv);
			pthread_mutex_unlock(&a->mu);
			if (err)
				return NULL; /* the writer stops at this chunk */
		}
	}
	return NULL; /* returning, not pthread_exit: no libgcc_s needed */
}

/* Starts the reader thread; NULL on success. */
static struct mdf_error *eo_ahead_start(struct elf_writer *w, struct eo_ahead *a)
{
	memset(a, 0, sizeof(*a));
	a->w = w;
	for (unsigned k = 0; k < EO_AHEAD; k++)
		if (!(a->buf[k] = malloc(ELF_COPY_CHUNK)))
			goto nomem;
	struct mdf_error *err = input_reader_create(w->src->in, &a->rd);
	if (err) {
		for (unsigned k = 0; k < EO_AHEAD; k++)
			free(a->buf[k]);
		return err;
	}
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	int rc = pthread_create(&a->thread, NULL, eo_ahead_main, a);
	if (rc == 0)
		return NULL;
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	input_reader_destroy(a->rd);
	for (unsigned k = 0; k < EO_AHEAD; k++)
		free(a->buf[k]);
	return mdf_error_os(rc, "starting the reader thread");
nomem:
	for (unsigned k = 0; k < EO_AHEAD; k++)
		free(a->buf[k]);
	return mdf_error_nomem();
}

/* Waits for the next chunk; returns its buffer, or the read error. */
static struct mdf_error *eo_ahead_take(struct eo_ahead *a, const uint8_t **buf_ret)
{
	pthread_mutex_lock(&a->mu);
	while (a->filled == a->taken)
		pthread_cond_wait(&a->cv, &a->mu);
	unsigned k = (unsigned)(a->taken % EO_AHEAD);
	struct mdf_error *err = a->err[k];
	a->err[k] = NULL;
	pthread_mutex_unlock(&a->mu);
	*buf_ret = a->buf[k];
	return err;
}

/* The chunk taken last is written: its buffer may be refilled. */
static void eo_ahead_release(struct eo_ahead *a)
{
	pthread_mutex_lock(&a->mu);
	a->taken++;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void eo_ahead_stop(struct eo_ahead *a)
{
	pthread_mutex_lock(&a->mu);
	a->stop = true;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	for (unsigned k = 0; k < EO_AHEAD; k++) {
		mdf_error_destroy(a->err[k]);
		free(a->buf[k]);
	}
	pthread_mutex_destroy(&a->mu);
	pthread_cond_destroy(&a->cv);
	input_reader_destroy(a->rd);
}

/* Pass 2: copies each segment's data in bounded chunks, read ahead by a
 * thread when there are threads to use. */
static struct mdf_error *eo_copy(struct elf_writer *w)
{
	struct eo_ahead ahead;
	bool threaded = w->src->num_threads > 1;
	uint8_t *own = NULL;
	struct mdf_error *err = threaded ? eo_ahead_start(w, &ahead) : NULL;
	if (err)
		return err;
	if ((!threaded || w->src->erase) && !(own = malloc(ELF_COPY_CHUNK)))
		return mdf_error_nomem();
	for (size_t i = 0; i < w->nr_segs && !err; i++) {
		const struct elf_seg *s = &w->segs[i];
		w->copy_seg = i;
		for (uint64_t done = 0; done < s->filesz && !err;) {
			size_t n = eo_chunk_len(s, done);
			const uint8_t *buf = own;
			if (threaded) {
				err = eo_ahead_take(&ahead, &buf);
			} else {
				err = input_read_phys(w->rd, s->paddr + done, own, n);
				if (err)
					err = mdf_error_wrap(err, "reading 0x%" PRIx64, s->paddr + done);
			}
			if (err)
				break;
			if (erase_touches(w->src->erase, s->paddr + done, n)) {
				/* erase in our own buffer, not the read-ahead one */
				if (buf != own)
					memcpy(own, buf, n);
				erase_apply(w->src->erase, s->paddr + done, own, n);
				buf = own;
			}
			err = eo_write(w, s->offset + done, buf, n);
			if (threaded)
				eo_ahead_release(&ahead);
			done += n;
			w->done_pages = w->done_pages + (n + w->ps - 1) / w->ps;
			eo_progress(w, false);
			if (!err && dump_interrupted(w->src))
				err = mdf_error_create(MDF_ERR_INTR, "interrupted");
		}
	}
	if (threaded)
		eo_ahead_stop(&ahead);
	free(own);
	return err;
}

/* The ERASEINFO note: name "ERASEINFO", type 0, the text as descriptor,
 * each part padded to 4 bytes (REFERENCE.md 10.3): the source's eraseinfo
 * when refiltering, then --config's lines. */
static struct mdf_error *eo_erase_note(struct elf_writer *w)
{
	char *text;
	size_t len;
	struct mdf_error *err = dump_eraseinfo(w->src, &text, &len);
	if (err || !len)
		return err;
	static const char name[] = "ERASEINFO";
	size_t nsz = sizeof(name), desc_off = 12 + ((nsz + 3) & ~(size_t)3);
	size_t total = desc_off + ((len + 3) & ~(size_t)3);
	if (len > UINT32_MAX || !(w->erase_note = calloc(1, total))) {
		free(text);
		return len > UINT32_MAX ? mdf_error_create(MDF_ERR_NOTSUPP, "eraseinfo too large")
					: mdf_error_nomem();
	}
	eo_put(w, w->erase_note, nsz, 4);
	eo_put(w, w->erase_note + 4, len, 4);
	eo_put(w, w->erase_note + 8, 0, 4);
	memcpy(w->erase_note + 12, name, nsz);
	memcpy(w->erase_note + desc_off, text, len);
	free(text);
	w->erase_note_size = total;
	return NULL;
}

static struct mdf_error *eo_init(struct elf_writer *w)
{
	const struct dump_source *src = w->src;
	if (w->ps == 0 || (w->ps & (w->ps - 1)) || w->ps > ELF_COPY_CHUNK)
		return mdf_error_create(MDF_ERR_INVALID, "bad page size %" PRIu64, w->ps);
	if (!w->orig)
		return mdf_error_create(MDF_ERR_NOTSUPP, "ELF output needs an ELF input");
	w->is64 = w->orig->is64;
	input_segments(src->in, &w->loads, &w->nr_loads);
	input_notes(src->in, &w->notes, &w->notes_size);
	struct mdf_error *err = eo_erase_note(w);
	if (err)
		return err;
	if (src->erase && !(w->erase_buf = malloc(w->ps)))
		return mdf_error_nomem();
	err = input_reader_create(w->src->in, &w->rd);
	if (err || !src->filter || src->max_mapnr == 0)
		return err;
	/* Cycles start on a multiple of 8 pfns (bitmap.h). */
	uint64_t cp = src->pfn_cyclic;
	if (cp == 0 || cp >= src->max_mapnr)
		cp = src->max_mapnr;
	cp = (cp + 7) & ~(uint64_t)7;
	w->cycle_pfns = cp;
	w->nr_cycles = (src->max_mapnr + cp - 1) / cp;
	w->counted = calloc(w->nr_cycles, 1);
	if (!w->counted)
		return mdf_error_nomem();
	if ((err = bitmap_init(&w->bm1, cp)))
		return err;
	if ((err = bitmap_init(&w->bm2, cp)))
		return err;
	return NULL;
}

static void eo_deinit(struct elf_writer *w)
{
	free(w->erase_note);
	free(w->erase_buf);
	if (w->counted) {
		bitmap_deinit(&w->bm1);
		bitmap_deinit(&w->bm2);
	}
	free(w->counted);
	free(w->segs);
	input_reader_destroy(w->rd);
}

/* After a failure past the headers: the header written first already says
 * incomplete (e_flags bit 0, REFERENCE.md 4); close the sink as incomplete. */
static void eo_mark_incomplete(struct elf_writer *w)
{
	/* Segments whose copy never started become PT_NULL (all zero), as
	 * makedumpfile leaves them, so readers do not look past the end. */
	uint8_t zero[sizeof(Elf64_Phdr) * 64] = { 0 };
	size_t per = sizeof(zero) / w->phentsize;
	uint64_t first = (uint64_t)w->copy_seg + 2; /* phdr index: PT_NOTE is 0 */
	uint64_t wend = w->written_end;
	for (uint64_t i = first; i < w->phnum;) {
		uint64_t k = w->phnum - i < per ? w->phnum - i : per;
		uint64_t off = w->ehsize + i * w->phentsize;
		if (off >= wend)
			break;
		if (off + k * w->phentsize > wend)
			k = (wend - off) / w->phentsize;
		if (k == 0)
			break;
		mdf_error_destroy(sink_write_header(w->sink, off, zero, k * w->phentsize));
		i += k;
	}
	mdf_error_destroy(sink_finish(w->sink, w->written_end, false));
}

struct mdf_error *elf_write(const struct dump_source *src, struct sink *sink,
			    struct dump_stats *stats)
{
	struct dump_stats dummy;
	struct elf_writer w = {
		.src = src,
		.orig = input_elf_orig(src->in),
		.sink = sink,
		.stats = stats ? stats : &dummy,
		.ps = src->page_size,
	};
	memset(&dummy, 0, sizeof(dummy));
	struct mdf_error *err = eo_init(&w);
	if (!err)
		err = eo_scan(&w);
	if (!err)
		err = eo_layout(&w);
	if (err) {
		eo_deinit(&w);
		return err;
	}
	err = eo_write_headers(&w);
	if (!err)
		err = eo_copy(&w);
	if (!err) {
		eo_progress(&w, true);
		err = sink_finish(sink, w.file_size, true);
		if (!err)
			w.written_end = w.file_size;
	} else {
		eo_mark_incomplete(&w);
	}
	w.stats->written_pages = w.done_pages;
	w.stats->write_bytes = w.written_end;
	eo_deinit(&w);
	return err;
}

uint64_t elf_out_header_size(const struct input *in)
{
	const struct input_elf_orig *orig = in ? input_elf_orig(in) : NULL;
	return orig && !orig->is64 ? sizeof(Elf32_Ehdr) : sizeof(Elf64_Ehdr);
}
