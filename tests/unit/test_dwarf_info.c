/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dwarf_info.c and vmcoreinfo_gen.c on small vmlinux-like programs built at
 * run time from tests/dwarf/ with gcc (skipped when gcc is missing), in
 * DWARF 4 and 5, with compressed debug sections, and on bad input. Expected
 * values come from the compiler (tests/dwarf/kernel_like_expect.c) and from
 * nm(1), not from our own reader. */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "dwarf_info.h"
#include "kernel_facts.h"
#include "vmcoreinfo_gen.h"

struct fx {
	char dir[PATH_MAX];
	char src[PATH_MAX];
};

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int run(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	return system(cmd);
}

/* tests/dwarf relative to this file, or $MDF_SRCDIR/tests/dwarf. */
static bool find_src(char *out, size_t len)
{
	const char *root = getenv("MDF_SRCDIR");
	if (root)
		snprintf(out, len, "%s/tests/dwarf", root);
	else {
		snprintf(out, len, "%s", __FILE__);
		char *p = strstr(out, "tests/unit/");
		if (!p)
			return false;
		snprintf(p, len - (size_t)(p - out), "tests/dwarf");
	}
	char probe[PATH_MAX + 32], abs[PATH_MAX];
	snprintf(probe, sizeof(probe), "%s/kernel_like.c", out);
	if (access(probe, R_OK) != 0 || !realpath(out, abs) || strlen(abs) >= len)
		return false;
	strcpy(out, abs); /* the build commands run in a temp directory */
	return true;
}

static int setup(void **state)
{
	static struct fx fx;
	if (run("gcc --version >/dev/null 2>&1") != 0 || !find_src(fx.src, sizeof(fx.src)))
		return 0; /* tests skip when *state is NULL */
	snprintf(fx.dir, sizeof(fx.dir), "%s/mdf-dwarf-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(fx.dir))
		return -1;
	const char *link = "-O0 -nostdlib -static -no-pie";
	int r = 0;
	r |= run("cd %s && gcc -g -gdwarf-4 %s -o vml4 %s/decoy.c %s/kernel_like.c", fx.dir,
		 link, fx.src, fx.src);
	r |= run("cd %s && gcc -g -gdwarf-5 %s -o vml5 %s/decoy.c %s/kernel_like.c", fx.dir,
		 link, fx.src, fx.src);
	r |= run("cd %s && gcc -g -gdwarf-5 -DKL_OLD %s -o vmlold %s/kernel_like.c", fx.dir, link,
		 fx.src);
	r |= run("cd %s && gcc -o exp -I%s %s/kernel_like_expect.c && ./exp > exp.txt", fx.dir,
		 fx.src, fx.src);
	r |= run("cd %s && gcc -DKL_OLD -o expold -I%s %s/kernel_like_expect.c && "
		 "./expold > expold.txt", fx.dir, fx.src, fx.src);
	r |= run("cd %s && objcopy --compress-debug-sections=zlib vml5 vml5z && "
		 "objcopy --compress-debug-sections=zlib-gnu vml4 vml4zgnu && "
		 "objcopy --strip-debug vml5 stripped && head -c 9000 vml5 > truncated && "
		 "echo 'not an ELF file' > text && : > empty", fx.dir);
	if (r != 0)
		return -1;
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	if (fx)
		run("rm -rf '%s'", fx->dir);
	return 0;
}

static struct fx *need(void **state)
{
	if (!*state)
		skip();
	return *state;
}

static void read_ok(const struct fx *fx, const char *name, struct kfacts *kf)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	kfacts_init(kf);
	struct mdf_error *err = dwarf_read_facts(path, kf, NULL);
	if (err)
		fail_msg("%s: %s", name, err->message);
}

