/* SPDX-License-Identifier: GPL-2.0-or-later */
/* arm64 page-table walks on an in-memory fake physical memory (REFERENCE.md
 * 7.2): 4K/48 4 levels with 1 GiB and 2 MiB blocks, 64K/52 with 52-bit PAs
 * (FEAT_LPA), 4K/52 5 levels with FEAT_LPA2, 16K/47, a 52-bit kernel on
 * 48-bit hardware, tagged pointers, user addresses, invalid descriptors and
 * loops; the layout facts (PAGE_OFFSET before and after 5.4, ranges); and
 * the machine of a dump header that does not name it, from VMCOREINFO. */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kmem.h"

#define MEM_SIZE (1u << 20)
#define KIMAGE 0xffff800008000000ULL /* swapper_pg_dir's VA maps pa 0x10000 */
#define TBL 0x3ULL
#define BLK (0x1ULL | 1ULL << 10 | 3ULL << 8)   /* block, AF, inner shareable */
#define PG (0x3ULL | 1ULL << 10 | 3ULL << 8 | 1ULL << 51 | 3ULL << 53)

struct ctx {
	uint8_t *mem;
	struct kfacts kf;
	struct kmem *km;
};

static struct mdf_error *fake_read(void *arg, uint64_t pa, void *buf, size_t len)
{
	struct ctx *c = arg;
	if (pa >= MEM_SIZE || len > MEM_SIZE - pa)
		return mdf_error_create(MDF_ERR_NODATA, "no memory at 0x%llx", (unsigned long long)pa);
	memcpy(buf, c->mem + pa, len);
	return NULL;
}

static void put(struct ctx *c, uint64_t pa, uint64_t v)
{
	memcpy(c->mem + pa, &v, 8);
}

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	c->mem = calloc(1, MEM_SIZE);
	kfacts_init(&c->kf);
	kf_set(&c->kf, KF_SYMBOL_swapper_pg_dir, KIMAGE + 0x10000);
	kf_set(&c->kf, KF_NUMBER_kimage_voffset, KIMAGE);
	kf_set(&c->kf, KF_SYMBOL__stext, KIMAGE + 0x10000);
	kf_set(&c->kf, KF_NUMBER_PHYS_OFFSET, 0x40000000);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	kmem_destroy(c->km);
	free(c->mem);
	free(c);
	return 0;
}

static void mk(struct ctx *c, uint64_t page_size, int va_bits, int t1sz, int mpb)
{
	kf_set(&c->kf, KF_NUMBER_VA_BITS, (uint64_t)va_bits);
	if (t1sz)
		kf_set(&c->kf, KF_NUMBER_TCR_EL1_T1SZ, (uint64_t)t1sz);
	kf_set(&c->kf, KF_NUMBER_MAX_PHYSMEM_BITS, (uint64_t)mpb);
	struct arch_phys phys = { fake_read, c };
	assert_null(kmem_create_phys(183 /* EM_AARCH64 */, page_size, NULL, 0, &phys, &c->kf, NULL,
				     &c->km));
}

static uint64_t vtop(struct ctx *c, uint64_t va, unsigned int *steps)
{
	struct arch_vtop_trace t;
	struct mdf_error *err = kmem_vtop_trace(c->km, va, &t);
	if (err) {
		print_message("%s\n", err->message);
		mdf_error_destroy(err);
		fail();
	}
	if (steps)
		*steps = t.nr_steps;
	return t.paddr;
}

static enum mdf_err_code vtop_err(struct ctx *c, uint64_t va)
{
	uint64_t pa;
	struct mdf_error *err = kmem_vtop(c->km, va, &pa);
	assert_non_null(err);
	enum mdf_err_code code = err->code;
	mdf_error_destroy(err);
	return code;
}

/* 4K/48: PGD 0x10000 -> PUD 0x11000: 1 GiB block; -> PMD 0x12000: 2 MiB
 * block and a PTE table 0x13000. */
