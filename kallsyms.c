/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Symbol lookup in the dumped kernel's kallsyms tables (kallsyms.h).
 *
 * The tables, as scripts/kallsyms emits them:
 *   kallsyms_num_syms      .long count
 *   kallsyms_names         per symbol: a length, then that many token
 *                          numbers; the length is one byte, or two when
 *                          the first has bit 7 set (6.1 "kallsyms: support
 *                          big kernel symbols": low 7 bits, then the next
 *                          byte << 7; 6.0 names are shorter than 128, so
 *                          one reader serves both)
 *   kallsyms_token_table   256 NUL-terminated strings
 *   kallsyms_token_index   256 u16 offsets into the token table
 *   kallsyms_offsets       .long per symbol, or
 *   kallsyms_addresses     one pointer per symbol (!KALLSYMS_BASE_RELATIVE,
 *                          until upstream removed that encoding)
 *   kallsyms_relative_base .quad (until 7.0)
 * The expanded name starts with the type letter. Offsets become addresses
 * in one of three ways, by kernel and configuration:
 *   - base + (u32)offset (KALLSYMS_BASE_RELATIVE);
 *   - ABSOLUTE_PERCPU (CONFIG_KALLSYMS_ABSOLUTE_PERCPU, until the per-CPU rework): an offset >= 0
 *     is an absolute address, a negative one means base - 1 - offset;
 *   - place-relative, 7.0+ (commit a081b5789255d, "kallsyms: Get rid of
 *     kallsyms relative base"): the address of the offset itself plus the
 *     signed offset; VMCOREINFO then has no kallsyms_relative_base.
 * The one that reproduces every exported address we can check is used. */
#include "kallsyms.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of the name stream read at a time. */
enum { KS_CHUNK = 64 << 10 };

struct ks_tokens {
	uint8_t *table;         /* the token table's bytes */
	uint16_t off[256];
	uint16_t len[256];
	size_t max_len;         /* of the longest token */
	/* The first 8 characters of each token, byte k = character k,
	 * zero-padded, and the 8 after its first (ks_prefix: a name's first
	 * token begins with the type letter). */
	uint64_t head[256], head1[256];
};

/* A bounded, chunked reader over the name stream: entries are parsed in
 * place in buf, which is refilled (the unread rest moved to its front) when
 * less than one whole entry is left. */
struct ks_stream {
	struct kmem *km;
	uint64_t pos;    /* stream offset of buf[at] */
	uint64_t limit;  /* bytes we allow ourselves to read */
	uint64_t start;  /* the stream's address */
	size_t have, at;
	uint8_t *buf;    /* KS_CHUNK bytes */
	struct mdf_error *read_err; /* a refill that failed with bytes still left */
};

/* Reads up to want bytes at va, at least min: when the whole read fails,
 * retries up to the end of the page holding va + min - 1 (the tables may
 * end just before an unmapped page). */
static struct mdf_error *read_upto(struct kmem *km, uint64_t va, uint8_t *buf, size_t want,
				   size_t min, size_t *got_ret)
{
	struct mdf_error *err = kmem_read(km, va, buf, want);
	if (!err) {
		*got_ret = want;
		return NULL;
	}
	uint64_t ps = kmem_page_size(km);
	uint64_t end = ((va + min - 1) / ps + 1) * ps;
	size_t shorter = (size_t)(end - va);
	if (shorter >= want || shorter < min)
		return err;
	mdf_error_destroy(err);
	*got_ret = shorter;
	return kmem_read(km, va, buf, shorter);
}

/* Makes at least n (<= KS_CHUNK) bytes available at buf + at, unless the
 * stream's limit or an unreadable page comes first; *avail_ret is what is
 * available. A read that fails while bytes are left is kept in read_err,
 * reported only if the entry being parsed needs the missing bytes. */
static struct mdf_error *ks_fill(struct ks_stream *s, size_t n, size_t *avail_ret)
{
	size_t rest = s->have - s->at;
	if (rest < n && !s->read_err) {
		memmove(s->buf, s->buf + s->at, rest);
		s->have = rest;
		s->at = 0;
		uint64_t next = s->pos + rest; /* stream offset of buf[have] */
		if (next < s->limit) {
			uint64_t left = s->limit - next;
			size_t want = KS_CHUNK - rest, got;
			if (left < want)
				want = (size_t)left;
			struct mdf_error *err = read_upto(s->km, s->start + next, s->buf + rest,
							  want, 1, &got);
			if (err && rest == 0)
				return err;
			s->read_err = err;
			s->have += err ? 0 : got;
		}
		rest = s->have;
	}
	*avail_ret = rest;
	return NULL;
}

/* Up to the first 8 of len characters, character k in byte k (bits 8k to
 * 8k + 7) whatever the host's byte order, zero-padded. */
static uint64_t ks_pack8(const char *s, size_t len)
{
	uint64_t v = 0;
	for (size_t k = 0; k < len && k < 8; k++)
		v |= (uint64_t)(uint8_t)s[k] << (8 * k);
	return v;
}

/* Reads the token index and table; every token must end inside what was
 * read. */
static struct mdf_error *ks_load_tokens(struct kmem *km, uint64_t index_va, uint64_t table_va,
					struct ks_tokens *t)
{
	uint8_t raw[512];
	struct mdf_error *err = kmem_read(km, index_va, raw, sizeof(raw));
	if (err)
		return err;
	size_t max = 0;
	for (int i = 0; i < 256; i++) {
		t->off[i] = (uint16_t)(raw[2 * i] | raw[2 * i + 1] << 8);
		if (t->off[i] > max)
			max = t->off[i];
	}
	size_t want = max + KALLSYMS_MAX_NAME, got;
	t->table = malloc(want);
	if (!t->table)
		return mdf_error_nomem();
	err = read_upto(km, table_va, t->table, want, max + 1, &got);
	if (err)
		return err;
	for (int i = 0; i < 256; i++) {
		const uint8_t *p = memchr(t->table + t->off[i], 0, got - t->off[i]);
		if (!p)
			return mdf_error_create(MDF_ERR_CORRUPT,
						"kallsyms token %d is not terminated", i);
		t->len[i] = (uint16_t)(p - (t->table + t->off[i]));
		if (t->len[i] > t->max_len)
			t->max_len = t->len[i];
		t->head[i] = ks_pack8((const char *)t->table + t->off[i], t->len[i]);
		t->head1[i] = t->len[i] ? ks_pack8((const char *)t->table + t->off[i] + 1,
						   t->len[i] - 1u)
					: 0;
	}
	return NULL;
}

/* Parses one symbol's compressed entry: *codes_ret points at its token codes
 * (*clen_ret of them, valid until the next call). */
static struct mdf_error *ks_next(struct ks_stream *s, const uint8_t **codes_ret,
				 size_t *clen_ret)
{
	size_t avail;
	struct mdf_error *err = ks_fill(s, 2 + KALLSYMS_MAX_NAME, &avail);
	if (err)
		return err;
	const uint8_t *p = s->buf + s->at;
	size_t hdr = 1;
	size_t clen = avail ? p[0] : 0;
	if (avail && (p[0] & 0x80)) { /* 6.1+: a second length byte for long names */
		hdr = 2;
		clen = avail > 1 ? (size_t)(p[0] & 0x7f) | (size_t)p[1] << 7 : 0;
	}
	if (avail == 0 || (hdr == 2 && avail < 2) || (clen && hdr + clen > avail)) {
		if (s->read_err) {
			err = s->read_err;
			s->read_err = NULL;
			return err;
		}
		return mdf_error_create(MDF_ERR_CORRUPT, "kallsyms_names runs past %llu bytes",
					(unsigned long long)s->limit);
	}
	if (clen == 0)
		return mdf_error_create(MDF_ERR_CORRUPT, "empty kallsyms entry at byte %llu",
					(unsigned long long)s->pos);
	if (clen > KALLSYMS_MAX_NAME - 1)
		return mdf_error_create(MDF_ERR_CORRUPT, "kallsyms name longer than %d bytes",
					KALLSYMS_MAX_NAME - 1);
	s->at += hdr + clen;
	s->pos += hdr + clen;
	*codes_ret = p + hdr;
	*clen_ret = clen;
	return NULL;
}

/* The first 8 characters of the name an entry expands to (after the type
 * letter), zero-padded when it is shorter. Token strings hold no NUL, so
 * for a name shorter than 8 an equal prefix is an equal name. */
static uint64_t ks_prefix(const struct ks_tokens *t, const uint8_t *codes, size_t clen)
{
	uint64_t v = 0;
	size_t have = 0; /* characters in v, the type letter not counted */
	bool typed = false;
	for (size_t i = 0; i < clen && have < 8; i++) {
		uint64_t h = t->head[codes[i]];
		size_t l = t->len[codes[i]];
		if (!typed && l) { /* the type letter leads the first token */
			typed = true;
			h = t->head1[codes[i]];
			l--;
		}
		v |= h << (8 * have);
		have += l;
	}
	return v;
}

/* A bucket of 256 for a prefix, to reject most names with one load. */
static unsigned int ks_bucket(uint64_t prefix)
{
	return (unsigned int)((prefix * 0x9e3779b97f4a7c15ull) >> 56);
}

/* The expanded length of an entry (type letter included). */
static size_t ks_length(const struct ks_tokens *t, const uint8_t *codes, size_t clen)
{
	size_t len = 0;
	for (size_t i = 0; i < clen; i++)
		len += t->len[codes[i]];
	return len;
}

/* Expands codes into name (NUL-terminated; the length was checked). */
static void ks_expand(const struct ks_tokens *t, const uint8_t *codes, size_t clen, char *name)
{
	size_t len = 0;
	for (size_t i = 0; i < clen; i++) {
		memcpy(name + len, t->table + t->off[codes[i]], t->len[codes[i]]);
		len += t->len[codes[i]];
	}
	name[len] = 0;
}

/* ---- candidate bases ---- */

void kallsyms_bases_add(struct kallsyms_bases *b, uint64_t addr, const char *what)
{
	if (!addr || b->n >= KALLSYMS_MAX_BASES)
		return;
	for (size_t i = 0; i < b->n; i++)
		if (b->addr[i] == addr)
			return;
	b->addr[b->n] = addr;
	b->what[b->n++] = what;
}

void kallsyms_default_bases(struct kallsyms_bases *b, const struct kfacts *kf,
			    const struct vmcore_load *loads, size_t nr_loads)
{
	if (!kf_have(kf, KF_SYMBOL__stext))
		return;
	uint64_t stext = kf_get(kf, KF_SYMBOL__stext);
	kallsyms_bases_add(b, stext, "_stext");
	for (size_t i = 0; i < nr_loads; i++)
		if (stext >= loads[i].vaddr && stext - loads[i].vaddr < loads[i].memsz)
			kallsyms_bases_add(b, loads[i].vaddr, "the kernel-text PT_LOAD");
	kallsyms_bases_add(b, stext & ~(uint64_t)0x1fffff, "_stext rounded down to 2 MiB");
}

/* ---- the opened tables ---- */

struct kallsyms {
	struct kmem *km;
	const struct kfacts *kf;
	uint32_t num;
	struct ks_tokens t;
	uint64_t names, offsets, addresses; /* table addresses */
	struct kallsyms_info info;
};

/* Walks the name stream, recording the index of each wanted name; idx[i]
 * stays ks->num when not seen. */
static struct mdf_error *ks_scan(const struct kallsyms *ks, const char *const *names, size_t n,
				 uint32_t *idx)
{
	const struct ks_tokens *t = &ks->t;
	uint32_t num = ks->num;
	struct ks_stream s = { .km = ks->km, .start = ks->names };
	uint64_t lim = (uint64_t)num * 2 * (KALLSYMS_MAX_NAME / 2 + 1);
	s.limit = lim < KALLSYMS_MAX_NAMES_BYTES ? lim : KALLSYMS_MAX_NAMES_BYTES;
	s.buf = malloc(KS_CHUNK);
	char *name = malloc(KALLSYMS_MAX_NAME);
	/* Over ~100k symbols, the first eight characters (a bucket of
	 * them, then the prefixes themselves) and then the expanded length
	 * (a sum of token lengths) reject almost every name without
	 * expanding it. */
	size_t *wlen = malloc((n + 1) * sizeof(*wlen));
	uint64_t *wpre = malloc((n + 1) * sizeof(*wpre));
	bool wanted_bucket[256] = { false }, wanted_len[KALLSYMS_MAX_NAME] = { false };
	struct mdf_error *err = s.buf && name && wlen && wpre ? NULL : mdf_error_nomem();
	size_t left = 0;
	for (size_t j = 0; !err && j < n; j++) {
		idx[j] = num;
		wpre[j] = 0;
		wlen[j] = strlen(names[j]);
		if (wlen[j] == 0 || wlen[j] >= KALLSYMS_MAX_NAME)
			continue; /* cannot be in the tables */
		wanted_len[wlen[j]] = true;
		wpre[j] = ks_pack8(names[j], wlen[j]);
		wanted_bucket[ks_bucket(wpre[j])] = true;
		left++;
	}
	for (uint32_t i = 0; !err && i < num && left; i++) {
		const uint8_t *codes;
		size_t clen;
		if ((err = ks_next(&s, &codes, &clen)))
			break;
		/* Every entry is checked against the name bound, summing
		 * its token lengths only when the longest token could
		 * break it. */
		size_t len = clen * t->max_len < KALLSYMS_MAX_NAME ? 0 : ks_length(t, codes, clen);
		if (len > KALLSYMS_MAX_NAME - 1) {
			err = mdf_error_create(MDF_ERR_CORRUPT, "kallsyms name longer than %d bytes",
					       KALLSYMS_MAX_NAME - 1);
			break;
		}
		uint64_t pre = ks_prefix(t, codes, clen);
		if (!wanted_bucket[ks_bucket(pre)])
			continue;
		size_t w = 0;
		while (w < n && (idx[w] != num || wpre[w] != pre))
			w++;
		if (w == n)
			continue;
		if (!len)
			len = ks_length(t, codes, clen);
		if (len == 0 || !wanted_len[len - 1])
			continue;
		bool expanded = false;
		for (size_t j = 0; j < n; j++) {
			if (idx[j] != num || len - 1 != wlen[j])
				continue;
			if (!expanded) {
				ks_expand(t, codes, clen, name);
				expanded = true;
			}
			/* name[0] is the symbol type, the name follows it */
			if (memcmp(name + 1, names[j], wlen[j]) == 0) {
				idx[j] = i;
				left--;
			}
		}
	}
	free(wlen);
	free(wpre);
	mdf_error_destroy(s.read_err);
	free(s.buf);
	free(name);
	return err;
}

/* The raw table entry of symbol i: the offset, or the absolute address. */
static struct mdf_error *ks_raw(const struct kallsyms *ks, uint32_t i, uint64_t *raw_ret)
{
	if (ks->info.encoding == KALLSYMS_ABSOLUTE)
		return kmem_read_u64(ks->km, ks->addresses + (uint64_t)i * 8, raw_ret);
	uint32_t v;
	struct mdf_error *err = kmem_read_u32(ks->km, ks->offsets + (uint64_t)i * 4, &v);
	*raw_ret = v;
	return err;
}

/* The address of symbol i from its raw entry under an encoding and base. */
static uint64_t ks_decode(enum kallsyms_encoding enc, uint64_t base, uint64_t offsets, uint32_t i,
			  uint64_t raw)
{
	int32_t off = (int32_t)(uint32_t)raw;
	switch (enc) {
	case KALLSYMS_ABSOLUTE:
		return raw;
	case KALLSYMS_BASE_RELATIVE:
		return base + (uint32_t)off;
	case KALLSYMS_ABS_PERCPU:
		return off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)(int64_t)off;
	case KALLSYMS_PLACE_RELATIVE:
	default:
		return offsets + (uint64_t)i * 4 + (uint64_t)(int64_t)off;
	}
}

