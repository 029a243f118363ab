/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The struct-page scan of one cycle (REFERENCE.md 6.2, 6.3, 8.2). */
#include "memscan.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freelist.h"
#include "kallsyms.h"
#include "page_class.h"

/* Struct pages read per kmem_read (REFERENCE.md 6.2: 512, as upstream). */
enum { MEMSCAN_BATCH = 512 };
/* Debug messages of one kind before we only count. */
enum { MEMSCAN_MSG_LIMIT = 16 };

/* Freed parts of the image we know of (MEMSCAN_IMAGE_MAX_KEEP - 1). */
enum { MEMSCAN_MAX_GAPS = MEMSCAN_IMAGE_MAX_KEEP - 1 };

/* Kernel image size bound when nothing else says (1 GiB, REFERENCE.md 7.1). */
#define DEFAULT_IMAGE_LIMIT 0x40000000ULL

struct memscan {
	struct kmem *km;
	bool own_km;
	struct memmap *mm;
	struct page_layout l;
	int dump_level;
	const struct mdf_msg *msg;
	unsigned int page_shift;
	uint8_t *buf;        /* (MEMSCAN_BATCH + 1) struct pages */
	uint8_t *tail_buf;   /* one struct page */
	struct freelist *fl; /* free blocks from the free lists (REFERENCE.md 6.4), or NULL */

	bool protect_image;
	struct memscan_image img;
	uint64_t image_overrides;
	unsigned int override_msgs, unreadable_msgs;

	/* An exclusion that ran past the end of the previous cycle. */
	bool pending;
	uint64_t pend_from, pend_end;
	enum page_class pend_class;
};

bool memscan_wanted(const struct kfacts *kf, int dump_level)
{
	return (dump_level & (DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI | DL_EXCLUDE_USER |
			      DL_EXCLUDE_FREE)) ||
	       kf_have(kf, KF_NUMBER_PG_hwpoison) ||
	       (kf_have(kf, KF_NUMBER_PAGE_OFFLINE_MAPCOUNT_VALUE) &&
		kf_have(kf, KF_OFFSET_page__mapcount));
}

/* One class the dump level asks for whose facts are missing: its pages are
 * kept, and the run says which fact and why (README "Degrade, don't
 * fail"). Returns the dump level without `bits`. */
static int drop_class(const struct kfacts *kf, int dl, int bits, const char *pages,
		      enum kfact_id id, const char *also, const struct mdf_msg *msg)
{
	if (!(dl & bits))
		return dl;
	char why[96];
	if (kf_have(kf, id))
		snprintf(why, sizeof(why), "whose value %lld does not fit (SIZE(page)=%llu)",
			 (long long)kf_get(kf, id), (unsigned long long)kf_get(kf, KF_SIZE_page));
	else
		kf_why_missing(kf, id, why, sizeof(why));
	mdf_msgf(msg, MDF_MSG_COMMON,
		 "WARNING: dump level %d needs %s%s to tell %s pages, %s: those pages are kept "
		 "(dump level %d). The makedumpfile operation may be incomplete.",
		 dl, kfact_table[id].key, also, pages, why, dl & ~bits);
	return dl & ~bits;
}

/* The dump level this scan can honour: classes whose facts are missing are
 * dropped with a warning (their pages kept), as makedumpfile keeps pages
 * it cannot classify. */
static int usable_level(const struct page_layout *l, const struct kfacts *kf, int dl,
			const struct mdf_msg *msg)
{
	if (!l->have_mapping)
		dl = drop_class(kf, dl, DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI | DL_EXCLUDE_USER,
				"cache and user", KF_OFFSET_page_mapping, "", msg);
	if (!l->pg_lru)
		dl = drop_class(kf, dl, DL_EXCLUDE_CACHE | DL_EXCLUDE_CACHE_PRI, "cache",
				KF_NUMBER_PG_lru, "", msg);
	if ((dl & DL_EXCLUDE_CACHE) && !(dl & DL_EXCLUDE_CACHE_PRI) && !l->pg_private)
		dl = drop_class(kf, dl, DL_EXCLUDE_CACHE, "cache", KF_NUMBER_PG_private, "", msg);
	/* free pages: by their struct page (buddy type) or by the free lists */
	if (!l->buddy_known && !l->free_list_known) {
		if (!l->have_private)
			dl = drop_class(kf, dl, DL_EXCLUDE_FREE, "free", KF_OFFSET_page_private,
					" (or the facts of the free lists: node_data, pglist_data, "
					"zone, free_area)", msg);
		else
			dl = drop_class(kf, dl, DL_EXCLUDE_FREE, "free",
					KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE,
					" with OFFSET(page._mapcount) (or NUMBER(PG_buddy)), or the facts "
					"of the free lists (node_data, pglist_data, zone, free_area),", msg);
	}
	return dl;
}