/* Every KEY=VALUE of the expectation file must be read exactly. */
static void check_facts(const struct fx *fx, const char *expfile, const struct kfacts *kf)
{
	char path[PATH_MAX + 64], line[256];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, expfile);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	int n = 0;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		char *eq = strchr(line, '=');
		assert_non_null(eq);
		*eq = '\0';
		if (strcmp(line, "OSRELEASE") == 0) {
			assert_string_equal(kf->osrelease, eq + 1);
			continue;
		}
		enum kfact_id id = kfacts_lookup_key(line, strlen(line));
		if (id == KF_COUNT)
			fail_msg("expectation key %s is not in kernel_facts.def", line);
		if (!kf_have(kf, id))
			fail_msg("%s: %s not read", expfile, line);
		int64_t want = strtoll(eq + 1, NULL, 10);
		if (kf_get_signed(kf, id) != want)
			fail_msg("%s: %s = %" PRId64 ", expected %" PRId64, expfile, line,
				 kf_get_signed(kf, id), want);
		n++;
	}
	fclose(f);
	assert_true(n > 70);
}

/* SYMBOL(name) must equal the GLOBAL (else the only) definition nm shows. */
static void check_symbol(const struct fx *fx, const char *file, const struct kfacts *kf,
			 enum kfact_id id, const char *name)
{
	char cmd[2 * PATH_MAX], line[256];
	snprintf(cmd, sizeof(cmd), "cd %s && nm -P %s", fx->dir, file);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	uint64_t want = 0;
	bool found = false, global = false;
	while (fgets(line, sizeof(line), p)) {
		char sym[128], type;
		unsigned long long addr;
		if (sscanf(line, "%127s %c %llx", sym, &type, &addr) != 3 || strcmp(sym, name) != 0)
			continue;
		bool g = type >= 'A' && type <= 'Z';
		if (!found || (g && !global)) {
			want = addr;
			found = true;
			global = g;
		}
	}
	pclose(p);
	assert_true(found);
	assert_true(kf_have(kf, id));
	assert_int_equal(kf_get(kf, id), want);
}

static void check_common(const struct fx *fx, const char *file, const char *expfile)
{
	struct kfacts kf;
	read_ok(fx, file, &kf);
	check_facts(fx, expfile, &kf);
	check_symbol(fx, file, &kf, KF_SYMBOL_init_uts_ns, "init_uts_ns");
	check_symbol(fx, file, &kf, KF_SYMBOL_mem_section, "mem_section");
	check_symbol(fx, file, &kf, KF_SYMBOL_node_data, "node_data");
	check_symbol(fx, file, &kf, KF_SYMBOL_prb, "prb");            /* LOCAL */
	check_symbol(fx, file, &kf, KF_SYMBOL_clear_seq, "clear_seq");
	check_symbol(fx, file, &kf, KF_SYMBOL_high_memory, "high_memory"); /* GLOBAL wins */
	check_symbol(fx, file, &kf, KF_SYMBOL_swapper_pg_dir, "swapper_pg_dir");
	/* node_online_map is node_states[N_ONLINE] (derived). */
	assert_true(kf_have(&kf, KF_SYMBOL_node_online_map));
	assert_int_equal(kf_get(&kf, KF_SYMBOL_node_online_map),
			 kf_get(&kf, KF_SYMBOL_node_states) + kf_get(&kf, KF_SIZE_nodemask_t));
	/* Preprocessor constants and run-time values are not in DWARF. */
	assert_false(kf_have(&kf, KF_NUMBER_SECTION_SIZE_BITS));
	assert_false(kf_have(&kf, KF_NUMBER_phys_base));
	assert_false(kf_have(&kf, KF_NUMBER_PG_buddy));
	assert_int_equal(strlen(kf.build_id), 40);
}

static void test_dwarf5(void **state)
{
	struct fx *fx = need(state);
	check_common(fx, "vml5", "exp.txt");
	struct kfacts kf;
	read_ok(fx, "vml5", &kf);
	/* mem_section is a pointer here: no length. */
	assert_false(kf_have(&kf, KF_LENGTH_mem_section));
	assert_false(kf_have(&kf, KF_OFFSET_page__count));
}

static void test_dwarf4(void **state)
{
	check_common(need(state), "vml4", "exp.txt");
}

