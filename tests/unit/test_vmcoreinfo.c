/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for vmcoreinfo.c: real kernels' line formats (REFERENCE.md
 * 5.2, 5.4), unknown keys, and each malformed case with its line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vmcoreinfo.h"

/* Lines as Debian 6.1 / 6.12 kernels emit them (REFERENCE.md 5.4). */
static const char real_text[] =
	"OSRELEASE=6.1.0-56-amd64\n"
	"BUILD-ID=0123456789abcdef0123456789abcdef01234567\n"
	"PAGESIZE=4096\n"
	"SYMBOL(init_uts_ns)=ffffffff9b816160\n"
	"OFFSET(uts_namespace.name)=0\n"
	"SYMBOL(mem_section)=0xffff8d21de7f1000\n"
	"LENGTH(mem_section)=4096\n"
	"SIZE(page)=64\n"
	"OFFSET(page._refcount)=52\n"
	"LENGTH(zone.free_area)=11\n"
	"LENGTH(node_data)=9223372036854775806\n"
	"NUMBER(PG_lru)=4\n"
	"NUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-129\n"
	"NUMBER(PAGE_SLAB_MAPCOUNT_VALUE)=-184549376\n"
	"NUMBER(VMALLOC_START)=0xffffc90000000000\n"
	"NUMBER(phys_base)=41943040\n"
	"SYMBOL(some_future_symbol)=ffffffff81000000\n"
	"NUMBER(SOME_FUTURE_NUMBER)=whatever\n"
	"FUTURE-KEY=x\n"
	"CONFIG_X86_PAE=y\n"
	"KERNELOFFSET=19000000\n"
	"CRASHTIME=1700000000\n";

static void test_real_lines(void **state)
{
	(void)state;
	struct kfacts kf;
	kfacts_init(&kf);
	/* Note descriptors carry NUL padding: pass it along. */
	char buf[sizeof(real_text) + 3];
	memcpy(buf, real_text, sizeof(real_text));
	memset(buf + sizeof(real_text), 0, 3);
	assert_null(vmcoreinfo_parse(buf, sizeof(buf), "note", &kf));
	assert_string_equal(kf.osrelease, "6.1.0-56-amd64");
	assert_string_equal(kf.build_id, "0123456789abcdef0123456789abcdef01234567");
	assert_int_equal(kf.page_size, 4096);
	assert_true(kf.have_kerneloffset);
	assert_int_equal(kf.kerneloffset, 0x19000000);
	assert_true(kf.have_crashtime);
	assert_int_equal(kf.crashtime, 1700000000);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_init_uts_ns), 0xffffffff9b816160ull);
	assert_int_equal(kf_get(&kf, KF_SYMBOL_mem_section), 0xffff8d21de7f1000ull);
	assert_true(kf_have(&kf, KF_OFFSET_uts_namespace_name));
	assert_int_equal(kf_get(&kf, KF_OFFSET_uts_namespace_name), 0);
	assert_int_equal(kf_get(&kf, KF_LENGTH_mem_section), 4096);
	assert_int_equal(kf_get(&kf, KF_SIZE_page), 64);
	assert_int_equal(kf_get(&kf, KF_OFFSET_page__refcount), 52);
	assert_int_equal(kf_get(&kf, KF_LENGTH_zone_free_area), 11);
	assert_int_equal(kf_get(&kf, KF_LENGTH_node_data), 9223372036854775806ull);
	assert_int_equal(kf_get_signed(&kf, KF_NUMBER_PG_lru), 4);
	assert_true(kf_get_signed(&kf, KF_NUMBER_PAGE_BUDDY_MAPCOUNT_VALUE) == -129);
	assert_true(kf_get_signed(&kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE) == -184549376);
	assert_int_equal(kf_get(&kf, KF_NUMBER_VMALLOC_START), 0xffffc90000000000ull);
	assert_int_equal(kf_get(&kf, KF_NUMBER_phys_base), 41943040);
	assert_false(kf_have(&kf, KF_NUMBER_PG_slab));
}

static void test_blank_and_crlf(void **state)
{
	(void)state;
	struct kfacts kf;
	kfacts_init(&kf);
	const char t[] = "\nPAGESIZE=16384\r\n\n  \nSIZE(page)=64  \nOSRELEASE=x";
	assert_null(vmcoreinfo_parse(t, sizeof(t) - 1, "f", &kf));
	assert_int_equal(kf.page_size, 16384);
	assert_int_equal(kf_get(&kf, KF_SIZE_page), 64);
	assert_string_equal(kf.osrelease, "x"); /* no final newline */
	kfacts_init(&kf);
	assert_null(vmcoreinfo_parse("", 0, "f", &kf));
	assert_false(kf_have(&kf, KF_SIZE_page));
}

/* Parses "SIZE(page)=64\n<line>\n" and expects a CORRUPT error on line 2
 * whose message contains needle. */
