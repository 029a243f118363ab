/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fuzz target for the whole pipeline on a small generated vmcore: the
 * input damages bytes of the VMCOREINFO note, the page tables, the
 * mem_section array or the struct pages of a 16 MiB 6.1-like kernel (made
 * once by the synthetic vmcore generator, compiled in), then the dump is
 * made as makedumpfile.c makes it: ELF input, kernel facts, source setup,
 * page filter (struct-page scan), and the kdump-compressed or ELF writer
 * into a flattened sink on /dev/null. Nothing may crash, hang or leak.
 *
 * Input:
 *   u8  dump level (& 31)
 *   u8  flags    bit 0: ELF output; bit 1: --non-mmap; bits 2-4: codec
 *                (none, zlib, lzo, snappy, zstd; others: none); bit 5: a
 *                -L cap of 64 KiB .. 1 MiB from the next byte; bit 6:
 *                cycles of 512 pfns instead of one
 *   u8  cap      (bit 5)
 *   then damage records to the end:
 *   u8  region   % 4: 0 note, 1 page tables, 2 mem_section, 3 struct pages
 *   u24 offset   within the region (modulo its size)
 *   u8  len      then len bytes written there
 * The template's bytes are restored after each input. */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "codec.h"
#include "dump.h"
#include "elf_out.h"
#include "input.h"
#include "kdump_out.h"
#include "kfacts_dump.h"
#include "kmem.h"
#include "memmap.h"
#include "sink.h"

/* The generator, with its main() renamed. */
#define main mkvmcore_main
#include "mkvmcore.c"
#undef main

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pl_spec[] =
	"kernel layout=6.1 ram=16M levels=4 kaslr=0x2000000 kload=0x200000 sparse\n"
	"kpages 0xc40 0x40 free order=3\n"
	"kpages 0xc80 0x20 cache\n"
	"kpages 0xca0 0x20 anon\n"
	"kpages 0xcc0 0x10 slab\n"
	"kpages 0xd00 0x4 hwpoison\n"
	"kpages 0xd10 0x10 offline\n"
	"kpages 0xd20 0x10 cache_private\n"
	"kpages 0xe00 0x200 thp\n";

enum { PL_REGIONS = 4, PL_MAX_RANGES = 512, PL_MAX_DAMAGE = 64 };

/* A region: file ranges (pages, or the note's bytes) the input may damage. */
struct pl_region {
	uint64_t off[PL_MAX_RANGES];
	uint64_t len[PL_MAX_RANGES];
	size_t n;
	uint64_t total;
};

struct pl_template {
	int fd;          /* memfd holding the vmcore */
	char path[64];
	struct pl_region reg[PL_REGIONS];
	int null_fd;
	bool ready;
};

static struct pl_template pl;

static void pl_add(struct pl_region *r, uint64_t off, uint64_t len)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->off[i] == off)
			return;
	if (r->n < PL_MAX_RANGES && len) {
		r->off[r->n] = off;
		r->len[r->n] = len;
		r->n++;
		r->total += len;
	}
}

/* File offset of a physical page, or UINT64_MAX. */
static uint64_t pl_file_off(const struct input *in, uint64_t pa)
{
	const struct vmcore_load *loads;
	size_t n;
	input_segments(in, &loads, &n);
	for (size_t i = 0; i < n; i++) {
		const struct vmcore_load *l = &loads[i];
		if (pa >= l->paddr && pa - l->paddr < l->filesz)
			return l->offset + (pa - l->paddr);
	}
	return UINT64_MAX;
}

static void pl_add_va(struct pl_region *r, struct kmem *km, const struct input *vm, uint64_t va)
{
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(km, va & ~4095ULL, &pa);
	if (err) {
		mdf_error_destroy(err);
		return;
	}
	uint64_t off = pl_file_off(vm, pa);
	if (off != UINT64_MAX)
		pl_add(r, off, 4096);
}

/* The page-table pages reachable from the root (x86_64 entries), breadth
 * first, at most PL_MAX_RANGES. */
