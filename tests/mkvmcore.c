/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mkvmcore: write a synthetic ELF vmcore (like /proc/vmcore) from a text
 * spec, with known ground truth.
 *
 * Usage: mkvmcore SPEC OUT.elf [--truth TRUTH.txt]     (SPEC "-" = stdin)
 *
 * Three parts, kept apart so the spec can grow (page tables, mem_section,
 * struct pages, printk rings):
 *   1. spec parser      -> struct spec (notes, loads, runs, pokes, overrides)
 *   2. memory image     -> per page: kind from runs/fill, generator from
 *                          mkvmcore_gen.h, then byte overlays (pokes)
 *   3. ELF writer       -> Ehdr | Phdr[PT_NOTE] | Phdr[PT_LOAD]... | notes |
 *                          segment data (each segment starts page aligned
 *                          plus its in-page offset, as the kernel's
 *                          /proc/vmcore does).  Data is written for real:
 *                          zero pages are zero bytes in the file, not holes.
 *
 * Spec language: one directive per line; a line starting with '#' is a
 * comment, and so is " # ..." at the end of a line except in vmcoreinfo*,
 * poke and note_raw lines, where '#' may be data.  Numbers are
 * C literals (0x.., decimal) with optional K/M/G/T suffix (binary).
 *
 *   include FILE             read FILE (path relative to this spec) here
 *
 *   class 64|32              endian little|big
 *   machine x86_64|aarch64|i386|ppc64|s390x|riscv64|arm|<number>
 *   page_size N              seed N
 *   cpus N                   N CORE/NT_PRSTATUS notes (pr_pid = 1..N)
 *   prstatus_size N          desc size (default by machine/class)
 *   vmcoreinfo KEY=VALUE     one line of the VMCOREINFO note (repeatable)
 *   vmcoreinfo_raw TEXT      raw text, C escapes (\n \xNN) honoured
 *   vmcoreinfo_garbage N     N pseudo-random bytes appended to the note
 *   note_raw name=S type=N [text=S|hex=HEX|size=N] [namesz=N] [descsz=N]
 *                            an extra note; namesz/descsz override the
 *                            declared sizes only (to make broken notes)
 *   note_filesz N            override PT_NOTE p_filesz (header only)
 *   nonote                   no PT_NOTE segment at all
 *   load paddr=A size=N [vaddr=V] [filesz=N] [fill=KIND:W,KIND:W...]
 *        [memsz=N] [filesz_hdr=N] [offset=N]
 *                            a PT_LOAD.  size = p_memsz; filesz = bytes in
 *                            the file (default size).  memsz/filesz_hdr/
 *                            offset override the header only; with offset
 *                            no data is written for the segment.
 *   run PFN COUNT KIND       pages [PFN, PFN+COUNT) get KIND (wins over fill)
 *   poke PADDR hex:HEX|str:TEXT|u64:V[,V...]|u32:V[,V...]
 *                            overlay bytes at a physical address (after the
 *                            page generators; integers in the dump's endian)
 *   ehdr [phnum=N] [phoff=N] [phentsize=N] [shentsize=N] [type=N]
 *        [magic=bad] [version=N]
 *                            override ELF header fields
 *   truncate N               cut the output file to N bytes at the end
 *
 *   kernel ... / kpages ... / kcorrupt ... / knote_drop KEY
 *                            a kernel-like x86_64 memory image with page
 *                            tables, mem_section, struct pages and the
 *                            VMCOREINFO of an era: see mkvmcore_kernel.h
 *   arm64 ... / a64pages ... / a64note KEY=VALUE
 *                            the same for arm64 (page sizes, VA sizes, both
 *                            layouts): see mkvmcore_arm64.h
 *
 * Page kinds: see gen_kinds[] in mkvmcore_gen.h (zero, random, text,
 * pattern, mostlyzero, lastbyte, firstbyte, ones).
 *
 * --truth writes, one fact a line:
 *   page_size N / max_pfn N / cpus N / vmcoreinfo 0|1
 *   load I paddr=0x.. memsz=0x.. filesz=0x.. offset=0x.. pfn_start=0x.. pfn_end=0x..
 *   zero START END     pfns [START, END) whose file bytes are all zero
 *   nodata START END   pfns in p_memsz but past p_filesz (not in the file)
 *   total pages=N zero=N nodata=N
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mkvmcore_gen.h"

/* ------------------------------------------------------------------ */
/* Small utilities                                                     */

static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mkvmcore: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* Growable byte buffer. */
struct bytes {
	unsigned char *p;
	size_t len, cap;
};

static void bytes_put(struct bytes *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = xrealloc(b->p, b->cap);
	}
	if (data)
		memcpy(b->p + b->len, data, n);
	else
		memset(b->p + b->len, 0, n);
	b->len += n;
}

static uint64_t parse_num(const char *s, int lineno)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		die("line %d: bad number '%s'", lineno, s);
	switch (toupper((unsigned char)*end)) {
	case 'K': v <<= 10; end++; break;
	case 'M': v <<= 20; end++; break;
	case 'G': v <<= 30; end++; break;
	case 'T': v <<= 40; end++; break;
	default: break;
	}
	if (*end)
		die("line %d: bad number '%s'", lineno, s);
	return v;
}

/* Decode C-style escapes (\n \t \\ \xNN) into out. */
static void unescape(const char *s, struct bytes *out)
{
	while (*s) {
		unsigned char c = (unsigned char)*s++;

		if (c == '\\' && *s) {
			c = (unsigned char)*s++;
			if (c == 'n')
				c = '\n';
			else if (c == 't')
				c = '\t';
			else if (c == '0')
				c = 0;
			else if (c == 'x' && isxdigit((unsigned char)s[0]) &&
				 isxdigit((unsigned char)s[1])) {
				char h[3] = { s[0], s[1], 0 };

				c = (unsigned char)strtoul(h, NULL, 16);
				s += 2;
			}
		}
		bytes_put(out, &c, 1);
	}
}

