/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel log of a `kernel` machine for mkvmcore (included by
 * mkvmcore.c after mkvmcore_kernel.h).
 *
 *   printk SECONDS TEXT
 *       One record of the kernel log, in spec order: its timestamp in
 *       seconds (a decimal fraction, e.g. 0.000000 or 12.5) and its text
 *       (C escapes \n \t \xNN honoured; '#' is text here). With layouts
 *       5.10 and later the records go into a lockless ring buffer (struct
 *       printk_ringbuffer, its descriptor, info and text arrays), with 4.19
 *       into a structured log_buf of struct printk_log records; the
 *       VMCOREINFO keys are the layout's own (REFERENCE.md 9.2, 9.3). The
 *       ring lives in the data part of the kernel image (image offsets
 *       0x600000-0x800000), sized to hold every record.
 *
 * --truth adds "printk records=N format=F" and one "dmesg LINE" per line
 * that makedumpfile --dump-dmesg writes for the log (1.7.2's format:
 * "[%5u.%06u] " prefix, unprintable bytes as \x escapes, continuation
 * lines indented; REFERENCE.md 9.3 "Output formatting").
 */
#ifndef MKVMCORE_PRINTK_H
#define MKVMCORE_PRINTK_H

#define P_AREA_OFF 0x600000ULL	/* image offset of the log's arrays */
#define P_AREA_END 0x800000ULL

struct precord {
	uint64_t ts_ns;
	struct bytes text;
};

struct pspec {
	struct precord *r;
	size_t n;
};

/* "12.345678" -> nanoseconds */
static uint64_t printk_parse_ts(const char *t, int lineno)
{
	uint64_t sec = 0, frac = 0;
	int digits = 0;
	const char *p = t;

	if (!isdigit((unsigned char)*p))
		die("line %d: printk SECONDS TEXT: bad timestamp '%s'", lineno, t);
	while (isdigit((unsigned char)*p) && sec < 100000000000ULL)
		sec = sec * 10 + (uint64_t)(*p++ - '0');
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*p - '0');
				digits++;
			}
			p++;
		}
	}
	if (*p)
		die("line %d: printk SECONDS TEXT: bad timestamp '%s'", lineno, t);
	while (digits++ < 9)
		frac *= 10;
	return sec * 1000000000ULL + frac;
}

static void parse_printk(struct spec *s, char *args, int lineno)
{
	struct precord r;
	char *text = args + strcspn(args, " \t");

	if (*text)
		*text++ = 0;
	memset(&r, 0, sizeof(r));
	r.ts_ns = printk_parse_ts(args, lineno);
	unescape(text, &r.text);
	if (r.text.len > 1024)
		die("line %d: printk text longer than 1024 bytes", lineno);
	if (!s->pk) {
		s->pk = calloc(1, sizeof(*s->pk));
		if (!s->pk)
			die("out of memory");
	}
	s->pk->r = xrealloc(s->pk->r, (s->pk->n + 1) * sizeof(r));
	s->pk->r[s->pk->n++] = r;
}

/* Adds a poke of len bytes at physical address pa. */
static void printk_poke(struct spec *s, uint64_t pa, const void *data, size_t len)
{
	struct poke p;

	memset(&p, 0, sizeof(p));
	p.paddr = pa;
	bytes_put(&p.data, data, len);
	s->pokes = xrealloc(s->pokes, (s->npokes + 1) * sizeof(p));
	s->pokes[s->npokes++] = p;
}

static void printk_poke_u64(struct spec *s, uint64_t pa, uint64_t v)
{
	unsigned char b[8];

	put_int(b, 8, v, 0);
	printk_poke(s, pa, b, 8);
}

static void printk_poke_u32(struct spec *s, uint64_t pa, uint64_t v)
{
	unsigned char b[4];

	put_int(b, 4, v, 0);
	printk_poke(s, pa, b, 4);
}

#define P_ALIGN8(x) (((x) + 7) & ~7ULL)

/* 5.10+: printk_ringbuffer with descs[], infos[] and the text data ring
 * (layouts of REFERENCE.md 9.3). */