static void pl_tables(struct pl_region *r, const struct input *vm, struct input_reader *rd,
		      uint64_t root)
{
	uint64_t queue[PL_MAX_RANGES];
	unsigned int depth[PL_MAX_RANGES];
	size_t head = 0, tail = 0;
	queue[tail] = root;
	depth[tail++] = 0;
	while (head < tail) {
		uint64_t t = queue[head];
		unsigned int d = depth[head++];
		uint64_t off = pl_file_off(vm, t);
		if (off == UINT64_MAX)
			continue;
		pl_add(r, off, 4096);
		if (d >= 3)
			continue;
		uint64_t e[512];
		struct mdf_error *err = input_read_phys(rd, t, e, sizeof(e));
		if (err) {
			mdf_error_destroy(err);
			continue;
		}
		for (int i = 0; i < 512 && tail < PL_MAX_RANGES; i++)
			if ((e[i] & 1) && !(e[i] & 0x80))
				queue[tail] = e[i] & 0x000ffffffffff000ULL, depth[tail++] = d + 1;
	}
}

/* Makes the template and finds its regions (once). */
static void pl_init(void)
{
	pl.ready = true;
	char spec_path[64], out_path[64];
	int sfd = memfd_create("pl_spec", 0);
	pl.fd = memfd_create("pl_vmcore", 0);
	pl.null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (sfd < 0 || pl.fd < 0 || pl.null_fd < 0 ||
	    write(sfd, pl_spec, sizeof(pl_spec) - 1) != (ssize_t)(sizeof(pl_spec) - 1))
		abort();
	snprintf(spec_path, sizeof(spec_path), "/proc/self/fd/%d", sfd);
	snprintf(out_path, sizeof(out_path), "/proc/self/fd/%d", pl.fd);
	char *argv[] = { (char *)"mkvmcore", spec_path, out_path, NULL };
	if (mkvmcore_main(3, argv) != 0)
		abort();
	close(sfd);
	snprintf(pl.path, sizeof(pl.path), "/proc/self/fd/%d", pl.fd);

	struct input *vm;
	struct kfacts *kf = malloc(sizeof(*kf));
	struct kmem *km;
	struct memmap *mm;
	struct input_reader *rd;
	const char *paths[1] = { pl.path };
	struct input_options io = { .use_mmap = true, .page_size = 4096, .msg = NULL };
	const char *text;
	size_t text_size;
	uint64_t text_off;
	if (!kf || input_open(paths, 1, &io, &vm) ||
	    !input_vmcoreinfo(vm, &text, &text_size, NULL, &text_off) ||
	    kfacts_for_dump(vm, NULL, NULL, NULL, kf, NULL) || kmem_create(vm, kf, NULL, &km) ||
	    memmap_create(km, kf, input_max_mapnr(vm), NULL, &mm) || input_reader_create(vm, &rd))
		abort();
	pl_add(&pl.reg[0], text_off, text_size);
	pl_tables(&pl.reg[1], vm, rd, kmem_arch_state(km)->root);
	pl_add_va(&pl.reg[2], km, vm, kf_get(kf, KF_SYMBOL_mem_section));
	uint64_t root_ptr;
	if (!kmem_read_u64(km, kf_get(kf, KF_SYMBOL_mem_section), &root_ptr))
		pl_add_va(&pl.reg[2], km, vm, root_ptr);
	for (size_t i = 0; i < mm->nr_ranges; i++) {
		const struct memmap_range *g = &mm->ranges[i];
		uint64_t end = g->mem_map + (g->end_pfn - g->start_pfn) * 64;
		for (uint64_t va = g->mem_map & ~4095ULL; va < end; va += 4096)
			pl_add_va(&pl.reg[3], km, vm, va);
	}
	for (int i = 0; i < PL_REGIONS; i++)
		if (!pl.reg[i].total)
			abort(); /* the template must have every region */
	input_reader_destroy(rd);
	memmap_destroy(mm);
	kmem_destroy(km);
	input_destroy(vm);
	free(kf);
}