static void expect_bad(const char *line, size_t len, const char *needle)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "SIZE(page)=64\n");
	memcpy(buf + n, line, len);
	buf[n + len] = '\n';
	struct kfacts kf;
	kfacts_init(&kf);
	struct mdf_error *err = vmcoreinfo_parse(buf, (size_t)n + len + 1, "src.txt", &kf);
	if (!err)
		fail_msg("'%.*s' was accepted", (int)len, line);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	if (!strstr(err->message, "src.txt: line 2:") || !strstr(err->message, needle))
		fail_msg("message '%s' lacks line 2 or '%s'", err->message, needle);
	mdf_error_destroy(err);
}

#define BAD(lit, needle) expect_bad(lit, sizeof(lit) - 1, needle)

static void test_garbage(void **state)
{
	(void)state;
	BAD("no equals sign here", "not KEY=VALUE");
	BAD("SYMBOL(_stext)=0", "SYMBOL(_stext)");
	BAD("SYMBOL(_stext)=ffffffffffffffff", "impossible address");
	BAD("SYMBOL(_stext)=ffffffff8100000g", "malformed hex");
	BAD("SYMBOL(_stext)=", "malformed hex");
	BAD("SYMBOL(_stext)=1ffffffffffffffff", "malformed hex"); /* > 64 bits */
	BAD("SIZE(page)=64k", "SIZE(page)");
	BAD("SIZE(page)=-64", "malformed unsigned");
	BAD("OFFSET(page.flags)=0x10", "malformed unsigned");
	BAD("LENGTH(mem_section)=99999999999999999999", "malformed unsigned");
	BAD("NUMBER(PG_lru)=4 5", "NUMBER(PG_lru)");
	BAD("NUMBER(PG_lru)=--4", "malformed number");
	BAD("NUMBER(PG_lru)=9223372036854775808", "malformed number");
	BAD("NUMBER(VMALLOC_START)=0x", "malformed number");
	BAD("PAGESIZE=4095", "PAGESIZE");
	BAD("PAGESIZE=512", "PAGESIZE");
	BAD("PAGESIZE=2097152", "PAGESIZE");
	BAD("KERNELOFFSET=zz", "KERNELOFFSET");
	BAD("CRASHTIME=17e9", "CRASHTIME");
	BAD("OSRELEASE=", "OSRELEASE");
	BAD("OSRELEASE=12345678901234567890123456789012345678901234567890123456789012345", "too long");
	BAD("OSRELEASE=6.1\x01", "non-text byte 0x01");
	BAD("OSRELEASE=6.1\xff", "non-text byte 0xff");
	BAD("FUTURE=\x80", "non-text byte 0x80");
	/* A NUL followed by more text is not padding. */
	BAD("\0PAGESIZE=4096", "non-text byte 0x00");
	/* Edge values that are fine. */
	struct kfacts kf;
	kfacts_init(&kf);
	const char ok[] = "NUMBER(PG_lru)=-9223372036854775808\nNUMBER(phys_base)=0x7fffffffffffffff\n"
			  "SYMBOL(_stext)=0xFFFFFFFF81000000\nOSRELEASE=1234567890123456789012345678901234567890"
			  "123456789012345678901234\n";
	assert_null(vmcoreinfo_parse(ok, sizeof(ok) - 1, "ok", &kf));
	assert_int_equal(kf_get(&kf, KF_NUMBER_PG_lru), 0x8000000000000000ull);
	assert_int_equal(kf_get(&kf, KF_SYMBOL__stext), 0xffffffff81000000ull);
	assert_int_equal(strlen(kf.osrelease), 64);
}

static void test_read_file(void **state)
{
	(void)state;
	char path[] = "/tmp/test_vmcoreinfo.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char t[] = "OSRELEASE=6.12.0\nSIZE(page)=64\nSIZE(zone)=oops\n";
	assert_int_equal(write(fd, t, sizeof(t) - 1), (ssize_t)(sizeof(t) - 1));
	close(fd);
	struct kfacts kf;
	kfacts_init(&kf);
	struct mdf_error *err = vmcoreinfo_read_file(path, &kf);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_CORRUPT);
	char want[64];
	snprintf(want, sizeof(want), "%s: line 3: SIZE(zone)", path);
	if (!strstr(err->message, want))
		fail_msg("message '%s' lacks '%s'", err->message, want);
	mdf_error_destroy(err);
	assert_string_equal(kf.osrelease, "6.12.0");

	/* Too large. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (2 << 20)), 0);
	close(fd);
	err = vmcoreinfo_read_file(path, &kf);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "too large"));
	mdf_error_destroy(err);
	unlink(path);

	err = vmcoreinfo_read_file("/nonexistent/vmcoreinfo", &kf);
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_OS);
	mdf_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lines),
		cmocka_unit_test(test_blank_and_crlf),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