static void test_4k48_blocks(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 39) & 511), 0x11000 | TBL);
	put(c, 0x11000 + 0 * 8, 0x40000000ULL | BLK | 1ULL << 54);
	put(c, 0x11000 + 1 * 8, 0x12000 | TBL | 1ULL << 59);
	put(c, 0x12000 + 0 * 8, 0x80000000ULL | BLK);
	put(c, 0x12000 + 1 * 8, 0x13000 | TBL);
	put(c, 0x13000 + 5 * 8, 0x7654000ULL | PG);
	mk(c, 4096, 48, 16, 48);
	const struct arch_state *st = kmem_arch_state(c->km);
	assert_int_equal(st->levels, 4);
	assert_int_equal(st->page_offset, 0xffff000000000000ULL);
	assert_int_equal(st->phys_base, 0x40000000);
	unsigned int n;
	assert_int_equal(vtop(c, lin + 0x123456, &n), 0x40123456ULL);
	assert_int_equal(n, 2);
	assert_int_equal(vtop(c, lin + (1ULL << 30) + 0x1234, &n), 0x80001234ULL);
	assert_int_equal(n, 3);
	assert_int_equal(vtop(c, lin + (1ULL << 30) + (1ULL << 21) + 5 * 4096 + 0x10, &n),
			 0x7654010ULL);
	assert_int_equal(n, 4);
	/* a tagged or PAC-signed pointer: bits above 48 are not address */
	assert_int_equal(vtop(c, (lin + 0x10) ^ (0x5aULL << 48), NULL), 0x40000010ULL);
	/* a user address (TTBR0) and an unmapped one */
	assert_int_equal(vtop_err(c, 0x0000ffff12345000ULL), MDF_ERR_NODATA);
	assert_int_equal(vtop_err(c, lin + (2ULL << 30)), MDF_ERR_NODATA);
}

/* A block at the top level or a "block" at the last level is invalid. */
static void test_invalid_descriptors(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 39) & 511), 0x40000000ULL | BLK);
	uint64_t va2 = 0xffff008000000000ULL;
	put(c, 0x10000 + 8 * ((va2 >> 39) & 511), 0x11000 | TBL);
	put(c, 0x11000, 0x12000 | TBL);
	put(c, 0x12000, 0x13000 | TBL);
	put(c, 0x13000, 0x5000 | BLK); /* type 01 at the last level */
	mk(c, 4096, 48, 16, 48);
	assert_int_equal(vtop_err(c, lin), MDF_ERR_NODATA);
	assert_int_equal(vtop_err(c, va2), MDF_ERR_NODATA);
}

/* 64K pages, 52-bit VAs and PAs: 3 levels (shifts 42, 29, 16), a 1024-entry
 * top table; PA bits 51:48 in entry bits 15:12. */
static void test_64k52_lpa(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xfff0000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 42) & 1023), 0x20000 | TBL);
	put(c, 0x20000 + 8 * 0, 0x30000 | TBL);
	/* page at PA 0xa_bcde_f123_0000: bits 51:48 = 0xa -> entry bits 15:12 */
	put(c, 0x30000 + 8 * 3, 0x0000bcdef1230000ULL | 0xa000 | PG);
	/* a 512 MiB block at 2^48 + 1.5 GiB */
	put(c, 0x20000 + 8 * 1, 0x60000000ULL | 0x1000 | BLK);
	mk(c, 65536, 52, 12, 52);
	assert_int_equal(kmem_arch_state(c->km)->levels, 3);
	assert_int_equal(kmem_arch_state(c->km)->page_offset, lin);
	unsigned int n;
	assert_int_equal(vtop(c, lin + 3 * 65536 + 0x42, &n), 0xabcdef1230042ULL);
	assert_int_equal(n, 3);
	assert_int_equal(vtop(c, lin + (1ULL << 29) + 0x77, &n), (1ULL << 48) + 0x60000077ULL);
	assert_int_equal(n, 2);
}

/* The same kernel on 48-bit hardware (TCR_EL1_T1SZ 16): the 52-bit tables
 * are indexed with sign-extended 48-bit addresses. */
static void test_64k52_on_48(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 42) & 1023), 0x20000 | TBL);
	put(c, 0x20000, 0x40000000ULL | BLK);
	mk(c, 65536, 52, 16, 52);
	assert_int_equal(kmem_arch_state(c->km)->page_offset, lin);
	assert_int_equal(vtop(c, lin + 0x1234, NULL), 0x40001234ULL);
}

/* 4K pages, 52-bit VAs with LPA2: 5 levels (shifts 48, 39, 30, 21, 12);
 * PA bits 51:50 in entry bits 9:8, bits 49:12 in place. */