/* The kernel image's virtual end: SYMBOL(_end), else the end of the
 * PT_LOAD that maps _stext (kexec-tools makes it [_stext, _end)), else the
 * extent of the mapping found by walking from _stext. */
static uint64_t image_va_end(struct memscan *ms, const struct kfacts *kf, uint64_t va)
{
	if (kf_have(kf, KF_SYMBOL__end) && kf_get(kf, KF_SYMBOL__end) > va)
		return kf_get(kf, KF_SYMBOL__end);
	size_t n;
	const struct vmcore_load *ld = kmem_loads(ms->km, &n);
	for (size_t i = 0; i < n; i++)
		if (va >= ld[i].vaddr && va - ld[i].vaddr < ld[i].memsz)
			return ld[i].vaddr + ld[i].memsz;
	uint64_t limit = kf_have(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 ? kf_get(kf, KF_NUMBER_KERNEL_IMAGE_SIZE)
				 : DEFAULT_IMAGE_LIMIT;
	uint64_t ps = kmem_page_size(ms->km), pa0, pa, end = va;
	if (kmem_vtop(ms->km, va, &pa0))
		return va;
	/* Bounded by limit / page size steps; stops at the first unmapped or
	 * physically discontiguous page. */
	for (uint64_t off = 0; off < limit; off += ps) {
		struct mdf_error *err = kmem_vtop(ms->km, va + off, &pa);
		if (err || pa != pa0 + off) {
			mdf_error_destroy(err);
			break;
		}
		end = va + off + ps;
	}
	return end;
}

/* The kallsyms names of the architecture's freed parts of the image
 * (arch_ops.image_gaps): start and end of each, two per gap. */
static size_t gap_names(const struct memscan *ms, const char **names)
{
	const struct arch_image_gap *g = kmem_arch(ms->km)->image_gaps;
	size_t ng = 0;
	for (; g && g[ng].start && ng < MEMSCAN_MAX_GAPS; ng++) {
		names[2 * ng] = g[ng].start;
		names[2 * ng + 1] = g[ng].end ? g[ng].end : g[ng].start;
	}
	return ng;
}

/* The parts of [_stext, _end) the kernel frees after boot and reuses, from
 * the architecture's list and their addresses (a, found f) in the dump's
 * kallsyms, sorted and checked (inside the image, ordered, disjoint);
 * returns how many, or -1 with a reason in *why. Everything else stays
 * protected. */
static int freed_gaps(struct memscan *ms, const uint64_t *a, const bool *f, size_t ng,
		      uint64_t va, uint64_t ve, uint64_t gaps[][2], const char **why)
{
	const struct arch_image_gap *g = kmem_arch(ms->km)->image_gaps;
	struct mdf_error *err;
	uint64_t ps = kmem_page_size(ms->km);
	int n = 0;
	for (size_t i = 0; i < ng; i++) {
		bool have = f[2 * i] && f[2 * i + 1];
		if (!have && g[i].required) {
			*why = "a section boundary is missing";
			return -1;
		}
		if (!have)
			continue;
		if (g[i].end) {
			gaps[n][0] = a[2 * i], gaps[n++][1] = a[2 * i + 1];
			continue;
		}
		/* start is a variable holding the address (the end of what
		 * early boot took from brk); the gap runs to the image end */
		uint64_t v;
		if (a[2 * i] < va || a[2 * i] >= ve)
			continue;
		err = kmem_read_u64(ms->km, a[2 * i], &v);
		if (!err && v >= va && v <= ve)
			gaps[n][0] = (v + ps - 1) / ps * ps, gaps[n++][1] = ve;
		mdf_error_destroy(err);
	}
	/* insertion sort by start, then check */
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && gaps[j][0] < gaps[j - 1][0]; j--) {
			uint64_t t0 = gaps[j][0], t1 = gaps[j][1];
			gaps[j][0] = gaps[j - 1][0], gaps[j][1] = gaps[j - 1][1];
			gaps[j - 1][0] = t0, gaps[j - 1][1] = t1;
		}
	for (int i = 0; i < n; i++)
		if (gaps[i][0] < va || gaps[i][1] > ve || gaps[i][0] > gaps[i][1] ||
		    (i && gaps[i][0] < gaps[i - 1][1])) {
			*why = "section symbols out of order or outside the image";
			return -1;
		}
	return n;
}

