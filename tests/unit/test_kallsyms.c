/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kallsyms decoder on a fake table in fake memory: every address
 * encoding (absolute-percpu, base-relative with an exported or a candidate
 * base, place-relative as in 7.x, absolute addresses), a two-byte ("big
 * symbol") length, multi-character tokens (one of them longer than 8
 * characters and holding the type letter), names that share their first
 * eight characters (or are a prefix of a wanted one) but are not it,
 * validation against exported addresses, and corrupt or unidentifiable
 * tables failing with an error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kallsyms.h"

#define MEM_SIZE (8u << 20)
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define STEXT 0xffffffff81000000ULL
#define IMG_PA 0x600000ULL
/* table offsets from STEXT */
#define T_NUM 0x10000
#define T_BASE 0x10008
#define T_TOKIDX 0x10100
#define T_TOKTAB 0x10400
#define T_OFFS 0x11000
#define T_NAMES 0x12000
#define T_ADDRS 0x13000

struct ctx {
	uint8_t *mem;
	struct kfacts kf;
	struct kmem *km;
};

#include "unit/fake_phys.h"

/* The fake symbols: type+name and address. */
struct fsym {
	const char *name;
	uint64_t addr;
	bool absolute;
};

static char big_name[300];

static const struct fsym syms[] = {
	{ "Dfixed_percpu_data", 0, true },
	{ "T_stext", STEXT, false },
	{ "tfoo", STEXT + 0x1234, false },
	{ "tbig", STEXT + 0x2000, false }, /* name replaced by big_name */
	/* Near misses before the names looked up: the same first eight
	 * characters, or a prefix of one, but another name. */
	{ "T__bss_stoq", STEXT + 0x500000, false },
	{ "T__bss_stop_end", STEXT + 0x500010, false },
	{ "Dpercpu_thinG", STEXT + 0x500020, false },
	{ "T_stextra", STEXT + 0x500030, false },
	{ "T_s", STEXT + 0x500040, false },
	{ "tnothere2", STEXT + 0x500050, false },
	{ "B__bss_stop", STEXT + 0x400000, false },
	{ "Dpercpu_thing", 0x1a000, true },
	{ "Dinit_uts_ns", STEXT + 0x300000, false },
};
#define NSYMS (sizeof(syms) / sizeof(syms[0]))

/* Token 1 is "_s", token 2 is "text", 3 is "ig", 4 is "B__bss_sto" (the
 * type letter and the first 9 characters of a name, as real tables merge
 * them); printable bytes stand for themselves; the others are "?". */
static void put_tokens(struct ctx *c)
{
	uint8_t *tab = c->mem + IMG_PA + T_TOKTAB;
	size_t at = 0;
	for (int i = 0; i < 256; i++) {
		const char *s;
		char one[2] = { (char)i, 0 };
		if (i == 1)
			s = "_s";
		else if (i == 2)
			s = "text";
		else if (i == 3)
			s = "ig";
		else if (i == 4)
			s = "B__bss_sto";
		else if (i >= 32 && i < 127)
			s = one;
		else
			s = "?";
		uint16_t o = (uint16_t)at;
		memcpy(c->mem + IMG_PA + T_TOKIDX + 2 * i, &o, 2);
		memcpy(tab + at, s, strlen(s) + 1);
		at += strlen(s) + 1;
	}
}

/* Compresses a name with the tokens above (greedy on the four). */
static size_t compress(const char *name, uint8_t *out)
{
	size_t n = 0;
	while (*name) {
		if (!strncmp(name, "B__bss_sto", 10))
			out[n++] = 4, name += 10;
		else if (!strncmp(name, "_s", 2))
			out[n++] = 1, name += 2;
		else if (!strncmp(name, "text", 4))
			out[n++] = 2, name += 4;
		else if (!strncmp(name, "ig", 2))
			out[n++] = 3, name += 2;
		else
			out[n++] = (uint8_t)*name++;
	}
	return n;
}