static void unhex(const char *s, struct bytes *out, int lineno)
{
	while (s[0] && s[1]) {
		char h[3] = { s[0], s[1], 0 };
		unsigned char c;

		if (!isxdigit((unsigned char)s[0]) || !isxdigit((unsigned char)s[1]))
			die("line %d: bad hex", lineno);
		c = (unsigned char)strtoul(h, NULL, 16);
		bytes_put(out, &c, 1);
		s += 2;
	}
	if (*s)
		die("line %d: odd hex length", lineno);
}

/* ------------------------------------------------------------------ */
/* 1. The spec                                                         */

enum { NO_OVERRIDE = -1 };

struct load {
	uint64_t paddr, vaddr, size, filesz;
	int64_t memsz_hdr, filesz_hdr, offset_hdr;	/* NO_OVERRIDE = none */
	int weight[GEN_NKINDS];
	int weight_total;
	uint64_t file_off;	/* computed by the layout */
};

struct run {
	uint64_t pfn, count;
	int kind;
};

struct poke {
	uint64_t paddr;
	struct bytes data;
};

struct note {
	char name[64];
	uint32_t type;
	struct bytes desc;
	int64_t namesz_hdr, descsz_hdr;
};

struct spec {
	int class64, big;
	unsigned machine;
	uint64_t page_size, seed;
	unsigned cpus;
	int64_t prstatus_size;
	struct bytes vmcoreinfo;
	int has_vmcoreinfo;
	struct note *notes;
	size_t nnotes;
	int64_t note_filesz;
	int nonote;
	struct load *loads;
	size_t nloads;
	struct run *runs;
	size_t nruns;
	struct poke *pokes;
	size_t npokes;
	int64_t ehdr_phnum, ehdr_phoff, ehdr_phentsize, ehdr_type, ehdr_version;
	int64_t ehdr_shentsize;	/* 0 like kexec-tools' elfcorehdr */
	int bad_magic;
	int64_t truncate;
	struct kspec *k;	/* kernel layout (mkvmcore_kernel.h), or NULL */
	struct a64spec *a64;	/* arm64 layout (mkvmcore_arm64.h), or NULL */
	struct pspec *pk;	/* kernel log (mkvmcore_printk.h), or NULL */
};

static void spec_init(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->class64 = 1;
	s->machine = 62;
	s->page_size = 4096;
	s->seed = 1;
	s->cpus = 1;
	s->prstatus_size = NO_OVERRIDE;
	s->note_filesz = NO_OVERRIDE;
	s->ehdr_phnum = s->ehdr_phoff = s->ehdr_phentsize = NO_OVERRIDE;
	s->ehdr_type = s->ehdr_version = NO_OVERRIDE;
	s->truncate = NO_OVERRIDE;
}

static unsigned machine_lookup(const char *name, int lineno)
{
	static const struct { const char *n; unsigned v; } tab[] = {
		{ "x86_64", 62 }, { "aarch64", 183 }, { "arm64", 183 },
		{ "i386", 3 }, { "x86", 3 }, { "ppc64", 21 }, { "ppc", 20 },
		{ "s390x", 22 }, { "riscv64", 243 }, { "arm", 40 },
		{ "mips", 8 }, { "loongarch64", 258 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(tab[i].n, name) == 0)
			return tab[i].v;
	return (unsigned)parse_num(name, lineno);
}

/* Split "key=value" in place; returns value or NULL. */
static char *kv_split(char *tok)
{
	char *eq = strchr(tok, '=');

	if (!eq)
		return NULL;
	*eq = 0;
	return eq + 1;
}

static void parse_fill(struct load *l, char *val, int lineno)
{
	char *save = NULL, *item;

	memset(l->weight, 0, sizeof(l->weight));
	l->weight_total = 0;
	for (item = strtok_r(val, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(item, ':');
		int k, w = 1;

		if (colon) {
			*colon = 0;
			w = (int)parse_num(colon + 1, lineno);
		}
		k = gen_kind_lookup(item);
		if (k < 0)
			die("line %d: unknown page kind '%s'", lineno, item);
		l->weight[k] += w;
		l->weight_total += w;
	}
	if (l->weight_total <= 0)
		die("line %d: empty fill", lineno);
}

static void parse_load(struct spec *s, char *args, int lineno)
{
	struct load l;
	char *save = NULL, *tok;
	int have_size = 0, have_filesz = 0;

	memset(&l, 0, sizeof(l));
	l.memsz_hdr = l.filesz_hdr = l.offset_hdr = NO_OVERRIDE;
	l.weight[gen_kind_lookup("pattern")] = 1;
	l.weight_total = 1;
	for (tok = strtok_r(args, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *val = kv_split(tok);

		if (!val)
			die("line %d: expected key=value, got '%s'", lineno, tok);
		if (!strcmp(tok, "paddr"))
			l.paddr = parse_num(val, lineno);
		else if (!strcmp(tok, "vaddr"))
			l.vaddr = parse_num(val, lineno);
		else if (!strcmp(tok, "size")) {
			l.size = parse_num(val, lineno);
			have_size = 1;
		} else if (!strcmp(tok, "filesz")) {
			l.filesz = parse_num(val, lineno);
			have_filesz = 1;
		} else if (!strcmp(tok, "memsz"))
			l.memsz_hdr = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "filesz_hdr"))
			l.filesz_hdr = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "offset"))
			l.offset_hdr = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "fill"))
			parse_fill(&l, val, lineno);
		else
			die("line %d: unknown load key '%s'", lineno, tok);
	}
	if (!have_size)
		die("line %d: load needs size=", lineno);
	if (!have_filesz)
		l.filesz = l.size;
	if (l.filesz > l.size)
		die("line %d: filesz > size", lineno);
	s->loads = xrealloc(s->loads, (s->nloads + 1) * sizeof(l));
	s->loads[s->nloads++] = l;
}