/* One damage: where, and the bytes it replaced. */
struct pl_damage {
	uint64_t off;
	uint8_t old[255];
	uint8_t len;
};

static void pl_run(int level, unsigned int flags, uint64_t cap)
{
	static const enum codec_kind codecs[] = { CODEC_NONE, CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY,
						  CODEC_ZSTD, CODEC_NONE, CODEC_NONE, CODEC_NONE };
	enum codec_kind codec = codecs[(flags >> 2) & 7];
	if (!codec_available(codec))
		codec = CODEC_NONE;
	struct input *vm = NULL;
	struct kfacts *kf = malloc(sizeof(*kf));
	struct dump_source src;
	memset(&src, 0, sizeof(src));
	struct sink *sink = NULL;
	const char *paths[1] = { pl.path };
	struct input_options io = { .use_mmap = !(flags & 2), .page_size = 4096, .msg = NULL };
	struct mdf_error *err = kf ? input_open(paths, 1, &io, &vm) : mdf_error_nomem();
	if (!err)
		err = kfacts_for_dump(vm, NULL, NULL, NULL, kf, NULL);
	if (!err && kf->page_size)
		err = input_set_page_size(vm, kf->page_size);
	if (!err)
		err = dump_source_setup(&src, vm, kf);
	if (!err) {
		src.dump_level = level;
		src.num_threads = 1;
		src.block_order = 4;
		src.pfn_cyclic = flags & 64 ? 512 : src.max_mapnr;
		err = filter_create(&src, &src.filter);
	}
	if (!err)
		err = sink_open_flattened(pl.null_fd, "fuzz", cap, &sink);
	if (!err) {
		struct dump_stats st;
		memset(&st, 0, sizeof(st));
		err = flags & 1 ? elf_write(&src, sink, &st) : kdump_write(&src, codec, sink, &st);
		/* A kdump file has one descriptor per dumpable pfn at most (an
		 * ELF one may hold a page twice: PT_LOADs overlap). */
		if (!(flags & 1) && st.written_pages > st.dumpable)
			abort();
	}
	mdf_error_destroy(err);
	sink_destroy(sink, true);
	filter_destroy(src.filter);
	input_destroy(vm);
	free(kf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!pl.ready)
		pl_init();
	if (size < 2)
		return 0;
	int level = data[0] & 31;
	unsigned int flags = data[1];
	size_t pos = 2;
	uint64_t cap = 0;
	if (flags & 32) {
		cap = size > 2 ? (64ULL << 10) + (uint64_t)data[2] * (4ULL << 10) : 0;
		pos = 3;
	}
	static struct pl_damage dmg[PL_MAX_DAMAGE];
	size_t nd = 0;
	while (pos + 5 <= size && nd < PL_MAX_DAMAGE) {
		const struct pl_region *r = &pl.reg[data[pos] % PL_REGIONS];
		uint64_t at = ((uint64_t)data[pos + 1] | (uint64_t)data[pos + 2] << 8 |
			       (uint64_t)data[pos + 3] << 16) % r->total;
		size_t len = data[pos + 4];
		pos += 5;
		if (len > size - pos)
			len = size - pos;
		/* Map the region offset to a file offset (within one range). */
		size_t i = 0;
		while (at >= r->len[i]) {
			at -= r->len[i];
			i++;
		}
		if (len > r->len[i] - at)
			len = (size_t)(r->len[i] - at);
		struct pl_damage *d = &dmg[nd++];
		d->off = r->off[i] + at;
		d->len = (uint8_t)len;
		if (pread(pl.fd, d->old, len, (off_t)d->off) != (ssize_t)len ||
		    pwrite(pl.fd, data + pos, len, (off_t)d->off) != (ssize_t)len)
			abort();
		pos += len;
	}
	pl_run(level, flags, cap);
	/* Undo in reverse order (damages may overlap). */
	while (nd-- > 0)
		if (pwrite(pl.fd, dmg[nd].old, dmg[nd].len, (off_t)dmg[nd].off) != (ssize_t)dmg[nd].len)
			abort();
	return 0;
}
