/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64 page-table walks on an in-memory fake physical memory
 * (REFERENCE.md 7.1), and kmem reads through them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kmem.h"

#define MEM_SIZE (8u << 20)
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define PO 0xffff888000000000ULL /* direct map base used here */
#define TE 0x63ULL               /* present | rw | accessed | dirty */
#define PSE 0x80ULL

struct fake {
	uint8_t *mem;
	unsigned int reads;
};

static struct mdf_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct fake *f = arg;
	f->reads++;
	if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
		return mdf_error_at(mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx",
						     (unsigned long long)pa),
				    pa);
	memcpy(buf, f->mem + pa, len);
	return NULL;
}

static void set_entry(struct fake *f, uint64_t table, unsigned int idx, uint64_t v)
{
	memcpy(f->mem + table + idx * 8, &v, 8);
}

static unsigned int ix(uint64_t va, unsigned int shift)
{
	return (va >> shift) & 511;
}

struct ctx {
	struct fake f;
	struct kfacts kf;
	struct kmem *km;
};

/* 4-level tables: PGD 0x1000. Direct map: PUD 0x2000 -> PMD 0x3000 -> PTE
 * 0x4000 (4 KiB pages) for PO + [0, 2 MiB), a 2 MiB leaf for PO + 2 MiB,
 * and a 1 GiB leaf at PO + 1 GiB. */
static void build4(struct ctx *c, uint64_t extra_bits)
{
	struct fake *f = &c->f;
	uint64_t pgd = 0x1000;
	set_entry(f, pgd, ix(PO, 39), 0x2000 | TE);
	set_entry(f, 0x2000, ix(PO, 30), 0x3000 | TE);
	set_entry(f, 0x3000, 0, 0x4000 | TE);
	for (unsigned int i = 0; i < 512; i++)
		set_entry(f, 0x4000, i, ((uint64_t)(511 - i) << 12) | TE | extra_bits);
	set_entry(f, 0x3000, 1, 0x600000 | TE | PSE | extra_bits | 0x1000 /* PAT bit */);
	set_entry(f, 0x2000, 1, 0x40000000ULL | TE | PSE);
}

static void make_kmem(struct ctx *c, uint64_t root_pa)
{
	kf_set(&c->kf, KF_NUMBER_phys_base, 0);
	kf_set(&c->kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + root_pa);
	struct arch_phys phys = { fake_read, &c->f };
	assert_null(kmem_create_phys(62 /* EM_X86_64 */, 4096, NULL, 0, &phys, &c->kf, NULL, &c->km));
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->f.mem = calloc(1, MEM_SIZE);
	kfacts_init(&c->kf);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	kmem_destroy(c->km);
	free(c->f.mem);
	free(c);
	return 0;
}

static uint64_t vtop_ok(struct ctx *c, uint64_t va)
{
	uint64_t pa = 0;
	struct mdf_error *err = kmem_vtop(c->km, va, &pa);
	if (err)
		fail_msg("%s", err->message);
	return pa;
}

static void test_4level(void **state)
{
	struct ctx *c = *state;
	build4(c, 1ULL << 63 /* NX must be masked */);
	make_kmem(c, 0x1000);
	assert_int_equal(kmem_arch_state(c->km)->levels, 4);
	assert_int_equal(vtop_ok(c, PO + 0x5123), (511ULL - 5) << 12 | 0x123);
	assert_int_equal(vtop_ok(c, PO + 0x200000 + 0x12345), 0x600000 + 0x12345);
	assert_int_equal(vtop_ok(c, PO + 0x40000000ULL + 0x2345678), 0x40000000ULL + 0x2345678);

	struct arch_vtop_trace t;
	assert_null(kmem_vtop_trace(c->km, PO + 0x5123, &t));
	assert_int_equal(t.nr_steps, 4);
	assert_string_equal(t.step[0].name, "PGD");
	assert_int_equal(t.step[0].entry_paddr, 0x1000 + ix(PO, 39) * 8);
	assert_int_equal(t.step[0].entry, 0x2000 | TE);
	assert_string_equal(t.step[3].name, "PTE");
	assert_int_equal(t.leaf_size, 4096);
	assert_null(kmem_vtop_trace(c->km, PO + 0x40000000ULL, &t));
	assert_int_equal(t.nr_steps, 2);
	assert_int_equal(t.leaf_size, 1ULL << 30);
}

static void test_5level(void **state)
{
	struct ctx *c = *state;
	uint64_t va = 0xff11000000000000ULL + 0x200000 + 0x777;
	/* PGD 0x1000 -> P4D 0x2000 -> PUD 0x3000 -> PMD 0x4000 (2 MiB leaf) */
	set_entry(&c->f, 0x1000, ix(va, 48), 0x2000 | TE);
	set_entry(&c->f, 0x2000, ix(va, 39), 0x3000 | TE);
	set_entry(&c->f, 0x3000, ix(va, 30), 0x4000 | TE);
	set_entry(&c->f, 0x4000, ix(va, 21), 0x400000 | TE | PSE);
	kf_set(&c->kf, KF_NUMBER_pgtable_l5_enabled, 1);
	make_kmem(c, 0x1000);
	assert_int_equal(kmem_arch_state(c->km)->levels, 5);
	assert_int_equal(vtop_ok(c, va), 0x400777);
	struct arch_vtop_trace t;
	assert_null(kmem_vtop_trace(c->km, va, &t));
	assert_int_equal(t.nr_steps, 4);
	assert_string_equal(t.step[1].name, "P4D");
	assert_true(kmem_is_kernel_va(c->km, 0xff11000000000000ULL));
	assert_false(kmem_is_kernel_va(c->km, 0x00007fff00000000ULL));
}