static void printk_lockless(struct spec *s, uint64_t img_pa, uint64_t img_va, uint64_t sym_off)
{
	const struct pspec *pk = s->pk;
	unsigned count_bits = 4, size_bits = 10;
	uint64_t need = 0, count, size, descs, infos, data, boot, lpos, i;

	while ((1ULL << count_bits) < pk->n + 1)
		count_bits++;
	for (i = 0; i < pk->n; i++)
		need += 8 + P_ALIGN8(pk->r[i].text.len);
	while ((1ULL << size_bits) < need + 8)
		size_bits++;
	count = 1ULL << count_bits;
	size = 1ULL << size_bits;
	descs = P_AREA_OFF;
	infos = (descs + count * 24 + 63) & ~63ULL;
	data = (infos + count * 88 + 4095) & ~4095ULL;
	if (data + size > P_AREA_END)
		die("printk: %zu records do not fit in the kernel image", pk->n);

	/* The kernel's first descriptor id is -(count + 1) in 32 bits, zero
	 * extended: the boot descriptor, reusable and data-less. */
	boot = (uint32_t)(0U - (uint32_t)(count + 1));
	printk_poke_u64(s, img_pa + descs + (boot % count) * 24, boot | 3ULL << 62);
	printk_poke_u64(s, img_pa + descs + (boot % count) * 24 + 8, 1);
	printk_poke_u64(s, img_pa + descs + (boot % count) * 24 + 16, 1);
	lpos = 0 - size;	/* lpos values start at -size */
	for (i = 0; i < pk->n; i++) {
		const struct precord *r = &pk->r[i];
		uint64_t id = boot + 1 + i, idx = id % count, d = img_pa + descs + idx * 24;
		uint64_t in = img_pa + infos + idx * 88, next = lpos + 8 + P_ALIGN8(r->text.len);
		unsigned char lv = 6 << 5;	/* level 6 (info), no flags */

		printk_poke_u64(s, d, id | 2ULL << 62);	/* finalized */
		printk_poke_u64(s, d + 8, lpos);
		printk_poke_u64(s, d + 16, next);
		printk_poke_u64(s, in, i);		/* seq */
		printk_poke_u64(s, in + 8, r->ts_ns);
		printk_poke_u32(s, in + 16, r->text.len & 0xffff);	/* u16, facility 0 */
		printk_poke(s, in + 19, &lv, 1);
		printk_poke_u64(s, img_pa + data + lpos % size, id);
		if (r->text.len)
			printk_poke(s, img_pa + data + lpos % size + 8, r->text.p, r->text.len);
		lpos = next;
	}
	/* prb -> printk_rb_static (mkvmcore_kernel.h: sym + 0x100, + 0x140) */
	printk_poke_u64(s, img_pa + sym_off + 0x100, img_va + sym_off + 0x140);
	uint64_t rb = img_pa + sym_off + 0x140;
	printk_poke_u32(s, rb, count_bits);
	printk_poke_u64(s, rb + 8, img_va + descs);
	printk_poke_u64(s, rb + 16, img_va + infos);
	printk_poke_u64(s, rb + 24, boot + pk->n);	/* head_id */
	printk_poke_u64(s, rb + 32, boot);		/* tail_id */
	printk_poke_u32(s, rb + 48, size_bits);
	printk_poke_u64(s, rb + 56, img_va + data);
	printk_poke_u64(s, rb + 64, lpos);		/* head_lpos */
	printk_poke_u64(s, rb + 72, 0 - size);		/* tail_lpos */
	/* clear_seq (latched_seq at sym + 0x1a0) stays 0: never cleared */
}

/* 3.5-5.9: log_buf of struct printk_log records (REFERENCE.md 9.2). */
static void printk_structured(struct spec *s, uint64_t img_pa, uint64_t img_va, uint64_t sym_off)
{
	const struct pspec *pk = s->pk;
	uint64_t off = 0, len = 4096, i, buf = P_AREA_OFF;

	for (i = 0; i < pk->n; i++) {
		const struct precord *r = &pk->r[i];
		uint64_t rlen = P_ALIGN8(16 + r->text.len);
		unsigned char h[16];

		memset(h, 0, sizeof(h));
		put_int(h, 8, r->ts_ns, 0);
		put_int(h + 8, 2, rlen, 0);
		put_int(h + 10, 2, r->text.len, 0);
		h[15] = 6 << 5 | 2;	/* level 6, LOG_NEWLINE */
		if (buf + off + rlen > P_AREA_END)
			die("printk: %zu records do not fit in the kernel image", pk->n);
		printk_poke(s, img_pa + buf + off, h, sizeof(h));
		if (r->text.len)
			printk_poke(s, img_pa + buf + off + 16, r->text.p, r->text.len);
		off += rlen;
	}
	while (len < off + 16)
		len *= 2;
	if (buf + len > P_AREA_END)
		die("printk: %zu records do not fit in the kernel image", pk->n);
	/* mkvmcore_kernel.h: log_buf sym + 0x100, log_buf_len + 0x108,
	 * log_first_idx + 0x110, clear_idx + 0x118, log_next_idx + 0x120 */
	printk_poke_u64(s, img_pa + sym_off + 0x100, img_va + buf);
	printk_poke_u32(s, img_pa + sym_off + 0x108, len);
	printk_poke_u32(s, img_pa + sym_off + 0x110, 0);
	printk_poke_u32(s, img_pa + sym_off + 0x118, 0);
	printk_poke_u32(s, img_pa + sym_off + 0x120, off);
}

/* Called after kernel_finalize: turns the records into pokes. */
static void printk_finalize(struct spec *s)
{
	if (!s->pk)
		return;
	if (!s->k)
		die("printk needs a kernel directive (the log lives in its image)");
	uint64_t img_pa = s->k->kload, img_va = K_TEXT_BASE + s->k->kaslr;

	if (s->k->era->printk_prb)
		printk_lockless(s, img_pa, img_va, K_SYM_OFF);
	else
		printk_structured(s, img_pa, img_va, K_SYM_OFF);
}

/* The lines makedumpfile --dump-dmesg writes for the log. */
static void printk_truth(FILE *f, const struct spec *s)
{
	size_t i, j;

	if (!s->pk)
		return;
	fprintf(f, "printk records=%zu format=%s\n", s->pk->n,
		s->k->era->printk_prb ? "lockless" : "structured");
	for (i = 0; i < s->pk->n; i++) {
		const struct precord *r = &s->pk->r[i];

		fprintf(f, "dmesg [%5llu.%06llu] ", (unsigned long long)(r->ts_ns / 1000000000ULL),
			(unsigned long long)(r->ts_ns % 1000000000ULL / 1000));
		for (j = 0; j < r->text.len; j++) {
			unsigned char c = r->text.p[j];

			if (c == '\n')
				fprintf(f, "\ndmesg %15s", "");
			else if (isprint(c) || isspace(c))
				fputc(c, f);
			else
				fprintf(f, "\\x%02x", (unsigned)(int)(signed char)c);
		}
		fputc('\n', f);
	}
}

static void printk_free(struct spec *s)
{
	size_t i;

	if (!s->pk)
		return;
	for (i = 0; i < s->pk->n; i++)
		free(s->pk->r[i].text.p);
	free(s->pk->r);
	free(s->pk);
	s->pk = NULL;
}

#endif /* MKVMCORE_PRINTK_H */
