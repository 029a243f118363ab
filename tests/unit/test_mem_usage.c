/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --mem-usage on a small synthetic ELF vmcore: 8 MiB of memory with page
 * tables, a mem_section, struct pages of each class, some non-zero kept
 * pages; the kernel facts are given directly. Also the table's exact text
 * against makedumpfile 1.7.2's (ref-mem-usage-first-kernel.txt). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem_usage.h"

#define MEM_SIZE (8u << 20)
#define NPFN 0x800
#define PO 0xffff888000000000ULL
#define START_KERNEL_MAP 0xffffffff80000000ULL
#define MEMMAP_PA 0x100000ULL

static char path[] = "/tmp/test_mem_usage_XXXXXX";

static void put64(uint8_t *m, uint64_t pa, uint64_t v) { memcpy(m + pa, &v, 8); }
static void put32(uint8_t *m, uint64_t pa, uint32_t v) { memcpy(m + pa, &v, 4); }
static void put16(uint8_t *m, uint64_t off, uint16_t v) { memcpy(m + off, &v, 2); }
static uint64_t sp(uint64_t pfn) { return MEMMAP_PA + pfn * 64; }

static void facts(struct kfacts *kf)
{
	kfacts_init(kf);
	kf->page_size = 4096;
	kf_set(kf, KF_SIZE_page, 64);
	kf_set(kf, KF_OFFSET_page_flags, 0);
	kf_set(kf, KF_OFFSET_page_compound_head, 8);
	kf_set(kf, KF_OFFSET_page_mapping, 24);
	kf_set(kf, KF_OFFSET_page_private, 40);
	kf_set(kf, KF_OFFSET_page__mapcount, 48);
	kf_set(kf, KF_OFFSET_page_compound_dtor, 16);
	kf_set(kf, KF_OFFSET_page_compound_order, 17);
	kf_set(kf, KF_LENGTH_zone_free_area, 11);
	kf_set(kf, KF_NUMBER_PG_lru, 4);
	kf_set(kf, KF_NUMBER_PG_private, 13);
	kf_set(kf, KF_NUMBER_PG_swapcache, 10);
	kf_set(kf, KF_NUMBER_PG_swapbacked, 19);
	kf_set(kf, KF_NUMBER_PG_slab, 9);
	kf_set(kf, KF_NUMBER_PG_head_mask, 1 << 16);
	kf_set(kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE, (uint64_t)-129);
	kf_set(kf, KF_SYMBOL_mem_section, PO + 0x10000);
	kf_set(kf, KF_LENGTH_mem_section, 4096);
	kf_set(kf, KF_SIZE_mem_section, 32);
	kf_set(kf, KF_OFFSET_mem_section_section_mem_map, 0);
	kf_set(kf, KF_NUMBER_SECTION_SIZE_BITS, 27);
	kf_set(kf, KF_NUMBER_MAX_PHYSMEM_BITS, 46);
	kf_set(kf, KF_NUMBER_phys_base, 0);
	kf_set(kf, KF_SYMBOL_init_top_pgt, START_KERNEL_MAP + 0x1000);
}

/* Memory: page tables (pfns 1, 2), mem_section (0x10, 0x11), struct pages
 * (0x100-0x11f), a free block of 8 at 0x300, cache, private cache and
 * anonymous pages at 0x400-0x402 (with data), data in 0x500 and 0x501.
 * So 11 pages excluded by class, 38 kept non-zero pages. */
