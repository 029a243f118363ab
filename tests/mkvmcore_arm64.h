/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arm64 kernel-like memory images for mkvmcore (included by mkvmcore.c after
 * mkvmcore_kernel.h, whose struct pages, page classes, corruptions and note
 * helpers it reuses).
 *
 *   arm64 layout=4.19|6.1 ram=SIZE page=4k|16k|64k va=BITS [va_actual=BITS]
 *         [pa52] [kaslr=OFF] [ram_start=PADDR] [phys_offset=PADDR]
 *         [kload=PADDR] [lmap=block|page] [fill=KIND:W,...] [nokallsyms]
 *       An arm64 machine (REFERENCE.md 7.2): RAM [ram_start, +SIZE)
 *       (default 0x40000000, as QEMU's virt board), PT_LOADs like kexec's
 *       (the image [_text, _text + 8 MiB) first, then the linear map of all
 *       RAM), the image at kload (default: after the page classes, 2 MiB
 *       aligned) mapped at KIMAGE_VADDR + kaslr, swapper_pg_dir and
 *       init_uts_ns inside it, real page tables of the geometry VA_BITS and
 *       page size give (2 to 5 levels; a 52-bit kernel run with 48 bits
 *       keeps its 52-bit tables, except with 4 KiB pages, where the top
 *       level is folded), block mappings for the linear map (the largest
 *       block the geometry allows, up to 1 GiB; lmap=page: pages only) and
 *       for the vmemmap where 2 MiB aligned, page mappings for the image,
 *       entries carrying the attribute bits the kernel sets (AF, SH, nG,
 *       PXN/UXN, DBM, PXNTable) and, with pa52, 52-bit PA encodings (64 KiB:
 *       FEAT_LPA; 4/16 KiB with 52-bit VAs: FEAT_LPA2, SH bits absent),
 *       SPARSEMEM_EXTREME mem_section and vmemmap, struct pages of the era,
 *       and the era's arm64 VMCOREINFO (4.19: pre-5.4 layout, linear map in
 *       the upper half, no TCR_EL1_T1SZ; 6.1: flipped layout, T1SZ,
 *       KERNELPACMASK, the range NUMBERs). phys_offset (memstart_addr) below
 *       ram_start models KASLR's linear-map randomisation.
 *   a64pages RELPFN COUNT CLASS [order=N]
 *       kpages relative to the first RAM pfn (so one class list fits every
 *       page size).
 *   a64note KEY=VALUE
 *       replaces the value of a note key (bad facts); knote_drop KEY drops
 *       one; kpages, kcorrupt (pt_loop, pt_hole, memsec_*, per-pfn ones)
 *       work as for x86_64 images.
 *
 * --truth adds the kclass lines of mkvmcore_kernel.h and "vtop VA PA SIZE"
 * lines: addresses of the image, the linear map (block), the vmemmap and
 * mem_section with the leaf size that maps them.
 */
#ifndef MKVMCORE_ARM64_H
#define MKVMCORE_ARM64_H

#define A_IMG_SIZE 0x800000ULL	/* 8 MiB image: _text at 0 */
#define A_STEXT_OFF 0x10000ULL	/* _stext: .head.text is one 64 KiB segment */
#define A_TOP_OFF 0x400000ULL	/* swapper_pg_dir */
#define A_UTS_OFF 0x410000ULL	/* init_uts_ns */
#define A_SYM_OFF 0x420000ULL	/* other symbols (zero data) */
#define A_REL_CLASS_END 0x3c0ULL /* a64pages live below this relative pfn */
#define A_MAX_VTOP 16
#define A_MAX_SETS 16

/* One table: n entries, child[i] = index of the child table + 1 or 0. */
struct a64tab {
	uint64_t *e;
	int32_t *child;
	unsigned n;
};

struct a64spec {
	struct kspec *k;	/* classes, era, corruptions; detached from spec */
	int pre54, pa52, lpa2, lmap_page, nokallsyms;
	unsigned ps_shift, va, va_actual, walk_bits, levels, ssb, mpb;
	uint64_t ps, ram_start, ram, phys_offset, kaslr, kload;
	uint64_t page_offset, kimage_vaddr, vmemmap_start, vmemmap, vmalloc_start, vmalloc_end;
	uint64_t modules_vaddr, vmemmap_end;
	uint64_t first_pfn, end_pfn, img_end, vmm_pa, vmm_size, ms_pa, ms_root_bytes;
	uint64_t ms_sec_pa, nr_roots, root_first, root_count, pt_pa;
	struct a64tab *t;
	size_t nt;
	struct { uint64_t va, pa, size; } vt[A_MAX_VTOP];
	unsigned nvt;
	struct { char key[64]; char val[64]; } set[A_MAX_SETS];
	unsigned nset;
};