static void parse_note_raw(struct spec *s, char *args, int lineno)
{
	struct note n;
	char *save = NULL, *tok;

	memset(&n, 0, sizeof(n));
	n.namesz_hdr = n.descsz_hdr = NO_OVERRIDE;
	for (tok = strtok_r(args, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *val = kv_split(tok);

		if (!val)
			die("line %d: expected key=value", lineno);
		if (!strcmp(tok, "name"))
			snprintf(n.name, sizeof(n.name), "%s", val);
		else if (!strcmp(tok, "type"))
			n.type = (uint32_t)parse_num(val, lineno);
		else if (!strcmp(tok, "text"))
			unescape(val, &n.desc);
		else if (!strcmp(tok, "hex"))
			unhex(val, &n.desc, lineno);
		else if (!strcmp(tok, "size"))
			bytes_put(&n.desc, NULL, parse_num(val, lineno));
		else if (!strcmp(tok, "namesz"))
			n.namesz_hdr = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "descsz"))
			n.descsz_hdr = (int64_t)parse_num(val, lineno);
		else
			die("line %d: unknown note_raw key '%s'", lineno, tok);
	}
	s->notes = xrealloc(s->notes, (s->nnotes + 1) * sizeof(n));
	s->notes[s->nnotes++] = n;
}

static void poke_ints(struct spec *s, struct bytes *b, char *list, int width,
		      int lineno)
{
	char *save = NULL, *item;

	for (item = strtok_r(list, ",", &save); item;
	     item = strtok_r(NULL, ",", &save)) {
		uint64_t v = parse_num(item, lineno);
		unsigned char out[8];
		int i;

		for (i = 0; i < width; i++) {
			int sh = s->big ? 8 * (width - 1 - i) : 8 * i;

			out[i] = (unsigned char)(v >> sh);
		}
		bytes_put(b, out, (size_t)width);
	}
}

static void parse_poke(struct spec *s, char *args, int lineno)
{
	struct poke p;
	char *sp = args + strcspn(args, " \t");
	char *val;

	memset(&p, 0, sizeof(p));
	if (!*sp)
		die("line %d: poke PADDR DATA", lineno);
	*sp++ = 0;
	p.paddr = parse_num(args, lineno);
	val = sp + strspn(sp, " \t");
	if (!strncmp(val, "hex:", 4))
		unhex(val + 4, &p.data, lineno);
	else if (!strncmp(val, "str:", 4))
		unescape(val + 4, &p.data);
	else if (!strncmp(val, "u64:", 4))
		poke_ints(s, &p.data, val + 4, 8, lineno);
	else if (!strncmp(val, "u32:", 4))
		poke_ints(s, &p.data, val + 4, 4, lineno);
	else
		die("line %d: poke data must be hex:, str:, u64: or u32:", lineno);
	s->pokes = xrealloc(s->pokes, (s->npokes + 1) * sizeof(p));
	s->pokes[s->npokes++] = p;
}

static void parse_ehdr(struct spec *s, char *args, int lineno)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(args, " \t", &save); tok;
	     tok = strtok_r(NULL, " \t", &save)) {
		char *val = kv_split(tok);

		if (!val)
			die("line %d: expected key=value", lineno);
		if (!strcmp(tok, "phnum"))
			s->ehdr_phnum = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "phoff"))
			s->ehdr_phoff = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "phentsize"))
			s->ehdr_phentsize = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "type"))
			s->ehdr_type = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "version"))
			s->ehdr_version = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "shentsize"))
			s->ehdr_shentsize = (int64_t)parse_num(val, lineno);
		else if (!strcmp(tok, "magic"))
			s->bad_magic = 1;
		else
			die("line %d: unknown ehdr key '%s'", lineno, tok);
	}
}

static void put_int(unsigned char *p, int width, uint64_t v, int big);
#include "mkvmcore_kernel.h"
#include "mkvmcore_arm64.h"
#include "mkvmcore_printk.h"

