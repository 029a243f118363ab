/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel-like memory images for mkvmcore (included by mkvmcore.c after its
 * spec and writer types).
 *
 * Directives (see the header of mkvmcore.c for the rest of the language):
 *
 *   kernel layout=4.19|5.10|6.1|6.12 ram=SIZE [levels=4|5] [kaslr=OFF]
 *          [kload=PADDR] [page_offset=VA] [vmemmap=VA] [dmap=1g|2m]
 *          [vmm=2m|4k] [fill=KIND:W,...] [sparse]
 *       Lays out an x86_64 machine with SIZE bytes of RAM: PT_LOADs like
 *       kexec's (kernel image first, p_vaddr 0xffffffff81000000 + kaslr,
 *       p_paddr kload; then direct-map RAM [0x1000,0xa0000) and
 *       [0x100000,ram) at page_offset + paddr), an 8 MiB kernel image whose
 *       data part holds init_top_pgt and init_uts_ns, real 4/5-level page
 *       tables (kernel text: 2 MiB leaves plus 4 KiB leaves for the last
 *       2 MiB; direct map: 1 GiB or 2 MiB leaves; vmemmap: 2 MiB or 4 KiB
 *       leaves), a SPARSEMEM_EXTREME mem_section array encoding vmemmap, the
 *       struct pages of every pfn in the era's layout, and the era's
 *       VMCOREINFO note (REFERENCE.md 5.4, 6, 7.1).  `sparse`: zero pages
 *       are holes in the output file, and struct pages of plain pages and
 *       of free-block tails are all zero bytes (no disk for big machines).
 *   kpages PFN COUNT CLASS [order=N]
 *       struct pages of [PFN, PFN+COUNT) describe CLASS: free (buddy blocks
 *       of 2^order, default 0), cache, cache_private, shmem, anon, thp
 *       (anon compound, order default 9), hugetlb (hugetlbfs file folio,
 *       order default 9), slab (compound when order > 0), hwpoison,
 *       offline, reserved, plain.  Compound classes need COUNT a multiple
 *       of 2^order and PFN aligned.  Pfns nobody names are "plain"
 *       (flags 0, _mapcount -1, refcount 1).  Kernel areas (image, page
 *       tables, mem_section, vmemmap) are classes image/kdata.
 *   kcorrupt WHAT [PFN]
 *       memsec_outside (a mem_section root points past RAM), memsec_bad
 *       (a section_mem_map is not a kernel VA), pt_loop (a vmemmap PUD
 *       entry points back at the top table), pt_hole (a vmemmap leaf points
 *       at a physical hole), absurd_ff PFN (struct page all 0xff),
 *       absurd_flags PFN (flags all ones, first tail order 63),
 *       buddy_order PFN (buddy head with order 63), compound_order PFN
 *       (anon compound head whose first tail says order 200).
 *   knote_drop KEY           leave KEY (text before '=') out of the note
 *   knote KEY=VALUE          put KEY=VALUE in the note instead of the
 *                            generator's line for KEY (or after the rest)
 *   kmap VA PADDR [COUNT]    map COUNT (default 1) 4 KiB pages at kernel
 *                            virtual address VA to [PADDR, ...) with 4 KiB
 *                            leaves (vmalloc-like memory; several kmap
 *                            lines make it physically discontiguous)
 *
 * --truth adds "kclass START END NAME ORDER" lines (pfn ranges, end
 * exclusive; ORDER is the block order of free/compound classes) and
 * "kernel layout=.. levels=.." for tests/kernel_check.py.
 */
#ifndef MKVMCORE_KERNEL_H
#define MKVMCORE_KERNEL_H

#define K_START_KERNEL_MAP 0xffffffff80000000ULL
#define K_TEXT_BASE 0xffffffff81000000ULL
#define K_IMG_SIZE 0x800000ULL		/* 8 MiB image: 4 MiB text, 4 MiB data */
#define K_TOP_OFF 0x400000ULL		/* init_top_pgt inside the image */
#define K_UTS_OFF 0x410000ULL		/* init_uts_ns */
#define K_SYM_OFF 0x420000ULL		/* other symbols (zero data) */
#define K_2M 0x200000ULL
#define K_1G 0x40000000ULL
#define K_ZONE_BITS 0x0017ffffc0000000ULL /* node/zone/section bits of flags */

/* One row per era: the layout facts that differ (REFERENCE.md 5.4, 6.4,
 * 6.5).  -1 = the era has no such flag / does not export the key. */
struct kera {
	const char *name, *osrelease;
	int pg_lru, pg_private, pg_swapcache, pg_swapbacked, pg_slab, pg_hwpoison;
	int pg_head, pg_uptodate, pg_reserved;
	int64_t buddy, offline, slab_type, hugetlb_type; /* exported page types, 0 = none */
	int compound8;		/* first tail: u8 dtor @16, u8 order @17 (<= 6.2) */
	uint32_t sec_flags;	/* flag bits in section_mem_map */
	unsigned ms_size;	/* SIZE(mem_section) */
	int uts_off;		/* name inside uts_namespace; -1: key absent, 4 */
	int printk_prb;		/* 5.10+: lockless ring keys, else log_buf keys */
	int has_image_size, has_sme, has_vmemmap_sym, has_vmalloc_start;
	unsigned pglist_size, zone_spanned;
};

static const struct kera kernel_eras[] = {
	{ "4.19", "4.19.0-27-amd64", 5, 12, 9, 18, 8, 22, 15, 3, 11,
	  -129, 0, 0, 0, 1, 0x7, 16, -1, 0, 0, 1, 0, 0, 172864, 72 },
	{ "5.10", "5.10.0-35-amd64", 4, 13, 10, 19, 9, 23, 16, 2, 12,
	  -129, -257, 0, 0, 1, 0xf, 16, -1, 1, 1, 1, 0, 0, 172928, 72 },
	{ "6.1", "6.1.0-56-amd64", 4, 13, 10, 19, 9, 23, 16, 2, 12,
	  -129, -257, 0, 0, 1, 0xf, 32, 0, 1, 1, 1, 0, 0, 174208, 144 },
	{ "6.12", "6.12.117+deb12-amd64", 5, 14, 10, 17, -1, 20, 6, 3, 13,
	  -268435456, -251658240, -184549376, -201326592, 0, 0xf, 32, 0, 1, 1, 1, 1, 1,
	  174464, 160 },
};