/* Writes the tables in an encoding (KALLSYMS_*). */
static void put_table(struct ctx *c, enum kallsyms_encoding enc)
{
	uint64_t base = STEXT;
	memset(big_name, 'x', sizeof(big_name) - 1);
	memcpy(big_name, "tbig", 4);
	big_name[sizeof(big_name) - 1] = 0;
	put32(c, IMG_PA + T_NUM, NSYMS);
	put64(c, IMG_PA + T_BASE, base);
	put_tokens(c);
	size_t at = T_NAMES;
	for (size_t i = 0; i < NSYMS; i++) {
		uint8_t buf[400];
		size_t n = compress(i == 3 ? big_name : syms[i].name, buf);
		if (n >= 0x80) {
			c->mem[IMG_PA + at++] = (uint8_t)(0x80 | (n & 0x7f));
			c->mem[IMG_PA + at++] = (uint8_t)(n >> 7);
		} else {
			c->mem[IMG_PA + at++] = (uint8_t)n;
		}
		memcpy(c->mem + IMG_PA + at, buf, n);
		at += n;
		int32_t off;
		uint64_t place = STEXT + T_OFFS + 4 * i;
		if (enc == KALLSYMS_BASE_RELATIVE)
			off = (int32_t)(uint32_t)(syms[i].addr - base);
		else if (enc == KALLSYMS_PLACE_RELATIVE)
			off = (int32_t)(syms[i].addr - place);
		else if (syms[i].absolute)
			off = (int32_t)syms[i].addr;
		else
			off = (int32_t)(base - syms[i].addr - 1);
		put32(c, IMG_PA + T_OFFS + 4 * i, (uint32_t)off);
		put64(c, IMG_PA + T_ADDRS + 8 * i, syms[i].addr);
	}
}

/* Opens the tables and looks names up; the handle is closed. */
static struct mdf_error *lookup(struct ctx *c, const struct kallsyms_bases *b, const char *const *names,
				size_t n, uint64_t *a, bool *f, struct kallsyms_info *info)
{
	struct kallsyms *ks;
	struct mdf_error *err = kallsyms_open(c->km, &c->kf, b, &ks);
	if (err)
		return err;
	if (info)
		*info = *kallsyms_get_info(ks);
	err = kallsyms_lookup_names(ks, names, n, a, f);
	kallsyms_close(ks);
	return err;
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->mem = calloc(1, MEM_SIZE);
	/* kernel text: one 2 MiB leaf at IMG_PA */
	put64(c, 0x1000 + 511 * 8, 0x3000 | 0x63);
	put64(c, 0x3000 + 510 * 8, 0x4000 | 0x63);
	put64(c, 0x4000 + ((STEXT >> 21) & 511) * 8, IMG_PA | 0xe3);
	put_table(c, KALLSYMS_ABS_PERCPU);
	kfacts_init(&c->kf);
	c->kf.page_size = 4096;
	uint64_t phys_base = IMG_PA - (STEXT - START_KERNEL_MAP);
	kf_set(&c->kf, KF_NUMBER_phys_base, phys_base);
	kf_set(&c->kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000 - phys_base);
	kf_set(&c->kf, KF_SYMBOL__stext, STEXT);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_num_syms, STEXT + T_NUM);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_relative_base, STEXT + T_BASE);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_token_index, STEXT + T_TOKIDX);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_token_table, STEXT + T_TOKTAB);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_offsets, STEXT + T_OFFS);
	kf_set(&c->kf, KF_SYMBOL_kallsyms_names, STEXT + T_NAMES);
	kf_set(&c->kf, KF_SYMBOL_init_uts_ns, STEXT + 0x300000);
	assert_null(fake_kmem(c));
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	fake_free(*state);
	return 0;
}

static const char *const want[] = { "__bss_stop", "foo", "percpu_thing", "nothere", "_stext",
				    "fixed_percpu_data" };
#define NWANT (sizeof(want) / sizeof(want[0]))

/* Runs the lookup, expecting success, and checks the addresses. */
static void check_found_with(struct ctx *c, const struct kallsyms_bases *b)
{
	uint64_t a[NWANT];
	bool f[NWANT];
	assert_null(lookup(c, b, want, NWANT, a, f, NULL));
	assert_true(f[0]);
	assert_int_equal(a[0], STEXT + 0x400000); /* after the big symbol */
	assert_true(f[1]);
	assert_int_equal(a[1], STEXT + 0x1234);
	assert_false(f[3]);
	assert_int_equal(a[3], 0);
	assert_true(f[4]);
	assert_int_equal(a[4], STEXT);
	assert_true(f[5]);
}

static void check_found(struct ctx *c)
{
	check_found_with(c, NULL);
}

static void test_abs_percpu(void **state)
{
	struct ctx *c = *state;
	check_found(c);
	uint64_t a[NWANT];
	bool f[NWANT];
	assert_null(lookup(c, NULL, want, NWANT, a, f, NULL));
	assert_true(f[2]);
	assert_int_equal(a[2], 0x1a000); /* absolute per-cpu symbol */
	assert_int_equal(a[5], 0);
}