static void parse_line(struct spec *s, char *line, int lineno)
{
	char *cmd, *args;
	size_t n;

	line[strcspn(line, "\r\n")] = 0;
	cmd = line + strspn(line, " \t");
	if (*cmd == '#')
		return;
	/* trailing " # comment", except where '#' may be data */
	if (strncmp(cmd, "vmcoreinfo", 10) && strncmp(cmd, "poke", 4) &&
	    strncmp(cmd, "note_raw", 8) && strncmp(cmd, "printk", 6)) {
		char *hash = strstr(cmd, " #");

		if (!hash)
			hash = strstr(cmd, "\t#");
		if (hash)
			*hash = 0;
	}
	n = strlen(cmd);
	while (n && isspace((unsigned char)cmd[n - 1]))
		cmd[--n] = 0;
	if (!*cmd)
		return;
	args = cmd + strcspn(cmd, " \t");
	if (*args) {
		*args++ = 0;
		args += strspn(args, " \t");
	}
	if (!strcmp(cmd, "class")) {
		s->class64 = parse_num(args, lineno) == 64;
	} else if (!strcmp(cmd, "endian")) {
		s->big = !strcmp(args, "big");
	} else if (!strcmp(cmd, "machine")) {
		s->machine = machine_lookup(args, lineno);
	} else if (!strcmp(cmd, "page_size")) {
		s->page_size = parse_num(args, lineno);
		if (s->page_size < 512 || (s->page_size & (s->page_size - 1)))
			die("line %d: bad page size", lineno);
	} else if (!strcmp(cmd, "seed")) {
		s->seed = parse_num(args, lineno);
	} else if (!strcmp(cmd, "cpus")) {
		s->cpus = (unsigned)parse_num(args, lineno);
	} else if (!strcmp(cmd, "prstatus_size")) {
		s->prstatus_size = (int64_t)parse_num(args, lineno);
	} else if (!strcmp(cmd, "vmcoreinfo")) {
		bytes_put(&s->vmcoreinfo, args, strlen(args));
		bytes_put(&s->vmcoreinfo, "\n", 1);
		s->has_vmcoreinfo = 1;
	} else if (!strcmp(cmd, "vmcoreinfo_raw")) {
		unescape(args, &s->vmcoreinfo);
		s->has_vmcoreinfo = 1;
	} else if (!strcmp(cmd, "vmcoreinfo_garbage")) {
		uint64_t i, cnt = parse_num(args, lineno), h = s->seed;

		for (i = 0; i < cnt; i++) {
			unsigned char c;

			h = gen_mix64(h);
			c = (unsigned char)(h >> 40);
			bytes_put(&s->vmcoreinfo, &c, 1);
		}
		s->has_vmcoreinfo = 1;
	} else if (!strcmp(cmd, "novmcoreinfo")) {
		s->has_vmcoreinfo = 0;
		s->vmcoreinfo.len = 0;
	} else if (!strcmp(cmd, "note_raw")) {
		parse_note_raw(s, args, lineno);
	} else if (!strcmp(cmd, "note_filesz")) {
		s->note_filesz = (int64_t)parse_num(args, lineno);
	} else if (!strcmp(cmd, "nonote")) {
		s->nonote = 1;
	} else if (!strcmp(cmd, "load")) {
		parse_load(s, args, lineno);
	} else if (!strcmp(cmd, "run")) {
		char *a = strtok(args, " \t"), *b = strtok(NULL, " \t");
		char *c = strtok(NULL, " \t");
		struct run r;

		if (!a || !b || !c)
			die("line %d: run PFN COUNT KIND", lineno);
		r.pfn = parse_num(a, lineno);
		r.count = parse_num(b, lineno);
		r.kind = gen_kind_lookup(c);
		if (r.kind < 0)
			die("line %d: unknown page kind '%s'", lineno, c);
		s->runs = xrealloc(s->runs, (s->nruns + 1) * sizeof(r));
		s->runs[s->nruns++] = r;
	} else if (!strcmp(cmd, "poke")) {
		parse_poke(s, args, lineno);
	} else if (!strcmp(cmd, "ehdr")) {
		parse_ehdr(s, args, lineno);
	} else if (!strcmp(cmd, "kernel")) {
		parse_kernel(s, args, lineno);
	} else if (!strcmp(cmd, "kpages")) {
		parse_kpages(s, args, lineno);
	} else if (!strcmp(cmd, "kcorrupt")) {
		parse_kcorrupt(s, args, lineno);
	} else if (!strcmp(cmd, "knote_drop")) {
		parse_knote_drop(s, args, lineno);
	} else if (!strcmp(cmd, "knote")) {
		parse_knote(s, args, lineno);
	} else if (!strcmp(cmd, "kmap")) {
		parse_kmap(s, args, lineno);
	} else if (!strcmp(cmd, "printk")) {
		parse_printk(s, args, lineno);
	} else if (!strcmp(cmd, "truncate")) {
		s->truncate = (int64_t)parse_num(args, lineno);
	} else if (a64_directive(s, cmd, args, lineno)) {
		/* arm64 / a64pages / a64note */
	} else {
		die("line %d: unknown directive '%s'", lineno, cmd);
	}
}

/* Read a spec; "include FILE" (relative to the including file) nests up to
 * 8 deep so common kernel-like preludes live in tests/specs/. */
static void spec_read(struct spec *s, const char *path, int depth)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char line[8192];
	int lineno = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	if (depth > 8)
		die("%s: includes nest too deep", path);
	while (fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");

		lineno++;
		if (!strncmp(p, "include", 7) && isspace((unsigned char)p[7])) {
			char inc[4096];
			const char *slash = strrchr(path, '/');
			char *name = p + 8 + strspn(p + 8, " \t");

			name[strcspn(name, " \t\r\n#")] = 0;
			if (name[0] == '/' || !slash)
				snprintf(inc, sizeof(inc), "%s", name);
			else
				snprintf(inc, sizeof(inc), "%.*s/%s",
					 (int)(slash - path), path, name);
			spec_read(s, inc, depth + 1);
			continue;
		}
		parse_line(s, line, lineno);
	}
	if (f != stdin)
		fclose(f);
}

/* ------------------------------------------------------------------ */
/* 2. The memory image: what lives in one page                         */

/* Kind of page pfn inside load l: the last matching run wins, else the
 * load's fill proportions decide from a hash of (seed, pfn). */
static int image_page_kind(const struct spec *s, const struct load *l,
			   uint64_t pfn)
{
	size_t i = s->nruns;
	uint64_t h;
	int k, acc = 0;

	while (i-- > 0)
		if (pfn >= s->runs[i].pfn && pfn - s->runs[i].pfn < s->runs[i].count)
			return s->runs[i].kind;
	if (l->weight_total == 0)
		return 0;
	h = gen_mix64(s->seed * 0x100000001b3ULL ^ pfn) % (uint64_t)l->weight_total;
	for (k = 0; k < GEN_NKINDS; k++) {
		acc += l->weight[k];
		if (h < (uint64_t)acc)
			return k;
	}
	return 0;
}