enum kcls {
	KC_PLAIN, KC_FREE, KC_CACHE, KC_CACHE_PRIVATE, KC_SHMEM, KC_ANON, KC_THP,
	KC_HUGETLB, KC_SLAB, KC_HWPOISON, KC_OFFLINE, KC_RESERVED, KC_IMAGE, KC_KDATA,
	KC_ABSURD_FF, KC_ABSURD_FLAGS, KC_BAD_BUDDY, KC_BAD_COMPOUND, KC_N
};

static const char *const kcls_names[KC_N] = {
	"plain", "free", "cache", "cache_private", "shmem", "anon", "thp", "hugetlb",
	"slab", "hwpoison", "offline", "reserved", "image", "kdata",
	"absurd_ff", "absurd_flags", "bad_buddy", "bad_compound",
};

struct krange {
	uint64_t pfn, count;
	int cls;
	unsigned order;
};

struct ptable {
	uint64_t e[512];	/* leaf or flag bits; child tables in child[] */
	int32_t child[512];	/* index of the child table + 1, 0 = none */
};

struct kmap {
	uint64_t va, pa, count;
};

struct kspec {
	const struct kera *era;
	struct kmap *maps;
	size_t nmaps;
	char **notes;		/* knote lines */
	size_t nnotes;
	int levels, dmap_1g, vmm_4k, sparse;
	uint64_t ram, kaslr, kload, page_offset, vmemmap;
	int weight[GEN_NKINDS], weight_total;
	struct krange *ranges;	/* sorted by pfn after kernel_finalize */
	size_t nranges;
	char **drops;
	size_t ndrops;
	int c_memsec_outside, c_memsec_bad, c_pt_loop, c_pt_hole;
	/* derived layout (physical addresses) */
	uint64_t max_pfn, img_end, vmm_pa, vmm_size, ms_pa, ms_root_size;
	uint64_t ms_sec_pa, nsections, nroots, pt_pa;
	struct ptable *pt;
	size_t npt;
	uint64_t phys_base;
};

static struct kspec *kspec_get(struct spec *s)
{
	if (!s->k) {
		s->k = calloc(1, sizeof(*s->k));
		if (!s->k)
			die("out of memory");
	}
	return s->k;
}

static void kernel_add_range(struct kspec *k, uint64_t pfn, uint64_t count, int cls,
			     unsigned order)
{
	k->ranges = xrealloc(k->ranges, (k->nranges + 1) * sizeof(*k->ranges));
	k->ranges[k->nranges].pfn = pfn;
	k->ranges[k->nranges].count = count;
	k->ranges[k->nranges].cls = cls;
	k->ranges[k->nranges].order = order;
	k->nranges++;
}

static void parse_kernel(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	char *save = NULL, *tok;
	size_t i;

	k->levels = 4;
	k->dmap_1g = 1;
	k->kload = 0x1000000;
	k->page_offset = 0xffff8dab80000000ULL;
	k->weight[gen_kind_lookup("random")] = 3;
	k->weight[gen_kind_lookup("text")] = 2;
	k->weight[gen_kind_lookup("zero")] = 1;
	k->weight_total = 6;
	for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		char *val = kv_split(tok);

		if (!strcmp(tok, "sparse")) {
			k->sparse = 1;
			continue;
		}
		if (!val)
			die("line %d: expected key=value, got '%s'", lineno, tok);
		if (!strcmp(tok, "layout")) {
			for (i = 0; i < sizeof(kernel_eras) / sizeof(kernel_eras[0]); i++)
				if (!strcmp(kernel_eras[i].name, val))
					k->era = &kernel_eras[i];
			if (!k->era)
				die("line %d: unknown layout '%s'", lineno, val);
		} else if (!strcmp(tok, "levels")) {
			k->levels = (int)parse_num(val, lineno);
			if (k->levels != 4 && k->levels != 5)
				die("line %d: levels must be 4 or 5", lineno);
		} else if (!strcmp(tok, "ram")) {
			k->ram = parse_num(val, lineno);
		} else if (!strcmp(tok, "kaslr")) {
			k->kaslr = parse_num(val, lineno);
		} else if (!strcmp(tok, "kload")) {
			k->kload = parse_num(val, lineno);
		} else if (!strcmp(tok, "page_offset")) {
			k->page_offset = parse_num(val, lineno);
		} else if (!strcmp(tok, "vmemmap")) {
			k->vmemmap = parse_num(val, lineno);
		} else if (!strcmp(tok, "dmap")) {
			k->dmap_1g = !strcmp(val, "1g");
		} else if (!strcmp(tok, "vmm")) {
			k->vmm_4k = !strcmp(val, "4k");
		} else if (!strcmp(tok, "fill")) {
			struct load tmp;

			parse_fill(&tmp, val, lineno);
			memcpy(k->weight, tmp.weight, sizeof(k->weight));
			k->weight_total = tmp.weight_total;
		} else {
			die("line %d: unknown kernel key '%s'", lineno, tok);
		}
	}
	if (!k->era || !k->ram)
		die("line %d: kernel needs layout= and ram=", lineno);
	if (k->kload % K_2M || k->kaslr % K_2M)
		die("line %d: kload and kaslr must be 2 MiB aligned", lineno);
	if (!k->vmemmap)
		k->vmemmap = k->levels == 5 ? 0xffd7a23280000000ULL : 0xfffff98a40000000ULL;
	if (k->levels == 5 && k->page_offset == 0xffff8dab80000000ULL)
		k->page_offset = 0xff27873e00000000ULL;
}

