/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF vmcore input: header, program header and note validation, the
 * resolved physical map, and page reads through per-thread readers of the
 * file layer (ifile.h); at the end, the back end's format_ops (input_impl.h).
 * REFERENCE.md 5.1, 6.7, 7 (first paragraph). */
#include "elf_info.h"

#include "input_impl.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	/* Sanity limits on untrusted counts and sizes. */
	VMCORE_MAX_PHDRS = 1u << 20,
	VMCORE_MAX_NOTES = 256u << 20,
	NOTE_HDR_SIZE = 12,
};

/* Physical addresses beyond 52 bits do not exist on any supported arch. */
#define VMCORE_PHYS_LIMIT (UINT64_C(1) << 52)

/* Byte-order aware field access on untrusted header bytes. */
struct elf_src {
	const uint8_t *p;
	bool be;
};

static uint16_t get16(struct elf_src s, size_t off)
{
	const uint8_t *b = s.p + off;
	return s.be ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static uint32_t get32(struct elf_src s, size_t off)
{
	const uint8_t *b = s.p + off;
	if (s.be)
		return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint64_t get64(struct elf_src s, size_t off)
{
	uint64_t hi = get32(s, off), lo = get32(s, off + 4);
	if (!s.be) {
		uint64_t t = hi;
		hi = lo;
		lo = t;
	}
	return hi << 32 | lo;
}

static struct mdf_error *corrupt_at(const char *path, uint64_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Builds "<path>: <what> ..." as an MDF_ERR_CORRUPT error at off. */
static struct mdf_error *corrupt_at(const char *path, uint64_t off, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return mdf_error_at(mdf_error_create(MDF_ERR_CORRUPT, "%s: %s", path, buf), off);
}

/* Reads header bytes; a file shorter than its headers say is corruption. */
static struct mdf_error *pread_full(const struct vmcore *vm, void *buf, size_t len, uint64_t off)
{
	return ifile_pread(vm->file, buf, len, off);
}

bool vmcore_is_elf(const uint8_t *head, size_t len)
{
	if (len < EI_NIDENT || memcmp(head, ELFMAG, SELFMAG) != 0)
		return false;
	if (head[EI_CLASS] != ELFCLASS32 && head[EI_CLASS] != ELFCLASS64)
		return false;
	if (head[EI_DATA] != ELFDATA2LSB && head[EI_DATA] != ELFDATA2MSB)
		return false;
	if (len >= 18) {
		struct elf_src s = {head, head[EI_DATA] == ELFDATA2MSB};
		return get16(s, 16) == ET_CORE;
	}
	return true;
}

/* Header facts needed to find the program headers. */
struct elf_hdr_info {
	uint64_t phoff;
	uint64_t shoff;
	uint32_t phnum;
	uint16_t phentsize;
	uint16_t shentsize;
	uint16_t shnum;
};

/* Resolves e_phnum == PN_XNUM: the real count is section header 0's sh_info. */
static struct mdf_error *read_xnum(struct vmcore *vm, struct elf_src s, struct elf_hdr_info *h)
{
	bool is64 = vm->elf_class == ELFCLASS64;
	size_t shsz = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	if (h->shoff == 0 || h->shentsize < shsz)
		return corrupt_at(vm->path, is64 ? 40 : 32,
				  "e_phnum is PN_XNUM but there is no usable section header 0 "
				  "(e_shoff 0x%" PRIx64 ", e_shentsize %u)",
				  h->shoff, h->shentsize);
	if (h->shoff > vm->file_size || vm->file_size - h->shoff < shsz)
		return corrupt_at(vm->path, h->shoff,
				  "section header 0 at offset 0x%" PRIx64 " is past the end of the file (size 0x%" PRIx64 ")",
				  h->shoff, vm->file_size);
	uint8_t sh[sizeof(Elf64_Shdr)];
	struct mdf_error *err = pread_full(vm, sh, shsz, h->shoff);
	if (err)
		return err;
	s.p = sh;
	h->phnum = get32(s, is64 ? 44 : 28);
	return NULL;
}

/* Reads and checks the ELF header (REFERENCE.md 5.1: a kdump vmcore is an
 * ET_CORE file of either class and byte order). */
static struct mdf_error *parse_ehdr(struct vmcore *vm, struct elf_hdr_info *h)
{
	uint8_t eh[sizeof(Elf64_Ehdr)];
	if (vm->file_size == 0)
		return corrupt_at(vm->path, 0, "empty file");
	size_t n = vm->file_size < sizeof(eh) ? (size_t)vm->file_size : sizeof(eh);
	struct mdf_error *err = pread_full(vm, eh, n, 0);
	if (err)
		return err;
	if (n < SELFMAG || memcmp(eh, ELFMAG, SELFMAG) != 0)
		return corrupt_at(vm->path, 0, "not an ELF file (no ELF magic at offset 0x0)");
	if (n < EI_NIDENT)
		return corrupt_at(vm->path, n, "truncated ELF header: file size 0x%" PRIx64, vm->file_size);
	if (eh[EI_CLASS] != ELFCLASS32 && eh[EI_CLASS] != ELFCLASS64)
		return corrupt_at(vm->path, EI_CLASS, "bad ELF class %u at offset 0x%x", eh[EI_CLASS], EI_CLASS);
	if (eh[EI_DATA] != ELFDATA2LSB && eh[EI_DATA] != ELFDATA2MSB)
		return corrupt_at(vm->path, EI_DATA, "bad ELF byte order %u at offset 0x%x", eh[EI_DATA], EI_DATA);
	vm->elf_class = eh[EI_CLASS];
	vm->big_endian = eh[EI_DATA] == ELFDATA2MSB;
	bool is64 = vm->elf_class == ELFCLASS64;
	size_t ehsz = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	if (n < ehsz)
		return corrupt_at(vm->path, n, "truncated ELF header: file size 0x%" PRIx64 ", header needs 0x%zx bytes",
				  vm->file_size, ehsz);
	memcpy(vm->e_ident, eh, EI_NIDENT);
	struct elf_src s = {eh, vm->big_endian};
	vm->e_type = get16(s, 16);
	vm->e_machine = get16(s, 18);
	vm->e_version = get32(s, 20);
	if (is64) {
		vm->e_entry = get64(s, 24);
		h->phoff = get64(s, 32);
		h->shoff = get64(s, 40);
		vm->e_flags = get32(s, 48);
	} else {
		vm->e_entry = get32(s, 24);
		h->phoff = get32(s, 28);
		h->shoff = get32(s, 32);
		vm->e_flags = get32(s, 36);
	}
	size_t b = is64 ? 54 : 42; /* e_phentsize */
	h->phentsize = get16(s, b);
	h->phnum = get16(s, b + 2);
	h->shentsize = get16(s, b + 4);
	vm->e_shentsize = h->shentsize;
	h->shnum = get16(s, b + 6);
	if (vm->e_type != ET_CORE)
		return corrupt_at(vm->path, 16, "ELF type %u at offset 0x10 is not ET_CORE (4)", vm->e_type);
	if (h->phnum == PN_XNUM) {
		err = read_xnum(vm, s, h);
		if (err)
			return err;
	}
	size_t phsz = is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
	if (h->phentsize != phsz)
		return corrupt_at(vm->path, b, "e_phentsize %u at offset 0x%zx, expected %zu", h->phentsize, b, phsz);
	if (h->phnum == 0)
		return corrupt_at(vm->path, b + 2, "no program headers (e_phnum 0 at offset 0x%zx)", b + 2);
	if (h->phnum > VMCORE_MAX_PHDRS)
		return corrupt_at(vm->path, b + 2, "absurd program header count %" PRIu32, h->phnum);
	uint64_t phbytes = (uint64_t)h->phnum * phsz;
	if (h->phoff > vm->file_size || vm->file_size - h->phoff < phbytes)
		return corrupt_at(vm->path, h->phoff,
				  "%" PRIu32 " program headers at offset 0x%" PRIx64 " are past the end of the file (size 0x%" PRIx64 ")",
				  h->phnum, h->phoff, vm->file_size);
	return NULL;
}

/* One program header, host order, both classes. */
struct phdr {
	uint32_t type, flags;
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static struct phdr decode_phdr(const struct vmcore *vm, const uint8_t *p)
{
	struct elf_src s = {p, vm->big_endian};
	struct phdr ph;
	ph.type = get32(s, 0);
	if (vm->elf_class == ELFCLASS64) {
		ph.offset = get64(s, 8);
		ph.vaddr = get64(s, 16);
		ph.paddr = get64(s, 24);
		ph.filesz = get64(s, 32);
		ph.memsz = get64(s, 40);
		ph.flags = get32(s, 4);
		ph.align = get64(s, 48);
	} else {
		ph.offset = get32(s, 4);
		ph.vaddr = get32(s, 8);
		ph.paddr = get32(s, 12);
		ph.filesz = get32(s, 16);
		ph.memsz = get32(s, 20);
		ph.flags = get32(s, 24);
		ph.align = get32(s, 28);
	}
	return ph;
}

/* Checks one PT_LOAD; only what cannot be a real dump is an error (physical
 * overlaps are normal, REFERENCE.md 7.1 "Input layout"). */
static struct mdf_error *check_load(const struct vmcore *vm, size_t i, uint64_t at, const struct phdr *ph)
{
	if (ph->filesz > ph->memsz)
		return corrupt_at(vm->path, at,
				  "program header %zu at offset 0x%" PRIx64 ": PT_LOAD p_filesz 0x%" PRIx64
				  " is larger than p_memsz 0x%" PRIx64,
				  i, at, ph->filesz, ph->memsz);
	if (ph->offset > vm->file_size || vm->file_size - ph->offset < ph->filesz)
		return corrupt_at(vm->path, at,
				  "program header %zu at offset 0x%" PRIx64 ": PT_LOAD data [0x%" PRIx64 ", 0x%" PRIx64
				  ") is past the end of the file (size 0x%" PRIx64 ")",
				  i, at, ph->offset, ph->offset + ph->filesz, vm->file_size);
	if (ph->paddr > VMCORE_PHYS_LIMIT || VMCORE_PHYS_LIMIT - ph->paddr < ph->memsz)
		return corrupt_at(vm->path, at,
				  "program header %zu at offset 0x%" PRIx64 ": absurd PT_LOAD physical range 0x%" PRIx64
				  " + 0x%" PRIx64 " (beyond 2^52)",
				  i, at, ph->paddr, ph->memsz);
	return NULL;
}

/* Adds one PT_NOTE segment's payload to vm->notes and walks its notes
 * (REFERENCE.md 5.1: 4-byte aligned name and desc). */
static struct mdf_error *add_notes(struct vmcore *vm, size_t i, uint64_t at, const struct phdr *ph)
{
	if (ph->offset > vm->file_size || vm->file_size - ph->offset < ph->filesz)
		return corrupt_at(vm->path, at,
				  "program header %zu at offset 0x%" PRIx64 ": PT_NOTE data [0x%" PRIx64 ", 0x%" PRIx64
				  ") is past the end of the file (size 0x%" PRIx64 ")",
				  i, at, ph->offset, ph->offset + ph->filesz, vm->file_size);
	if (ph->filesz == 0)
		return NULL;
	if (ph->filesz > VMCORE_MAX_NOTES || vm->notes_size + ph->filesz > VMCORE_MAX_NOTES)
		return corrupt_at(vm->path, at, "program header %zu at offset 0x%" PRIx64 ": absurd note size 0x%" PRIx64,
				  i, at, ph->filesz);
	uint8_t *n = realloc(vm->notes, vm->notes_size + ph->filesz + 1);
	if (!n)
		return mdf_error_nomem();
	vm->notes = n;
	if (vm->notes_size == 0) {
		vm->notes_file_offset = ph->offset;
		vm->note_flags = ph->flags;
		vm->note_align = ph->align;
	}
	uint64_t base = vm->notes_size;
	struct mdf_error *err = pread_full(vm, n + base, ph->filesz, ph->offset);
	if (err)
		return err;
	vm->notes_size += ph->filesz;

	struct elf_src s = {NULL, vm->big_endian};
	uint64_t pos = 0, len = ph->filesz;
	/* Each iteration advances by at least NOTE_HDR_SIZE: bounded. */
	while (len - pos >= NOTE_HDR_SIZE) {
		s.p = n + base + pos;
		uint32_t namesz = get32(s, 0), descsz = get32(s, 4), type = get32(s, 8);
		if (namesz == 0 && descsz == 0 && type == 0)
			break; /* padding at the end of the segment */
		uint64_t name_off = pos + NOTE_HDR_SIZE;
		uint64_t desc_off = name_off + (((uint64_t)namesz + 3) & ~UINT64_C(3));
		uint64_t next = desc_off + (((uint64_t)descsz + 3) & ~UINT64_C(3));
		if (desc_off > len || len - desc_off < descsz)
			return corrupt_at(vm->path, ph->offset + pos,
					  "note at offset 0x%" PRIx64 " (namesz %" PRIu32 ", descsz %" PRIu32
					  ") runs past the end of its PT_NOTE segment [0x%" PRIx64 ", 0x%" PRIx64 ")",
					  ph->offset + pos, namesz, descsz, ph->offset, ph->offset + len);
		const char *name = (const char *)n + base + name_off;
		size_t nlen = strnlen(name, namesz);
		if (nlen == 4 && memcmp(name, "CORE", 4) == 0 && type == NT_PRSTATUS) {
			vm->nr_cpus++;
		} else if (nlen == 10 && memcmp(name, "VMCOREINFO", 10) == 0 && type == 0 &&
			   !vm->has_vmcoreinfo) {
			vm->vmcoreinfo = malloc((size_t)descsz + 1);
			if (!vm->vmcoreinfo)
				return mdf_error_nomem();
			memcpy(vm->vmcoreinfo, n + base + desc_off, descsz);
			vm->vmcoreinfo[descsz] = '\0';
			vm->vmcoreinfo_size = descsz;
			vm->vmcoreinfo_offset = base + desc_off;
			vm->has_vmcoreinfo = true;
		}
		if (next >= len)
			break;
		pos = next;
	}
	return NULL;
}

/* Reads every program header (in bounded chunks) and records loads and notes. */
static struct mdf_error *parse_phdrs(struct vmcore *vm, const struct elf_hdr_info *h)
{
	size_t nload = 0;
	uint8_t buf[64 * sizeof(Elf64_Phdr)];
	uint32_t per = (uint32_t)(sizeof(buf) / h->phentsize);
	vm->loads = calloc(1, sizeof(*vm->loads));
	if (!vm->loads)
		return mdf_error_nomem();
	size_t cap = 1;
	for (uint32_t first = 0; first < h->phnum; first += per) {
		uint32_t cnt = h->phnum - first < per ? h->phnum - first : per;
		uint64_t off = h->phoff + (uint64_t)first * h->phentsize;
		struct mdf_error *err = pread_full(vm, buf, (size_t)cnt * h->phentsize, off);
		if (err)
			return err;
		for (uint32_t k = 0; k < cnt; k++) {
			size_t i = (size_t)first + k;
			uint64_t at = off + (uint64_t)k * h->phentsize;
			struct phdr ph = decode_phdr(vm, buf + (size_t)k * h->phentsize);
			if (ph.type == PT_NOTE) {
				err = add_notes(vm, i, at, &ph);
			} else if (ph.type == PT_LOAD) {
				err = check_load(vm, i, at, &ph);
				if (!err && nload == cap) {
					struct vmcore_load *nl = reallocarray(vm->loads, cap * 2, sizeof(*nl));
					if (!nl)
						return mdf_error_nomem();
					vm->loads = nl;
					cap *= 2;
				}
				if (!err)
					vm->loads[nload++] = (struct vmcore_load){
						ph.paddr, ph.vaddr, ph.offset, ph.filesz, ph.memsz,
						ph.flags, ph.align};
			}
			if (err)
				return err;
		}
	}
	vm->nr_loads = nload;
	if (nload == 0)
		return corrupt_at(vm->path, h->phoff,
				  "no PT_LOAD segment among the %" PRIu32 " program headers at offset 0x%" PRIx64,
				  h->phnum, h->phoff);
	return NULL;
}

/* A load in the range sweep: sorted by start, prioritised by phdr index. */
struct sweep_ent {
	uint64_t start, end;
	size_t idx;
};

static int cmp_start(const void *a, const void *b)
{
	const struct sweep_ent *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Min-heap on phdr index: the active load that wins an elementary interval. */
static void heap_push(struct sweep_ent *h, size_t *n, struct sweep_ent e)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].idx > e.idx) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static void heap_pop(struct sweep_ent *h, size_t *n)
{
	struct sweep_ent last = h[--(*n)];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].idx < h[c].idx)
			c++;
		if (h[c].idx >= last.idx)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n > 0)
		h[i] = last;
}

