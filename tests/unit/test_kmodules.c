/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A loaded module's symbol table read through kmod_symbols from fake
 * memory whose mapping ends right after the string table, as 6.1x's
 * module data regions can (Debian 6.12's dm_crypt: its string and type
 * tables end 28 bytes before an unmapped page): the last names must be
 * found, and a last name that runs into unmapped memory is an error, not
 * a read past the mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kmodules.h"

#define BASE 0xffffffffc05e0000ULL
#define MAPPED (12u << 10) /* 3 pages */
#define NSYMS 120

struct fake {
	uint8_t mem[MAPPED];
	size_t mapped;      /* bytes from BASE that can be read */
	unsigned int reads; /* reads that reached past the mapping */
};

static struct mdf_error *fake_read(void *arg, uint64_t va, void *buf, size_t len)
{
	struct fake *f = arg;
	if (va < BASE || va - BASE > f->mapped || len > f->mapped - (va - BASE)) {
		f->reads++;
		return mdf_error_create(MDF_ERR_CORRUPT, "cannot translate 0x%llx",
					(unsigned long long)va);
	}
	memcpy(buf, f->mem + (va - BASE), len);
	return NULL;
}

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* NSYMS symbols "sym_NNN_<padding>" at the start of the region, their
 * names packed after them so that the table ends `slack` bytes before
 * the end of the mapping; symbol i's address is 0x1000 + i. */
static void build(struct fake *f, struct kmod *m, size_t slack)
{
	memset(f, 0, sizeof(*f));
	f->mapped = MAPPED;
	size_t symtab = 0, strtab = NSYMS * 24 + 24;
	/* the names' total length: fill up to MAPPED - slack */
	size_t room = MAPPED - slack - strtab - 1;
	size_t each = room / NSYMS;
	size_t off = 1; /* strtab[0] is the empty name */
	for (int i = 0; i < NSYMS; i++) {
		size_t len = i == NSYMS - 1 ? room - off : each - 1;
		char *name = (char *)f->mem + strtab + off;
		int n = snprintf(name, len + 1, "sym_%03d_", i);
		memset(name + n, 'p', len - (size_t)n);
		name[len] = '\0';
		uint8_t *s = f->mem + symtab + (size_t)(i + 1) * 24;
		put_le(s, off, 4);
		s[4] = 0x11; /* STT_OBJECT, STB_GLOBAL */
		put_le(s + 6, 1, 2);
		put_le(s + 8, 0x1000 + (uint64_t)i, 8);
		off += len + 1;
	}
	assert_int_equal(strtab + off, MAPPED - slack);
	*m = (struct kmod){.symtab = BASE + symtab, .strtab = BASE + strtab,
			   .num_symtab = NSYMS + 1};
	snprintf(m->name, sizeof(m->name), "dm_crypt");
}

static void name_of(const struct fake *f, const struct kmod *m, int i, char *buf, size_t size)
{
	const uint8_t *s = f->mem + (m->symtab - BASE) + (size_t)(i + 1) * 24;
	uint32_t off = (uint32_t)(s[0] | s[1] << 8 | s[2] << 16 | (uint32_t)s[3] << 24);
	snprintf(buf, size, "%s", (const char *)f->mem + (m->strtab - BASE) + off);
}

static void test_table_at_mapping_end(void **state)
{
	(void)state;
	static struct fake f;
	struct kmod m;
	build(&f, &m, 28);
	char first[KMOD_MAX_SYMNAME], mid[KMOD_MAX_SYMNAME], last[KMOD_MAX_SYMNAME];
	name_of(&f, &m, 0, first, sizeof(first));
	name_of(&f, &m, NSYMS / 2, mid, sizeof(mid));
	name_of(&f, &m, NSYMS - 1, last, sizeof(last));
	/* the last name starts within KMOD_MAX_SYMNAME of the mapping's end */
	assert_true(28 + strlen(last) + 1 < KMOD_MAX_SYMNAME);
	const char *names[] = {last, first, "absent", mid};
	uint64_t addrs[4] = {0};
	bool found[4];
	struct kmod_reader rd = {fake_read, &f};
	struct mdf_error *err = kmod_symbols(&rd, &m, names, 4, addrs, found);
	if (err)
		fail_msg("%s", err->message);
	assert_true(found[0] && found[1] && !found[2] && found[3]);
	assert_int_equal(addrs[0], 0x1000 + NSYMS - 1);
	assert_int_equal(addrs[1], 0x1000);
	assert_int_equal(addrs[3], 0x1000 + NSYMS / 2);
	/* the refused reads were tried, and none was let through */
	assert_true(f.reads > 0);
}

static void test_last_name_unterminated(void **state)
{
	(void)state;
	static struct fake f;
	struct kmod m;
	build(&f, &m, 0);
	/* the last name's NUL is the mapping's last byte: make it a letter */
	f.mem[MAPPED - 1] = 'q';
	const char *names[] = {"absent"};
	uint64_t addr;
	bool found;
	struct kmod_reader rd = {fake_read, &f};
	struct mdf_error *err = kmod_symbols(&rd, &m, names, 1, &addr, &found);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "runs into unmapped memory"));
	mdf_error_destroy(err);
	/* and with its NUL back, every name is read */
	f.mem[MAPPED - 1] = '\0';
	err = kmod_symbols(&rd, &m, names, 1, &addr, &found);
	assert_null(err);
	assert_false(found);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_at_mapping_end),
		cmocka_unit_test(test_last_name_unterminated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