/* Exported kernel variables whose VMCOREINFO value is their address (not
 * a pointer's value, as for mem_section or vmemmap): with KALLSYMS_ALL the
 * tables hold them too, and each must decode to the exported address.
 * _stext, a text symbol, is in every table. The kallsyms_* symbols are
 * left out of the tables by scripts/kallsyms. */
static const enum kfact_id ks_checks[] = {
	KF_SYMBOL__stext,         KF_SYMBOL_init_uts_ns,    KF_SYMBOL_node_online_map,
	KF_SYMBOL_swapper_pg_dir, KF_SYMBOL_init_top_pgt,   KF_SYMBOL_init_level4_pgt,
	KF_SYMBOL_prb,            KF_SYMBOL_printk_rb_static, KF_SYMBOL_clear_seq,
	KF_SYMBOL_vmap_area_list, KF_SYMBOL_node_data,      KF_SYMBOL_contig_page_data,
	KF_SYMBOL_log_buf,        KF_SYMBOL_log_buf_len,    KF_SYMBOL_log_first_idx,
	KF_SYMBOL_log_next_idx,   KF_SYMBOL_clear_idx,      KF_SYMBOL_system_utsname,
};
enum { KS_NCHECK = sizeof(ks_checks) / sizeof(ks_checks[0]) };