static void test_base_relative(void **state)
{
	struct ctx *c = *state;
	put_table(c, KALLSYMS_BASE_RELATIVE);
	check_found(c);
	uint64_t a[NWANT];
	bool f[NWANT];
	assert_null(lookup(c, NULL, want, NWANT, a, f, NULL));
	/* written as base + (u32)(addr - base), read back the same way */
	assert_int_equal(a[2], STEXT + (uint32_t)(0x1a000 - STEXT));
	assert_int_equal(a[5], STEXT + (uint32_t)(0 - STEXT));
}

/* Expects the lookup to fail with code. */
static void expect_err(struct ctx *c, enum mdf_err_code code)
{
	uint64_t a[NWANT];
	bool f[NWANT];
	struct mdf_error *err = lookup(c, NULL, want, NWANT, a, f, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, code);
	mdf_error_destroy(err);
}

static void test_corrupt(void **state)
{
	struct ctx *c = *state;
	put32(c, IMG_PA + T_NUM, 0);
	expect_err(c, MDF_ERR_CORRUPT);
	put32(c, IMG_PA + T_NUM, KALLSYMS_MAX_SYMS + 1);
	expect_err(c, MDF_ERR_CORRUPT);
	/* an empty (zero-length) entry */
	put32(c, IMG_PA + T_NUM, 1000);
	uint8_t first = c->mem[IMG_PA + T_NAMES];
	c->mem[IMG_PA + T_NAMES] = 0;
	expect_err(c, MDF_ERR_CORRUPT);
	c->mem[IMG_PA + T_NAMES] = first;
	/* a long run of long tokens: the expanded name is bounded */
	put32(c, IMG_PA + T_NUM, NSYMS);
	uint16_t lo = 0x800;
	memcpy(c->mem + IMG_PA + T_TOKIDX + 2 * 'x', &lo, 2);
	memset(c->mem + IMG_PA + T_TOKTAB + lo, 'a', 64); /* NUL follows */
	expect_err(c, MDF_ERR_CORRUPT);
	put_table(c, KALLSYMS_ABS_PERCPU);
	/* a token index pointing at a region without a NUL up to the end of
	 * memory: error, no overrun */
	uint16_t o = 0xffff;
	memcpy(c->mem + IMG_PA + T_TOKIDX, &o, 2);
	memset(c->mem + IMG_PA + T_TOKTAB + 0xfff0, 'z', 0x10000);
	struct mdf_error *err;
	uint64_t a[NWANT];
	bool f[NWANT];
	err = lookup(c, NULL, want, NWANT, a, f, NULL);
	assert_non_null(err);
	mdf_error_destroy(err);
	put_table(c, KALLSYMS_ABS_PERCPU);
	memset(c->mem + IMG_PA + T_TOKTAB + 0xfff0, 0, 0x10000);
	put_tokens(c);
	check_found(c);
}

static void test_unidentified(void **state)
{
	struct ctx *c = *state;
	/* _stext decodes to something else under both encodings */
	put32(c, IMG_PA + T_OFFS + 4, 0x12345);
	expect_err(c, MDF_ERR_NOTSUPP);
	put_table(c, KALLSYMS_ABS_PERCPU);
	/* a missing fact */
	c->kf.have[KF_SYMBOL_kallsyms_names] = false;
	expect_err(c, MDF_ERR_NODATA);
	c->kf.have[KF_SYMBOL_kallsyms_names] = true;
	c->kf.have[KF_SYMBOL_kallsyms_offsets] = false;
	expect_err(c, MDF_ERR_NODATA);
	c->kf.have[KF_SYMBOL_kallsyms_offsets] = true;
	/* _stext decodes, but another exported symbol does not: rejected */
	kf_set(&c->kf, KF_SYMBOL_init_uts_ns, STEXT + 0x300040);
	expect_err(c, MDF_ERR_NOTSUPP);
	kf_set(&c->kf, KF_SYMBOL_init_uts_ns, STEXT + 0x300000);
	/* without the exported base and without candidates: no encoding */
	c->kf.have[KF_SYMBOL_kallsyms_relative_base] = false;
	expect_err(c, MDF_ERR_NOTSUPP);
	c->kf.have[KF_SYMBOL_kallsyms_relative_base] = true;
	/* tables outside memory: the read error is passed on */
	kf_set(&c->kf, KF_SYMBOL_kallsyms_names, STEXT + 0x1ffff0);
	uint64_t a[NWANT];
	bool f[NWANT];
	struct mdf_error *err = lookup(c, NULL, want, NWANT, a, f, NULL);
	assert_non_null(err);
	mdf_error_destroy(err);
}

