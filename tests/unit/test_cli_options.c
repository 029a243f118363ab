/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option parsing and validation (cli_options.c, REFERENCE.md 1.2, 1.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_options.h"

#define ARGV(...) ((char *[]){"makedumpfile", __VA_ARGS__, NULL})
#define ARGC(...) ((int)(sizeof((char *[]){"makedumpfile", __VA_ARGS__}) / sizeof(char *)))
#define PARSE(o, ...) cli_parse(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (o))

static void test_create_basic(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "-c", "-d", "31,1", "-L", "2M", "vmcore", "out"), CLI_OK);
	assert_int_equal(o.mode, CLI_MODE_CREATE);
	assert_int_equal(o.codec, CODEC_ZLIB);
	assert_int_equal(o.nr_dump_levels, 2);
	assert_int_equal(o.dump_levels[0], 31);
	assert_int_equal(o.dump_levels[1], 1);
	assert_int_equal(o.size_limit, 2u << 20);
	assert_int_equal(o.nr_args, 2);
	assert_string_equal(o.args[1], "out");
	assert_int_equal(o.message_level, 7);
	assert_int_equal(o.block_order, -1);
}

static void test_last_codec_wins_and_levels(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "-c", "-z", "-D", "--show-stats", "a", "b"), CLI_OK);
	assert_int_equal(o.codec, CODEC_ZSTD);
	assert_int_equal(o.message_level, 7 | 8 | 16);
	assert_int_equal(PARSE(&o, "--message-level", "3", "-D", "--check-params", "a", "b"),
			 CLI_OK);
	assert_int_equal(o.message_level, 3); /* --check-params drops debug */
}

static void test_invalid_combinations(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "-c", "-E", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "a"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-F", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-F", "a"), CLI_OK);
	assert_int_equal(PARSE(&o, "-R", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-R", "-c", "a"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-R", "a"), CLI_OK);
	assert_int_equal(o.mode, CLI_MODE_REARRANGE);
	assert_int_equal(PARSE(&o, "-i", "f", "-x", "v", "a", "b"), CLI_INVALID);
	/* makedumpfile needs -x with --config; we read the dump's BTF instead */
	assert_int_equal(PARSE(&o, "--config", "f", "a", "b"), CLI_OK);
	assert_int_equal(PARSE(&o, "--partial-dmesg", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-e", "a", "b"), CLI_INVALID);
	/* accepted, unlike 1.7.x: the ELF writer reads ahead with a thread */
	assert_int_equal(PARSE(&o, "--num-threads", "2", "-E", "a", "b"), CLI_OK);
	assert_int_equal(PARSE(&o, "-g", "out"), CLI_INVALID); /* needs -x */
	assert_int_equal(PARSE(&o, "-g", "out", "-x", "vmlinux"), CLI_OK);
	assert_int_equal(o.mode, CLI_MODE_GEN_VMCOREINFO);
	assert_int_equal(PARSE(&o, "--dump-dmesg", "--dry-run", "a", "b"), CLI_INVALID);
	/* One member is ours (the reference wants two), and --num-threads
	 * caps the threads of all members (the reference refuses the pair). */
	assert_int_equal(PARSE(&o, "--split", "a"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "--split", "a", "b"), CLI_OK);
	assert_int_equal(PARSE(&o, "--split", "a", "b", "c"), CLI_OK);
	assert_int_equal(PARSE(&o, "--split", "--num-threads", "3", "a", "b", "c"), CLI_OK);
	assert_int_equal(PARSE(&o, "--split", "-E", "a", "b", "c"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "--reassemble", "a", "b"), CLI_OK);
	assert_int_equal(o.mode, CLI_MODE_REASSEMBLE);
	assert_int_equal(PARSE(&o, "--reassemble", "-d", "1", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "--bogus", "a", "b"), CLI_INVALID);
	assert_string_equal(o.msg, "unrecognized option '--bogus'");
	assert_int_equal(PARSE(&o, "a", "b", "-x"), CLI_INVALID);
	assert_string_equal(o.msg, "option requires an argument -- 'x'");
}

static void test_bad_values(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "-d", "32", "a", "b"), CLI_INVALID_VALUE);
	assert_string_equal(o.msg, "Dump_level(32) is invalid.");
	assert_int_equal(PARSE(&o, "-d", "-1", "a", "b"), CLI_INVALID_VALUE);
	assert_string_equal(o.msg, "Dump_level(-1) is invalid.");
	assert_int_equal(PARSE(&o, "-d", "1,,2", "a", "b"), CLI_INVALID_VALUE);
	assert_int_equal(PARSE(&o, "-L", "0", "a", "b"), CLI_INVALID_VALUE);
	assert_string_equal(o.msg, "Limit size(0) is invalid.");
	assert_int_equal(PARSE(&o, "-L", "1X", "a", "b"), CLI_INVALID_VALUE);
	assert_int_equal(PARSE(&o, "--message-level", "32", "a", "b"), CLI_INVALID_VALUE);
	assert_string_equal(o.msg, "Message_level(32) is invalid.");
	assert_int_equal(PARSE(&o, "-b", "x", "a", "b"), CLI_INVALID_VALUE);
}