/* What the validation found: each check's symbol index and raw entry. */
struct ks_evidence {
	size_t n;
	uint64_t want[KS_NCHECK];
	uint32_t idx[KS_NCHECK];
	uint64_t raw[KS_NCHECK];
};

/* True if every found check decodes to its exported address. */
static bool ks_fits(const struct kallsyms *ks, const struct ks_evidence *ev,
		    enum kallsyms_encoding enc, uint64_t base)
{
	for (size_t j = 0; j < ev->n; j++)
		if (ks_decode(enc, base, ks->offsets, ev->idx[j], ev->raw[j]) != ev->want[j])
			return false;
	return true;
}

/* The decoded-address evidence of the exported names found (ids[j] at
 * symbol index idx[j]; _stext is ids[0] and must be there). */
static struct mdf_error *ks_gather_evidence(struct kallsyms *ks, struct ks_evidence *ev,
					    const enum kfact_id *ids, const uint32_t *idx, size_t n)
{
	if (!n || idx[0] == ks->num)
		return mdf_error_create(MDF_ERR_NOTSUPP, "kallsyms: _stext not found in the names");
	ev->n = 0;
	for (size_t j = 0; j < n; j++) {
		if (idx[j] == ks->num)
			continue;
		ev->want[ev->n] = kf_get(ks->kf, ids[j]);
		ev->idx[ev->n] = idx[j];
		struct mdf_error *err = ks_raw(ks, idx[j], &ev->raw[ev->n]);
		if (err)
			return err;
		ev->n++;
	}
	return NULL;
}