/* Resolves overlapping PT_LOADs into sorted, disjoint ranges where the
 * first load in phdr order wins (REFERENCE.md 7): a sweep over the
 * boundaries with a heap of active loads, O(n log n). */
static struct mdf_error *build_ranges(struct vmcore *vm)
{
	size_t m = 0, n = vm->nr_loads;
	struct sweep_ent *ents = calloc(n, sizeof(*ents));
	struct sweep_ent *heap = calloc(n, sizeof(*heap));
	uint64_t *pts = calloc(2 * n, sizeof(*pts));
	vm->ranges = calloc(2 * n, sizeof(*vm->ranges));
	if (!ents || !heap || !pts || !vm->ranges) {
		free(ents);
		free(heap);
		free(pts);
		return mdf_error_nomem();
	}
	for (size_t i = 0; i < n; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (l->memsz == 0)
			continue;
		ents[m] = (struct sweep_ent){l->paddr, l->paddr + l->memsz, i};
		pts[2 * m] = l->paddr;
		pts[2 * m + 1] = l->paddr + l->memsz;
		m++;
	}
	qsort(ents, m, sizeof(*ents), cmp_start);
	qsort(pts, 2 * m, sizeof(*pts), cmp_u64);
	size_t np = 0;
	for (size_t i = 0; i < 2 * m; i++)
		if (np == 0 || pts[np - 1] != pts[i])
			pts[np++] = pts[i];
	size_t j = 0, hn = 0, nr = 0;
	for (size_t k = 0; k + 1 < np; k++) {
		while (j < m && ents[j].start <= pts[k])
			heap_push(heap, &hn, ents[j++]);
		while (hn > 0 && heap[0].end <= pts[k])
			heap_pop(heap, &hn);
		if (hn == 0)
			continue;
		size_t owner = heap[0].idx;
		if (nr > 0 && vm->ranges[nr - 1].end == pts[k] && vm->ranges[nr - 1].load == owner)
			vm->ranges[nr - 1].end = pts[k + 1];
		else
			vm->ranges[nr++] = (struct vmcore_range){pts[k], pts[k + 1], owner};
	}
	vm->nr_ranges = nr;
	free(ents);
	free(heap);
	free(pts);
	return NULL;
}