/* One of find_image's debug lines: printed, and kept with the image so
 * that a scan handed the image prints the same lines (memscan_image.log;
 * lines that no longer fit are only printed). */
static void image_note(struct memscan *ms, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void image_note(struct memscan *ms, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mdf_msgf(ms->msg, MDF_MSG_DEBUG, "%s", line);
	size_t used = strlen(ms->img.log), n = strlen(line);
	if (used + n + 2 <= sizeof(ms->img.log)) {
		memcpy(ms->img.log + used, line, n);
		ms->img.log[used + n] = '\n';
		ms->img.log[used + n + 1] = '\0';
	}
}

/* Prints the lines of an image another scan found. */
static void image_replay(const struct memscan *ms)
{
	const char *p = ms->img.log;
	for (const char *nl; (nl = strchr(p, '\n')); p = nl + 1)
		mdf_msgf(ms->msg, MDF_MSG_DEBUG, "%.*s", (int)(nl - p), p);
}

/* Narrows the protected pfns to the parts of the image the kernel keeps,
 * when the dump's kallsyms gives every boundary; a pfn stays protected
 * if any byte of it is kept. pa is _stext's physical address; the image
 * is physically contiguous (checked by the caller). */
static void refine_image(struct memscan *ms, const struct kfacts *kf, uint64_t va, uint64_t ve,
			 uint64_t pa)
{
	uint64_t gaps[MEMSCAN_MAX_GAPS][2];
	const char *why = NULL;
	struct kallsyms_bases bases = { 0 };
	size_t nl;
	const struct vmcore_load *loads = kmem_loads(ms->km, &nl);
	kallsyms_default_bases(&bases, kf, loads, nl);
	struct kallsyms *ks = NULL;
	char how[160] = "";
	const char *names[2 * MEMSCAN_MAX_GAPS];
	uint64_t a[2 * MEMSCAN_MAX_GAPS];
	bool f[2 * MEMSCAN_MAX_GAPS];
	size_t ng = gap_names(ms, names);
	int n = -1;
	struct mdf_error *err = NULL;
	if (!ng)
		why = "no freed sections known for this architecture";
	else
		err = kallsyms_open_lookup(ms->km, kf, &bases, names, 2 * ng, a, f, &ks);
	if (err) {
		image_note(ms, "kernel image: kallsyms unusable: %s", err->message);
		mdf_error_destroy(err);
		why = "kallsyms unusable";
	} else if (ng) {
		kallsyms_describe(ks, how, sizeof(how));
		n = freed_gaps(ms, a, f, ng, va, ve, gaps, &why);
	}
	kallsyms_close(ks);
	if (n < 0) {
		image_note(ms, "kernel image: whole-range rule (kallsyms: %s)",
			 why);
		return;
	}
	uint64_t ps = kmem_page_size(ms->km), cur = ms->img.start, freed = 0;
	size_t k = 0;
	for (int i = 0; i < n; i++) {
		/* pfns wholly inside the gap */
		uint64_t fs = (pa + (gaps[i][0] - va) + ps - 1) >> ms->page_shift;
		uint64_t fe = (pa + (gaps[i][1] - va)) >> ms->page_shift;
		if (fe <= fs)
			continue;
		if (fs > cur) {
			ms->img.keep[k][0] = cur;
			ms->img.keep[k++][1] = fs;
		}
		freed += fe - fs;
		cur = fe;
	}
	if (cur < ms->img.end) {
		ms->img.keep[k][0] = cur;
		ms->img.keep[k++][1] = ms->img.end;
	}
	ms->img.nr_keep = k;
	if (k == 0) /* all freed: still keep the rule meaningful */
		ms->img.start = ms->img.end = 0;
	image_note(ms,
		 "kernel image: section rule from kallsyms (%s): %zu kept range(s), %llu "
		 "freed pfn(s) classified normally",
		 how, k, (unsigned long long)freed);
	for (size_t i = 0; i < k; i++)
		image_note(ms, "kernel image: pfns 0x%llx-0x%llx are never excluded",
			 (unsigned long long)ms->img.keep[i][0], (unsigned long long)ms->img.keep[i][1]);
}

static void find_image(struct memscan *ms, const struct kfacts *kf)
{
	ms->img.start = ms->img.end = 0;
	if (!kf_have(kf, KF_SYMBOL__stext)) {
		image_note(ms, "kernel image unknown (no SYMBOL(_stext)): not protected");
		return;
	}
	uint64_t va = kf_get(kf, KF_SYMBOL__stext);
	uint64_t ve = image_va_end(ms, kf, va);
	uint64_t ps, pe;
	struct mdf_error *err = kmem_vtop(ms->km, va, &ps);
	if (!err && ve > va)
		err = kmem_vtop(ms->km, ve - 1, &pe);
	if (err || ve <= va || pe < ps || pe - ps >= DEFAULT_IMAGE_LIMIT) {
		image_note(ms, "kernel image range not found%s%s: not protected",
			 err ? ": " : "", err ? err->message : "");
		mdf_error_destroy(err);
		return;
	}
	ms->img.start = ps >> ms->page_shift;
	ms->img.end = (pe >> ms->page_shift) + 1;
	ms->img.nr_keep = 0;
	if (pe - ps == ve - 1 - va) {
		refine_image(ms, kf, va, ve, ps);
		if (ms->img.nr_keep)
			return;
	} else {
		image_note(ms,
			 "kernel image: whole-range rule (not physically contiguous)");
	}
	image_note(ms, "kernel image: pfns 0x%llx-0x%llx are never excluded",
		 (unsigned long long)ms->img.start, (unsigned long long)ms->img.end);
}

static struct mdf_error *create_kmem(struct kmem *km, const struct kfacts *kf,
				     uint64_t max_mapnr, int dump_level, const struct mdf_msg *msg,
				     const struct memscan_image *known, struct memscan **ret)
{
	struct memscan *ms = calloc(1, sizeof(*ms));
	if (!ms)
		return mdf_error_nomem();
	ms->km = km;
	ms->dump_level = dump_level;
	ms->msg = msg;
	ms->protect_image = true;
	ms->page_shift = (unsigned int)__builtin_ctzll(kmem_page_size(km));
	struct mdf_error *err = page_layout_init(&ms->l, kf, msg);
	if (!err)
		ms->dump_level = usable_level(&ms->l, kf, dump_level, msg);
	if (!err)
		err = memmap_create(km, kf, max_mapnr, msg, &ms->mm);
	if (!err) {
		ms->buf = malloc((size_t)(MEMSCAN_BATCH + 1) * ms->l.size);
		ms->tail_buf = malloc(ms->l.size);
		if (!ms->buf || !ms->tail_buf)
			err = mdf_error_nomem();
	}
	if (err) {
		memscan_destroy(ms);
		return err;
	}
	if (known && known->known) {
		ms->img = *known;
		image_replay(ms);
	} else {
		find_image(ms, kf);
	}
	ms->img.known = true;
	if ((ms->dump_level & DL_EXCLUDE_FREE) && !ms->l.buddy_known) {
		/* No page type or flag marks free pages: walk the free lists
		 * once. A broken list is a bounded fallback: keep them all. */
		err = freelist_walk(km, kf, ms->mm, max_mapnr, msg, &ms->fl);
		if (err)
			mdf_msgf(msg, MDF_MSG_COMMON,
				 "The free lists are broken (%s): free pages are kept.",
				 err->message);
		mdf_error_destroy(err);
	}
	*ret = ms;
	return NULL;
}

struct mdf_error *memscan_create_kmem(struct kmem *km, const struct kfacts *kf,
				      uint64_t max_mapnr, int dump_level,
				      const struct mdf_msg *msg, struct memscan **ret)
{
	return create_kmem(km, kf, max_mapnr, dump_level, msg, NULL, ret);
}

struct mdf_error *memscan_create_with_image(struct input *in, const struct kfacts *kf,
					    int dump_level, const struct mdf_msg *msg,
					    const struct memscan_image *known,
					    struct memscan **ret)
{
	struct kmem *km;
	struct mdf_error *err = kmem_create(in, kf, msg, &km);
	if (err)
		return err;
	err = create_kmem(km, kf, input_max_mapnr(in), dump_level, msg, known, ret);
	if (err) {
		kmem_destroy(km);
		return err;
	}
	(*ret)->own_km = true;
	return NULL;
}

struct mdf_error *memscan_create(struct input *in, const struct kfacts *kf, int dump_level,
				 const struct mdf_msg *msg, struct memscan **ret)
{
	return memscan_create_with_image(in, kf, dump_level, msg, NULL, ret);
}

void memscan_get_image(const struct memscan *ms, struct memscan_image *img)
{
	*img = ms->img;
}

void memscan_destroy(struct memscan *ms)
{
	if (!ms)
		return;
	memmap_destroy(ms->mm);
	freelist_destroy(ms->fl);
	if (ms->own_km)
		kmem_destroy(ms->km);
	free(ms->buf);
	free(ms->tail_buf);
	free(ms);
}

void memscan_set_protect_image(struct memscan *ms, bool on)
{
	ms->protect_image = on;
}

void memscan_image_pfns(const struct memscan *ms, uint64_t *start_ret, uint64_t *end_ret)
{
	*start_ret = ms->img.start;
	*end_ret = ms->img.end;
}

bool memscan_image_sections(const struct memscan *ms)
{
	return ms->img.nr_keep > 0;
}

const struct memmap *memscan_memmap(const struct memscan *ms)
{
	return ms->mm;
}

struct kmem *memscan_kmem(const struct memscan *ms)
{
	return ms->km;
}

const struct page_layout *memscan_layout(const struct memscan *ms)
{
	return &ms->l;
}

struct mdf_error *memscan_classify_pfn(struct memscan *ms, uint64_t pfn, int dump_level,
				       enum page_class *class_ret)
{
	const struct memmap_range *r = memmap_find(ms->mm, pfn);
	if (!r || !r->mem_map)
		return mdf_error_create(MDF_ERR_NODATA, "pfn 0x%llx has no struct page",
					(unsigned long long)pfn);
	uint64_t sz = ms->l.size, va = r->mem_map + (pfn - r->start_pfn) * sz;
	struct mdf_error *err = kmem_read(ms->km, va, ms->buf, sz);
	if (err)
		return err;
	const uint8_t *tail = NULL;
	if (pfn + 1 < r->end_pfn) {
		err = kmem_read(ms->km, va + sz, ms->buf + sz, sz);
		if (!err)
			tail = ms->buf + sz;
		mdf_error_destroy(err);
	}
	unsigned int order;
	*class_ret = page_classify_at(&ms->l, dump_level, pfn, va, ms->buf, tail, &order);
	return NULL;
}

int memscan_dump_level(const struct memscan *ms)
{
	return ms->dump_level;
}

uint64_t memscan_image_overrides(const struct memscan *ms)
{
	return ms->image_overrides;
}

/* First pfn in [pfn, end) set in bm, or end. Word at a time. */
static uint64_t next_set(const struct bitmap *bm, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		uint64_t i = pfn - bm->start_pfn;
		if ((i & 63) == 0 && end - pfn >= 64) {
			uint64_t w;
			memcpy(&w, bm->bits + (i >> 3), 8);
			if (!w) {
				pfn += 64;
				continue;
			}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
			w = __builtin_bswap64(w);
#endif
			return pfn + (uint64_t)__builtin_ctzll(w);
		}
		if (bitmap_test(bm, pfn))
			return pfn;
		pfn++;
	}
	return end;
}

