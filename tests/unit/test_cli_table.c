/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The option table (cli_options.def) and what is generated from it. This
 * test is compiled together with cli_options.c, cli_doc.c and cli_man.c
 * with CLI_OPTIONS_EXTRA_DEF naming tests/unit/cli_extra.def, so the table
 * has three more entries than the real one: each must reach getopt, the
 * parsed struct, --help, the man page and the unsupported list without any
 * other change (tests.mk builds it that way). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_doc.h"
#include "cli_man.h"
#include "cli_options.h"

#define ARGV(...) ((char *[]){"makedumpfile", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"makedumpfile", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o))

static void test_extra_entries_parse(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "--test-flag", "-T", "f", "a", "b"), CLI_OK);
	assert_true(o.test_flag);
	assert_string_equal(o.test_path, "f");
	assert_true(o.given[CLI_OPT_TEST_FLAG]);
	assert_true(o.given[CLI_OPT_TEST_PATH]);
	assert_null(cli_unsupported_option(&o));
	assert_int_equal(PARSE(&o, "--test-path=g", "a", "b"), CLI_OK);
	assert_string_equal(o.test_path, "g");
	assert_false(o.test_flag);

	/* an UNSUPPORTED entry is parsed, then refused by name */
	assert_int_equal(PARSE(&o, "--test-later", "a", "b"), CLI_OK);
	const struct cli_option_desc *d = cli_unsupported_option(&o);
	assert_non_null(d);
	char name[CLI_NAME_LEN];
	assert_string_equal(cli_option_name(d, name), "--test-later");
}

static void test_extra_entries_documented(void **state)
{
	(void)state;
	char *help = cli_help_format();
	assert_non_null(help);
	assert_non_null(strstr(help, "  --test-flag "));
	assert_non_null(strstr(help, "  -T, --test-path TESTFILE\n"));
	/* the unsupported one is listed after the supported options */
	char *later = strstr(help, "  --test-later ");
	char *unsup = strstr(help, "Recognised but not supported yet");
	assert_non_null(later);
	assert_non_null(unsup);
	assert_true(later > unsup);
	free(help);

	struct strbuf sb = {0};
	assert_true(cli_man_section(&sb, "options"));
	char *man = strbuf_finish(&sb);
	assert_non_null(man);
	assert_non_null(strstr(man, ".TP\n\\fB\\-\\-test\\-flag\\fR\n"));
	assert_non_null(strstr(man, ".TP\n\\fB\\-T\\fR, \\fB\\-\\-test\\-path\\fR \\fITESTFILE\\fR\n"));
	assert_non_null(strstr(man, "\\fBtest_cli_table\\fR"));
	later = strstr(man, "\\-\\-test\\-later");
	unsup = strstr(man, ".SS Options not supported yet");
	assert_non_null(later);
	assert_non_null(unsup);
	assert_true(later > unsup);
	free(man);
}

/* Every entry of the table (the real ones and the extras) is well formed:
 * unique names, texts present, markup balanced, and each CUSTOM option is
 * handled by the parser. */
static void test_table_well_formed(void **state)
{
	(void)state;
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		const struct cli_option_desc *d = &cli_option_table[i];
		assert_int_equal(d->id, i);
		assert_true(d->short_name || d->long_name);
		assert_true(d->help && d->help[0] && d->man && d->man[0]);
		assert_true(strlen(d->help) < 200);
		int stars = 0, braces = 0;
		for (const char *p = d->man; *p; p++) {
			stars += *p == '*';
			braces += *p == '{' ? 1 : *p == '}' ? -1 : 0;
			assert_true(braces == 0 || braces == 1);
		}
		assert_int_equal(stars % 2, 0);
		assert_int_equal(braces, 0);
		for (size_t j = 0; j < i; j++) {
			const struct cli_option_desc *e = &cli_option_table[j];
			if (d->short_name)
				assert_true(d->short_name != e->short_name);
			if (d->long_name && e->long_name)
				assert_true(strcmp(d->long_name, e->long_name) != 0);
		}
		if (d->kind != CLI_KIND_CUSTOM)
			continue;
		/* A CUSTOM option without a case in take_custom leaves the
		 * "is not handled" message. */
		char opt[CLI_NAME_LEN];
		cli_option_name(d, opt);
		struct cli_options o;
		char *argv[] = {"makedumpfile", opt, "1", "a", "b", NULL};
		int argc = d->metavar ? 5 : 4;
		if (!d->metavar)
			argv[2] = "a", argv[3] = "b", argv[4] = NULL;
		cli_parse(argc, argv, &o);
		assert_null(strstr(o.msg, "is not handled"));
		assert_true(o.given[d->id]);
	}
}

/* The man page generator keeps everything outside the markers and
 * refuses broken markers. */
static void test_man_update(void **state)
{
	(void)state;
	const char *page = ".TH X\n"
			   ".\\\" BEGIN GENERATED exit-status (note)\n"
			   "old text\n"
			   ".\\\" END GENERATED exit-status\n"
			   ".SH SEE ALSO\n";
	char *out = NULL;
	assert_null(cli_man_update(page, &out));
	assert_non_null(out);
	assert_true(strncmp(out, ".TH X\n.\\\" BEGIN GENERATED exit-status (note)\n.SH EXIT STATUS\n",
			    60) == 0);
	assert_null(strstr(out, "old text"));
	assert_non_null(strstr(out, ".\\\" END GENERATED exit-status\n.SH SEE ALSO\n"));
	char *again = NULL;
	assert_null(cli_man_update(out, &again));
	assert_string_equal(out, again); /* idempotent */
	free(again);
	free(out);

	struct mdf_error *err = cli_man_update(".\\\" BEGIN GENERATED nosuch\n", &out);
	assert_non_null(err);
	mdf_error_destroy(err);
	err = cli_man_update(".\\\" BEGIN GENERATED options\nno end\n", &out);
	assert_non_null(err);
	assert_non_null(strstr(err->message, "no end marker"));
	mdf_error_destroy(err);
}

static void test_markup(void **state)
{
	(void)state;
	struct strbuf sb = {0};
	cli_man_markup(&sb, "Use *-x* {FILE}.\n.next -- a\\b", ".IP");
	char *s = strbuf_finish(&sb);
	assert_string_equal(s, "Use \\fB\\-x\\fR \\fIFILE\\fR.\n.IP\n\\&.next \\-\\- a\\eb");
	free(s);
	cli_markup_plain(&sb, "Use *-x* {FILE}.");
	s = strbuf_finish(&sb);
	assert_string_equal(s, "Use -x FILE.");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extra_entries_parse),
		cmocka_unit_test(test_extra_entries_documented),
		cmocka_unit_test(test_table_well_formed),
		cmocka_unit_test(test_man_update),
		cmocka_unit_test(test_markup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