static void compute_max_mapnr(struct vmcore *vm)
{
	uint64_t top = vm->nr_ranges ? vm->ranges[vm->nr_ranges - 1].end : 0;
	vm->max_mapnr = (top + vm->page_size - 1) >> vm->page_shift;
}

struct mdf_error *vmcore_set_page_size(struct vmcore *vm, uint64_t page_size)
{
	if (page_size < 1024 || page_size > (1u << 20) || (page_size & (page_size - 1)))
		return mdf_error_create(MDF_ERR_INVALID, "%s: invalid page size %" PRIu64, vm->path, page_size);
	vm->page_size = page_size;
	vm->page_shift = (unsigned int)__builtin_ctzll(page_size);
	compute_max_mapnr(vm);
	return NULL;
}

struct mdf_error *vmcore_open_file(struct ifile *f, uint64_t page_size, struct vmcore **ret)
{
	*ret = NULL;
	struct vmcore *vm = calloc(1, sizeof(*vm));
	if (!vm)
		return mdf_error_nomem();
	vm->file = f;
	vm->path = ifile_path(f);
	vm->file_size = ifile_size(f);
	struct elf_hdr_info h;
	struct mdf_error *err = parse_ehdr(vm, &h);
	if (!err)
		err = parse_phdrs(vm, &h);
	if (!err)
		err = build_ranges(vm);
	if (!err)
		err = vmcore_set_page_size(vm, page_size);
	if (err) {
		vmcore_destroy(vm);
		return err;
	}
	*ret = vm;
	return NULL;
}