/* Finds the exported names in the tables (_stext first and required), and
 * in the same pass the caller's extra names (their indexes in extra_idx). */
static struct mdf_error *ks_gather(struct kallsyms *ks, struct ks_evidence *ev,
				   const char *const *extra, size_t nextra, uint32_t *extra_idx)
{
	enum kfact_id ids[KS_NCHECK];
	size_t n = 0;
	const char **names = malloc((KS_NCHECK + nextra) * sizeof(*names));
	uint32_t *idx = malloc((KS_NCHECK + nextra) * sizeof(*idx));
	struct mdf_error *err = names && idx ? NULL : mdf_error_nomem();
	for (size_t j = 0; !err && j < KS_NCHECK; j++)
		if (kf_have(ks->kf, ks_checks[j])) {
			ids[n] = ks_checks[j];
			names[n++] = kfact_table[ks_checks[j]].name;
		}
	for (size_t j = 0; !err && j < nextra; j++)
		names[n + j] = extra[j];
	if (!err)
		err = ks_scan(ks, names, n + nextra, idx);
	if (!err && nextra)
		memcpy(extra_idx, idx + n, nextra * sizeof(*idx));
	free(names);
	if (err) {
		free(idx);
		return err;
	}
	err = ks_gather_evidence(ks, ev, ids, idx, n);
	free(idx);
	return err;
}
/* Chooses the encoding (and base) that reproduces every exported address:
 * with an exported base the base-relative forms first (before 7.0),
 * without it the place-relative form, then each candidate base. */
