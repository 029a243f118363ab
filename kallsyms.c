/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Symbol lookup in the dumped kernel's kallsyms tables (REFERENCE.md 7).
 *
 * The tables, as scripts/kallsyms emits them for 6.x:
 *   kallsyms_num_syms      .long count
 *   kallsyms_names         per symbol: a length, then that many token
 *                          numbers; the length is one byte, or two when
 *                          the first has bit 7 set (6.1 "big symbols":
 *                          low 7 bits, then the next byte << 7)
 *   kallsyms_token_table   256 NUL-terminated strings
 *   kallsyms_token_index   256 u16 offsets into the token table
 *   kallsyms_offsets       .long per symbol
 *   kallsyms_relative_base .quad
 * The expanded name starts with the type letter. An offset is turned into
 * an address either as 6.1 does with ABSOLUTE_PERCPU (x86: non-negative:
 * absolute; negative: base - 1 - offset) or plainly (base + (u32)offset,
 * kernels without ABSOLUTE_PERCPU); we take the one that reproduces
 * SYMBOL(_stext) and give up when neither does. */
#include "kallsyms.h"

#include <stdlib.h>
#include <string.h>

/* Bytes of the name stream read at a time. */
enum { KS_CHUNK = 64 << 10 };

struct ks_tokens {
	uint8_t *table;         /* the token table's bytes */
	uint16_t off[256];
	uint16_t len[256];
	size_t max_len;         /* of the longest token */
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

/* Reads the token index and table; every token must end inside what was
 * read. */
static struct mdf_error *ks_load_tokens(struct kmem *km, const struct kfacts *kf,
					struct ks_tokens *t)
{
	uint8_t raw[512];
	struct mdf_error *err = kmem_read(km, kf_get(kf, KF_SYMBOL_kallsyms_token_index), raw,
					  sizeof(raw));
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
	err = read_upto(km, kf_get(kf, KF_SYMBOL_kallsyms_token_table), t->table, want, max + 1,
			&got);
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

/* The first character of the name (after the type letter) an entry
 * expands to, or -1 if it expands to fewer than two characters. */
static int ks_first_char(const struct ks_tokens *t, const uint8_t *codes, size_t clen)
{
	size_t skip = 1; /* the type letter */
	for (size_t i = 0; i < clen; i++) {
		if (t->len[codes[i]] > skip)
			return t->table[t->off[codes[i]] + skip];
		skip -= t->len[codes[i]];
	}
	return -1;
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

/* The facts the tables need. */
static struct mdf_error *ks_check_facts(const struct kfacts *kf)
{
	static const enum kfact_id need[] = {
		KF_SYMBOL_kallsyms_names,        KF_SYMBOL_kallsyms_num_syms,
		KF_SYMBOL_kallsyms_token_table,  KF_SYMBOL_kallsyms_token_index,
		KF_SYMBOL_kallsyms_offsets,      KF_SYMBOL_kallsyms_relative_base,
		KF_SYMBOL__stext,
	};
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!kf_have(kf, need[i]))
			return mdf_error_create(MDF_ERR_NODATA, "kallsyms: no %s in VMCOREINFO",
						kfact_table[need[i]].key);
	return NULL;
}

/* Walks the name stream, recording the index of each wanted name
 * (idx[n] is _stext's). idx[i] stays num when not seen. */
static struct mdf_error *ks_scan(struct kmem *km, const struct kfacts *kf, uint32_t num,
				 const struct ks_tokens *t, const char *const *names, size_t n,
				 uint32_t *idx)
{
	struct ks_stream s = { .km = km, .start = kf_get(kf, KF_SYMBOL_kallsyms_names) };
	uint64_t lim = (uint64_t)num * 2 * (KALLSYMS_MAX_NAME / 2 + 1);
	s.limit = lim < KALLSYMS_MAX_NAMES_BYTES ? lim : KALLSYMS_MAX_NAMES_BYTES;
	s.buf = malloc(KS_CHUNK);
	char *name = malloc(KALLSYMS_MAX_NAME);
	/* Over ~100k symbols, the first character and then the expanded
	 * length (a sum of token lengths) reject almost every name without
	 * expanding it. */
	size_t *wlen = malloc((n + 1) * sizeof(*wlen));
	bool wanted_first[256] = { false }, wanted_len[KALLSYMS_MAX_NAME] = { false };
	struct mdf_error *err = s.buf && name && wlen ? NULL : mdf_error_nomem();
	for (size_t j = 0; !err && j <= n; j++) {
		const char *nm = j < n ? names[j] : "_stext";
		wlen[j] = strlen(nm);
		if (wlen[j] < KALLSYMS_MAX_NAME)
			wanted_len[wlen[j]] = true;
		wanted_first[(uint8_t)nm[0]] = true;
	}
	size_t left = n + 1;
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
		int c = ks_first_char(t, codes, clen);
		if (c < 0 || !wanted_first[c])
			continue;
		if (!len)
			len = ks_length(t, codes, clen);
		if (len == 0 || !wanted_len[len - 1])
			continue;
		bool expanded = false;
		for (size_t j = 0; len && j <= n; j++) {
			if (idx[j] != num || len - 1 != wlen[j])
				continue;
			if (!expanded) {
				ks_expand(t, codes, clen, name);
				expanded = true;
			}
			/* name[0] is the symbol type, the name follows it */
			if (memcmp(name + 1, j < n ? names[j] : "_stext", wlen[j]) == 0) {
				idx[j] = i;
				left--;
			}
		}
	}
	free(wlen);
	mdf_error_destroy(s.read_err);
	free(s.buf);
	free(name);
	return err;
}

/* The address of symbol i in the chosen encoding. */
static uint64_t ks_addr(int32_t off, uint64_t base, bool abs_percpu)
{
	if (!abs_percpu)
		return base + (uint32_t)off;
	return off >= 0 ? (uint64_t)off : base - 1 - (uint64_t)(int64_t)off;
}

/* Decodes the addresses of the found names, choosing the encoding that
 * gives SYMBOL(_stext). */
static struct mdf_error *ks_addresses(struct kmem *km, const struct kfacts *kf, uint32_t num,
				      const uint32_t *idx, size_t n, uint64_t *addrs_ret,
				      bool *found_ret)
{
	if (idx[n] == num)
		return mdf_error_create(MDF_ERR_NOTSUPP, "kallsyms: _stext not found in the names");
	uint64_t base, offs = kf_get(kf, KF_SYMBOL_kallsyms_offsets);
	uint32_t raw;
	struct mdf_error *err = kmem_read_u64(km, kf_get(kf, KF_SYMBOL_kallsyms_relative_base),
					      &base);
	if (!err)
		err = kmem_read_u32(km, offs + (uint64_t)idx[n] * 4, &raw);
	if (err)
		return err;
	uint64_t stext = kf_get(kf, KF_SYMBOL__stext);
	bool abs_percpu;
	if (ks_addr((int32_t)raw, base, true) == stext)
		abs_percpu = true;
	else if (ks_addr((int32_t)raw, base, false) == stext)
		abs_percpu = false;
	else
		return mdf_error_create(MDF_ERR_NOTSUPP,
					"kallsyms: unknown address format (_stext decodes to "
					"neither 0x%llx form)",
					(unsigned long long)stext);
	for (size_t j = 0; j < n; j++) {
		found_ret[j] = idx[j] < num;
		addrs_ret[j] = 0;
		if (!found_ret[j])
			continue;
		if ((err = kmem_read_u32(km, offs + (uint64_t)idx[j] * 4, &raw)))
			return err;
		addrs_ret[j] = ks_addr((int32_t)raw, base, abs_percpu);
	}
	return NULL;
}

struct mdf_error *kallsyms_lookup(struct kmem *km, const struct kfacts *kf,
				  const char *const *names, size_t n, uint64_t *addrs_ret,
				  bool *found_ret)
{
	struct mdf_error *err = ks_check_facts(kf);
	if (err)
		return err;
	uint32_t num;
	if ((err = kmem_read_u32(km, kf_get(kf, KF_SYMBOL_kallsyms_num_syms), &num)))
		return err;
	if (num == 0 || num > KALLSYMS_MAX_SYMS)
		return mdf_error_create(MDF_ERR_CORRUPT, "kallsyms_num_syms %u out of range",
					num);
	struct ks_tokens t = { 0 };
	uint32_t *idx = malloc((n + 1) * sizeof(*idx));
	if (!idx)
		return mdf_error_nomem();
	for (size_t j = 0; j <= n; j++)
		idx[j] = num;
	err = ks_load_tokens(km, kf, &t);
	if (!err)
		err = ks_scan(km, kf, num, &t, names, n, idx);
	if (!err)
		err = ks_addresses(km, kf, num, idx, n, addrs_ret, found_ret);
	free(t.table);
	free(idx);
	return err;
}