static uint8_t *make_memory(void)
{
	uint8_t *m = calloc(1, MEM_SIZE);
	put64(m, 0x1000 + ((PO >> 39) & 511) * 8, 0x2000 | 0x63);
	put64(m, 0x2000 + ((PO >> 30) & 511) * 8, 0xe3); /* 1 GiB direct map */
	put64(m, 0x10000, PO + 0x11000);
	put64(m, 0x11000, (PO + MEMMAP_PA) | 0xf);
	for (uint64_t p = 0; p < NPFN; p++)
		put32(m, sp(p) + 48, 0xffffffffu);
	put32(m, sp(0x300) + 48, 0xffffff7fu);
	put64(m, sp(0x300) + 40, 3);
	put64(m, sp(0x400), 1 << 4);
	put64(m, sp(0x400) + 24, PO + 0x5000);
	put64(m, sp(0x401), 1 << 4 | 1 << 13);
	put64(m, sp(0x401) + 24, PO + 0x5000);
	put64(m, sp(0x402), 1 << 4 | 1 << 19);
	put64(m, sp(0x402) + 24, PO + 0x6001);
	memset(m + 0x400000, 0xaa, 3 * 4096);
	memset(m + 0x500000, 0x55, 2 * 4096);
	return m;
}

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(path);
	if (fd < 0)
		return -1;
	uint8_t hdr[4096];
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "\177ELF\2\1\1", 7);
	put16(hdr, 16, 4);
	put16(hdr, 18, 62);
	hdr[20] = 1;
	hdr[32] = 64;
	put16(hdr, 52, 64);
	put16(hdr, 54, 56);
	put16(hdr, 56, 1);
	uint8_t *ph = hdr + 64;
	put32(ph, 0, 1);
	put32(ph, 4, 7);
	put64(ph, 8, 4096);
	put64(ph, 16, PO);
	put64(ph, 24, 0);
	put64(ph, 32, MEM_SIZE);
	put64(ph, 40, MEM_SIZE);
	put64(ph, 48, 4096);
	uint8_t *m = make_memory();
	bool ok = write(fd, hdr, sizeof(hdr)) == (ssize_t)sizeof(hdr) &&
		  write(fd, m, MEM_SIZE) == (ssize_t)MEM_SIZE;
	free(m);
	close(fd);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void run(uint64_t pfn_cyclic, struct mem_usage *mu)
{
	struct input *in;
	const char *p = path;
	struct input_options io = {.use_mmap = true, .page_size = 4096};
	assert_null(input_open(&p, 1, &io, &in));
	static struct kfacts kf;
	facts(&kf);
	struct dump_source src;
	memset(&src, 0, sizeof(src));
	src.in = in;
	src.kf = &kf;
	src.page_size = 4096;
	src.max_mapnr = input_max_mapnr(in);
	src.pfn_cyclic = pfn_cyclic;
	src.dump_level = 1; /* ignored: mem-usage counts as -d 31 */
	assert_null(mem_usage_compute(&src, mu));
	input_destroy(in);
}

static void test_counts(void **state)
{
	(void)state;
	struct mem_usage mu, mu2;
	run(0, &mu);
	assert_int_equal(mu.page_size, 4096);
	assert_int_equal(mu.total_pages, NPFN);
	assert_int_equal(mu.free, 8);
	assert_int_equal(mu.cache, 1);
	assert_int_equal(mu.cache_private, 1);
	assert_int_equal(mu.user, 1);
	/* kept non-zero: 2 table pages, 2 mem_section pages, 32 of struct
	 * pages, 2 data pages */
	assert_int_equal(mu.kern_data, 38);
	assert_int_equal(mu.zero, NPFN - 11 - 38);
	run(0x100, &mu2); /* several cycles: the same counts */
	assert_memory_equal(&mu, &mu2, sizeof(mu));
}

static void test_format(void **state)
{
	(void)state;
	/* the numbers of ref-mem-usage-first-kernel.txt */
	struct mem_usage mu = { 4096, 103336, 5859, 10972, 5180, 9328, 42561, 29436 };
	static const char expect[] =
		"\n"
		"TYPE\t\tPAGES\t\t\tEXCLUDABLE\tDESCRIPTION\n"
		"----------------------------------------------------------------------\n"
		"ZERO\t\t5859            \tyes\t\tPages filled with zero\n"
		"NON_PRI_CACHE\t10972           \tyes\t\tCache pages without private flag\n"
		"PRI_CACHE\t5180            \tyes\t\tCache pages with private flag\n"
		"USER\t\t9328            \tyes\t\tUser process pages\n"
		"FREE\t\t42561           \tyes\t\tFree pages\n"
		"KERN_DATA\t29436           \tno\t\tDumpable kernel data \n"
		"\n"
		"page size:\t\t4096            \n"
		"Total pages on system:\t103336          \n"
		"Total size on system:\t423264256        Byte\n"
		"\n";
	char *t = mem_usage_format(&mu);
	assert_non_null(t);
	assert_string_equal(t, expect);
	/* and the reference file itself, after its two warning lines */
	FILE *f = fopen("/work/shared/vmcores/ref-mem-usage-first-kernel.txt", "r");
	if (f) {
		char buf[2048];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		const char *p = strstr(buf, "incomplete.\n");
		assert_non_null(p);
		assert_string_equal(p + strlen("incomplete.\n"), t);
	}
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_format),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