static struct mdf_error *ks_identify(struct kallsyms *ks, const struct kallsyms_bases *bases,
				     const char *const *extra, size_t nextra, uint32_t *extra_idx)
{
	struct ks_evidence ev;
	struct mdf_error *err = ks_gather(ks, &ev, extra, nextra, extra_idx);
	if (err)
		return err;
	struct kallsyms_info *in = &ks->info;
	in->validated = (unsigned int)ev.n;
	if (in->encoding == KALLSYMS_ABSOLUTE) {
		if (ks_fits(ks, &ev, KALLSYMS_ABSOLUTE, 0))
			return NULL;
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"kallsyms: kallsyms_addresses does not hold the exported "
					"address of _stext 0x%llx",
					(unsigned long long)ev.want[0]);
	}
	static const enum kallsyms_encoding based[] = { KALLSYMS_ABS_PERCPU,
							 KALLSYMS_BASE_RELATIVE };
	if (kf_have(ks->kf, KF_SYMBOL_kallsyms_relative_base)) {
		uint64_t base;
		if ((err = kmem_read_u64(ks->km, kf_get(ks->kf, KF_SYMBOL_kallsyms_relative_base),
					 &base)))
			return err;
		for (size_t e = 0; e < 2; e++)
			if (ks_fits(ks, &ev, based[e], base)) {
				in->encoding = based[e];
				in->base = base;
				in->base_source = "kallsyms_relative_base";
				return NULL;
			}
	}
	if (ks_fits(ks, &ev, KALLSYMS_PLACE_RELATIVE, 0)) {
		in->encoding = KALLSYMS_PLACE_RELATIVE;
		return NULL;
	}
	for (size_t b = 0; bases && b < bases->n; b++)
		for (size_t e = 0; e < 2; e++)
			if (ks_fits(ks, &ev, based[e], bases->addr[b])) {
				in->encoding = based[e];
				in->base = bases->addr[b];
				in->base_source = bases->what[b];
				return NULL;
			}
	return mdf_error_create(MDF_ERR_NOTSUPP,
				"kallsyms: unknown address format (no encoding%s reproduces _stext "
				"0x%llx%s)",
				bases && bases->n ? " or candidate base" : "",
				(unsigned long long)ev.want[0],
				ev.n > 1 ? " and the other exported symbols" : "");
}