static uint64_t *stat_counter(struct dump_stats *st, enum page_class c)
{
	switch (c) {
	case PAGE_BUDDY:
	case PAGE_UNACCEPTED:
		return &st->free;
	case PAGE_CACHE:
		return &st->cache;
	case PAGE_CACHE_PRIVATE:
		return &st->cache_private;
	case PAGE_USER:
		return &st->user;
	case PAGE_HWPOISON:
		return &st->hwpoison;
	case PAGE_OFFLINE:
		return &st->offline;
	default:
		return NULL;
	}
}

bool memscan_image_protects(const struct memscan *ms, uint64_t pfn)
{
	if (pfn < ms->img.start || pfn >= ms->img.end)
		return false;
	if (ms->img.nr_keep == 0)
		return true;
	for (size_t i = 0; i < ms->img.nr_keep; i++)
		if (pfn >= ms->img.keep[i][0] && pfn < ms->img.keep[i][1])
			return true;
	return false;
}

/* Clears [s, e) (already clipped to the bitmap) except kernel-image pfns,
 * counting the bits that were set. */
static void exclude(struct memscan *ms, struct bitmap *bm2, uint64_t s, uint64_t e,
		    enum page_class c, uint64_t head, struct dump_stats *stats)
{
	uint64_t cleared = 0, kept = 0;
	for (uint64_t p = s; p < e; p++) {
		if (!bitmap_test(bm2, p))
			continue;
		if (ms->protect_image && memscan_image_protects(ms, p)) {
			kept++;
			continue;
		}
		bitmap_clear(bm2, p);
		cleared++;
	}
	if (kept) {
		ms->image_overrides += kept;
		if (ms->override_msgs++ < MEMSCAN_MSG_LIMIT)
			mdf_msgf(ms->msg, MDF_MSG_DEBUG,
				 "pfn 0x%llx looks like a %s page but is part of the kernel image: "
				 "%llu page(s) kept",
				 (unsigned long long)head, page_class_name(c), (unsigned long long)kept);
	}
	uint64_t *ctr = stats ? stat_counter(stats, c) : NULL;
	if (ctr)
		*ctr += cleared;
}

