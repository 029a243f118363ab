/* SPDX-License-Identifier: GPL-2.0-or-later */
/* -e (vmemmap_excl.h, REFERENCE.md 6.8). */
#include "vmemmap_excl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	VX_WORD = 64,          /* pfns per bitmap word (REFERENCE.md 6.8 step 2) */
	VX_MSG_LIMIT = 8,
};
#define VX_LEAF_SIZE 0x200000ULL /* 2 MiB PMD leaf (REFERENCE.md 6.8 step 1) */

/* A window of both pass-1 bitmaps. */
struct vx_window {
	struct bitmap bm1, bm2;
	uint64_t chunk;
	bool loaded;
};

struct vx_ctx {
	struct kmem *km;
	struct bitmap_store *st;
	uint64_t max_mapnr;
	const struct mdf_msg *msg;
	struct vx_window win;
	/* translation of the current 2 MiB vmemmap block */
	uint64_t block_va;
	bool block_valid, block_ok;
	uint64_t block_pa;
	unsigned int bad_leaf_msgs;
	/* pending run of backing pfns, spooled to runs */
	FILE *runs;
	uint64_t run_start, run_end;
	uint64_t nr_runs;
};

/* Makes the window hold pfns [lo, hi) (hi - lo <= chunk + 2 words). */
static struct mdf_error *vx_window_cover(struct vx_ctx *c, uint64_t lo, uint64_t hi)
{
	struct vx_window *w = &c->win;
	if (hi > c->max_mapnr)
		hi = c->max_mapnr;
	if (w->loaded && lo >= w->bm1.start_pfn && hi <= w->bm1.end_pfn)
		return NULL;
	uint64_t start = lo & ~(uint64_t)(VX_WORD - 1);
	uint64_t end = start + w->chunk + 2 * VX_WORD;
	if (end < hi)
		end = hi;
	struct mdf_error *err = bitmap_store_get(c->st, BITMAP_STORE_RAM, &w->bm1, start, end);
	if (!err)
		err = bitmap_store_get(c->st, BITMAP_STORE_DUMPABLE, &w->bm2, start, end);
	w->loaded = !err;
	return err;
}

/* True if the 64 pfns of word wd are all RAM and all excluded. */
static bool vx_word_unused(const struct vx_ctx *c, uint64_t wd)
{
	const struct vx_window *w = &c->win;
	uint64_t p = wd * VX_WORD;
	if (p < w->bm1.start_pfn || p + VX_WORD > w->bm1.end_pfn)
		return false;
	uint64_t a, b;
	memcpy(&a, w->bm1.bits + (p - w->bm1.start_pfn) / 8, 8);
	memcpy(&b, w->bm2.bits + (p - w->bm2.start_pfn) / 8, 8);
	return a == UINT64_MAX && b == 0;
}

/* True if the struct pages of pfns [lo, hi) may go: every word they touch
 * is unused, and the run of unused words is at least two long. */
static struct mdf_error *vx_unused(struct vx_ctx *c, uint64_t lo, uint64_t hi, bool *ret)
{
	*ret = false;
	uint64_t wlo = lo / VX_WORD, whi = (hi - 1) / VX_WORD;
	uint64_t cover_lo = wlo ? (wlo - 1) * VX_WORD : 0;
	struct mdf_error *err = vx_window_cover(c, cover_lo, (whi + 2) * VX_WORD);
	if (err)
		return err;
	for (uint64_t wd = wlo; wd <= whi; wd++)
		if (!vx_word_unused(c, wd))
			return NULL;
	*ret = whi > wlo || (wlo && vx_word_unused(c, wlo - 1)) || vx_word_unused(c, wlo + 1);
	return NULL;
}

/* Physical address of a vmemmap page, or false when its block is not a
 * 2 MiB leaf (then nothing in it is touched, REFERENCE.md 6.8 step 1). */