static void test_4k52_lpa2(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xfff0000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 48) & 15), 0x11000 | TBL);
	put(c, 0x11000, 0x12000 | TBL);
	put(c, 0x12000, 0x13000 | TBL);
	put(c, 0x13000, 0x14000 | TBL);
	/* PA 0xe_0003_1234_5000: bits 51:50 = 3 -> 9:8, bit 49 set in place */
	put(c, 0x14000 + 8 * 7, 0x0002000312345000ULL | 0x300 | 0x3 | 1ULL << 10);
	put(c, 0x13000 + 8 * 1, 0x0000000080000000ULL | 0x100 | 0x1 | 1ULL << 10);
	mk(c, 4096, 52, 12, 52);
	unsigned int n;
	assert_int_equal(kmem_arch_state(c->km)->levels, 5);
	assert_int_equal(vtop(c, lin + 7 * 4096 + 9, &n), 0xe000312345009ULL);
	assert_int_equal(n, 5);
	/* 2 MiB block with PA bit 50 */
	assert_int_equal(vtop(c, lin + (1ULL << 21) + 5, &n), (1ULL << 50) + 0x80000005ULL);
	assert_int_equal(n, 4);
}

/* 4K pages, VA_BITS 52 on 48-bit hardware: the top level is folded, the
 * walk starts at swapper_pg_dir with 4 levels; bits 9:8 are SH, not PA. */
static void test_4k52_on_48(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 39) & 511), 0x11000 | TBL);
	put(c, 0x11000, 0x40000000ULL | BLK);
	mk(c, 4096, 52, 16, 52);
	assert_int_equal(kmem_arch_state(c->km)->levels, 4);
	assert_int_equal(vtop(c, lin + 0x55, NULL), 0x40000055ULL);
}

/* 16K/47: 3 levels (shifts 36, 25, 14), 2048-entry top, 32 MiB blocks. */
static void test_16k47(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff800000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 36) & 2047), 0x14000 | TBL);
	put(c, 0x14000 + 8 * 1, 0x42000000ULL | BLK);
	put(c, 0x14000 + 8 * 2, 0x18000 | TBL);
	put(c, 0x18000 + 8 * 3, 0x1234000ULL | PG);
	kf_set(&c->kf, KF_SYMBOL_swapper_pg_dir, 0xffffc00008000000ULL + 0x10000);
	kf_set(&c->kf, KF_NUMBER_kimage_voffset, 0xffffc00008000000ULL);
	kf_set(&c->kf, KF_SYMBOL__stext, 0xffffc00008010000ULL);
	mk(c, 16384, 47, 17, 48);
	unsigned int n;
	assert_int_equal(kmem_arch_state(c->km)->levels, 3);
	assert_int_equal(vtop(c, lin + (1ULL << 25) + 0x3333, &n), 0x42003333ULL);
	assert_int_equal(n, 2);
	assert_int_equal(vtop(c, lin + (2ULL << 25) + 3 * 16384 + 1, &n), 0x1234001ULL);
	assert_int_equal(n, 3);
}

/* Before 5.4 the linear map is the upper half: PAGE_OFFSET -2^(VA_BITS-1). */
static void test_pre54_layout(void **state)
{
	struct ctx *c = *state;
	kf_set(&c->kf, KF_SYMBOL_swapper_pg_dir, 0xffffff8008000000ULL + 0x10000);
	kf_set(&c->kf, KF_NUMBER_kimage_voffset, 0xffffff8008000000ULL);
	kf_set(&c->kf, KF_SYMBOL__stext, 0xffffff8008010000ULL);
	uint64_t lin = 0xffffffc000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 30) & 511), 0x11000 | TBL);
	put(c, 0x11000, 0x40000000ULL | BLK);
	mk(c, 4096, 39, 0, 48);
	const struct arch_state *st = kmem_arch_state(c->km);
	assert_int_equal(st->levels, 3);
	assert_int_equal(st->page_offset, lin);
	assert_true(st->range[ARCH_RANGE_DIRECT_MAP].known);
	assert_int_equal(vtop(c, lin + 0x1000, NULL), 0x40001000ULL);
}

/* A table that points back at one on the path is a loop, not a hang. */
static void test_loop(void **state)
{
	struct ctx *c = *state;
	uint64_t lin = 0xffff000000000000ULL;
	put(c, 0x10000 + 8 * ((lin >> 39) & 511), 0x11000 | TBL);
	put(c, 0x11000, 0x10000 | TBL);
	mk(c, 4096, 48, 16, 48);
	assert_int_equal(vtop_err(c, lin), MDF_ERR_CORRUPT);
}