struct mdf_error *vmcore_open(const char *path, bool use_mmap, uint64_t page_size, struct vmcore **ret)
{
	*ret = NULL;
	struct ifile *f;
	struct mdf_error *err = ifile_open(path, use_mmap, &f);
	if (err)
		return err;
	err = vmcore_open_file(f, page_size, ret);
	if (err) {
		ifile_destroy(f);
		return err;
	}
	(*ret)->own_file = true;
	return NULL;
}

void vmcore_destroy(struct vmcore *vm)
{
	if (!vm)
		return;
	if (vm->own_file)
		ifile_destroy(vm->file);
	free(vm->loads);
	free(vm->ranges);
	free(vm->notes);
	free(vm->vmcoreinfo);
	free(vm);
}

/* Index of the first range ending after paddr (nr_ranges if none). */
static size_t find_range_ge(const struct vmcore *vm, uint64_t paddr)
{
	size_t lo = 0, hi = vm->nr_ranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (vm->ranges[mid].end <= paddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

size_t vmcore_find_range(const struct vmcore *vm, uint64_t paddr)
{
	size_t i = find_range_ge(vm, paddr);
	if (i < vm->nr_ranges && vm->ranges[i].start <= paddr)
		return i;
	return vm->nr_ranges;
}

bool vmcore_pfn_is_ram(const struct vmcore *vm, uint64_t pfn)
{
	if (pfn >= (VMCORE_PHYS_LIMIT >> vm->page_shift))
		return false;
	uint64_t pa = pfn << vm->page_shift;
	size_t i = find_range_ge(vm, pa);
	return i < vm->nr_ranges && vm->ranges[i].start < pa + vm->page_size;
}

struct vmcore_reader {
	struct vmcore *vm;
	struct ifile_reader *fr; /* the file layer's window */
	uint8_t *bounce;
	size_t bounce_size;
	size_t last;       /* index of the last range hit (hot-path cache) */
};

struct mdf_error *vmcore_reader_create(struct vmcore *vm, struct vmcore_reader **ret)
{
	*ret = NULL;
	struct vmcore_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return mdf_error_nomem();
	r->vm = vm;
	r->bounce_size = vm->page_size;
	r->bounce = malloc(r->bounce_size);
	struct mdf_error *err = r->bounce ? ifile_reader_create(vm->file, &r->fr) : mdf_error_nomem();
	if (err) {
		free(r->bounce);
		free(r);
		return err;
	}
	*ret = r;
	return NULL;
}

void vmcore_reader_destroy(struct vmcore_reader *r)
{
	if (!r)
		return;
	ifile_reader_destroy(r->fr);
	free(r->bounce);
	free(r);
}

void vmcore_reader_share_windows(struct vmcore_reader *r)
{
	ifile_reader_share_windows(r->fr);
}

/* Copies file bytes [off, off+len) into dst through the window or pread. */
static struct mdf_error *file_copy(struct vmcore_reader *r, uint64_t off, uint8_t *dst, size_t len)
{
	return ifile_reader_read(r->fr, off, dst, len);
}

/* Copies physical [pa, pa+len) of load ld (wholly inside its memsz): file
 * data up to p_filesz, zeros after it (REFERENCE.md 6.7). */
static struct mdf_error *load_copy(struct vmcore_reader *r, const struct vmcore_load *ld, uint64_t pa,
				   uint8_t *dst, size_t len)
{
	uint64_t rel = pa - ld->paddr;
	size_t from_file = 0;
	if (rel < ld->filesz)
		from_file = ld->filesz - rel < len ? (size_t)(ld->filesz - rel) : len;
	if (from_file) {
		struct mdf_error *err = file_copy(r, ld->offset + rel, dst, from_file);
		if (err)
			return err;
	}
	memset(dst + from_file, 0, len - from_file);
	return NULL;
}

/* Copies [pa, pa+len) range by range. With holes_ok, bytes in no PT_LOAD
 * are zeroed and *ram_ret tells whether any byte was RAM; without, a hole
 * is an MDF_ERR_NODATA error. */
static struct mdf_error *phys_copy(struct vmcore_reader *r, uint64_t pa, uint8_t *dst, size_t len,
				   bool holes_ok, bool *ram_ret)
{
	const struct vmcore *vm = r->vm;
	bool ram = false;
	/* Each iteration either ends the loop or consumes one range: bounded. */
	while (len > 0) {
		size_t i = find_range_ge(vm, pa);
		uint64_t gap = len;
		if (i < vm->nr_ranges && vm->ranges[i].start <= pa)
			gap = 0;
		else if (i < vm->nr_ranges && vm->ranges[i].start - pa < len)
			gap = vm->ranges[i].start - pa;
		if (gap > 0) {
			if (!holes_ok)
				return mdf_error_at(mdf_error_create(MDF_ERR_NODATA,
								     "%s: physical address 0x%" PRIx64 " is in no PT_LOAD",
								     vm->path, pa),
						    pa);
			memset(dst, 0, (size_t)gap);
			pa += gap;
			dst += gap;
			len -= (size_t)gap;
			continue;
		}
		const struct vmcore_range *rg = &vm->ranges[i];
		size_t n = rg->end - pa < len ? (size_t)(rg->end - pa) : len;
		struct mdf_error *err = load_copy(r, &vm->loads[rg->load], pa, dst, n);
		if (err)
			return err;
		ram = true;
		pa += n;
		dst += n;
		len -= n;
	}
	if (ram_ret)
		*ram_ret = ram;
	return NULL;
}

struct mdf_error *vmcore_read_phys(struct vmcore_reader *r, uint64_t paddr, void *buf, size_t len)
{
	if (paddr > VMCORE_PHYS_LIMIT || VMCORE_PHYS_LIMIT - paddr < len)
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA, "%s: physical address 0x%" PRIx64 " is in no PT_LOAD",
						     r->vm->path, paddr),
				    paddr);
	return phys_copy(r, paddr, buf, len, false, NULL);
}