/* Fill buf with the page at pfn; returns 1 if it is all zero bytes. */
static int image_page(const struct spec *s, const struct load *l, uint64_t pfn,
		      unsigned char *buf)
{
	uint64_t ps = s->page_size, base = pfn * ps;
	int k = image_page_kind(s, l, pfn), zero = gen_kinds[k].is_zero;
	size_t i;

	gen_kinds[k].fn(s->seed, pfn, buf, ps);
	if (kernel_page(s, pfn, buf) || a64_page(s, pfn, buf))
		zero = 0;
	for (i = 0; i < s->npokes; i++) {
		const struct poke *p = &s->pokes[i];
		uint64_t lo = p->paddr, hi = p->paddr + p->data.len;

		if (!p->data.len || hi <= base || lo >= base + ps)
			continue;
		if (lo < base) {
			memcpy(buf, p->data.p + (base - lo),
			       (size_t)((hi < base + ps ? hi : base + ps) - base));
		} else {
			uint64_t end = hi < base + ps ? hi : base + ps;

			memcpy(buf + (lo - base), p->data.p, (size_t)(end - lo));
		}
		zero = 0;
	}
	if (zero)
		return 1;
	if (buf[0] || buf[ps - 1])
		return 0;
	return memcmp(buf, buf + 1, (size_t)ps - 1) == 0;
}

/* ------------------------------------------------------------------ */
/* 3. ELF writer                                                       */

struct writer {
	int fd;
	const char *path;
	unsigned char *buf;
	size_t len, cap;
	uint64_t pos;		/* file offset of buf[0] + len */
	int big;
};

static void w_flush(struct writer *w)
{
	size_t off = 0;

	while (off < w->len) {
		ssize_t n = write(w->fd, w->buf + off, w->len - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("%s: write: %s", w->path, strerror(errno));
		}
		off += (size_t)n;
	}
	w->len = 0;
}

static void w_bytes(struct writer *w, const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n) {
		size_t room = w->cap - w->len, k = n < room ? n : room;

		if (c)
			memcpy(w->buf + w->len, c, k);
		else
			memset(w->buf + w->len, 0, k);
		w->len += k;
		w->pos += k;
		n -= k;
		if (c)
			c += k;
		if (w->len == w->cap)
			w_flush(w);
	}
}

/* Leaves n bytes as a hole (sparse output). */
static void w_skip(struct writer *w, uint64_t n)
{
	w_flush(w);
	if (lseek(w->fd, (off_t)n, SEEK_CUR) < 0)
		die("%s: lseek: %s", w->path, strerror(errno));
	w->pos += n;
}

static void w_zeros_to(struct writer *w, uint64_t off)
{
	if (off < w->pos)
		die("internal: layout goes backwards");
	while (w->pos < off) {
		uint64_t n = off - w->pos;

		w_bytes(w, NULL, n > (1u << 20) ? (1u << 20) : (size_t)n);
	}
}

/* Store an integer of width bytes in the dump's byte order. */
static void put_int(unsigned char *p, int width, uint64_t v, int big)
{
	int i;

	for (i = 0; i < width; i++)
		p[big ? width - 1 - i : i] = (unsigned char)(v >> (8 * i));
}

static void note_append(struct bytes *blob, const char *name, uint32_t type,
			const struct bytes *desc, int64_t namesz_hdr,
			int64_t descsz_hdr, int big)
{
	unsigned char hdr[12];
	size_t nlen = strlen(name) + 1;
	static const unsigned char pad[4];

	put_int(hdr, 4, namesz_hdr != NO_OVERRIDE ? (uint64_t)namesz_hdr : nlen, big);
	put_int(hdr + 4, 4, descsz_hdr != NO_OVERRIDE ? (uint64_t)descsz_hdr : desc->len, big);
	put_int(hdr + 8, 4, type, big);
	bytes_put(blob, hdr, 12);
	bytes_put(blob, name, nlen);
	bytes_put(blob, pad, (4 - nlen % 4) % 4);
	if (desc->len)
		bytes_put(blob, desc->p, desc->len);
	bytes_put(blob, pad, (4 - desc->len % 4) % 4);
}

static size_t prstatus_size(const struct spec *s)
{
	if (s->prstatus_size != NO_OVERRIDE)
		return (size_t)s->prstatus_size;
	switch (s->machine) {
	case 183: return 392;	/* aarch64 */
	case 3: return 144;	/* i386 */
	case 40: return 148;	/* arm */
	default: return s->class64 ? 336 : 144;
	}
}

/* The whole PT_NOTE payload: CPU notes, VMCOREINFO, then raw notes. */
static void build_notes(const struct spec *s, struct bytes *blob)
{
	unsigned cpu;
	size_t i;

	for (cpu = 0; cpu < s->cpus; cpu++) {
		struct bytes d = { 0 };
		/* pr_pid follows si_info(12), pr_cursig(2+2 pad), sigpend, sighold */
		size_t pid_off = s->class64 ? 32 : 24;

		bytes_put(&d, NULL, prstatus_size(s));
		if (d.len >= pid_off + 4)
			put_int(d.p + pid_off, 4, cpu + 1, s->big);
		note_append(blob, "CORE", 1, &d, NO_OVERRIDE, NO_OVERRIDE, s->big);
		free(d.p);
	}
	if (s->has_vmcoreinfo)
		note_append(blob, "VMCOREINFO", 0, &s->vmcoreinfo, NO_OVERRIDE,
			    NO_OVERRIDE, s->big);
	for (i = 0; i < s->nnotes; i++)
		note_append(blob, s->notes[i].name, s->notes[i].type,
			    &s->notes[i].desc, s->notes[i].namesz_hdr,
			    s->notes[i].descsz_hdr, s->big);
}