/* 7.x: place-relative offsets and no kallsyms_relative_base. */
static void test_place_relative(void **state)
{
	struct ctx *c = *state;
	put_table(c, KALLSYMS_PLACE_RELATIVE);
	c->kf.have[KF_SYMBOL_kallsyms_relative_base] = false;
	uint64_t a[NWANT];
	bool f[NWANT];
	struct kallsyms_info info;
	assert_null(lookup(c, NULL, want, NWANT, a, f, &info));
	assert_int_equal(info.encoding, KALLSYMS_PLACE_RELATIVE);
	assert_int_equal(info.validated, 2); /* _stext and init_uts_ns */
	check_found(c);
	assert_int_equal(a[2], 0x1a000);
	assert_int_equal(a[5], 0);
	/* one name at a time, found and not */
	struct kallsyms *ks;
	uint64_t addr;
	assert_null(kallsyms_open(c->km, &c->kf, NULL, &ks));
	assert_null(kallsyms_lookup(ks, "foo", &addr));
	assert_int_equal(addr, STEXT + 0x1234);
	struct mdf_error *err = kallsyms_lookup(ks, "nothere", &addr);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	mdf_error_destroy(err);
	char d[160];
	kallsyms_describe(ks, d, sizeof(d));
	assert_string_equal(d, "place-relative offsets");
	kallsyms_close(ks);
}

/* A base-relative table whose base VMCOREINFO does not export: the base
 * comes from the candidates, the wrong ones rejected by validation. */
static void test_candidate_base(void **state)
{
	struct ctx *c = *state;
	c->kf.have[KF_SYMBOL_kallsyms_relative_base] = false;
	struct vmcore_load ld = { .vaddr = STEXT, .paddr = IMG_PA, .memsz = 0x800000 };
	struct kallsyms_bases b = { 0 };
	kallsyms_bases_add(&b, STEXT - 0x1000, "wrong one");
	kallsyms_default_bases(&b, &c->kf, &ld, 1);
	assert_int_equal(b.n, 2); /* _stext, PT_LOAD and the 2 MiB round-down coincide */
	uint64_t a[NWANT];
	bool f[NWANT];
	struct kallsyms_info info;
	for (int enc = KALLSYMS_BASE_RELATIVE; enc <= KALLSYMS_ABS_PERCPU; enc++) {
		put_table(c, (enum kallsyms_encoding)enc);
		assert_null(lookup(c, &b, want, NWANT, a, f, &info));
		assert_int_equal(info.encoding, enc);
		assert_int_equal(info.base, STEXT);
		assert_string_equal(info.base_source, "_stext");
		check_found_with(c, &b);
	}
	/* only wrong candidates */
	struct kallsyms_bases w = { 0 };
	kallsyms_bases_add(&w, STEXT - 0x1000, "wrong");
	kallsyms_bases_add(&w, STEXT + 0x200000, "wrong too");
	kallsyms_bases_add(&w, STEXT + 0x200000, "duplicate");
	assert_int_equal(w.n, 2);
	struct mdf_error *err = lookup(c, &w, want, NWANT, a, f, NULL);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOTSUPP);
	mdf_error_destroy(err);
}

/* kallsyms_addresses instead of offsets (!KALLSYMS_BASE_RELATIVE). */
static void test_absolute(void **state)
{
	struct ctx *c = *state;
	c->kf.have[KF_SYMBOL_kallsyms_relative_base] = false;
	c->kf.have[KF_SYMBOL_kallsyms_offsets] = false;
	kf_set(&c->kf, KF_SYMBOL_kallsyms_addresses, STEXT + T_ADDRS);
	uint64_t a[NWANT];
	bool f[NWANT];
	struct kallsyms_info info;
	assert_null(lookup(c, NULL, want, NWANT, a, f, &info));
	assert_int_equal(info.encoding, KALLSYMS_ABSOLUTE);
	check_found(c);
	assert_int_equal(a[2], 0x1a000);
	/* a table that does not hold _stext's address */
	put64(c, IMG_PA + T_ADDRS + 8, STEXT + 8);
	expect_err(c, MDF_ERR_NOTSUPP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_abs_percpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_base_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unidentified, setup, teardown),
		cmocka_unit_test_setup_teardown(test_place_relative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_candidate_base, setup, teardown),
		cmocka_unit_test_setup_teardown(test_absolute, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