/* Finds the range containing pa, trying the last hit first (sequential
 * page reads nearly always stay in one range). */
static size_t reader_lookup(struct vmcore_reader *r, uint64_t pa)
{
	const struct vmcore *vm = r->vm;
	if (r->last < vm->nr_ranges && vm->ranges[r->last].start <= pa && pa < vm->ranges[r->last].end)
		return r->last;
	size_t i = vmcore_find_range(vm, pa);
	if (i < vm->nr_ranges)
		r->last = i;
	return i;
}

struct mdf_error *vmcore_read_page(struct vmcore_reader *r, uint64_t pfn, const uint8_t **page_ret)
{
	const struct vmcore *vm = r->vm;
	uint64_t ps = vm->page_size;
	*page_ret = NULL;
	if (pfn >= (VMCORE_PHYS_LIMIT >> vm->page_shift))
		return mdf_error_create(MDF_ERR_NODATA, "%s: pfn 0x%" PRIx64 " is in no PT_LOAD", vm->path, pfn);
	uint64_t pa = pfn << vm->page_shift;
	if (r->bounce_size < ps) {
		/* The page size grew after the reader was made. */
		uint8_t *b = realloc(r->bounce, ps);
		if (!b)
			return mdf_error_nomem();
		r->bounce = b;
		r->bounce_size = ps;
	}
	size_t i = reader_lookup(r, pa);
	if (i < vm->nr_ranges && pa + ps <= vm->ranges[i].end) {
		const struct vmcore_load *ld = &vm->loads[vm->ranges[i].load];
		uint64_t rel = pa - ld->paddr;
		if (rel < ld->filesz && ld->filesz - rel >= ps) {
			const uint8_t *p = ifile_reader_map(r->fr, ld->offset + rel, ps);
			if (p) {
				*page_ret = p;
				return NULL;
			}
			struct mdf_error *err = pread_full(vm, r->bounce, ps, ld->offset + rel);
			if (err)
				return err;
			*page_ret = r->bounce;
			return NULL;
		}
	}
	bool ram;
	struct mdf_error *err = phys_copy(r, pa, r->bounce, ps, true, &ram);
	if (err)
		return err;
	if (!ram)
		return mdf_error_create(MDF_ERR_NODATA, "%s: pfn 0x%" PRIx64 " is in no PT_LOAD", vm->path, pfn);
	*page_ret = r->bounce;
	return NULL;
}

