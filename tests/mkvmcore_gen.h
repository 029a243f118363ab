/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Page-content generators for the synthetic vmcore generator (mkvmcore.c).
 *
 * Every generator is a pure function of (seed, pfn): the same spec always
 * gives the same bytes, and a test can regenerate any page without reading
 * the file.  To add a kind (for example struct pages or a printk ring),
 * write one function and add one row to gen_kinds[].
 */
#ifndef MKVMCORE_GEN_H
#define MKVMCORE_GEN_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* SplitMix64: a good 64-bit mixer, used to derive per-page seeds. */
static uint64_t gen_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

typedef void (*gen_fn)(uint64_t seed, uint64_t pfn, unsigned char *buf,
		       size_t page_size);

static void gen_zero(uint64_t seed, uint64_t pfn, unsigned char *buf,
		     size_t page_size)
{
	(void)seed;
	(void)pfn;
	memset(buf, 0, page_size);
}

/* Incompressible bytes: xorshift64* stream seeded per page. */
static void gen_random(uint64_t seed, uint64_t pfn, unsigned char *buf,
		       size_t page_size)
{
	uint64_t s = gen_mix64(seed ^ gen_mix64(pfn)) | 1;
	size_t i;

	for (i = 0; i + 8 <= page_size; i += 8) {
		uint64_t v;

		s ^= s >> 12;
		s ^= s << 25;
		s ^= s >> 27;
		v = s * 0x2545f4914f6cdd1dULL;
		memcpy(buf + i, &v, 8);
	}
	for (; i < page_size; i++)
		buf[i] = (unsigned char)(gen_mix64(s + i) & 0xff);
}

/* A page starts with a tag naming its pfn so it can be found in a dump. */
static size_t gen_tag(const char *kind, uint64_t pfn, unsigned char *buf,
		      size_t page_size)
{
	char tag[64];
	int n = snprintf(tag, sizeof(tag), "MKVMCORE %s pfn=0x%llx\n", kind,
			 (unsigned long long)pfn);

	if (n < 0)
		return 0;
	if ((size_t)n > page_size)
		n = (int)page_size;
	memcpy(buf, tag, (size_t)n);
	return (size_t)n;
}

static void gen_text(uint64_t seed, uint64_t pfn, unsigned char *buf,
		     size_t page_size)
{
	static const char line[] =
		"The quick brown fox jumps over the lazy dog 0123456789.\n";
	size_t off = gen_tag("text", pfn, buf, page_size);
	size_t k = (size_t)(gen_mix64(seed + pfn) % (sizeof(line) - 1));

	for (; off < page_size; off++, k++)
		buf[off] = (unsigned char)line[k % (sizeof(line) - 1)];
}

/* Counter sequence: compressible but not trivially so. */
static void gen_pattern(uint64_t seed, uint64_t pfn, unsigned char *buf,
			size_t page_size)
{
	size_t off = gen_tag("pattern", pfn, buf, page_size);
	uint32_t c = (uint32_t)(seed + pfn * 1024);

	for (; off < page_size; off++, c++)
		buf[off] = (unsigned char)((c * 7) ^ (c >> 8));
}

/* Mostly zero: a tag and a few scattered bytes. */
static void gen_mostlyzero(uint64_t seed, uint64_t pfn, unsigned char *buf,
			   size_t page_size)
{
	uint64_t h = gen_mix64(seed ^ (pfn << 1));
	int i;

	memset(buf, 0, page_size);
	gen_tag("mostlyzero", pfn, buf, page_size);
	for (i = 0; i < 4; i++) {
		h = gen_mix64(h);
		buf[h % page_size] = (unsigned char)(h >> 56) | 1;
	}
}

/* All zero except the very last byte: catches a zero check that stops
 * early. */
static void gen_lastbyte(uint64_t seed, uint64_t pfn, unsigned char *buf,
			 size_t page_size)
{
	(void)seed;
	(void)pfn;
	memset(buf, 0, page_size);
	buf[page_size - 1] = 0x01;
}

/* All zero except the very first byte. */
static void gen_firstbyte(uint64_t seed, uint64_t pfn, unsigned char *buf,
			  size_t page_size)
{
	(void)seed;
	(void)pfn;
	memset(buf, 0, page_size);
	buf[0] = 0x80;
}

/* Every byte 0xff. */
static void gen_ones(uint64_t seed, uint64_t pfn, unsigned char *buf,
		     size_t page_size)
{
	(void)seed;
	(void)pfn;
	memset(buf, 0xff, page_size);
}

struct gen_kind {
	const char *name;
	gen_fn fn;
	int is_zero;		/* content is all zero bytes */
};

static const struct gen_kind gen_kinds[] = {
	{ "zero", gen_zero, 1 },
	{ "random", gen_random, 0 },
	{ "text", gen_text, 0 },
	{ "pattern", gen_pattern, 0 },
	{ "mostlyzero", gen_mostlyzero, 0 },
	{ "lastbyte", gen_lastbyte, 0 },
	{ "firstbyte", gen_firstbyte, 0 },
	{ "ones", gen_ones, 0 },
};

enum { GEN_NKINDS = sizeof(gen_kinds) / sizeof(gen_kinds[0]) };

static int gen_kind_lookup(const char *name)
{
	int i;

	for (i = 0; i < GEN_NKINDS; i++)
		if (strcmp(gen_kinds[i].name, name) == 0)
			return i;
	return -1;
}

#endif /* MKVMCORE_GEN_H */
