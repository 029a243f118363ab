/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests for vmcoreinfo.c: real kernels' line formats (REFERENCE.md
 * 5.2, 5.4), unknown keys, and each malformed case: the line is skipped with
 * a warning naming it, recorded against its fact, and the other lines are
 * kept. */
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

/* Collects the warnings of one parse. */
struct warnings {
	char text[2048];
	int count;
};

static void collect(void *arg, enum mdf_msg_level level, const char *text)
{
	struct warnings *w = arg;
	assert_int_equal(level, MDF_MSG_COMMON);
	size_t used = strlen(w->text);
	snprintf(w->text + used, sizeof(w->text) - used, "%s\n", text);
	w->count++;
}

/* Parses "SIZE(page)=64\n<line>\nOFFSET(page.flags)=0\n": the bad line 2
 * is skipped with one warning naming "src.txt: line 2:" and needle, the
 * lines around it are kept, and the fact of the line (if `id` is one) is
 * recorded as bad on line 2. */
static void expect_bad(const char *line, size_t len, const char *needle, enum kfact_id id)
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "SIZE(page)=64\n");
	memcpy(buf + n, line, len);
	n += (int)len;
	n += snprintf(buf + n, sizeof(buf) - (size_t)n, "\nOFFSET(page.flags)=0\n");
	struct kfacts kf;
	kfacts_init(&kf);
	struct warnings w = { "", 0 };
	struct mdf_msg msg = { collect, &w, MDF_MSG_COMMON };
	assert_null(vmcoreinfo_parse_msg(buf, (size_t)n, "src.txt", &msg, &kf));
	if (w.count != 1 || !strstr(w.text, "src.txt: line 2:") || !strstr(w.text, needle) ||
	    !strstr(w.text, "line skipped"))
		fail_msg("'%.*s': warnings '%s' lack line 2 or '%s'", (int)len, line, w.text, needle);
	assert_int_equal(kf.nr_bad_lines, 1);
	assert_true(kf_have(&kf, KF_SIZE_page));
	assert_true(kf_have(&kf, KF_OFFSET_page_flags));
	if (id != KF_COUNT) {
		assert_false(kf_have(&kf, id));
		assert_int_equal(kf.bad_line[id], 2);
		char why[80];
		kf_why_missing(&kf, id, why, sizeof(why));
		assert_string_equal(why, "whose VMCOREINFO line 2 is malformed");
	}
}

#define BAD(lit, needle, id) expect_bad(lit, sizeof(lit) - 1, needle, id)