static void parse_kpages(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	char *a = strtok(args, " \t"), *b = strtok(NULL, " \t"), *c = strtok(NULL, " \t");
	char *o = strtok(NULL, " \t");
	int cls = -1, i;
	unsigned order = 0;
	uint64_t pfn, count;

	if (!a || !b || !c)
		die("line %d: kpages PFN COUNT CLASS [order=N]", lineno);
	pfn = parse_num(a, lineno);
	count = parse_num(b, lineno);
	for (i = 0; i < KC_N; i++)
		if (!strcmp(kcls_names[i], c))
			cls = i;
	if (cls < 0 || cls == KC_IMAGE || cls == KC_KDATA || cls >= KC_ABSURD_FF)
		die("line %d: unknown page class '%s'", lineno, c);
	if (cls == KC_THP || cls == KC_HUGETLB)
		order = 9;
	if (o) {
		if (strncmp(o, "order=", 6))
			die("line %d: expected order=N", lineno);
		order = (unsigned)parse_num(o + 6, lineno);
	}
	if (order > 20 || (pfn | count) & ((1ULL << order) - 1) || !count)
		die("line %d: pfn and count must be multiples of 2^order", lineno);
	kernel_add_range(k, pfn, count, cls, order);
}

static void parse_kcorrupt(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	char *what = strtok(args, " \t"), *p = strtok(NULL, " \t");
	static const struct { const char *n; int cls; unsigned order; } per_pfn[] = {
		{ "absurd_ff", KC_ABSURD_FF, 0 }, { "absurd_flags", KC_ABSURD_FLAGS, 1 },
		{ "buddy_order", KC_BAD_BUDDY, 0 }, { "compound_order", KC_BAD_COMPOUND, 1 },
	};
	size_t i;

	if (!what)
		die("line %d: kcorrupt WHAT", lineno);
	if (!strcmp(what, "memsec_outside"))
		k->c_memsec_outside = 1;
	else if (!strcmp(what, "memsec_bad"))
		k->c_memsec_bad = 1;
	else if (!strcmp(what, "pt_loop"))
		k->c_pt_loop = 1;
	else if (!strcmp(what, "pt_hole"))
		k->c_pt_hole = 1;
	else {
		for (i = 0; i < sizeof(per_pfn) / sizeof(per_pfn[0]); i++)
			if (!strcmp(per_pfn[i].n, what))
				break;
		if (i == sizeof(per_pfn) / sizeof(per_pfn[0]) || !p)
			die("line %d: unknown kcorrupt '%s' (or PFN missing)", lineno, what);
		/* two pfns: the page and its would-be first tail */
		kernel_add_range(k, parse_num(p, lineno) & ~1ULL, 2, per_pfn[i].cls,
				 per_pfn[i].order);
	}
}

static void parse_knote_drop(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);

	if (!*args)
		die("line %d: knote_drop KEY", lineno);
	k->drops = xrealloc(k->drops, (k->ndrops + 1) * sizeof(char *));
	k->drops[k->ndrops] = strdup(args);
	k->ndrops++;
}

static void parse_knote(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	char *eq = strchr(args, '=');

	if (!eq || eq == args)
		die("line %d: knote KEY=VALUE", lineno);
	k->notes = xrealloc(k->notes, (k->nnotes + 1) * sizeof(char *));
	k->notes[k->nnotes++] = strdup(args);
	/* the generator's own line for KEY goes */
	*eq = '\0';
	k->drops = xrealloc(k->drops, (k->ndrops + 1) * sizeof(char *));
	k->drops[k->ndrops++] = strdup(args);
}

static void parse_kmap(struct spec *s, char *args, int lineno)
{
	struct kspec *k = kspec_get(s);
	char *a = strtok(args, " \t"), *b = strtok(NULL, " \t"), *c = strtok(NULL, " \t");
	struct kmap m;

	if (!a || !b)
		die("line %d: kmap VA PADDR [COUNT]", lineno);
	m.va = parse_num(a, lineno);
	m.pa = parse_num(b, lineno);
	m.count = c ? parse_num(c, lineno) : 1;
	if ((m.va | m.pa) & 0xfff || !m.count || m.va < 0xff00000000000000ULL)
		die("line %d: kmap needs page-aligned addresses, a kernel VA and COUNT > 0", lineno);
	k->maps = xrealloc(k->maps, (k->nmaps + 1) * sizeof(m));
	k->maps[k->nmaps++] = m;
}

/* ------------------------------------------------------------------ */
/* Page tables                                                          */

static int pt_new(struct kspec *k)
{
	k->pt = xrealloc(k->pt, (k->npt + 1) * sizeof(*k->pt));
	memset(&k->pt[k->npt], 0, sizeof(*k->pt));
	return (int)k->npt++;
}

/* Physical address of table i: 0 is init_top_pgt in the image, the rest
 * follow each other in the kernel-data area. */
static uint64_t pt_addr(const struct kspec *k, size_t i)
{
	return i == 0 ? k->kload + K_TOP_OFF : k->pt_pa + (i - 1) * 4096;
}

/* Maps [va, va+size) to pa with leaves of 1 << leaf_shift bytes. */
static void pt_map(struct kspec *k, uint64_t va, uint64_t pa, uint64_t size,
		   unsigned leaf_shift, uint64_t leaf_bits)
{
	uint64_t off;

	for (off = 0; off < size; off += 1ULL << leaf_shift) {
		uint64_t v = va + off;
		unsigned shift = k->levels == 5 ? 48 : 39;
		int t = 0;

		for (; shift > leaf_shift; shift -= 9) {
			unsigned ix = (unsigned)(v >> shift) & 511;

			if (!k->pt[t].child[ix]) {
				int c = pt_new(k);

				k->pt[t].child[ix] = c + 1;
				k->pt[t].e[ix] = 0x63;	/* present, rw, accessed, dirty */
			}
			t = k->pt[t].child[ix] - 1;
		}
		k->pt[t].e[(v >> leaf_shift) & 511] = ((pa + off) & 0x000ffffffffff000ULL) |
			leaf_bits | (leaf_shift > 12 ? 0x80 : 0);
	}
}