/* ---- the back end behind format_ops (input_impl.h) ---- */

/* The ELF back end's state: the vmcore and the facts -E copies. */
struct elf_in {
	struct vmcore *vm;
	struct input_elf_orig orig;
};

static struct mdf_error *elf_in_open(struct input *in, struct ifile *const *files, size_t n,
				     const struct input_options *opt)
{
	if (n != 1)
		return mdf_error_create(MDF_ERR_INVALID, "an ELF vmcore is one file");
	struct elf_in *e = calloc(1, sizeof(*e));
	if (!e)
		return mdf_error_nomem();
	struct mdf_error *err = vmcore_open_file(files[0], opt->page_size ? opt->page_size : 4096,
						 &e->vm);
	if (err) {
		free(e);
		return err;
	}
	struct vmcore *vm = e->vm;
	struct input_elf_orig *o = &e->orig;
	memcpy(o->e_ident, vm->e_ident, sizeof(o->e_ident));
	o->is64 = vm->elf_class == ELFCLASS64;
	o->big_endian = vm->big_endian;
	o->e_type = vm->e_type;
	o->e_machine = vm->e_machine;
	o->e_version = vm->e_version;
	o->e_flags = vm->e_flags;
	o->e_shentsize = vm->e_shentsize;
	o->e_entry = vm->e_entry;
	o->note_flags = vm->note_flags;
	o->note_align = vm->note_align;
	in->priv = e;
	in->facts.format = "ELF";
	in->facts.e_machine = vm->e_machine;
	in->facts.nr_cpus = vm->nr_cpus;
	in->page_size = vm->page_size;
	in->max_mapnr = vm->max_mapnr;
	in->notes = vm->notes;
	in->notes_size = vm->notes_size;
	if (vm->has_vmcoreinfo) {
		in->vmcoreinfo = vm->vmcoreinfo;
		in->vmcoreinfo_size = vm->vmcoreinfo_size;
		in->vmcoreinfo_note_off = vm->vmcoreinfo_offset;
		/* Exact when there is one PT_NOTE, as in every kdump vmcore. */
		in->vmcoreinfo_file_off = vm->notes_file_offset + vm->vmcoreinfo_offset;
	}
	in->segs = vm->loads;
	in->nr_segs = vm->nr_loads;
	in->elf = o;
	return NULL;
}