static void test_sme_mask(void **state)
{
	struct ctx *c = *state;
	uint64_t sme = 1ULL << 47;
	build4(c, sme);
	kf_set(&c->kf, KF_NUMBER_sme_mask, sme);
	make_kmem(c, 0x1000);
	assert_int_equal(vtop_ok(c, PO + 0x200000), 0x600000);
}

static void test_not_present(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	make_kmem(c, 0x1000);
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(c->km, PO + 0x80000000ULL + 0x1000, &pa);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	assert_true(err->has_offset);
	assert_int_equal(err->offset, PO + 0x80000000ULL + 0x1000);
	mdf_error_destroy(err);
	err = kmem_vtop(c->km, 0xffffc90000000000ULL, &pa);
	assert_non_null(err);
	mdf_error_destroy(err);
}

static void test_hole_pointer(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	set_entry(&c->f, 0x3000, 2, 0x7000000000ULL | TE); /* PMD -> table in a hole */
	make_kmem(c, 0x1000);
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(c->km, PO + 0x400000, &pa);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NODATA);
	assert_non_null(strstr(err->message, "PTE"));
	mdf_error_destroy(err);
}

static void test_loop(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	set_entry(&c->f, 0x1000, 5, 0x1000 | TE); /* PGD entry -> PGD itself */
	set_entry(&c->f, 0x2000, 7, 0x2000 | TE); /* PUD entry -> same PUD */
	make_kmem(c, 0x1000);
	unsigned int before = c->f.reads;
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(c->km, 5ULL << 39 | 5ULL << 30, &pa);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	mdf_error_destroy(err);
	err = kmem_vtop(c->km, PO + (7ULL << 30), &pa);
	assert_non_null(err);
	mdf_error_destroy(err);
	assert_true(c->f.reads - before <= 8);
}

static void test_kmem_read_cross(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	make_kmem(c, 0x1000);
	/* PO + 0xff8 is pa 0x1ffff8 (PTE 0 -> page 511), PO + 0x1000 is pa 0x1fe000 */
	uint64_t a = 0x1122334455667788ULL, b = 0x99aabbccddeeff00ULL;
	memcpy(c->f.mem + 0x1ffff8, &a, 8);
	memcpy(c->f.mem + 0x1fe000, &b, 8);
	uint8_t buf[16];
	assert_null(kmem_read(c->km, PO + 0xff8, buf, 16));
	assert_memory_equal(buf, &a, 8);
	assert_memory_equal(buf + 8, &b, 8);
	uint64_t v;
	assert_null(kmem_read_u64(c->km, PO + 0x1000, &v));
	assert_int_equal(v, b);
	uint32_t w;
	assert_null(kmem_read_u32(c->km, PO + 0xffc, &w));
	assert_int_equal(w, 0x11223344u);
	/* the cache answers the second read of a 2 MiB leaf without walking */
	uint64_t x;
	assert_null(kmem_read_u64(c->km, PO + 0x200000, &x));
	unsigned int before = c->f.reads;
	assert_null(kmem_read_u64(c->km, PO + 0x300000, &x));
	assert_int_equal(c->f.reads - before, 1);
	/* reading into a not-present area fails with the address */
	struct mdf_error *err = kmem_read(c->km, PO + 0x80000000ULL - 8, buf, 16);
	assert_non_null(err);
	mdf_error_destroy(err);
}

/* phys_base from the kernel-text PT_LOAD, page_offset from the direct-map
 * PT_LOAD (REFERENCE.md 7.1). */
static void test_init_from_loads(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	struct vmcore_load loads[2] = {
		{ .paddr = 0x600000, .vaddr = 0xffffffff9a000000ULL, .memsz = 0x200000 },
		{ .paddr = 0x1000, .vaddr = PO + 0x1000, .memsz = 0x9f000 },
	};
	uint64_t phys_base = 0x600000 - (0xffffffff9a000000ULL - START_KERNEL_MAP);
	kf_set(&c->kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000 - phys_base);
	struct arch_phys phys = { fake_read, &c->f };
	assert_null(kmem_create_phys(62, 4096, loads, 2, &phys, &c->kf, NULL, &c->km));
	const struct arch_state *st = kmem_arch_state(c->km);
	assert_int_equal(st->phys_base, phys_base);
	assert_int_equal(st->root, 0x1000);
	assert_int_equal(st->page_offset, PO);
	assert_string_equal(st->page_offset_source, "pt_load");
}

/* Without PT_LOADs the direct-map base comes from translating mem_section. */
static void test_page_offset_by_walk(void **state)
{
	struct ctx *c = *state;
	build4(c, 0);
	kf_set(&c->kf, KF_SYMBOL_mem_section, PO + 0x200000 + 0x1230);
	set_entry(&c->f, 0x3000, 1, 0x200000 | TE | PSE);
	make_kmem(c, 0x1000);
	assert_int_equal(kmem_arch_state(c->km)->page_offset, PO);
	assert_true(kmem_arch_state(c->km)->have_page_offset);
}

static void test_no_root(void **state)
{
	struct ctx *c = *state;
	struct arch_phys phys = { fake_read, &c->f };
	struct mdf_error *err = kmem_create_phys(62, 4096, NULL, 0, &phys, &c->kf, NULL, &c->km);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "init_top_pgt"));
	mdf_error_destroy(err);
	err = kmem_create_phys(22 /* EM_S390, no arch/ file yet */, 4096, NULL, 0, &phys, &c->kf,
			       NULL, &c->km);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOTSUPP);
	mdf_error_destroy(err);
	c->km = NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_4level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_5level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sme_mask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_present, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hole_pointer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmem_read_cross, setup, teardown),
		cmocka_unit_test_setup_teardown(test_init_from_loads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_page_offset_by_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_root, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