static bool vx_translate(struct vx_ctx *c, uint64_t va, uint64_t *pa_ret)
{
	uint64_t block = va & ~(VX_LEAF_SIZE - 1);
	if (!c->block_valid || c->block_va != block) {
		struct arch_vtop_trace tr;
		memset(&tr, 0, sizeof(tr));
		struct mdf_error *err = kmem_vtop_trace(c->km, block, &tr);
		c->block_va = block;
		c->block_valid = true;
		c->block_ok = !err && tr.leaf_size == VX_LEAF_SIZE;
		c->block_pa = tr.paddr;
		if (!c->block_ok && c->bad_leaf_msgs++ < VX_MSG_LIMIT)
			mdf_msgf(c->msg, MDF_MSG_DEBUG,
				 "vmemmap block 0x%" PRIx64 " %s: its struct pages are kept", block,
				 err ? err->message : "is not a 2 MiB leaf");
		mdf_error_destroy(err);
	}
	*pa_ret = c->block_pa + (va - block);
	return c->block_ok;
}

static struct mdf_error *vx_flush_run(struct vx_ctx *c)
{
	if (c->run_end == c->run_start)
		return NULL;
	uint64_t rec[2] = { c->run_start, c->run_end };
	if (fwrite(rec, sizeof(rec), 1, c->runs) != 1)
		return mdf_error_os(errno ? errno : EIO, "writing the -e pfn list in %s",
				    bitmap_store_dir(c->st));
	c->nr_runs++;
	c->run_start = c->run_end = 0;
	return NULL;
}

static struct mdf_error *vx_add_pfn(struct vx_ctx *c, uint64_t pfn)
{
	if (c->run_end != c->run_start && pfn == c->run_end) {
		c->run_end++;
		return NULL;
	}
	struct mdf_error *err = vx_flush_run(c);
	c->run_start = pfn;
	c->run_end = pfn + 1;
	return err;
}

/* Decides the backing pages of one struct-page array. Bounded by the
 * array's size in pages. */
static struct mdf_error *vx_range(struct vx_ctx *c, const struct memmap_range *r, uint64_t sz,
				  uint64_t ps)
{
	if (r->end_pfn <= r->start_pfn || r->end_pfn > c->max_mapnr ||
	    (r->end_pfn - r->start_pfn) > UINT64_MAX / sz)
		return NULL;
	uint64_t va_lo = (r->mem_map + ps - 1) & ~(ps - 1);
	uint64_t va_hi = (r->mem_map + (r->end_pfn - r->start_pfn) * sz) & ~(ps - 1);
	unsigned int shift = (unsigned int)__builtin_ctzll(ps);
	for (uint64_t va = va_lo; va < va_hi; va += ps) {
		/* pfns whose struct pages overlap [va, va + ps) */
		uint64_t lo = r->start_pfn + (va - r->mem_map) / sz;
		uint64_t hi = r->start_pfn + (va + ps - r->mem_map + sz - 1) / sz;
		if (hi > r->end_pfn)
			hi = r->end_pfn;
		bool unused;
		struct mdf_error *err = vx_unused(c, lo, hi, &unused);
		if (err)
			return err;
		uint64_t pa;
		if (!unused || !vx_translate(c, va, &pa))
			continue;
		err = vx_add_pfn(c, pa >> shift);
		if (err)
			return err;
	}
	return NULL;
}

/* Clears the spooled runs from bitmap 2. */
static struct mdf_error *vx_apply(struct vx_ctx *c, uint64_t *excluded_ret)
{
	uint64_t total = 0;
	if (fflush(c->runs) != 0 || fseeko(c->runs, 0, SEEK_SET) != 0)
		return mdf_error_os(errno, "rewinding the -e pfn list in %s",
				    bitmap_store_dir(c->st));
	for (uint64_t i = 0; i < c->nr_runs; i++) {
		uint64_t rec[2], n;
		if (fread(rec, sizeof(rec), 1, c->runs) != 1)
			return mdf_error_create(MDF_ERR_OS, "reading the -e pfn list in %s: short read",
						bitmap_store_dir(c->st));
		struct mdf_error *err = bitmap_store_clear_range(c->st, BITMAP_STORE_DUMPABLE,
								 rec[0], rec[1], &n);
		if (err)
			return err;
		total += n;
	}
	*excluded_ret = total;
	return NULL;
}