/* Reads the struct pages of [pfn, pfn + n) into ms->buf; on failure falls
 * back to one page at a time. ok[i] tells which were read. */
static void read_batch(struct memscan *ms, const struct memmap_range *r, uint64_t pfn,
		       uint64_t n, bool *ok)
{
	uint64_t sz = ms->l.size;
	uint64_t va = r->mem_map + (pfn - r->start_pfn) * sz;
	struct mdf_error *err = kmem_read(ms->km, va, ms->buf, n * sz);
	if (!err) {
		memset(ok, 1, n);
		return;
	}
	mdf_error_destroy(err);
	for (uint64_t i = 0; i < n; i++) {
		err = kmem_read(ms->km, va + i * sz, ms->buf + i * sz, sz);
		ok[i] = !err;
		if (err && ms->unreadable_msgs++ < MEMSCAN_MSG_LIMIT)
			mdf_msgf(ms->msg, MDF_MSG_DEBUG, "struct page of pfn 0x%llx unreadable, kept: %s",
				 (unsigned long long)(pfn + i), err->message);
		mdf_error_destroy(err);
	}
}

/* Scans [lo, hi) of one mem_map range; returns the pfn where scanning
 * may resume (past the last exclusion, which may be beyond hi). */
static uint64_t scan_range(struct memscan *ms, const struct memmap_range *r, uint64_t lo,
			   uint64_t hi, uint64_t cycle_end, struct bitmap *bm2,
			   struct dump_stats *stats)
{
	uint64_t sz = ms->l.size;
	bool ok[MEMSCAN_BATCH + 1];
	uint64_t p = lo;
	while (p < hi) {
		p = next_set(bm2, p, hi);
		if (p >= hi)
			break;
		uint64_t n = hi - p < MEMSCAN_BATCH ? hi - p : MEMSCAN_BATCH;
		/* one more struct page, when it exists, as the first tail of a
		 * head in the last slot */
		uint64_t nr = p + n < r->end_pfn ? n + 1 : n;
		read_batch(ms, r, p, nr, ok);
		uint64_t next = p + n;
		for (uint64_t i = 0; i < n; i++) {
			uint64_t pfn = p + i;
			if (!ok[i] || !bitmap_test(bm2, pfn))
				continue;
			const uint8_t *pg = ms->buf + i * sz;
			const uint8_t *tail = i + 1 < nr && ok[i + 1] ? pg + sz : NULL;
			unsigned int order;
			uint64_t va = r->mem_map + (pfn - r->start_pfn) * sz;
			enum page_class c =
				page_classify_at(&ms->l, ms->dump_level, pfn, va, pg, tail, &order);
			if (c == PAGE_KEEP || c == PAGE_TAIL || c == PAGE_SLAB)
				continue;
			uint64_t e = pfn + (1ULL << order);
			uint64_t ce = e < cycle_end ? e : cycle_end;
			exclude(ms, bm2, pfn, ce, c, pfn, stats);
			if (e > cycle_end) {
				ms->pending = true;
				ms->pend_from = cycle_end;
				ms->pend_end = e;
				ms->pend_class = c;
			}
			if (e - p > i + 1) {
				/* skip the pages this exclusion covered */
				i = e - p - 1;
				if (e > next)
					next = e;
			}
		}
		p = next;
	}
	return p;
}