/* The facts the tables need. */
static struct mdf_error *ks_check_facts(const struct kfacts *kf)
{
	static const enum kfact_id need[] = {
		KF_SYMBOL_kallsyms_names,       KF_SYMBOL_kallsyms_num_syms,
		KF_SYMBOL_kallsyms_token_table, KF_SYMBOL_kallsyms_token_index,
		KF_SYMBOL__stext,
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kf_have(kf, need[i]))
			return mdf_error_create(MDF_ERR_NODATA, "kallsyms: no %s in VMCOREINFO",
						kfact_table[need[i]].key);
	if (!kf_have(kf, KF_SYMBOL_kallsyms_offsets) && !kf_have(kf, KF_SYMBOL_kallsyms_addresses))
		return mdf_error_create(MDF_ERR_NODATA,
					"kallsyms: neither SYMBOL(kallsyms_offsets) nor "
					"SYMBOL(kallsyms_addresses) in VMCOREINFO");
	return NULL;
}

/* The addresses of the symbols at idx[] (num = not found). */
static struct mdf_error *ks_decode_all(const struct kallsyms *ks, const uint32_t *idx, size_t n,
				       uint64_t *addrs_ret, bool *found_ret)
{
	for (size_t j = 0; j < n; j++) {
		found_ret[j] = idx[j] < ks->num;
		addrs_ret[j] = 0;
		uint64_t raw;
		if (!found_ret[j])
			continue;
		struct mdf_error *err = ks_raw(ks, idx[j], &raw);
		if (err)
			return err;
		addrs_ret[j] = ks_decode(ks->info.encoding, ks->info.base, ks->offsets, idx[j], raw);
	}
	return NULL;
}