static void test_compressed(void **state)
{
	struct fx *fx = need(state);
	check_common(fx, "vml5z", "exp.txt");
	check_common(fx, "vml4zgnu", "exp.txt");
}

static void test_old_flavour(void **state)
{
	struct fx *fx = need(state);
	check_common(fx, "vmlold", "expold.txt");
	struct kfacts kf;
	read_ok(fx, "vmlold", &kf);
	assert_false(kf_have(&kf, KF_OFFSET_page__refcount));
	assert_false(kf_have(&kf, KF_SIZE_printk_log));
	/* 6.10's enum pagetype has no slab type under that name. */
	assert_false(kf_have(&kf, KF_NUMBER_PAGE_SLAB_MAPCOUNT_VALUE));
}

static void expect_error(const struct fx *fx, const char *name, enum mdf_err_code code,
			 const char *text)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	struct kfacts kf;
	kfacts_init(&kf);
	struct mdf_error *err = dwarf_read_facts(path, &kf, NULL);
	assert_non_null(err);
	if (err->code != code || !strstr(err->message, path) || !strstr(err->message, text))
		fail_msg("%s: got code %d \"%s\"", name, (int)err->code, err->message);
	assert_null(strchr(err->message, '\n'));
	mdf_error_destroy(err);
}

static void test_bad_input(void **state)
{
	struct fx *fx = need(state);
	expect_error(fx, "stripped", MDF_ERR_NODATA, "has no debug information");
	expect_error(fx, "truncated", MDF_ERR_CORRUPT, "truncated");
	expect_error(fx, "text", MDF_ERR_CORRUPT, "not an ELF file");
	expect_error(fx, "empty", MDF_ERR_CORRUPT, "not an ELF file");
	expect_error(fx, "missing", MDF_ERR_OS, "No such file");
}

/* The -g text carries every known fact, in the kernel's syntax. */
static void test_writer(void **state)
{
	struct fx *fx = need(state);
	struct kfacts kf;
	read_ok(fx, "vml5", &kf);
	kf.page_size = 16384;
	char *text;
	size_t len;
	assert_null(vmcoreinfo_format(&kf, &text, &len));
	assert_int_equal(strlen(text), len);
	assert_memory_equal(text, "OSRELEASE=6.1.0-kl-test\nBUILD-ID=", 33);
	assert_non_null(strstr(text, "\nPAGESIZE=16384\n"));
	char want[128];
	snprintf(want, sizeof(want), "\nSYMBOL(init_uts_ns)=%" PRIx64 "\n",
		 kf_get(&kf, KF_SYMBOL_init_uts_ns));
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "\nNUMBER(PAGE_BUDDY_MAPCOUNT_VALUE)=-268435456\n"));
	assert_non_null(strstr(text, "\nLENGTH(zone.free_area)=11\n"));
	assert_null(strstr(text, "KERNELOFFSET"));
	/* One line per known fact plus the three header lines. */
	int facts = 0, lines = 0;
	for (int i = 0; i < KF_COUNT; i++)
		facts += kf.have[i];
	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, facts + 3);
	free(text);

	kf.kerneloffset = 0x19000000;
	kf.have_kerneloffset = true;
	assert_null(vmcoreinfo_format(&kf, &text, &len));
	assert_non_null(strstr(text, "\nKERNELOFFSET=19000000\n"));
	free(text);

	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/out.txt", fx->dir);
	assert_null(vmcoreinfo_write_file(&kf, path));
	assert_int_equal(run("grep -q '^OFFSET(page.lru)=8$' %s", path), 0);
	struct mdf_error *err = vmcoreinfo_write_file(&kf, "/dev/full");
	assert_non_null(err);
	assert_int_equal(err->code, MDF_ERR_NOSPC);
	mdf_error_destroy(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dwarf5),      cmocka_unit_test(test_dwarf4),
		cmocka_unit_test(test_compressed),  cmocka_unit_test(test_old_flavour),
		cmocka_unit_test(test_bad_input),   cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