static void test_garbage(void **state)
{
	(void)state;
	BAD("no equals sign here", "not KEY=VALUE", KF_COUNT);
	BAD("SYMBOL(_stext)=0", "SYMBOL(_stext)", KF_SYMBOL__stext);
	BAD("SYMBOL(_stext)=ffffffffffffffff", "impossible address", KF_SYMBOL__stext);
	BAD("SYMBOL(_stext)=ffffffff8100000g", "malformed hex", KF_SYMBOL__stext);
	BAD("SYMBOL(_stext)=", "malformed hex", KF_SYMBOL__stext);
	BAD("SYMBOL(_stext)=1ffffffffffffffff", "malformed hex", KF_SYMBOL__stext); /* > 64 bits */
	BAD("SIZE(mem_section)=64k", "SIZE(mem_section)", KF_SIZE_mem_section);
	BAD("SIZE(zone)=-64", "malformed unsigned", KF_SIZE_zone);
	BAD("OFFSET(page.mapping)=0x10", "malformed unsigned", KF_OFFSET_page_mapping);
	BAD("LENGTH(mem_section)=99999999999999999999", "malformed unsigned", KF_LENGTH_mem_section);
	BAD("NUMBER(PG_lru)=4 5", "NUMBER(PG_lru)", KF_NUMBER_PG_lru);
	BAD("NUMBER(PG_lru)=--4", "malformed number", KF_NUMBER_PG_lru);
	BAD("NUMBER(PG_lru)=9223372036854775808", "malformed number", KF_NUMBER_PG_lru);
	BAD("NUMBER(VMALLOC_START)=0x", "malformed number", KF_NUMBER_VMALLOC_START);
	BAD("PAGESIZE=4095", "PAGESIZE", KF_COUNT);
	BAD("PAGESIZE=512", "PAGESIZE", KF_COUNT);
	BAD("PAGESIZE=2097152", "PAGESIZE", KF_COUNT);
	BAD("KERNELOFFSET=zz", "KERNELOFFSET", KF_COUNT);
	BAD("CRASHTIME=17e9", "CRASHTIME", KF_COUNT);
	BAD("OSRELEASE=", "OSRELEASE", KF_COUNT);
	BAD("OSRELEASE=12345678901234567890123456789012345678901234567890123456789012345", "too long",
	    KF_COUNT);
	BAD("OSRELEASE=6.1\x01", "non-text byte 0x01", KF_COUNT);
	BAD("OSRELEASE=6.1\xff", "non-text byte 0xff", KF_COUNT);
	BAD("FUTURE=\x80", "non-text byte 0x80", KF_COUNT);
	/* A NUL followed by more text is not padding: its line goes, the
	 * fact named before it is the bad one. */
	BAD("\0PAGESIZE=4096", "non-text byte 0x00", KF_COUNT);
	BAD("SYMBOL(prb)=ffffffff9ba6\0" "43e0", "non-text byte 0x00", KF_SYMBOL_prb);
	BAD("SYMBOL(vmap_a\0rea_list)=ffffffff9bb5c430", "'SYMBOL(vmap_a...'", KF_COUNT);
	/* Edge values that are fine. */
	struct kfacts kf;
	kfacts_init(&kf);
	const char ok[] = "NUMBER(PG_lru)=-9223372036854775808\nNUMBER(phys_base)=0x7fffffffffffffff\n"
			  "SYMBOL(_stext)=0xFFFFFFFF81000000\nOSRELEASE=1234567890123456789012345678901234567890"
			  "123456789012345678901234\n";
	assert_null(vmcoreinfo_parse(ok, sizeof(ok) - 1, "ok", &kf));
	assert_int_equal(kf.nr_bad_lines, 0);
	assert_int_equal(kf_get(&kf, KF_NUMBER_PG_lru), 0x8000000000000000ull);
	assert_int_equal(kf_get(&kf, KF_SYMBOL__stext), 0xffffffff81000000ull);
	assert_int_equal(strlen(kf.osrelease), 64);
	char why[80];
	kf_why_missing(&kf, KF_SIZE_page, why, sizeof(why));
	assert_string_equal(why, "which is missing from VMCOREINFO");
}

/* Many bad lines: ten warnings, then one line with the rest's count. */
static void test_warning_limit(void **state)
{
	(void)state;
	char buf[4096] = "";
	for (int i = 0; i < 25; i++)
		strcat(buf, "garbage\n");
	strcat(buf, "SIZE(page)=64\n");
	struct kfacts kf;
	kfacts_init(&kf);
	struct warnings w = { "", 0 };
	struct mdf_msg msg = { collect, &w, MDF_MSG_COMMON };
	assert_null(vmcoreinfo_parse_msg(buf, strlen(buf), "n", &msg, &kf));
	assert_int_equal(w.count, 11);
	assert_non_null(strstr(w.text, "n: line 10: not KEY=VALUE"));
	assert_null(strstr(w.text, "n: line 11:"));
	assert_non_null(strstr(w.text, "15 more malformed lines skipped"));
	assert_int_equal(kf.nr_bad_lines, 25);
	assert_int_equal(kf_get(&kf, KF_SIZE_page), 64);
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
	struct warnings w = { "", 0 };
	struct mdf_msg msg = { collect, &w, MDF_MSG_COMMON };
	struct mdf_error *err = vmcoreinfo_read_file_msg(path, &msg, &kf);
	assert_null(err);
	char want[96];
	snprintf(want, sizeof(want), "%s: line 3: malformed unsigned decimal: 'SIZE(zone)=oops'",
		 path);
	if (!strstr(w.text, want))
		fail_msg("warnings '%s' lack '%s'", w.text, want);
	assert_string_equal(kf.osrelease, "6.12.0");
	assert_int_equal(kf_get(&kf, KF_SIZE_page), 64);
	assert_int_equal(kf.bad_line[KF_SIZE_zone], 3);

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
		cmocka_unit_test(test_warning_limit),
		cmocka_unit_test(test_read_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