/* The page classes of the image, x86_64 (s->k) or arm64 (taken over by
 * a64_finalize). */
static const struct kspec *spec_kspec(const struct spec *s)
{
	return s->k ? s->k : s->a64 ? s->a64->k : NULL;
}

static struct a64spec *a64_get(struct spec *s, int lineno)
{
	if (!s->a64)
		die("line %d: a64pages/a64note need an arm64 line first", lineno);
	return s->a64;
}

static unsigned a64_levels_for(unsigned bits, unsigned ps_shift)
{
	unsigned per = ps_shift - 3;

	return (bits - ps_shift + per - 1) / per;
}

static unsigned a64_shift(const struct a64spec *a, unsigned lv)
{
	return a->ps_shift + (a->ps_shift - 3) * (a->levels - 1 - lv);
}

static int a64_va_ok(unsigned va, unsigned ps)
{
	switch (ps) {
	case 12: return va == 39 || va == 48 || va == 52;
	case 14: return va == 36 || va == 47 || va == 48 || va == 52;
	case 16: return va == 42 || va == 48 || va == 52;
	}
	return 0;
}

static void parse_arm64(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	struct a64spec *a = calloc(1, sizeof(*a));
	char *save = NULL, *tok;
	const char *layout = NULL;
	size_t i;

	if (!a)
		die("out of memory");
	s->a64 = a;
	a->ram_start = 0x40000000ULL;
	a->phys_offset = ~0ULL;
	k->weight[gen_kind_lookup("random")] = 3;
	k->weight[gen_kind_lookup("text")] = 2;
	k->weight[gen_kind_lookup("zero")] = 1;
	k->weight_total = 6;
	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *val = kv_split(tok);

		if (!strcmp(tok, "pa52")) {
			a->pa52 = 1;
			continue;
		}
		if (!strcmp(tok, "nokallsyms")) {
			a->nokallsyms = 1;
			continue;
		}
		if (!val)
			die("line %d: expected key=value, got '%s'", lineno, tok);
		if (!strcmp(tok, "layout"))
			layout = val;
		else if (!strcmp(tok, "ram"))
			a->ram = parse_num(val, lineno);
		else if (!strcmp(tok, "page"))
			a->ps = parse_num(val, lineno);
		else if (!strcmp(tok, "va"))
			a->va = (unsigned)parse_num(val, lineno);
		else if (!strcmp(tok, "va_actual"))
			a->va_actual = (unsigned)parse_num(val, lineno);
		else if (!strcmp(tok, "kaslr"))
			a->kaslr = parse_num(val, lineno);
		else if (!strcmp(tok, "ram_start"))
			a->ram_start = parse_num(val, lineno);
		else if (!strcmp(tok, "phys_offset"))
			a->phys_offset = parse_num(val, lineno);
		else if (!strcmp(tok, "kload"))
			a->kload = parse_num(val, lineno);
		else if (!strcmp(tok, "lmap"))
			a->lmap_page = !strcmp(val, "page");
		else if (!strcmp(tok, "fill")) {
			struct load tmp;

			parse_fill(&tmp, val, lineno);
			memcpy(k->weight, tmp.weight, sizeof(k->weight));
			k->weight_total = tmp.weight_total;
		} else
			die("line %d: unknown arm64 key '%s'", lineno, tok);
	}
	if (!layout || !a->ram || !a->ps || !a->va)
		die("line %d: arm64 needs layout=, ram=, page= and va=", lineno);
	a->pre54 = !strcmp(layout, "4.19");
	if (!a->pre54 && strcmp(layout, "6.1"))
		die("line %d: arm64 layouts are 4.19 and 6.1", lineno);
	for (i = 0; i < sizeof(kernel_eras) / sizeof(kernel_eras[0]); i++)
		if (!strcmp(kernel_eras[i].name, layout))
			k->era = &kernel_eras[i];
	if (!k->era)
		die("line %d: no struct page era '%s'", lineno, layout);
	a->ps_shift = a->ps == 4096 ? 12 : a->ps == 16384 ? 14 : a->ps == 65536 ? 16 : 0;
	if (!a->ps_shift || !a64_va_ok(a->va, a->ps_shift))
		die("line %d: page=%llu with va=%u is not an arm64 configuration", lineno,
		    (unsigned long long)a->ps, a->va);
	if (!a->va_actual)
		a->va_actual = a->va;
	if (a->va_actual != a->va && !(a->va == 52 && a->va_actual == 48))
		die("line %d: va_actual must equal va (or 48 with va=52)", lineno);
	if (a->pre54 && a->va > 48)
		die("line %d: 52-bit VAs came with 5.4's layout", lineno);
	if (a->phys_offset == ~0ULL)
		a->phys_offset = a->ram_start;
	if (a->phys_offset > a->ram_start || (a->ram_start | a->ram) & (a->ps - 1) ||
	    a->kaslr % 0x200000 || a->kload % 0x200000)
		die("line %d: bad ram_start/phys_offset/ram/kaslr/kload alignment", lineno);
}