/* The bytes of table i, child pointers resolved. */
static void pt_content(const struct kspec *k, size_t i, unsigned char *buf)
{
	unsigned j;

	for (j = 0; j < 512; j++) {
		uint64_t v = k->pt[i].e[j];

		if (k->pt[i].child[j])
			v |= pt_addr(k, (size_t)k->pt[i].child[j] - 1);
		put_int(buf + 8 * j, 8, v, 0);
	}
}

/* ------------------------------------------------------------------ */
/* Layout                                                               */

static int krange_cmp(const void *a, const void *b)
{
	const struct krange *x = a, *y = b;

	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

static const struct krange *kernel_range_of(const struct kspec *k, uint64_t pfn)
{
	size_t lo = 0, hi = k->nranges;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->ranges[mid].pfn + k->ranges[mid].count <= pfn)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->nranges && k->ranges[lo].pfn <= pfn)
		return &k->ranges[lo];
	return NULL;
}

static void kernel_add_load(struct spec *s, uint64_t paddr, uint64_t size, uint64_t vaddr)
{
	struct load l;
	struct kspec *k = s->k;

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

static void kernel_layout(struct kspec *k)
{
	uint64_t ps = 4096, a, msbits = k->levels == 5 ? 52 : 46;
	uint64_t spr = 4096 / k->era->ms_size;

	k->max_pfn = k->ram / ps;
	k->img_end = k->kload + K_IMG_SIZE;
	a = (k->img_end + K_2M - 1) & ~(K_2M - 1);
	k->vmm_pa = a;
	k->vmm_size = (k->max_pfn * 64 + K_2M - 1) & ~(K_2M - 1);
	k->nsections = (k->max_pfn + (1ULL << 15) - 1) >> 15;	/* 128 MiB sections */
	k->ms_root_size = ((1ULL << (msbits - 27)) / spr) * 8;
	k->ms_pa = k->vmm_pa + k->vmm_size;
	k->nroots = (k->nsections + spr - 1) / spr;
	k->ms_sec_pa = k->ms_pa + ((k->ms_root_size + ps - 1) & ~(ps - 1));
	k->pt_pa = k->ms_sec_pa + k->nroots * ps;
	k->phys_base = k->kload - (K_TEXT_BASE - K_START_KERNEL_MAP) - k->kaslr;
}

static void kernel_tables(struct kspec *k)
{
	uint64_t text_va = K_TEXT_BASE + k->kaslr, dsize;

	pt_new(k);	/* init_top_pgt */
	/* kernel image: 2 MiB leaves, the last 2 MiB with 4 KiB leaves */
	pt_map(k, text_va, k->kload, K_IMG_SIZE - K_2M, 21, 0x1e3);
	pt_map(k, text_va + K_IMG_SIZE - K_2M, k->kload + K_IMG_SIZE - K_2M, K_2M, 12,
	       0x8000000000000163ULL);
	dsize = (k->ram + K_1G - 1) & ~(K_1G - 1);
	if (k->dmap_1g)
		pt_map(k, k->page_offset, 0, dsize, 30, 0x80000000000001e3ULL);
	else
		pt_map(k, k->page_offset, 0, (k->ram + K_2M - 1) & ~(K_2M - 1), 21,
		       0x80000000000001e3ULL);
	pt_map(k, k->vmemmap, k->vmm_pa, k->vmm_size, k->vmm_4k ? 12 : 21,
	       k->vmm_4k ? 0x8000000000000163ULL : 0x80000000000001e3ULL);
	for (size_t i = 0; i < k->nmaps; i++)
		pt_map(k, k->maps[i].va, k->maps[i].pa, k->maps[i].count * 4096, 12,
		       0x8000000000000163ULL);
	if (k->c_pt_hole) {
		/* the first vmemmap leaf points 64 GiB past RAM: no PT_LOAD */
		size_t t = 0;
		uint64_t v = k->vmemmap;
		unsigned shift = k->levels == 5 ? 48 : 39, leaf = k->vmm_4k ? 12 : 21;

		for (; shift > leaf; shift -= 9)
			t = (size_t)k->pt[t].child[(v >> shift) & 511] - 1;
		k->pt[t].e[(v >> leaf) & 511] += 64 * K_1G;
	}
	if (k->c_pt_loop) {
		/* the vmemmap PUD entry points back at the top table */
		size_t t = 0;
		uint64_t v = k->vmemmap;
		unsigned shift = k->levels == 5 ? 48 : 39;

		for (; shift > 30; shift -= 9)
			t = (size_t)k->pt[t].child[(v >> shift) & 511] - 1;
		k->pt[t].child[(v >> 30) & 511] = 1;
	}
}

static void kernel_check_ranges(struct kspec *k)
{
	size_t i;

	qsort(k->ranges, k->nranges, sizeof(*k->ranges), krange_cmp);
	for (i = 0; i < k->nranges; i++) {
		const struct krange *r = &k->ranges[i];

		if (i && k->ranges[i - 1].pfn + k->ranges[i - 1].count > r->pfn)
			die("kpages 0x%llx overlaps another range (kernel areas: image "
			    "0x%llx-0x%llx, kdata 0x%llx-0x%llx)",
			    (unsigned long long)r->pfn, (unsigned long long)(k->kload >> 12),
			    (unsigned long long)(k->img_end >> 12),
			    (unsigned long long)(k->vmm_pa >> 12),
			    (unsigned long long)((k->pt_pa >> 12) + k->npt));
		if (r->pfn + r->count > k->max_pfn)
			die("kpages 0x%llx past RAM", (unsigned long long)r->pfn);
		if (r->cls == KC_OFFLINE && !k->era->offline)
			die("layout %s has no offline page type", k->era->name);
	}
}

/* Note text. */
static void kni(struct spec *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void kni(struct spec *s, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	size_t i, n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	n = strcspn(line, "=");
	for (i = 0; i < s->k->ndrops; i++)
		if (strlen(s->k->drops[i]) == n && !strncmp(s->k->drops[i], line, n))
			return;
	bytes_put(&s->vmcoreinfo, line, strlen(line));
	bytes_put(&s->vmcoreinfo, "\n", 1);
	s->has_vmcoreinfo = 1;
}

static void kernel_printk_keys(struct spec *s, uint64_t sym)
{
	const struct kera *e = s->k->era;

	if (!e->printk_prb) {
		kni(s, "SYMBOL(log_buf)=%llx", (unsigned long long)sym + 0x100);
		kni(s, "SYMBOL(log_buf_len)=%llx", (unsigned long long)sym + 0x108);
		kni(s, "SYMBOL(log_first_idx)=%llx", (unsigned long long)sym + 0x110);
		kni(s, "SYMBOL(clear_idx)=%llx", (unsigned long long)sym + 0x118);
		kni(s, "SYMBOL(log_next_idx)=%llx", (unsigned long long)sym + 0x120);
		kni(s, "SIZE(printk_log)=16");
		kni(s, "OFFSET(printk_log.ts_nsec)=0");
		kni(s, "OFFSET(printk_log.len)=8");
		kni(s, "OFFSET(printk_log.text_len)=10");
		kni(s, "OFFSET(printk_log.dict_len)=12");
		return;
	}
	kni(s, "SYMBOL(prb)=%llx", (unsigned long long)sym + 0x100);
	kni(s, "SYMBOL(printk_rb_static)=%llx", (unsigned long long)sym + 0x140);
	kni(s, "SYMBOL(clear_seq)=%llx", (unsigned long long)sym + 0x1a0);
	kni(s, "SIZE(printk_ringbuffer)=88");
	kni(s, "OFFSET(printk_ringbuffer.desc_ring)=0");
	kni(s, "OFFSET(printk_ringbuffer.text_data_ring)=48");
	kni(s, "OFFSET(printk_ringbuffer.fail)=80");
	kni(s, "SIZE(prb_desc_ring)=48");
	kni(s, "OFFSET(prb_desc_ring.count_bits)=0");
	kni(s, "OFFSET(prb_desc_ring.descs)=8");
	kni(s, "OFFSET(prb_desc_ring.infos)=16");
	kni(s, "OFFSET(prb_desc_ring.head_id)=24");
	kni(s, "OFFSET(prb_desc_ring.tail_id)=32");
	kni(s, "SIZE(prb_desc)=24");
	kni(s, "OFFSET(prb_desc.state_var)=0");
	kni(s, "OFFSET(prb_desc.text_blk_lpos)=8");
	kni(s, "SIZE(prb_data_blk_lpos)=16");
	kni(s, "OFFSET(prb_data_blk_lpos.begin)=0");
	kni(s, "OFFSET(prb_data_blk_lpos.next)=8");
	kni(s, "SIZE(prb_data_ring)=32");
	kni(s, "OFFSET(prb_data_ring.size_bits)=0");
	kni(s, "OFFSET(prb_data_ring.data)=8");
	kni(s, "OFFSET(prb_data_ring.head_lpos)=16");
	kni(s, "OFFSET(prb_data_ring.tail_lpos)=24");
	kni(s, "SIZE(atomic_long_t)=8");
	kni(s, "OFFSET(atomic_long_t.counter)=0");
	kni(s, "SIZE(printk_info)=88");
	kni(s, "OFFSET(printk_info.seq)=0");
	kni(s, "OFFSET(printk_info.ts_nsec)=8");
	kni(s, "OFFSET(printk_info.text_len)=16");
	kni(s, "OFFSET(printk_info.caller_id)=20");
	kni(s, "OFFSET(printk_info.dev_info)=24");
	kni(s, "SIZE(dev_printk_info)=64");
	kni(s, "OFFSET(dev_printk_info.subsystem)=0");
	kni(s, "LENGTH(printk_info_subsystem)=16");
	kni(s, "OFFSET(dev_printk_info.device)=16");
	kni(s, "LENGTH(printk_info_device)=48");
	kni(s, "SIZE(latched_seq)=24");
	kni(s, "OFFSET(latched_seq.val)=8");
}

/* The era's VMCOREINFO, in the kernel's order (REFERENCE.md 5.4). */
static void kernel_note(struct spec *s)
{
	const struct kspec *k = s->k;
	const struct kera *e = k->era;
	uint64_t text = K_TEXT_BASE + k->kaslr, sym = text + K_SYM_OFF;
	uint64_t msbits = k->levels == 5 ? 52 : 46;
	uint64_t spr = 4096 / e->ms_size;
	uint64_t ms_sym = k->page_offset + k->ms_pa;

	s->vmcoreinfo.len = 0;
	kni(s, "OSRELEASE=%s", e->osrelease);
	kni(s, "BUILD-ID=4d4b564d434f52455f4b45524e454c%s", e->name[0] == '4' ? "00" : "11");
	kni(s, "PAGESIZE=4096");
	kni(s, "SYMBOL(init_uts_ns)=%llx", (unsigned long long)(text + K_UTS_OFF));
	if (e->uts_off >= 0)
		kni(s, "OFFSET(uts_namespace.name)=%d", e->uts_off);
	kni(s, "SYMBOL(node_online_map)=%llx", (unsigned long long)sym);
	kni(s, "SYMBOL(swapper_pg_dir)=%llx", (unsigned long long)(text + K_TOP_OFF));
	kni(s, "SYMBOL(_stext)=%llx", (unsigned long long)text);
	if (e->has_vmalloc_start) {
		kni(s, "NUMBER(VMALLOC_START)=0x%llx", (unsigned long long)(k->levels == 5 ?
			0xff499476c0000000ULL : 0xffffd41740000000ULL));
	} else {
		kni(s, "SYMBOL(vmap_area_list)=%llx", (unsigned long long)sym + 0x80);
		kni(s, "OFFSET(vmap_area.va_start)=0");
		kni(s, "OFFSET(vmap_area.list)=40");
	}
	if (e->has_vmemmap_sym)
		kni(s, "SYMBOL(vmemmap)=%llx", (unsigned long long)k->vmemmap);
	kni(s, "SYMBOL(mem_section)=%llx", (unsigned long long)ms_sym);
	kni(s, "LENGTH(mem_section)=%llu", (unsigned long long)((1ULL << (msbits - 27)) / spr));
	kni(s, "SIZE(mem_section)=%u", e->ms_size);
	kni(s, "OFFSET(mem_section.section_mem_map)=0");
	kni(s, "NUMBER(SECTION_SIZE_BITS)=27");
	kni(s, "NUMBER(MAX_PHYSMEM_BITS)=%llu", (unsigned long long)msbits);
	kni(s, "SIZE(page)=64");
	kni(s, "SIZE(pglist_data)=%u", e->pglist_size);
	kni(s, "SIZE(zone)=1536");
	kni(s, "SIZE(free_area)=88");
	kni(s, "SIZE(list_head)=16");
	kni(s, "SIZE(nodemask_t)=128");
	kni(s, "OFFSET(page.flags)=0");
	kni(s, "OFFSET(page._refcount)=52");
	kni(s, "OFFSET(page.mapping)=24");
	kni(s, "OFFSET(page.lru)=8");
	kni(s, "OFFSET(page._mapcount)=48");
	kni(s, "OFFSET(page.private)=40");
	if (e->compound8) {
		kni(s, "OFFSET(page.compound_dtor)=16");
		kni(s, "OFFSET(page.compound_order)=17");
	}
	kni(s, "OFFSET(page.compound_head)=8");
	kni(s, "OFFSET(pglist_data.node_zones)=0");
	kni(s, "OFFSET(pglist_data.nr_zones)=171552");
	kni(s, "OFFSET(pglist_data.node_start_pfn)=171560");
	kni(s, "OFFSET(pglist_data.node_spanned_pages)=171576");
	kni(s, "OFFSET(pglist_data.node_id)=171584");
	kni(s, "OFFSET(zone.free_area)=256");
	kni(s, "OFFSET(zone.vm_stat)=1344");
	kni(s, "OFFSET(zone.spanned_pages)=%u", e->zone_spanned);
	kni(s, "OFFSET(free_area.free_list)=0");
	kni(s, "OFFSET(list_head.next)=0");
	kni(s, "OFFSET(list_head.prev)=8");
	kni(s, "LENGTH(zone.free_area)=11");
	kernel_printk_keys(s, sym);
	kni(s, "LENGTH(free_area.free_list)=5");
	kni(s, "NUMBER(NR_FREE_PAGES)=0");
	kni(s, "NUMBER(PG_lru)=%d", e->pg_lru);
	kni(s, "NUMBER(PG_private)=%d", e->pg_private);
	kni(s, "NUMBER(PG_swapcache)=%d", e->pg_swapcache);
	kni(s, "NUMBER(PG_swapbacked)=%d", e->pg_swapbacked);
	if (e->pg_slab >= 0)
		kni(s, "NUMBER(PG_slab)=%d", e->pg_slab);
	if (e->slab_type)
		kni(s, "NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=%lld", (long long)e->slab_type);
	kni(s, "NUMBER(PG_hwpoison)=%d", e->pg_hwpoison);
	kni(s, "NUMBER(PG_head_mask)=%llu", 1ULL << e->pg_head);
	kni(s, "NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=%lld", (long long)e->buddy);
	if (e->hugetlb_type)
		kni(s, "NUMBER(PAGE_HUGETLB_MAPCOUNT_VALUE)=%lld", (long long)e->hugetlb_type);
	if (e->compound8)
		kni(s, "NUMBER(HUGETLB_PAGE_DTOR)=2");
	if (e->offline)
		kni(s, "NUMBER(PAGE_OFFLINE_MAPCOUNT_VALUE)=%lld", (long long)e->offline);
	if (e->printk_prb) {
		kni(s, "SYMBOL(kallsyms_names)=%llx", (unsigned long long)sym + 0x200);
		kni(s, "SYMBOL(kallsyms_num_syms)=%llx", (unsigned long long)sym + 0x208);
		kni(s, "SYMBOL(kallsyms_token_table)=%llx", (unsigned long long)sym + 0x210);
		kni(s, "SYMBOL(kallsyms_token_index)=%llx", (unsigned long long)sym + 0x218);
		kni(s, "SYMBOL(kallsyms_offsets)=%llx", (unsigned long long)sym + 0x220);
		kni(s, "SYMBOL(kallsyms_relative_base)=%llx", (unsigned long long)sym + 0x228);
	}
	/* the kernel prints phys_base with %ld */
	kni(s, "NUMBER(phys_base)=%lld", (long long)k->phys_base);
	kni(s, "SYMBOL(init_top_pgt)=%llx", (unsigned long long)(text + K_TOP_OFF));
	kni(s, "NUMBER(pgtable_l5_enabled)=%d", k->levels == 5);
	kni(s, "SYMBOL(node_data)=%llx", (unsigned long long)sym + 0x300);
	kni(s, "LENGTH(node_data)=1024");
	kni(s, "KERNELOFFSET=%llx", (unsigned long long)k->kaslr);
	if (e->has_image_size)
		kni(s, "NUMBER(KERNEL_IMAGE_SIZE)=1073741824");
	if (e->has_sme)
		kni(s, "NUMBER(sme_mask)=0");
	kni(s, "CRASHTIME=1700000000");
	for (size_t i = 0; i < k->nnotes; i++) {
		bytes_put(&s->vmcoreinfo, k->notes[i], strlen(k->notes[i]));
		bytes_put(&s->vmcoreinfo, "\n", 1);
	}
}

/* Called once the whole spec is read: PT_LOADs, tables, note. */
static void kernel_finalize(struct spec *s)
{
	struct kspec *k = s->k;

	if (!k)
		return;
	if (!k->era)
		die("kpages/kcorrupt without a kernel directive");
	kernel_layout(k);
	kernel_tables(k);
	if (k->pt_pa + k->npt * 4096 > k->ram || k->kload < 0x100000)
		die("ram too small for the kernel layout (needs 0x%llx)",
		    (unsigned long long)(k->pt_pa + k->npt * 4096));
	/* kernel areas as classes */
	kernel_add_range(k, k->kload >> 12, K_IMG_SIZE >> 12, KC_IMAGE, 0);
	kernel_add_range(k, k->vmm_pa >> 12, ((k->pt_pa >> 12) + k->npt) - (k->vmm_pa >> 12),
			 KC_KDATA, 0);
	kernel_check_ranges(k);
	s->machine = 62;
	s->class64 = 1;
	s->big = 0;
	s->page_size = 4096;
	kernel_add_load(s, k->kload, K_IMG_SIZE, K_TEXT_BASE + k->kaslr);
	kernel_add_load(s, 0x1000, 0x9f000, k->page_offset + 0x1000);
	kernel_add_load(s, 0x100000, k->ram - 0x100000, k->page_offset + 0x100000);
	kernel_note(s);
}

/* ------------------------------------------------------------------ */
/* Struct pages                                                         */

static void sp_put(unsigned char *p, unsigned off, int width, uint64_t v)
{
	put_int(p + off, width, v, 0);
}

/* The struct page of pfn (64 bytes, era layout, REFERENCE.md 6.4, 6.5). */
static void kernel_struct_page(const struct kspec *k, uint64_t pfn, unsigned char *p)
{
	const struct kera *e = k->era;
	const struct krange *r = kernel_range_of(k, pfn);
	int cls = r ? r->cls : KC_PLAIN;
	unsigned order = r ? r->order : 0;
	uint64_t head = r && order ? pfn & ~((1ULL << order) - 1) : pfn;
	uint64_t flags = K_ZONE_BITS, h = gen_mix64(pfn * 31 + 7);
	uint64_t dmap_obj = k->page_offset + 0x8000000ULL + (h & 0xffffc0);
	int is_head = head == pfn, compound = order > 0 && cls != KC_FREE;

	memset(p, 0, 64);
	if (k->sparse && (cls == KC_PLAIN || (cls == KC_FREE && !is_head)))
		return;
	sp_put(p, 48, 4, 0xffffffff);	/* _mapcount / page_type: -1 */
	sp_put(p, 52, 4, 1);		/* _refcount */
	sp_put(p, 8, 8, dmap_obj);	/* lru.next */
	sp_put(p, 16, 8, dmap_obj + 8);
	if (compound && !is_head) {
		/* tail: compound_head = head | 1; the first tail has the order */
		sp_put(p, 0, 8, K_ZONE_BITS);
		sp_put(p, 8, 8, (k->vmemmap + head * 64) | 1);
		sp_put(p, 52, 4, 0);
		if (pfn != head + 1)
			return;
		if (cls == KC_BAD_COMPOUND) {
			if (e->compound8) {
				p[16] = 1;
				p[17] = 200;
			} else {
				sp_put(p, 0, 8, K_ZONE_BITS | 200);
			}
			return;
		}
		if (cls == KC_ABSURD_FLAGS) {
			sp_put(p, 0, 8, K_ZONE_BITS | 63);
			p[16] = 2;
			p[17] = 63;
			return;
		}
		if (e->compound8) {
			p[16] = cls == KC_HUGETLB ? 2 : cls == KC_THP ? 3 : 1;
			p[17] = (unsigned char)order;
			sp_put(p, 20, 4, 0xffffffff);	/* compound_mapcount */
			sp_put(p, 28, 4, 1ULL << order);	/* compound_nr */
		} else {
			sp_put(p, 0, 8, K_ZONE_BITS | order |
			       (cls == KC_THP ? 1ULL << 9 : 0)); /* _flags_1 */
			sp_put(p, 16, 4, 0xffffffff);	/* _large_mapcount */
			sp_put(p, 32, 4, 1ULL << order);	/* _folio_nr_pages */
		}
		return;
	}
	if (compound)
		flags |= 1ULL << e->pg_head;
	switch (cls) {
	case KC_FREE:
		sp_put(p, 52, 4, 0);
		if (is_head) {
			sp_put(p, 48, 4, (uint64_t)e->buddy);
			sp_put(p, 40, 8, order);
		}
		break;
	case KC_CACHE:
	case KC_CACHE_PRIVATE:
	case KC_SHMEM:
		flags |= 1ULL << e->pg_lru | 1ULL << e->pg_uptodate;
		if (cls == KC_SHMEM)
			flags |= 1ULL << e->pg_swapbacked;
		if (cls == KC_CACHE_PRIVATE) {
			flags |= 1ULL << e->pg_private;
			sp_put(p, 40, 8, dmap_obj + 0x40);	/* buffer_head */
		}
		sp_put(p, 24, 8, dmap_obj + 0x100);	/* address_space */
		sp_put(p, 32, 8, h & 0xfffff);		/* index */
		sp_put(p, 48, 4, cls == KC_SHMEM ? 0 : 0xffffffff);
		break;
	case KC_ANON:
	case KC_THP:
		flags |= 1ULL << e->pg_lru | 1ULL << e->pg_swapbacked | 1ULL << e->pg_uptodate;
		if (cls == KC_ANON && (h & 3) == 0)
			flags |= 1ULL << e->pg_swapcache;	/* anon in the swap cache */
		sp_put(p, 24, 8, (dmap_obj + 0x200) | 1);	/* anon_vma | PAGE_MAPPING_ANON */
		sp_put(p, 48, 4, 0);
		break;
	case KC_HUGETLB:
		flags |= 1ULL << e->pg_uptodate;
		sp_put(p, 24, 8, dmap_obj + 0x300);	/* hugetlbfs address_space */
		if (e->hugetlb_type)
			sp_put(p, 48, 4, (uint64_t)e->hugetlb_type);
		break;
	case KC_SLAB:
		if (e->pg_slab >= 0)
			flags |= 1ULL << e->pg_slab;
		if (e->slab_type) {
			sp_put(p, 48, 4, (uint64_t)e->slab_type);
			/* struct slab overlays: odd words where mapping sits */
			sp_put(p, 24, 8, 0xdead000000000001ULL + (h & 6));
		} else {
			sp_put(p, 24, 8, dmap_obj + 0x400);	/* slab_cache */
		}
		break;
	case KC_HWPOISON:
		flags |= 1ULL << e->pg_hwpoison;
		break;
	case KC_OFFLINE:
		sp_put(p, 48, 4, (uint64_t)e->offline);
		sp_put(p, 52, 4, 0);
		break;
	case KC_RESERVED:
	case KC_IMAGE:
	case KC_KDATA:
		flags |= 1ULL << e->pg_reserved;
		break;
	case KC_ABSURD_FF:
		memset(p, 0xff, 64);
		return;
	case KC_ABSURD_FLAGS:
		flags = ~0ULL;
		sp_put(p, 24, 8, ~0ULL);
		sp_put(p, 40, 8, ~0ULL);
		break;
	case KC_BAD_BUDDY:
		sp_put(p, 48, 4, (uint64_t)e->buddy);
		sp_put(p, 40, 8, 63);
		sp_put(p, 52, 4, 0);
		break;
	case KC_BAD_COMPOUND:
		flags |= 1ULL << e->pg_lru | 1ULL << e->pg_swapbacked;
		sp_put(p, 24, 8, (dmap_obj + 0x200) | 1);
		break;
	default:
		break;
	}
	sp_put(p, 0, 8, flags);
}

/* Overrides the content of kernel-owned pages; returns 1 if it did. */
static int kernel_page(const struct spec *s, uint64_t pfn, unsigned char *buf)
{
	const struct kspec *k = s->k;
	uint64_t pa = pfn * 4096;

	if (!k)
		return 0;
	if (pa >= k->vmm_pa && pa < k->vmm_pa + k->vmm_size) {
		uint64_t first = (pa - k->vmm_pa) / 64, i;

		for (i = 0; i < 64; i++) {
			if (first + i < k->max_pfn)
				kernel_struct_page(k, first + i, buf + 64 * i);
			else
				memset(buf + 64 * i, 0, 64);
		}
		return 1;
	}
	if (pa >= k->ms_pa && pa < k->pt_pa) {
		uint64_t spr = 4096 / k->era->ms_size, i;

		memset(buf, 0, 4096);
		if (pa < k->ms_sec_pa) {
			/* root array: pointer per root */
			uint64_t r0 = (pa - k->ms_pa) / 8;

			for (i = 0; i < 512; i++)
				if (r0 + i < k->nroots)
					put_int(buf + 8 * i, 8, k->c_memsec_outside && r0 + i == 0 ?
						k->page_offset + 1024 * K_1G :
						k->page_offset + k->ms_sec_pa + (r0 + i) * 4096, 0);
			return 1;
		}
		for (i = 0; i < spr; i++) {
			uint64_t nr = (pa - k->ms_sec_pa) / 4096 * spr + i;
			uint64_t v = k->vmemmap | k->era->sec_flags;

			if (nr >= k->nsections)
				break;
			if (k->c_memsec_bad && nr == 0)
				v = 0x1234000 | k->era->sec_flags;
			put_int(buf + i * k->era->ms_size, 8, v, 0);
		}
		return 1;
	}
	if (pa >= k->pt_pa && pa < k->pt_pa + (k->npt - 1) * 4096) {
		pt_content(k, (size_t)((pa - k->pt_pa) / 4096 + 1), buf);
		return 1;
	}
	if (pa == k->kload + K_TOP_OFF) {
		pt_content(k, 0, buf);
		return 1;
	}
	if (pa == k->kload + K_UTS_OFF) {
		static const char *const f[6] = { "Linux", "mkvmcore", NULL,
			"#1 SMP PREEMPT_DYNAMIC mkvmcore", "x86_64", "(none)" };
		int base = k->era->uts_off >= 0 ? k->era->uts_off : 4, j;

		memset(buf, 0, 4096);
		put_int(buf, 4, 3, 0);	/* kref */
		for (j = 0; j < 6; j++)
			snprintf((char *)buf + base + 65 * j, 65, "%s",
				 f[j] ? f[j] : k->era->osrelease);
		return 1;
	}
	if (pa >= k->kload + K_SYM_OFF && pa < k->img_end) {
		memset(buf, 0, 4096);
		return 1;
	}
	return 0;
}

static void kernel_truth(FILE *f, const struct spec *s)
{
	const struct kspec *k = s->k;
	size_t i;

	if (!k)
		return;
	fprintf(f, "kernel layout=%s levels=%d kaslr=0x%llx phys_base=0x%llx "
		"page_offset=0x%llx vmemmap=0x%llx max_pfn=0x%llx\n",
		k->era->name, k->levels, (unsigned long long)k->kaslr,
		(unsigned long long)k->phys_base, (unsigned long long)k->page_offset,
		(unsigned long long)k->vmemmap, (unsigned long long)k->max_pfn);
	for (i = 0; i < k->nranges; i++)
		fprintf(f, "kclass 0x%llx 0x%llx %s %u\n",
			(unsigned long long)k->ranges[i].pfn,
			(unsigned long long)(k->ranges[i].pfn + k->ranges[i].count),
			kcls_names[k->ranges[i].cls], k->ranges[i].order);
}

static void kernel_free(struct spec *s)
{
	size_t i;

	if (!s->k)
		return;
	for (i = 0; i < s->k->ndrops; i++)
		free(s->k->drops[i]);
	free(s->k->drops);
	for (i = 0; i < s->k->nnotes; i++)
		free(s->k->notes[i]);
	free(s->k->notes);
	free(s->k->maps);
	free(s->k->ranges);
	free(s->k->pt);
	free(s->k);
	s->k = NULL;
}

#endif /* MKVMCORE_KERNEL_H */