static void elf_in_close(struct input *in)
{
	struct elf_in *e = in->priv;
	if (!e)
		return;
	vmcore_destroy(e->vm);
	free(e);
	in->priv = NULL;
}

static struct mdf_error *elf_in_set_page_size(struct input *in, uint64_t page_size)
{
	struct elf_in *e = in->priv;
	struct mdf_error *err = vmcore_set_page_size(e->vm, page_size);
	if (err)
		return err;
	in->page_size = e->vm->page_size;
	in->max_mapnr = e->vm->max_mapnr;
	return NULL;
}

/* True if pfn has file data in some PT_LOAD (so a memsz-only tail of another
 * segment does not make it "no data"). */
static bool pfn_has_file_data(const struct vmcore *vm, uint64_t pfn)
{
	uint64_t pa = pfn << vm->page_shift;
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (pa >= l->paddr && pa - l->paddr < l->filesz)
			return true;
	}
	return false;
}

/* RAM = the pfns the PT_LOADs cover; a pfn wholly past a segment's file
 * data has no content (REFERENCE.md 2.6, 6.7). */
static struct mdf_error *elf_in_ram_map(struct input *in, struct bitmap *bm1, struct bitmap *bm2,
					struct input_map_counts *counts)
{
	const struct vmcore *vm = ((struct elf_in *)in->priv)->vm;
	unsigned int shift = vm->page_shift;
	uint64_t ps = vm->page_size;
	uint64_t cs = bm1->start_pfn, ce = bm1->end_pfn;
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (!l->memsz)
			continue;
		/* A partial page at either end counts as RAM: we dump it rather
		 * than lose its bytes (REFERENCE.md 2.6 leaves the choice). */
		uint64_t s = l->paddr >> shift;
		uint64_t e = (l->paddr + l->memsz + ps - 1) >> shift;
		bitmap_set_range(bm1, s, e);
		bitmap_set_range(bm2, s, e);
		uint64_t a = s > cs ? s : cs, b = e < ce ? e : ce;
		if (counts && a < b)
			counts->original += b - a;
	}
	for (size_t i = 0; i < vm->nr_loads; i++) {
		const struct vmcore_load *l = &vm->loads[i];
		if (l->filesz >= l->memsz)
			continue;
		uint64_t s = (l->paddr + l->filesz + ps - 1) >> shift;
		uint64_t e = (l->paddr + l->memsz) >> shift;
		if (s < cs)
			s = cs;
		if (e > ce)
			e = ce;
		for (uint64_t pfn = s; pfn < e; pfn++) {
			if (bitmap_test(bm2, pfn) && !pfn_has_file_data(vm, pfn)) {
				bitmap_clear(bm2, pfn);
				if (counts)
					counts->missing++;
			}
		}
	}
	return NULL;
}