struct mdf_error *memscan_cycle(struct memscan *ms, uint64_t start_pfn, uint64_t end_pfn,
				struct bitmap *bm2, struct dump_stats *stats)
{
	if (start_pfn < bm2->start_pfn || end_pfn > bm2->end_pfn || start_pfn > end_pfn)
		return mdf_error_create(MDF_ERR_INVALID,
					"scan range 0x%llx-0x%llx outside the bitmap 0x%llx-0x%llx",
					(unsigned long long)start_pfn, (unsigned long long)end_pfn,
					(unsigned long long)bm2->start_pfn,
					(unsigned long long)bm2->end_pfn);
	uint64_t pos = start_pfn;
	/* Finish an exclusion begun in the previous cycle (REFERENCE.md 6.3);
	 * a cycle that does not follow it (a new pass) drops it. */
	if (ms->pending && ms->pend_from == start_pfn) {
		enum page_class c = ms->pend_class;
		uint64_t e = ms->pend_end < end_pfn ? ms->pend_end : end_pfn;
		ms->pending = false;
		exclude(ms, bm2, start_pfn, e, c, start_pfn, stats);
		if (ms->pend_end > end_pfn) {
			ms->pending = true;
			ms->pend_from = end_pfn;
		}
		pos = e;
	} else {
		ms->pending = false;
	}