/* Relative kpages: rewrites the pfn and hands the line to parse_kpages. */
static void parse_a64pages(struct spec *s, char *args, int lineno)
{
	struct a64spec *a = a64_get(s, lineno);
	char *rel = strtok(args, " \t"), *rest = strtok(NULL, "");
	char line[512];
	uint64_t r;

	if (!rel || !rest)
		die("line %d: a64pages RELPFN COUNT CLASS [order=N]", lineno);
	r = parse_num(rel, lineno);
	snprintf(line, sizeof(line), "0x%llx %s",
		 (unsigned long long)((a->ram_start >> a->ps_shift) + r), rest);
	parse_kpages(s, line, lineno);
}

static void parse_a64note(struct spec *s, char *args, int lineno)
{
	struct a64spec *a = a64_get(s, lineno);
	char *eq = strchr(args, '=');

	if (!eq || a->nset >= A_MAX_SETS || eq - args >= 63 || strlen(eq + 1) >= 63)
		die("line %d: a64note KEY=VALUE (at most %d)", lineno, A_MAX_SETS);
	snprintf(a->set[a->nset].key, 64, "%.*s", (int)(eq - args), args);
	snprintf(a->set[a->nset].val, 64, "%s", eq + 1);
	a->nset++;
}

/* Directives of this file; 1 if cmd was one. */
static int a64_directive(struct spec *s, const char *cmd, char *args, int lineno)
{
	if (!strcmp(cmd, "arm64"))
		parse_arm64(s, args, lineno);
	else if (!strcmp(cmd, "a64pages"))
		parse_a64pages(s, args, lineno);
	else if (!strcmp(cmd, "a64note"))
		parse_a64note(s, args, lineno);
	else
		return 0;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Page tables                                                          */

static int a64_tab_new(struct a64spec *a, unsigned n)
{
	a->t = xrealloc(a->t, (a->nt + 1) * sizeof(*a->t));
	a->t[a->nt].n = n;
	a->t[a->nt].e = calloc(n, sizeof(uint64_t));
	a->t[a->nt].child = calloc(n, sizeof(int32_t));
	if (!a->t[a->nt].e || !a->t[a->nt].child)
		die("out of memory");
	return (int)a->nt++;
}

/* Table i's physical address: 0 is swapper_pg_dir in the image. */
static uint64_t a64_tab_pa(const struct a64spec *a, size_t i)
{
	return i == 0 ? a->kload + A_TOP_OFF : a->pt_pa + (i - 1) * a->ps;
}

/* The output-address field of an entry for pa (pgtable-hwdef.h). */
static uint64_t a64_enc(const struct a64spec *a, uint64_t pa)
{
	if (a->ps_shift == 16 && a->pa52)
		return (pa & 0x0000ffffffff0000ULL) | ((pa >> 36) & 0xf000ULL);
	if (a->lpa2)
		return (pa & 0x0003fffffffff000ULL) | ((pa >> 42) & 0x300ULL);
	return pa & 0x0000fffffffff000ULL;
}

/* Leaf attributes: AF, AttrIndx, nG, DBM (bit 51), PXN/UXN when not
 * executable; SH (bits 9:8) except with LPA2, where they hold PA bits. */
static uint64_t a64_attrs(const struct a64spec *a, int exec)
{
	uint64_t v = (1ULL << 10) | (4ULL << 2) | (1ULL << 11) | (1ULL << 51);

	if (!a->lpa2)
		v |= 3ULL << 8;
	if (!exec)
		v |= 3ULL << 53;
	return v;
}

/* Maps [va, va+size) to pa with leaves at level leaf_lv. */
static void a64_map(struct a64spec *a, uint64_t va, uint64_t pa, uint64_t size,
		    unsigned leaf_lv, int exec)
{
	uint64_t step = 1ULL << a64_shift(a, leaf_lv), off;

	for (off = 0; off < size; off += step) {
		uint64_t v = va + off;
		int t = 0;
		unsigned lv;

		for (lv = 0; lv < leaf_lv; lv++) {
			unsigned ix = (unsigned)((v >> a64_shift(a, lv)) & (a->t[t].n - 1));

			if (!a->t[t].child[ix]) {
				int c = a64_tab_new(a, 1u << (a->ps_shift - 3));

				a->t[t].child[ix] = c + 1;
				/* table, with PXNTable on non-executable parts */
				a->t[t].e[ix] = 0x3ULL | (exec ? 0 : 1ULL << 59);
			}
			t = a->t[t].child[ix] - 1;
		}
		a->t[t].e[(v >> a64_shift(a, leaf_lv)) & (a->t[t].n - 1)] =
			a64_enc(a, pa + off) | a64_attrs(a, exec) |
			(leaf_lv == a->levels - 1 ? 0x3ULL : 0x1ULL);
	}
}

/* The largest block level (non-top, non-last, at most 1 GiB) whose size
 * divides va and pa; levels - 1 (pages) if none. */
static unsigned a64_block_level(const struct a64spec *a, uint64_t va, uint64_t pa)
{
	unsigned lv;

	for (lv = 1; lv + 1 < a->levels; lv++) {
		uint64_t sz = 1ULL << a64_shift(a, lv);

		if (sz <= (1ULL << 30) && !(va & (sz - 1)) && !(pa & (sz - 1)))
			return lv;
	}
	return a->levels - 1;
}

static void a64_vtop_truth(struct a64spec *a, uint64_t va, uint64_t pa, uint64_t size)
{
	if (a->nvt < A_MAX_VTOP) {
		a->vt[a->nvt].va = va;
		a->vt[a->nvt].pa = pa;
		a->vt[a->nvt].size = size;
		a->nvt++;
	}
}

static uint64_t a64_lin(const struct a64spec *a, uint64_t pa)
{
	return a->page_offset + (pa - a->phys_offset);
}

static void a64_tables(struct a64spec *a)
{
	unsigned top_bits = a->walk_bits - a64_shift(a, 0), lv;
	uint64_t text = a->kimage_vaddr + a->kaslr, lva = a64_lin(a, a->ram_start);
	uint64_t vva = a->vmemmap + a->first_pfn * 64, off;

	a64_tab_new(a, 1u << top_bits);
	/* image: pages */
	a64_map(a, text, a->kload, A_IMG_SIZE, a->levels - 1, 1);
	a64_vtop_truth(a, text + A_STEXT_OFF + 0x123, a->kload + A_STEXT_OFF + 0x123, a->ps);
	/* linear map: one block size over all RAM (may reach past its end) */
	lv = a->lmap_page ? a->levels - 1 : a64_block_level(a, lva, a->ram_start);
	{
		uint64_t sz = 1ULL << a64_shift(a, lv), len = (a->ram + sz - 1) & ~(sz - 1);

		a64_map(a, lva, a->ram_start, len, lv, 0);
		a64_vtop_truth(a, lva + 0x1008, a->ram_start + 0x1008, sz);
		a64_vtop_truth(a, lva + a->ram - 8, a->ram_start + a->ram - 8, sz);
		a64_vtop_truth(a, a64_lin(a, a->ms_pa), a->ms_pa, sz);
	}
	/* vmemmap: 2 MiB blocks where aligned, else pages */
	for (off = 0; off < a->vmm_size;) {
		unsigned blv = a64_block_level(a, vva + off, a->vmm_pa + off);
		uint64_t sz = 1ULL << a64_shift(a, blv);

		if (sz > 0x200000 || off + sz > a->vmm_size)
			blv = a->levels - 1, sz = a->ps;
		a64_map(a, vva + off, a->vmm_pa + off, sz, blv, 0);
		if (off == 0)
			a64_vtop_truth(a, vva + 0x40, a->vmm_pa + 0x40, sz);
		off += sz;
	}
}

/* kcorrupt pt_loop / pt_hole on the vmemmap path. */
static void a64_corrupt_tables(struct a64spec *a)
{
	uint64_t v = a->vmemmap + a->first_pfn * 64;
	unsigned L = a->levels >= 3 ? 1 : 0, lv;
	int t = 0;

	if (a->k->c_pt_loop) {
		for (lv = 0; lv < L; lv++)
			t = a->t[t].child[(v >> a64_shift(a, lv)) & (a->t[t].n - 1)] - 1;
		{
			unsigned ix = (unsigned)((v >> a64_shift(a, L)) & (a->t[t].n - 1));

			a->t[t].child[ix] = 1;	/* back to swapper_pg_dir */
			a->t[t].e[ix] = 0x3ULL;
		}
	}
	if (a->k->c_pt_hole) {
		/* the first vmemmap leaf points 64 GiB past RAM */
		for (t = 0, lv = 0; lv < a->levels; lv++) {
			unsigned ix = (unsigned)((v >> a64_shift(a, lv)) & (a->t[t].n - 1));

			if (!a->t[t].child[ix]) {
				a->t[t].e[ix] += a64_enc(a, 64ULL << 30);
				break;
			}
			t = a->t[t].child[ix] - 1;
		}
	}
}

static void a64_tab_content(const struct a64spec *a, size_t i, unsigned char *buf)
{
	unsigned j;

	memset(buf, 0, (size_t)a->ps);
	for (j = 0; j < a->t[i].n; j++) {
		uint64_t v = a->t[i].e[j];

		if (a->t[i].child[j])
			v |= a64_enc(a, a64_tab_pa(a, (size_t)a->t[i].child[j] - 1));
		put_int(buf + 8 * j, 8, v, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Layout and note                                                      */

static void a64_layout(struct a64spec *a)
{
	unsigned va_min = a->va > 48 ? 48 : a->va;
	uint64_t spr = a->ps / a->k->era->ms_size, sec_first, sec_last;
	unsigned pss;

	a->levels = a64_levels_for(a->va, a->ps_shift);
	a->walk_bits = a->va;
	if (a64_levels_for(a->va_actual, a->ps_shift) < a->levels) {
		a->walk_bits = a->va_actual;
		a->levels = a64_levels_for(a->va_actual, a->ps_shift);
	}
	a->mpb = a->pa52 ? 52 : 48;
	a->lpa2 = a->pa52 && a->ps_shift != 16 && a->va_actual == 52;
	a->ssb = a->pre54 ? 30 : a->ps_shift == 16 ? 29 : 27;
	/* Documentation/arch/arm64/memory.rst */
	if (a->pre54) {
		a->page_offset = ~0ULL << (a->va - 1);
		a->modules_vaddr = ~0ULL << a->va;
		a->vmemmap_start = a->page_offset - (1ULL << (a->va - a->ps_shift - 1 + 6));
	} else {
		a->page_offset = ~0ULL << a->va_actual;
		a->modules_vaddr = ~0ULL << (va_min - 1);
		a->vmemmap_start = ~0ULL << (a->va - a->ps_shift + 6);
	}
	a->kimage_vaddr = a->modules_vaddr + 0x8000000ULL;
	a->vmalloc_start = a->kimage_vaddr;
	a->vmalloc_end = a->vmemmap_start - 0x40000000ULL;
	a->vmemmap_end = a->vmemmap_start + (1ULL << (a->va - a->ps_shift + 6 - (a->pre54 ? 1 : 0)));
	a->vmemmap = a->vmemmap_start - (a->phys_offset >> a->ps_shift) * 64;
	a->first_pfn = a->ram_start >> a->ps_shift;
	a->end_pfn = (a->ram_start + a->ram) >> a->ps_shift;
	if (!a->kload)
		a->kload = (a->ram_start + (A_REL_CLASS_END << a->ps_shift) + 0x1fffff) & ~0x1fffffULL;
	a->img_end = a->kload + A_IMG_SIZE;
	a->vmm_pa = (a->img_end + 0x1fffff) & ~0x1fffffULL;
	a->vmm_size = (a->end_pfn - a->first_pfn) * 64;
	a->vmm_size = a->ps_shift == 12 ? (a->vmm_size + 0x1fffff) & ~0x1fffffULL
				       : (a->vmm_size + a->ps - 1) & ~(a->ps - 1);
	/* SPARSEMEM_EXTREME: a root array, one page of sections per root */
	pss = a->ssb - a->ps_shift;
	a->nr_roots = ((1ULL << (a->mpb - a->ssb)) + spr - 1) / spr;
	sec_first = a->first_pfn >> pss;
	sec_last = (a->end_pfn - 1) >> pss;
	a->root_first = sec_first / spr;
	a->root_count = sec_last / spr - a->root_first + 1;
	a->ms_pa = a->vmm_pa + a->vmm_size;
	a->ms_root_bytes = (a->nr_roots * 8 + a->ps - 1) & ~(a->ps - 1);
	a->ms_sec_pa = a->ms_pa + a->ms_root_bytes;
	a->pt_pa = a->ms_sec_pa + a->root_count * a->ps;
}

/* One note line, unless dropped; a64note values replace the text after '='. */
static void a64ni(struct spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void a64ni(struct spec *s, const char *fmt, ...)
{
	const struct a64spec *a = s->a64;
	char line[256];
	va_list ap;
	size_t n;
	unsigned i;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strcspn(line, "=");
	for (i = 0; i < a->nset; i++)
		if (strlen(a->set[i].key) == n && !strncmp(a->set[i].key, line, n)) {
			snprintf(line + n, sizeof(line) - n, "=%s", a->set[i].val);
			break;
		}
	kni(s, "%s", line);
}

static void a64_note(struct spec *s)
{
	const struct a64spec *a = s->a64;
	const struct kera *e = a->k->era;
	uint64_t text = a->kimage_vaddr + a->kaslr, sym = text + A_SYM_OFF;
	char rel[80];

	snprintf(rel, sizeof(rel), "%.*s-arm64", (int)(strlen(e->osrelease) - 6), e->osrelease);
	s->vmcoreinfo.len = 0;
	a64ni(s, "OSRELEASE=%s", rel);
	a64ni(s, "BUILD-ID=4d4b564d434f52455f41524d3634%s", a->pre54 ? "00" : "11");
	a64ni(s, "PAGESIZE=%llu", (unsigned long long)a->ps);
	a64ni(s, "SYMBOL(init_uts_ns)=%llx", (unsigned long long)(text + A_UTS_OFF));
	if (e->uts_off >= 0)
		a64ni(s, "OFFSET(uts_namespace.name)=%d", e->uts_off);
	a64ni(s, "SYMBOL(node_online_map)=%llx", (unsigned long long)sym);
	a64ni(s, "SYMBOL(swapper_pg_dir)=%llx", (unsigned long long)(text + A_TOP_OFF));
	a64ni(s, "SYMBOL(_stext)=%llx", (unsigned long long)(text + A_STEXT_OFF));
	a64ni(s, "SYMBOL(vmap_area_list)=%llx", (unsigned long long)sym + 0x80);
	a64ni(s, "SYMBOL(mem_section)=%llx", (unsigned long long)a64_lin(a, a->ms_pa));
	a64ni(s, "LENGTH(mem_section)=%llu", (unsigned long long)a->nr_roots);
	a64ni(s, "SIZE(mem_section)=%u", e->ms_size);
	a64ni(s, "OFFSET(mem_section.section_mem_map)=0");
	a64ni(s, "NUMBER(SECTION_SIZE_BITS)=%u", a->ssb);
	a64ni(s, "NUMBER(MAX_PHYSMEM_BITS)=%u", a->mpb);
	a64ni(s, "SIZE(page)=64");
	a64ni(s, "SIZE(pglist_data)=%u", e->pglist_size);
	a64ni(s, "SIZE(zone)=1728");
	a64ni(s, "SIZE(free_area)=104");
	a64ni(s, "SIZE(list_head)=16");
	a64ni(s, "SIZE(nodemask_t)=8");
	a64ni(s, "OFFSET(page.flags)=0");
	a64ni(s, "OFFSET(page._refcount)=52");
	a64ni(s, "OFFSET(page.mapping)=24");
	a64ni(s, "OFFSET(page.lru)=8");
	a64ni(s, "OFFSET(page._mapcount)=48");
	a64ni(s, "OFFSET(page.private)=40");
	if (e->compound8) {
		a64ni(s, "OFFSET(page.compound_dtor)=16");
		a64ni(s, "OFFSET(page.compound_order)=17");
	}
	a64ni(s, "OFFSET(page.compound_head)=8");
	a64ni(s, "OFFSET(vmap_area.va_start)=0");
	a64ni(s, "OFFSET(vmap_area.list)=40");
	a64ni(s, "LENGTH(zone.free_area)=11");
	kernel_printk_keys(s, sym);
	a64ni(s, "LENGTH(free_area.free_list)=6");
	a64ni(s, "NUMBER(NR_FREE_PAGES)=0");
	a64ni(s, "NUMBER(PG_lru)=%d", e->pg_lru);
	a64ni(s, "NUMBER(PG_private)=%d", e->pg_private);
	a64ni(s, "NUMBER(PG_swapcache)=%d", e->pg_swapcache);
	a64ni(s, "NUMBER(PG_swapbacked)=%d", e->pg_swapbacked);
	if (e->pg_slab >= 0)
		a64ni(s, "NUMBER(PG_slab)=%d", e->pg_slab);
	a64ni(s, "NUMBER(PG_hwpoison)=%d", e->pg_hwpoison);
	a64ni(s, "NUMBER(PG_head_mask)=%llu", 1ULL << e->pg_head);
	a64ni(s, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld", (long long)e->buddy);
	if (e->compound8)
		a64ni(s, "NUMBER(HUGETLB_PAGE_DTOR)=2");
	if (e->offline)
		a64ni(s, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%lld", (long long)e->offline);
	if (e->printk_prb && !a->nokallsyms) {
		a64ni(s, "SYMBOL(kallsyms_names)=%llx", (unsigned long long)sym + 0x200);
		a64ni(s, "SYMBOL(kallsyms_num_syms)=%llx", (unsigned long long)sym + 0x208);
		a64ni(s, "SYMBOL(kallsyms_token_table)=%llx", (unsigned long long)sym + 0x210);
		a64ni(s, "SYMBOL(kallsyms_token_index)=%llx", (unsigned long long)sym + 0x218);
		a64ni(s, "SYMBOL(kallsyms_offsets)=%llx", (unsigned long long)sym + 0x220);
		a64ni(s, "SYMBOL(kallsyms_relative_base)=%llx", (unsigned long long)sym + 0x228);
	}
	/* arch/arm64/kernel/crash_core.c, in the kernel's order */
	a64ni(s, "NUMBER(VA_BITS)=%u", a->va);
	if (!a->pre54) {
		a64ni(s, "NUMBER(MODULES_VADDR)=0x%llx", (unsigned long long)a->modules_vaddr);
		a64ni(s, "NUMBER(MODULES_END)=0x%llx", (unsigned long long)a->kimage_vaddr);
		a64ni(s, "NUMBER(VMALLOC_START)=0x%llx", (unsigned long long)a->vmalloc_start);
		a64ni(s, "NUMBER(VMALLOC_END)=0x%llx", (unsigned long long)a->vmalloc_end);
		a64ni(s, "NUMBER(VMEMMAP_START)=0x%llx", (unsigned long long)a->vmemmap_start);
		a64ni(s, "NUMBER(VMEMMAP_END)=0x%llx", (unsigned long long)a->vmemmap_end);
	}
	a64ni(s, "NUMBER(kimage_voffset)=0x%llx", (unsigned long long)(text - a->kload));
	a64ni(s, "NUMBER(PHYS_OFFSET)=0x%llx", (unsigned long long)a->phys_offset);
	if (!a->pre54)
		a64ni(s, "NUMBER(TCR_EL1_T1SZ)=0x%x", 64 - a->va_actual);
	a64ni(s, "KERNELOFFSET=%llx", (unsigned long long)a->kaslr);
	if (!a->pre54)
		a64ni(s, "NUMBER(KERNELPACMASK)=0x%llx", (unsigned long long)(~0ULL << a->va_actual));
	a64ni(s, "CRASHTIME=1700000000");
}

static void a64_add_load(struct spec *s, uint64_t paddr, uint64_t size, uint64_t vaddr)
{
	struct load l;
	const struct kspec *k = s->a64->k;

	memset(&l, 0, sizeof(l));
	l.memsz_hdr = l.filesz_hdr = l.offset_hdr = NO_OVERRIDE;
	l.paddr = paddr;
	l.vaddr = vaddr;
	l.size = l.filesz = size;
	memcpy(l.weight, k->weight, sizeof(l.weight));
	l.weight_total = k->weight_total;
	s->loads = xrealloc(s->loads, (s->nloads + 1) * sizeof(l));
	s->loads[s->nloads++] = l;
}

/* Called once the whole spec is read, before kernel_finalize: lays the
 * machine out, then takes the kernel spec over (s->k = NULL), so the x86_64
 * image code stays idle. */
static void a64_finalize(struct spec *s)
{
	struct a64spec *a = s->a64;
	struct kspec *k = s->k;

	if (!a)
		return;
	a->k = k;
	a64_layout(a);
	k->max_pfn = a->end_pfn;
	k->vmemmap = a->vmemmap;
	k->page_offset = a64_lin(a, a->ram_start);
	a64_tables(a);
	a64_corrupt_tables(a);
	if (a->pt_pa + a->nt * a->ps > a->ram_start + a->ram)
		die("ram too small for the arm64 layout (needs 0x%llx)",
		    (unsigned long long)(a->pt_pa + a->nt * a->ps - a->ram_start));
	kernel_add_range(k, a->kload >> a->ps_shift, A_IMG_SIZE >> a->ps_shift, KC_IMAGE, 0);
	kernel_add_range(k, a->vmm_pa >> a->ps_shift,
			 ((a->pt_pa - a->vmm_pa) >> a->ps_shift) + a->nt - 1, KC_KDATA, 0);
	/* kernel_check_ranges names x86 fields in its overlap message only */
	k->kload = a->kload;
	k->img_end = a->img_end;
	k->vmm_pa = a->vmm_pa;
	k->pt_pa = a->pt_pa;
	k->npt = a->nt;
	kernel_check_ranges(k);
	s->machine = 183;
	s->class64 = 1;
	s->big = 0;
	s->page_size = a->ps;
	a64_add_load(s, a->kload, A_IMG_SIZE, a->kimage_vaddr + a->kaslr);
	a64_add_load(s, a->ram_start, a->ram, a64_lin(a, a->ram_start));
	a64_note(s);
	s->k = NULL;
}

/* ------------------------------------------------------------------ */
/* Page contents                                                        */

static int a64_page(const struct spec *s, uint64_t pfn, unsigned char *buf)
{
	const struct a64spec *a = s->a64;
	uint64_t pa, ps, i;

	if (!a)
		return 0;
	ps = a->ps;
	pa = pfn * ps;
	if (pa >= a->vmm_pa && pa < a->vmm_pa + a->vmm_size) {
		uint64_t first = a->first_pfn + (pa - a->vmm_pa) / 64;

		for (i = 0; i < ps / 64; i++) {
			if (first + i < a->end_pfn)
				kernel_struct_page(a->k, first + i, buf + 64 * i);
			else
				memset(buf + 64 * i, 0, 64);
		}
		return 1;
	}
	if (pa >= a->ms_pa && pa < a->pt_pa) {
		unsigned ms_size = a->k->era->ms_size;
		uint64_t spr = ps / ms_size, pss = a->ssb - a->ps_shift;

		memset(buf, 0, (size_t)ps);
		if (pa < a->ms_sec_pa) {
			uint64_t r0 = (pa - a->ms_pa) / 8;

			for (i = 0; i < ps / 8; i++) {
				uint64_t r = r0 + i;

				if (r < a->root_first || r >= a->root_first + a->root_count)
					continue;
				put_int(buf + 8 * i, 8, a->k->c_memsec_outside && r == a->root_first ?
					a64_lin(a, a->ram_start) + (1ULL << 40) :
					a64_lin(a, a->ms_sec_pa + (r - a->root_first) * ps), 0);
			}
			return 1;
		}
		for (i = 0; i < spr; i++) {
			uint64_t nr = (a->root_first + (pa - a->ms_sec_pa) / ps) * spr + i;
			uint64_t v = a->vmemmap | a->k->era->sec_flags;
			uint64_t start = nr << pss;

			if (start + (1ULL << pss) <= a->first_pfn || start >= a->end_pfn)
				continue;
			if (a->k->c_memsec_bad && nr == a->first_pfn >> pss)
				v = 0x1234000 | a->k->era->sec_flags;
			put_int(buf + i * ms_size, 8, v, 0);
		}
		return 1;
	}
	if (pa >= a->pt_pa && pa < a->pt_pa + (a->nt - 1) * ps) {
		a64_tab_content(a, (size_t)((pa - a->pt_pa) / ps + 1), buf);
		return 1;
	}
	if (pa == a->kload + A_TOP_OFF) {
		a64_tab_content(a, 0, buf);
		return 1;
	}
	if (pa == a->kload + A_UTS_OFF) {
		const struct kera *e = a->k->era;
		static const char *const f[6] = { "Linux", "mkvmcore", NULL,
			"#1 SMP PREEMPT mkvmcore", "aarch64", "(none)" };
		int base = e->uts_off >= 0 ? e->uts_off : 4, j;

		memset(buf, 0, (size_t)ps);
		put_int(buf, 4, 3, 0);
		for (j = 0; j < 6; j++)
			if (f[j])
				snprintf((char *)buf + base + 65 * j, 65, "%s", f[j]);
			else
				snprintf((char *)buf + base + 65 * j, 65, "%.*s-arm64",
					 (int)(strlen(e->osrelease) - 6), e->osrelease);
		return 1;
	}
	if (pa >= a->kload + A_SYM_OFF && pa < a->img_end) {
		memset(buf, 0, (size_t)ps);
		return 1;
	}
	return 0;
}

static void a64_truth(FILE *f, const struct spec *s)
{
	const struct a64spec *a = s->a64;
	size_t i;

	if (!a)
		return;
	fprintf(f, "kernel arch=arm64 page=%llu va=%u va_actual=%u levels=%u walk_bits=%u "
		"kaslr=0x%llx phys_offset=0x%llx page_offset=0x%llx vmemmap=0x%llx "
		"kimage_voffset=0x%llx max_pfn=0x%llx\n",
		(unsigned long long)a->ps, a->va, a->va_actual, a->levels, a->walk_bits,
		(unsigned long long)a->kaslr, (unsigned long long)a->phys_offset,
		(unsigned long long)a->page_offset, (unsigned long long)a->vmemmap,
		(unsigned long long)(a->kimage_vaddr + a->kaslr - a->kload),
		(unsigned long long)a->end_pfn);
	for (i = 0; i < a->k->nranges; i++)
		fprintf(f, "kclass 0x%llx 0x%llx %s %u\n", (unsigned long long)a->k->ranges[i].pfn,
			(unsigned long long)(a->k->ranges[i].pfn + a->k->ranges[i].count),
			kcls_names[a->k->ranges[i].cls], a->k->ranges[i].order);
	for (i = 0; i < a->nvt; i++)
		fprintf(f, "vtop 0x%llx 0x%llx 0x%llx\n", (unsigned long long)a->vt[i].va,
			(unsigned long long)a->vt[i].pa, (unsigned long long)a->vt[i].size);
}

static void a64_free(struct spec *s)
{
	size_t i;

	if (!s->a64)
		return;
	for (i = 0; i < s->a64->nt; i++) {
		free(s->a64->t[i].e);
		free(s->a64->t[i].child);
	}
	free(s->a64->t);
	if (s->a64->k) {
		s->k = s->a64->k;
		kernel_free(s);
	}
	free(s->a64);
	s->a64 = NULL;
}

#endif /* MKVMCORE_ARM64_H */