static void phdr_put(const struct spec *s, unsigned char *p, uint32_t type,
		     uint64_t off, uint64_t vaddr, uint64_t paddr,
		     uint64_t filesz, uint64_t memsz, uint64_t align)
{
	int b = s->big;

	if (s->class64) {
		put_int(p, 4, type, b);
		put_int(p + 4, 4, type == 1 ? 7 : 0, b);	/* RWX */
		put_int(p + 8, 8, off, b);
		put_int(p + 16, 8, vaddr, b);
		put_int(p + 24, 8, paddr, b);
		put_int(p + 32, 8, filesz, b);
		put_int(p + 40, 8, memsz, b);
		put_int(p + 48, 8, align, b);
	} else {
		put_int(p, 4, type, b);
		put_int(p + 4, 4, off, b);
		put_int(p + 8, 4, vaddr, b);
		put_int(p + 12, 4, paddr, b);
		put_int(p + 16, 4, filesz, b);
		put_int(p + 20, 4, memsz, b);
		put_int(p + 24, 4, type == 1 ? 7 : 0, b);
		put_int(p + 28, 4, align, b);
	}
}

static void ehdr_put(const struct spec *s, unsigned char *e, unsigned phnum)
{
	int b = s->big, c64 = s->class64;
	unsigned ehsize = c64 ? 64 : 52, phentsize = c64 ? 56 : 32;

	memcpy(e, "\177ELF", 4);
	if (s->bad_magic)
		e[1] = 'X';
	e[4] = c64 ? 2 : 1;
	e[5] = b ? 2 : 1;
	e[6] = 1;
	put_int(e + 16, 2, s->ehdr_type != NO_OVERRIDE ? (uint64_t)s->ehdr_type : 4, b);
	put_int(e + 18, 2, s->machine, b);
	put_int(e + 20, 4, s->ehdr_version != NO_OVERRIDE ? (uint64_t)s->ehdr_version : 1, b);
	if (c64) {
		put_int(e + 32, 8, s->ehdr_phoff != NO_OVERRIDE ? (uint64_t)s->ehdr_phoff : 64, b);
		put_int(e + 52, 2, ehsize, b);
		put_int(e + 54, 2, s->ehdr_phentsize != NO_OVERRIDE ? (uint64_t)s->ehdr_phentsize : phentsize, b);
		put_int(e + 56, 2, s->ehdr_phnum != NO_OVERRIDE ? (uint64_t)s->ehdr_phnum : phnum, b);
		put_int(e + 58, 2, (uint64_t)s->ehdr_shentsize, b);
	} else {
		put_int(e + 28, 4, s->ehdr_phoff != NO_OVERRIDE ? (uint64_t)s->ehdr_phoff : 52, b);
		put_int(e + 40, 2, ehsize, b);
		put_int(e + 42, 2, s->ehdr_phentsize != NO_OVERRIDE ? (uint64_t)s->ehdr_phentsize : phentsize, b);
		put_int(e + 44, 2, s->ehdr_phnum != NO_OVERRIDE ? (uint64_t)s->ehdr_phnum : phnum, b);
		put_int(e + 46, 2, (uint64_t)s->ehdr_shentsize, b);
	}
}

/* Assign file offsets: segment data page aligned plus in-page offset. */
static uint64_t layout(struct spec *s, uint64_t data_start)
{
	uint64_t off = data_start, ps = s->page_size;
	size_t i;

	for (i = 0; i < s->nloads; i++) {
		struct load *l = &s->loads[i];

		if (l->offset_hdr != NO_OVERRIDE) {
			l->file_off = (uint64_t)l->offset_hdr;
			continue;
		}
		off = (off + ps - 1) / ps * ps + l->paddr % ps;
		l->file_off = off;
		off += l->filesz;
	}
	return off;
}

struct truth_acc {
	FILE *f;
	uint64_t zero_start, zero_end;	/* open zero range, end exclusive */
	uint64_t pages, zero, nodata;
	/* per page class (KC_*; KC_PLAIN without a kernel): RAM pfns, counted
	 * once where PT_LOADs overlap, and how many of them are all zero */
	uint64_t cls_pages[KC_N], cls_zero[KC_N];
	unsigned char *seen;	/* bitmap of pfns counted */
	uint64_t max_pfn;
};

/* Counts a page for the per-level expectations of --truth. */
static void truth_class(struct truth_acc *t, const struct spec *s, uint64_t pfn, int is_zero)
{
	const struct krange *r;
	int cls;

	if (!t->f || pfn >= t->max_pfn || t->seen[pfn >> 3] & (1 << (pfn & 7)))
		return;
	t->seen[pfn >> 3] |= (unsigned char)(1 << (pfn & 7));
	r = spec_kspec(s) ? kernel_range_of(spec_kspec(s), pfn) : NULL;
	cls = r ? r->cls : KC_PLAIN;
	t->cls_pages[cls]++;
	if (is_zero)
		t->cls_zero[cls]++;
}

/* "expect level=L ..." for every dump level: the pages makedumpfile
 * leaves out per class, as its --show-stats report counts them
 * (REFERENCE.md 1.3, 6.3; the same rules as tests/kernel_check.py).
 * Page classes are only known with a kernel layout; zero pages are those
 * left after the class exclusions. Not written with kcorrupt pages. */