static FILE *vx_open_spool(const char *dir, struct mdf_error **err_ret)
{
	size_t n = strlen(dir) + sizeof("/makedumpfilepfnsXXXXXX");
	char *path = malloc(n);
	if (!path) {
		*err_ret = mdf_error_nomem();
		return NULL;
	}
	snprintf(path, n, "%s/makedumpfilepfnsXXXXXX", dir);
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w+b") : NULL;
	if (!f)
		*err_ret = mdf_error_os(errno, "creating the -e pfn list %s", path);
	if (fd >= 0)
		unlink(path); /* REFERENCE.md 1.8: unlinked after open */
	if (!f && fd >= 0)
		close(fd);
	free(path);
	return f;
}

struct mdf_error *vmemmap_exclude_kmem(struct kmem *km, const struct memmap *mm,
				       struct bitmap_store *st, uint64_t max_mapnr,
				       uint64_t chunk_pfns, const struct mdf_msg *msg,
				       uint64_t *excluded_ret)
{
	*excluded_ret = 0;
	if (!kmem_arch(km)->vmemmap_exclusion)
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"excluding unused vmemmap (-e) is not supported on %s",
					kmem_arch(km)->name);
	uint64_t ps = kmem_page_size(km), sz = mm->page_struct_size;
	if (sz == 0 || sz > ps)
		return mdf_error_create(MDF_ERR_NOTSUPP, "SIZE(page) %" PRIu64 " unusable for -e",
					sz);
	struct vx_ctx c;
	memset(&c, 0, sizeof(c));
	c.km = km;
	c.st = st;
	c.max_mapnr = max_mapnr;
	c.msg = msg;
	if (chunk_pfns < 8 * ps)
		chunk_pfns = 8 * ps;
	c.win.chunk = (chunk_pfns + VX_WORD - 1) & ~(uint64_t)(VX_WORD - 1);
	struct mdf_error *err = bitmap_init(&c.win.bm1, c.win.chunk + 4 * VX_WORD);
	if (!err)
		err = bitmap_init(&c.win.bm2, c.win.chunk + 4 * VX_WORD);
	if (!err)
		c.runs = vx_open_spool(bitmap_store_dir(st), &err);
	for (size_t i = 0; !err && i < mm->nr_ranges; i++)
		err = vx_range(&c, &mm->ranges[i], sz, ps);
	if (!err)
		err = vx_flush_run(&c);
	if (!err)
		err = vx_apply(&c, excluded_ret);
	if (c.runs)
		fclose(c.runs);
	bitmap_deinit(&c.win.bm1);
	bitmap_deinit(&c.win.bm2);
	return mdf_error_wrap(err, "excluding unused vmemmap pages");
}

struct mdf_error *vmemmap_exclude(const struct dump_source *src, struct bitmap_store *st,
				  uint64_t chunk_pfns, uint64_t *excluded_ret)
{
	*excluded_ret = 0;
	if (!src->in || !src->kf)
		return mdf_error_create(MDF_ERR_NODATA, "-e needs the kernel's memory layout");
	struct kmem *km = NULL;
	struct memmap *mm = NULL;
	struct mdf_error *err = kmem_create(src->in, src->kf, src->msg, &km);
	if (!err)
		err = memmap_create(km, src->kf, src->max_mapnr, src->msg, &mm);
	if (!err)
		err = vmemmap_exclude_kmem(km, mm, st, src->max_mapnr, chunk_pfns, src->msg,
					   excluded_ret);
	memmap_destroy(mm);
	kmem_destroy(km);
	if (err)
		return err;
	/* makedumpfile prints it between the progress lines (REFERENCE.md 6.8). */
	mdf_msgf(src->msg, MDF_MSG_PROGRESS, "\nExcluded %" PRIu64 " unused vmemmap pages\n",
		 *excluded_ret);
	return NULL;
}