	const struct memmap *mm = ms->mm;
	/* first range ending after pos */
	size_t lo = 0, hi = mm->nr_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (mm->ranges[mid].end_pfn <= pos)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < mm->nr_ranges && pos < end_pfn; i++) {
		const struct memmap_range *r = &mm->ranges[i];
		if (r->start_pfn >= end_pfn)
			break;
		uint64_t s = r->start_pfn > pos ? r->start_pfn : pos;
		uint64_t e = r->end_pfn < end_pfn ? r->end_pfn : end_pfn;
		if (s < e)
			pos = scan_range(ms, r, s, e, end_pfn, bm2, stats);
		if (pos < e)
			pos = e;
	}
	/* free blocks from the free lists, clipped to the cycle */
	for (size_t i = ms->fl ? freelist_first_after(ms->fl, start_pfn) : 0;
	     ms->fl && i < ms->fl->nr_blocks && ms->fl->blocks[i].pfn < end_pfn; i++) {
		const struct freelist_block *b = &ms->fl->blocks[i];
		uint64_t s = b->pfn > start_pfn ? b->pfn : start_pfn;
		uint64_t e = b->pfn + (1ULL << b->order);
		exclude(ms, bm2, s, e < end_pfn ? e : end_pfn, PAGE_BUDDY, b->pfn, stats);
	}
	return NULL;
}