static void truth_levels(const struct truth_acc *t, const struct spec *s)
{
	const uint64_t *n = t->cls_pages, *z = t->cls_zero;
	int c, L;

	for (c = KC_ABSURD_FF; c < KC_N; c++)
		if (n[c])
			return;
	for (L = 0; L < 32; L++) {
		uint64_t cache = L & 6 ? n[KC_CACHE] + n[KC_SHMEM] : 0;
		uint64_t cpri = L & 4 ? n[KC_CACHE_PRIVATE] : 0;
		uint64_t user = L & 8 ? n[KC_ANON] + n[KC_THP] + n[KC_HUGETLB] : 0;
		uint64_t fr = L & 16 ? n[KC_FREE] : 0;
		uint64_t hw = spec_kspec(s) ? n[KC_HWPOISON] : 0;
		uint64_t off = spec_kspec(s) ? n[KC_OFFLINE] : 0;
		uint64_t zero = 0, excl;

		if (L & 1)
			for (c = 0; c < KC_N; c++) {
				int gone = (c == KC_CACHE || c == KC_SHMEM) ? (L & 6) :
					   c == KC_CACHE_PRIVATE ? (L & 4) :
					   (c == KC_ANON || c == KC_THP || c == KC_HUGETLB) ? (L & 8) :
					   c == KC_FREE ? (L & 16) :
					   (c == KC_HWPOISON || c == KC_OFFLINE) ? spec_kspec(s) != NULL : 0;

				if (!gone)
					zero += z[c];
			}
		excl = zero + cache + cpri + user + fr + hw + off;
		/* original: the PT_LOAD pages, twice where they overlap (the
		 * kernel image), as makedumpfile's "Original pages" */
		fprintf(t->f, "expect level=%d original=%llu excluded=%llu zero=%llu cache=%llu "
			"cache_private=%llu user=%llu free=%llu hwpoison=%llu offline=%llu "
			"remaining=%llu\n", L, (unsigned long long)t->pages,
			(unsigned long long)excl, (unsigned long long)zero,
			(unsigned long long)cache, (unsigned long long)cpri,
			(unsigned long long)user, (unsigned long long)fr, (unsigned long long)hw,
			(unsigned long long)off, (unsigned long long)(t->pages - excl));
	}
}

static void truth_zero(struct truth_acc *t, uint64_t pfn, int is_zero)
{
	if (!t->f)
		return;
	t->pages++;
	if (!is_zero)
		return;
	t->zero++;
	if (t->zero_end == pfn && t->zero_end > t->zero_start) {
		t->zero_end++;
		return;
	}
	if (t->zero_end > t->zero_start)
		fprintf(t->f, "zero 0x%llx 0x%llx\n",
			(unsigned long long)t->zero_start,
			(unsigned long long)t->zero_end);
	t->zero_start = pfn;
	t->zero_end = pfn + 1;
}

static void truth_flush(struct truth_acc *t)
{
	if (t->f && t->zero_end > t->zero_start)
		fprintf(t->f, "zero 0x%llx 0x%llx\n",
			(unsigned long long)t->zero_start,
			(unsigned long long)t->zero_end);
	t->zero_start = t->zero_end = 0;
}

/* Stream one segment's file bytes page by page. */
static void write_segment(struct writer *w, const struct spec *s,
			  const struct load *l, unsigned char *page,
			  struct truth_acc *t)
{
	uint64_t ps = s->page_size, addr = l->paddr, end = l->paddr + l->filesz;

	w_zeros_to(w, l->file_off);
	while (addr < end) {
		uint64_t pfn = addr / ps, pend = (pfn + 1) * ps;
		uint64_t stop = pend < end ? pend : end;
		int z = image_page(s, l, pfn, page);

		if (z && s->k && s->k->sparse && addr == pfn * ps && stop == pend)
			w_skip(w, ps);
		else
			w_bytes(w, page + (addr - pfn * ps), (size_t)(stop - addr));
		truth_zero(t, pfn, z);
		truth_class(t, s, pfn, z);
		addr = stop;
	}
	truth_flush(t);
	if (t->f && l->size > l->filesz) {
		uint64_t first = (l->paddr + l->filesz + ps - 1) / ps;
		uint64_t last = (l->paddr + l->size + ps - 1) / ps;

		if (last > first) {
			fprintf(t->f, "nodata 0x%llx 0x%llx\n",
				(unsigned long long)first, (unsigned long long)last);
			t->nodata += last - first;
		}
	}
}

static void write_truth_header(FILE *f, const struct spec *s)
{
	uint64_t max_pfn = 0, ps = s->page_size;
	size_t i;

	for (i = 0; i < s->nloads; i++) {
		uint64_t e = (s->loads[i].paddr + s->loads[i].size + ps - 1) / ps;

		if (e > max_pfn)
			max_pfn = e;
	}
	fprintf(f, "page_size %llu\nmax_pfn 0x%llx\ncpus %u\nvmcoreinfo %d\n",
		(unsigned long long)ps, (unsigned long long)max_pfn, s->cpus,
		s->has_vmcoreinfo);
	for (i = 0; i < s->nloads; i++) {
		const struct load *l = &s->loads[i];

		fprintf(f, "load %zu paddr=0x%llx memsz=0x%llx filesz=0x%llx "
			"offset=0x%llx pfn_start=0x%llx pfn_end=0x%llx\n", i,
			(unsigned long long)l->paddr, (unsigned long long)l->size,
			(unsigned long long)l->filesz,
			(unsigned long long)l->file_off,
			(unsigned long long)(l->paddr / ps),
			(unsigned long long)((l->paddr + l->size + ps - 1) / ps));
	}
	kernel_truth(f, s);
	a64_truth(f, s);
}