/* Ranges from the exported NUMBERs; the header's phys_base is PHYS_OFFSET. */
static void test_ranges(void **state)
{
	struct ctx *c = *state;
	kf_set(&c->kf, KF_NUMBER_VMALLOC_START, 0xffff800008000000ULL);
	kf_set(&c->kf, KF_NUMBER_VMALLOC_END, 0xfffffbfff0000000ULL);
	kf_set(&c->kf, KF_NUMBER_VMEMMAP_START, 0xfffffc0000000000ULL);
	kf_set(&c->kf, KF_NUMBER_VMEMMAP_END, 0xfffffe0000000000ULL);
	kf_set(&c->kf, KF_NUMBER_MODULES_VADDR, 0xffff800000000000ULL);
	kf_set(&c->kf, KF_NUMBER_MODULES_END, 0xffff800008000000ULL);
	mk(c, 4096, 48, 16, 48);
	const struct arch_state *st = kmem_arch_state(c->km);
	assert_true(st->range[ARCH_RANGE_VMEMMAP].exact);
	assert_int_equal(st->range[ARCH_RANGE_VMEMMAP].start, 0xfffffc0000000000ULL);
	assert_int_equal(st->range[ARCH_RANGE_MODULES].end, 0xffff800008000000ULL);
	assert_int_equal(st->range[ARCH_RANGE_DIRECT_MAP].end, 0xffff800000000000ULL);
	assert_true(kmem_is_kernel_va(c->km, 0xffff000000000000ULL));
	assert_false(kmem_is_kernel_va(c->km, 0xfffeffffffffffffULL));
	assert_int_equal(arch_find(arch_machine_from_utsname("aarch64")), kmem_arch(c->km));
	assert_int_equal(arch_find(arch_machine_from_utsname("arm64")), kmem_arch(c->km));
	assert_string_equal(kmem_arch(c->km)->uts_machine, "aarch64");
	assert_null(arch_find(arch_machine_from_utsname("s390x")));
}

/* The machine of a dump whose header does not name it (QEMU 11.1's
 * "Unknown"): from VMCOREINFO entries only one architecture writes. */
static void test_machine_from_vmcoreinfo(void **state)
{
	(void)state;
	static const char arm[] = "OSRELEASE=6.1.0\nNUMBER(VA_BITS)=48\nNUMBER(kimage_voffset)=0x1\n";
	static const char x86[] = "SYMBOL(swapper_pg_dir)=1\nSYMBOL(init_top_pgt)=ffffffff82a10000";
	static const char old[] = "SYMBOL(init_level4_pgt)=ffffffff81e0a000\n";
	static const char both[] = "SYMBOL(init_top_pgt)=1\nNUMBER(kimage_voffset)=2\n";
	static const char none[] = "SYMBOL(swapper_pg_dir)=1\nNUMBER(VA_BITS)=39\n"
				   "XSYMBOL(init_top_pgt)=1\n";
	assert_int_equal(arch_machine_from_vmcoreinfo(arm, sizeof(arm) - 1), EM_AARCH64);
	assert_int_equal(arch_machine_from_vmcoreinfo(x86, sizeof(x86) - 1), EM_X86_64);
	assert_int_equal(arch_machine_from_vmcoreinfo(old, sizeof(old) - 1), EM_X86_64);
	assert_int_equal(arch_machine_from_vmcoreinfo(both, sizeof(both) - 1), 0);
	assert_int_equal(arch_machine_from_vmcoreinfo(none, sizeof(none) - 1), 0);
	assert_int_equal(arch_machine_from_vmcoreinfo(NULL, 0), 0);
	/* LEN bounds the scan: the key cut short is not found */
	assert_int_equal(arch_machine_from_vmcoreinfo(x86, sizeof(x86) - 30), 0);
	struct kfacts kf;
	kfacts_init(&kf);
	assert_int_equal(arch_machine_from_facts(&kf), 0);
	kf_set(&kf, KF_NUMBER_kimage_voffset, 1);
	assert_int_equal(arch_machine_from_facts(&kf), EM_AARCH64);
	kf_set(&kf, KF_SYMBOL_init_top_pgt, 1);
	assert_int_equal(arch_machine_from_facts(&kf), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_4k48_blocks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_invalid_descriptors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_64k52_lpa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_64k52_on_48, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k52_lpa2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4k52_on_48, setup, teardown),
		cmocka_unit_test_setup_teardown(test_16k47, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pre54_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranges, setup, teardown),
		cmocka_unit_test(test_machine_from_vmcoreinfo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