static struct mdf_error *elf_in_ram_ranges(struct input *in)
{
	const struct vmcore *vm = ((struct elf_in *)in->priv)->vm;
	in->ram = calloc(vm->nr_ranges ? vm->nr_ranges : 1, sizeof(*in->ram));
	if (!in->ram)
		return mdf_error_nomem();
	size_t n = 0;
	for (size_t i = 0; i < vm->nr_ranges; i++) {
		if (n && in->ram[n - 1].end == vm->ranges[i].start)
			in->ram[n - 1].end = vm->ranges[i].end;
		else
			in->ram[n++] = (struct input_range){vm->ranges[i].start, vm->ranges[i].end};
	}
	in->nr_ram = n;
	return NULL;
}

static struct mdf_error *elf_in_reader_create(struct input *in, void **ret)
{
	struct vmcore_reader *r;
	struct mdf_error *err = vmcore_reader_create(((struct elf_in *)in->priv)->vm, &r);
	*ret = err ? NULL : r;
	return err;
}

static void elf_in_reader_destroy(void *r)
{
	vmcore_reader_destroy(r);
}

static void elf_in_share(void *r)
{
	vmcore_reader_share_windows(r);
}

static void elf_in_small(void *r)
{
	ifile_reader_small_windows(((struct vmcore_reader *)r)->fr);
}

static struct mdf_error *elf_in_read_page(void *r, uint64_t pfn, const uint8_t **page_ret)
{
	return vmcore_read_page(r, pfn, page_ret);
}

static struct mdf_error *elf_in_read_stored(void *r, uint64_t pfn, struct input_stored *ret)
{
	memset(ret, 0, sizeof(*ret));
	struct mdf_error *err = vmcore_read_page(r, pfn, &ret->data);
	if (!err) {
		ret->size = (uint32_t)((struct vmcore_reader *)r)->vm->page_size;
		ret->codec = CODEC_NONE;
	}
	return err;
}

static struct mdf_error *elf_in_decode(void *r, uint64_t pfn, const struct input_stored *st,
				       const uint8_t **page_ret)
{
	(void)r;
	(void)pfn;
	*page_ret = st->data;
	return NULL;
}

static struct mdf_error *elf_in_read_phys(void *r, uint64_t paddr, void *buf, size_t len)
{
	return vmcore_read_phys(r, paddr, buf, len);
}

const struct format_ops elf_format_ops = {
	.name = "ELF",
	.probe = vmcore_is_elf,
	.open = elf_in_open,
	.close = elf_in_close,
	.set_page_size = elf_in_set_page_size,
	.ram_map = elf_in_ram_map,
	.ram_ranges = elf_in_ram_ranges,
	.reader_create = elf_in_reader_create,
	.reader_destroy = elf_in_reader_destroy,
	.reader_share_windows = elf_in_share,
	.reader_small_windows = elf_in_small,
	.read_page = elf_in_read_page,
	.read_stored = elf_in_read_stored,
	.decode = elf_in_decode,
	.read_phys = elf_in_read_phys,
};