static void write_elf(struct spec *s, const char *out, const char *truth_path)
{
	struct bytes notes = { 0 }, head = { 0 };
	struct writer w;
	struct truth_acc t;
	unsigned phnum = (unsigned)s->nloads + (s->nonote ? 0 : 1);
	uint64_t ehsize = s->class64 ? 64 : 52, phsz = s->class64 ? 56 : 32;
	uint64_t note_off = ehsize + phsz * phnum, file_end;
	unsigned char *page;
	size_t i;

	if (!s->nonote)
		build_notes(s, &notes);
	file_end = layout(s, note_off + notes.len);
	bytes_put(&head, NULL, (size_t)note_off);
	ehdr_put(s, head.p, phnum);
	if (!s->nonote)
		phdr_put(s, head.p + ehsize, 4, note_off, 0, 0,
			 s->note_filesz != NO_OVERRIDE ? (uint64_t)s->note_filesz : notes.len,
			 s->note_filesz != NO_OVERRIDE ? (uint64_t)s->note_filesz : notes.len, 0);
	for (i = 0; i < s->nloads; i++) {
		const struct load *l = &s->loads[i];
		unsigned char *p = head.p + ehsize + phsz * (i + (s->nonote ? 0 : 1));

		phdr_put(s, p, 1,
			 l->offset_hdr != NO_OVERRIDE ? (uint64_t)l->offset_hdr : l->file_off,
			 l->vaddr, l->paddr,
			 l->filesz_hdr != NO_OVERRIDE ? (uint64_t)l->filesz_hdr : l->filesz,
			 l->memsz_hdr != NO_OVERRIDE ? (uint64_t)l->memsz_hdr : l->size, 0);
	}
	if (notes.len)
		bytes_put(&head, notes.p, notes.len);

	memset(&w, 0, sizeof(w));
	w.path = out;
	w.big = s->big;
	w.cap = 8u << 20;
	w.buf = xrealloc(NULL, w.cap);
	w.fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (w.fd < 0)
		die("%s: %s", out, strerror(errno));
	memset(&t, 0, sizeof(t));
	if (truth_path) {
		t.f = fopen(truth_path, "w");
		if (!t.f)
			die("%s: %s", truth_path, strerror(errno));
		write_truth_header(t.f, s);
		for (i = 0; i < s->nloads; i++) {
			uint64_t e = (s->loads[i].paddr + s->loads[i].size + s->page_size - 1) /
				     s->page_size;

			if (e > t.max_pfn)
				t.max_pfn = e;
		}
		t.seen = calloc((size_t)(t.max_pfn / 8 + 1), 1);
		if (!t.seen)
			die("out of memory");
	}
	page = xrealloc(NULL, (size_t)s->page_size);
	w_bytes(&w, head.p, head.len);
	for (i = 0; i < s->nloads; i++)
		if (s->loads[i].offset_hdr == NO_OVERRIDE)
			write_segment(&w, s, &s->loads[i], page, &t);
	w_flush(&w);
	if (s->k && s->k->sparse && ftruncate(w.fd, (off_t)w.pos))
		die("%s: truncate: %s", out, strerror(errno));
	if (w.pos != file_end && s->nloads)
		die("internal: wrote %llu bytes, layout says %llu",
		    (unsigned long long)w.pos, (unsigned long long)file_end);
	if (s->truncate != NO_OVERRIDE && ftruncate(w.fd, (off_t)s->truncate))
		die("%s: truncate: %s", out, strerror(errno));
	if (close(w.fd))
		die("%s: close: %s", out, strerror(errno));
	if (t.f) {
		fprintf(t.f, "total pages=%llu zero=%llu nodata=%llu\n",
			(unsigned long long)t.pages, (unsigned long long)t.zero,
			(unsigned long long)t.nodata);
		truth_levels(&t, s);
		printk_truth(t.f, s);
		free(t.seen);
		if (fclose(t.f))
			die("%s: write failed", truth_path);
	}
	free(page);
	free(w.buf);
	free(notes.p);
	free(head.p);
}

static void spec_free(struct spec *s)
{
	size_t i;

	for (i = 0; i < s->nnotes; i++)
		free(s->notes[i].desc.p);
	for (i = 0; i < s->npokes; i++)
		free(s->pokes[i].data.p);
	free(s->notes);
	free(s->pokes);
	free(s->loads);
	free(s->runs);
	free(s->vmcoreinfo.p);
}

int main(int argc, char **argv)
{
	struct spec s;
	const char *truth = NULL;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		/* installed as makedumpfile-mkvmcore(1), which documents the spec */
		printf("usage: makedumpfile-mkvmcore SPEC OUTPUT [--truth TRUTH]\n"
		       "Writes a synthetic kdump vmcore (ELF) described by SPEC (\"-\" = stdin)\n"
		       "and, with --truth, what a correct makedumpfile must make of it.\n"
		       "The spec language: man makedumpfile-mkvmcore.\n");
		return 0;
	}
	if (argc == 5 && !strcmp(argv[3], "--truth"))
		truth = argv[4];
	else if (argc != 3) {
		fprintf(stderr, "usage: makedumpfile-mkvmcore SPEC OUTPUT [--truth TRUTH]\n");
		return 2;
	}
	spec_init(&s);
	spec_read(&s, argv[1], 0);
	a64_finalize(&s);
	kernel_finalize(&s);
	printk_finalize(&s);
	write_elf(&s, argv[2], truth);
	a64_free(&s);
	printk_free(&s);
	kernel_free(&s);
	spec_free(&s);
	return 0;
}