/* --compress-level (our option): a level of the -c or -z given, wherever the
 * codec option comes; never with -l/-p/none/-E or outside writing a dump. */
static void test_compress_level(void **state)
{
	(void)state;
	struct cli_options o;
	assert_int_equal(PARSE(&o, "-c", "a", "b"), CLI_OK);
	assert_int_equal(o.compress_level, CODEC_LEVEL_DEFAULT);
	assert_int_equal(PARSE(&o, "--compress-level", "9", "-c", "a", "b"), CLI_OK);
	assert_int_equal(o.compress_level, 9);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", "1", "a", "b"), CLI_OK);
	assert_int_equal(o.compress_level, 1);
	int lo, hi, def;
	assert_true(codec_level_range(CODEC_ZLIB, &lo, &hi, &def));
	char top[16], over[16];
	snprintf(top, sizeof(top), "%d", hi);
	snprintf(over, sizeof(over), "%d", hi + 1);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", top, "a", "b"), CLI_OK);
	assert_int_equal(o.compress_level, hi);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", over, "a", "b"), CLI_INVALID_VALUE);
	assert_non_null(strstr(o.msg, "Compression level("));
	assert_int_equal(PARSE(&o, "-c", "--compress-level", "0", "a", "b"), CLI_INVALID_VALUE);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", "-1", "a", "b"), CLI_INVALID_VALUE);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", "3x", "a", "b"), CLI_INVALID_VALUE);
	assert_int_equal(PARSE(&o, "-c", "--compress-level", "", "a", "b"), CLI_INVALID_VALUE);
	if (codec_available(CODEC_ZSTD)) {
		assert_int_equal(PARSE(&o, "-z", "--compress-level", "-7", "a", "b"), CLI_OK);
		assert_int_equal(o.compress_level, -7);
		assert_int_equal(PARSE(&o, "-z", "--compress-level", "19", "a", "b"), CLI_OK);
		assert_int_equal(PARSE(&o, "-z", "--compress-level", "0", "a", "b"),
				 CLI_INVALID_VALUE);
		assert_int_equal(PARSE(&o, "-z", "--compress-level", "23", "a", "b"),
				 CLI_INVALID_VALUE);
		assert_int_equal(PARSE(&o, "-z", "--compress-level", "-99999999999", "a", "b"),
				 CLI_INVALID_VALUE);
	}
	/* The last codec option decides: -c then -l has no levels. */
	assert_int_equal(PARSE(&o, "-c", "-l", "--compress-level", "2", "a", "b"), CLI_INVALID);
	assert_string_equal(o.msg, "--compress-level needs -c or -z");
	assert_int_equal(PARSE(&o, "--compress-level", "2", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-p", "--compress-level", "2", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-E", "--compress-level", "2", "a", "b"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-R", "--compress-level", "2", "a"), CLI_INVALID);
	assert_int_equal(PARSE(&o, "-c", "--dump-dmesg", "--compress-level", "2", "a", "b"),
			 CLI_INVALID);
	assert_int_equal(PARSE(&o, "-c", "-F", "--compress-level", "12", "a"),
			 hi >= 12 ? CLI_OK : CLI_INVALID_VALUE);
}

static void test_dump_level_list_limit(void **state)
{
	(void)state;
	struct cli_options o;
	memset(&o, 0, sizeof(o));
	char list[200] = "0";
	for (int i = 1; i < 32; i++)
		strcat(list, ",1");
	assert_true(cli_parse_dump_levels(list, &o));
	assert_int_equal(o.nr_dump_levels, 32);
	strcat(list, ",2");
	o.msg[0] = '\0';
	assert_false(cli_parse_dump_levels(list, &o));
	assert_string_equal(o.msg, "Dump_level is invalid.");
}

static void test_sizes(void **state)
{
	(void)state;
	uint64_t v;
	assert_true(cli_parse_size("1", &v));
	assert_int_equal(v, 1);
	assert_true(cli_parse_size("3K", &v));
	assert_int_equal(v, 3072);
	assert_true(cli_parse_size("1E", &v));
	assert_int_equal(v, 1ull << 60);
	assert_false(cli_parse_size("16E", &v)); /* overflow */
	assert_false(cli_parse_size("1KB", &v));
	assert_false(cli_parse_size("", &v));
	assert_false(cli_parse_size("-5", &v));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_basic),
		cmocka_unit_test(test_last_codec_wins_and_levels),
		cmocka_unit_test(test_invalid_combinations),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_compress_level),
		cmocka_unit_test(test_dump_level_list_limit),
		cmocka_unit_test(test_sizes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