struct mdf_error *kallsyms_open(struct kmem *km, const struct kfacts *kf,
				const struct kallsyms_bases *bases, struct kallsyms **ret)
{
	return kallsyms_open_lookup(km, kf, bases, NULL, 0, NULL, NULL, ret);
}

struct mdf_error *kallsyms_open_lookup(struct kmem *km, const struct kfacts *kf,
				       const struct kallsyms_bases *bases, const char *const *names,
				       size_t n, uint64_t *addrs_ret, bool *found_ret,
				       struct kallsyms **ret)
{
	struct mdf_error *err = ks_check_facts(kf);
	if (err)
		return err;
	struct kallsyms *ks = calloc(1, sizeof(*ks));
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!ks || !idx) {
		free(ks);
		free(idx);
		return mdf_error_nomem();
	}
	ks->km = km;
	ks->kf = kf;
	ks->names = kf_get(kf, KF_SYMBOL_kallsyms_names);
	ks->offsets = kf_get(kf, KF_SYMBOL_kallsyms_offsets);
	ks->addresses = kf_get(kf, KF_SYMBOL_kallsyms_addresses);
	ks->info.encoding = kf_have(kf, KF_SYMBOL_kallsyms_offsets) ? KALLSYMS_PLACE_RELATIVE
								    : KALLSYMS_ABSOLUTE;
	err = kmem_read_u32(km, kf_get(kf, KF_SYMBOL_kallsyms_num_syms), &ks->num);
	if (!err && (ks->num == 0 || ks->num > KALLSYMS_MAX_SYMS))
		err = mdf_error_create(MDF_ERR_CORRUPT, "kallsyms_num_syms %u out of range",
				       ks->num);
	if (!err)
		err = ks_load_tokens(km, kf_get(kf, KF_SYMBOL_kallsyms_token_index),
				     kf_get(kf, KF_SYMBOL_kallsyms_token_table), &ks->t);
	ks->info.num_syms = ks->num;
	if (!err)
		err = ks_identify(ks, bases, names, n, idx);
	if (!err)
		err = ks_decode_all(ks, idx, n, addrs_ret, found_ret);
	free(idx);
	if (err) {
		kallsyms_close(ks);
		return err;
	}
	*ret = ks;
	return NULL;
}

void kallsyms_close(struct kallsyms *ks)
{
	if (!ks)
		return;
	free(ks->t.table);
	free(ks);
}

const struct kallsyms_info *kallsyms_get_info(const struct kallsyms *ks)
{
	return &ks->info;
}

void kallsyms_describe(const struct kallsyms *ks, char *buf, size_t len)
{
	const struct kallsyms_info *in = &ks->info;
	switch (in->encoding) {
	case KALLSYMS_ABSOLUTE:
		snprintf(buf, len, "absolute addresses");
		break;
	case KALLSYMS_PLACE_RELATIVE:
		snprintf(buf, len, "place-relative offsets");
		break;
	default:
		snprintf(buf, len, "%s offsets, base 0x%llx (%s)",
			 in->encoding == KALLSYMS_ABS_PERCPU ? "absolute-percpu" : "base-relative",
			 (unsigned long long)in->base, in->base_source);
		break;
	}
}

struct mdf_error *kallsyms_lookup_names(struct kallsyms *ks, const char *const *names, size_t n,
					uint64_t *addrs_ret, bool *found_ret)
{
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	if (!idx)
		return mdf_error_nomem();
	struct mdf_error *err = ks_scan(ks, names, n, idx);
	if (!err)
		err = ks_decode_all(ks, idx, n, addrs_ret, found_ret);
	free(idx);
	return err;
}

struct mdf_error *kallsyms_lookup(struct kallsyms *ks, const char *name, uint64_t *addr_ret)
{
	bool found;
	struct mdf_error *err = kallsyms_lookup_names(ks, &name, 1, addr_ret, &found);
	if (!err && !found)
		err = mdf_error_create(MDF_ERR_NODATA, "kallsyms: no symbol %s", name);
	return err;
}
