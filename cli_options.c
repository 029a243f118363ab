/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option parsing and validation (REFERENCE.md 1.1, 1.2, 1.5). Nothing here
 * prints: getopt's own diagnostics are turned off and rebuilt in o->msg. */
#include "cli_options.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct cli_option_desc cli_option_table[CLI_NR_OPTIONS] = {
#define CLI_OPT(ID, SHORT, LONG, METAVAR, KIND, FIELD, STATUS, GROUP, HELP, MAN) \
	[CLI_OPT_##ID] = {CLI_OPT_##ID, SHORT, LONG, METAVAR, CLI_KIND_##KIND, CLI_##STATUS, \
			  GROUP, HELP, MAN},
#include "cli_options.def"
#undef CLI_OPT
};

/* getopt_long's value for an option: its short character, or a value above
 * the char range for a long-only one. */
static int getopt_value(const struct cli_option_desc *d)
{
	return d->short_name ? (unsigned char)d->short_name : 256 + (int)d->id;
}

static const struct cli_option_desc *desc_of_value(int val)
{
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++)
		if (getopt_value(&cli_option_table[i]) == val)
			return &cli_option_table[i];
	return NULL;
}

/* getopt's tables, built from cli_option_table: ":" first (a missing
 * argument returns ':'), then "c" or "b:" per short option. */
struct getopt_tables {
	char shorts[2 * CLI_NR_OPTIONS + 2];
	struct option longs[CLI_NR_OPTIONS + 1];
};

static void build_getopt_tables(struct getopt_tables *t)
{
	size_t ns = 0, nl = 0;
	t->shorts[ns++] = ':';
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		const struct cli_option_desc *d = &cli_option_table[i];
		int has_arg = d->metavar ? required_argument : no_argument;
		if (d->short_name) {
			t->shorts[ns++] = d->short_name;
			if (d->metavar)
				t->shorts[ns++] = ':';
		}
		if (d->long_name)
			t->longs[nl++] = (struct option){d->long_name, has_arg, NULL,
							 getopt_value(d)};
	}
	t->shorts[ns] = '\0';
	t->longs[nl] = (struct option){NULL, 0, NULL, 0};
}

const char *cli_option_name(const struct cli_option_desc *d, char buf[CLI_NAME_LEN])
{
	if (d->long_name)
		snprintf(buf, CLI_NAME_LEN, "--%s", d->long_name);
	else
		snprintf(buf, CLI_NAME_LEN, "-%c", d->short_name);
	return buf;
}

static void set_msg(struct cli_options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_msg(struct cli_options *o, const char *fmt, ...)
{
	if (o->msg[0])
		return; /* keep the first problem */
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(o->msg, sizeof(o->msg), fmt, ap);
	va_end(ap);
}

bool cli_parse_uint(const char *arg, uint64_t max, uint64_t *ret)
{
	if (!arg || arg[0] < '0' || arg[0] > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno || *end || v > max)
		return false;
	*ret = v;
	return true;
}

bool cli_parse_dump_levels(const char *arg, struct cli_options *o)
{
	o->nr_dump_levels = 0;
	const char *p = arg;
	for (;;) {
		if (o->nr_dump_levels >= CLI_MAX_DUMP_LEVELS) {
			set_msg(o, "Dump_level is invalid.");
			return false;
		}
		size_t n = strcspn(p, ",");
		char item[32];
		uint64_t v;
		if (n == 0 || n >= sizeof(item)) {
			set_msg(o, "Dump_level(%.*s) is invalid.", (int)(n < 32 ? n : 32), p);
			return false;
		}
		memcpy(item, p, n);
		item[n] = '\0';
		if (!cli_parse_uint(item, 31, &v)) {
			set_msg(o, "Dump_level(%s) is invalid.", item);
			return false;
		}
		o->dump_levels[o->nr_dump_levels++] = (int)v;
		if (p[n] == '\0')
			return true;
		p += n + 1;
	}
}

bool cli_parse_size(const char *arg, uint64_t *ret)
{
	if (!arg || arg[0] < '0' || arg[0] > '9')
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(arg, &end, 10);
	if (errno)
		return false;
	static const char suffixes[] = "KMGTPE";
	unsigned int shift = 0;
	if (*end) {
		const char *s = strchr(suffixes, *end);
		if (!s || end[1])
			return false;
		shift = 10 * (unsigned int)(s - suffixes + 1);
	}
	if (v == 0 || (shift && v > (UINT64_MAX >> shift)))
		return false;
	*ret = (uint64_t)v << shift;
	return true;
}

/* CUSTOM options (cli_options.def): false on a bad value, with the
 * reference's "X(...) is invalid." in o->msg. */
static bool take_custom(enum cli_opt_id id, const char *arg, struct cli_options *o)
{
	uint64_t v;
	switch (id) {
	case CLI_OPT_C: o->codec = CODEC_ZLIB; o->codec_flag = "-c"; return true;
	case CLI_OPT_L_LZO: o->codec = CODEC_LZO; o->codec_flag = "-l"; return true;
	case CLI_OPT_P: o->codec = CODEC_SNAPPY; o->codec_flag = "-p"; return true;
	case CLI_OPT_Z: o->codec = CODEC_ZSTD; o->codec_flag = "-z"; return true;
	case CLI_OPT_D_LEVEL:
		return cli_parse_dump_levels(arg, o);
	case CLI_OPT_B:
		if (!cli_parse_uint(arg, 12, &v)) {
			set_msg(o, "Block order(%s) is invalid.", arg);
			return false;
		}
		o->block_order = (int)v;
		return true;
	case CLI_OPT_L_LIMIT:
		if (!cli_parse_size(arg, &o->size_limit)) {
			set_msg(o, "Limit size(%s) is invalid.", arg);
			return false;
		}
		return true;
	case CLI_OPT_MESSAGE_LEVEL:
		if (!cli_parse_uint(arg, 31, &v)) {
			set_msg(o, "Message_level(%s) is invalid.", arg);
			return false;
		}
		o->message_level = (int)v;
		return true;
	case CLI_OPT_NUM_THREADS:
		if (!cli_parse_uint(arg, 4096, &v)) {
			set_msg(o, "Number of threads(%s) is invalid.", arg);
			return false;
		}
		o->num_threads = (int)v;
		o->num_threads_set = true;
		return true;
	case CLI_OPT_CYCLIC_BUFFER:
		if (!cli_parse_uint(arg, UINT64_MAX >> 10, &v) || v == 0) {
			set_msg(o, "Cyclic buffer size(%s) is invalid.", arg);
			return false;
		}
		o->cyclic_buffer_kb = v;
		return true;
	case CLI_OPT_SPLITBLOCK_SIZE:
		if (!cli_parse_uint(arg, UINT64_MAX >> 10, &v) || v == 0) {
			set_msg(o, "Splitblock size(%s) is invalid.", arg);
			return false;
		}
		o->splitblock_kb = v;
		return true;
	case CLI_OPT_DISKSET:
		if (o->nr_diskset >= CLI_MAX_DISKSET) {
			set_msg(o, "Too many --diskset options (at most %d).", CLI_MAX_DISKSET);
			return false;
		}
		o->diskset[o->nr_diskset++] = arg;
		return true;
	default:
		/* A CUSTOM entry without a case here is a programming error
		 * that the unit tests catch (test_cli_table). */
		set_msg(o, "option %s is not handled", cli_option_table[id].long_name
			? cli_option_table[id].long_name : "?");
		return false;
	}
}

#define CLI_TAKE_FLAG(f) o->f = true
#define CLI_TAKE_PATH(f) o->f = arg
#define CLI_TAKE_CUSTOM(f) return take_custom(d->id, arg, o)

/* Records one option; false on a bad value (message in o->msg). */
static bool take_option(const struct cli_option_desc *d, const char *arg, struct cli_options *o)
{
	o->given[d->id] = true;
	switch (d->id) {
#define CLI_OPT(ID, SHORT, LONG, METAVAR, KIND, FIELD, ...) \
	case CLI_OPT_##ID: CLI_TAKE_##KIND(FIELD); break;
#include "cli_options.def"
#undef CLI_OPT
	default:
		break;
	}
	return true;
}

const struct cli_option_desc *cli_unsupported_option(const struct cli_options *o)
{
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++)
		if (o->given[i] && cli_option_table[i].status == CLI_UNSUPPORTED)
			return &cli_option_table[i];
	return NULL;
}

/* REFERENCE.md 1.5, -g / -R / --reassemble rows. */
static bool valid_special(const struct cli_options *o)
{
	bool compress = o->codec != CODEC_NONE;
	bool dl = o->nr_dump_levels > 0;
	switch (o->mode) {
	case CLI_MODE_GEN_VMCOREINFO:
		return o->nr_args == 0 && !compress && !dl && !o->elf_out && !o->vmcoreinfo_in &&
		       !o->flatten && !o->rearrange && !o->xen_filter && !o->dry_run &&
		       (o->vmlinux || o->xen_syms);
	case CLI_MODE_REARRANGE:
		return o->nr_args == 1 && !compress && !dl && !o->elf_out && !o->vmcoreinfo_in &&
		       !o->vmlinux && !o->xen_syms && !o->flatten && !o->xen_filter;
	case CLI_MODE_REASSEMBLE:
		return o->nr_args >= 2 && !compress && !dl && !o->elf_out && !o->vmcoreinfo_in &&
		       !o->vmlinux && !o->xen_syms && !o->flatten && !o->xen_filter &&
		       !o->split && !o->dry_run;
	case CLI_MODE_DUMP_DMESG:
		/* -F: the text goes to stdout (REFERENCE.md 1.1) */
		return o->nr_args == (o->flatten ? 1 : 2) && !o->dry_run && !o->split;
	case CLI_MODE_MEM_USAGE:
		return o->nr_args == 1 && !o->flatten && !o->split;
	default:
		return true;
	}
}

/* REFERENCE.md 1.5, the create-dump rows and the positional shapes. */
static bool valid_create(const struct cli_options *o)
{
	if (o->codec != CODEC_NONE && o->elf_out)
		return false;
	if (o->vmcoreinfo_in && (o->vmlinux || o->xen_syms))
		return false;
	if (o->flatten && o->split)
		return false;
	if (o->exclude_vmemmap && !o->work_dir)
		return false;
	/* -e rewrites kdump bitmaps; the ELF writer has none (our rule: the
	 * reference accepts the pair and ignores -e). */
	if (o->exclude_vmemmap && o->elf_out)
		return false;
	/* --num-threads with -E is accepted (makedumpfile 1.7.x refuses it,
	 * so kdump-utils strips it for ELF targets: its issue #125); the ELF
	 * writer reads ahead with a thread (elf_out.c). --num-threads with
	 * --split is ours too: it caps the compressing threads of all members
	 * together (the reference refuses the pair). */
	if (o->split && o->elf_out)
		return false;
	if (o->splitblock_kb && !o->split)
		return false;
	if (o->flatten)
		return o->nr_args == 1 && o->nr_diskset == 0;
	/* One member is allowed too (the reference wants two or more). */
	if (o->split)
		return o->nr_args >= (o->nr_diskset ? 1 : 2);
	return o->nr_args == (o->nr_diskset ? 1 : 2);
}

/* --compress-level N: only when writing a kdump-compressed dump with -c or
 * -z, and N a level of that codec (codec.h: libdeflate 1-12 or zlib 1-9,
 * zstd's negative and positive levels but 0). Our own option: its errors
 * name it. A codec that is not compiled in is reported later, as without
 * the option. */
static enum cli_status check_compress_level(struct cli_options *o)
{
	const char *arg = o->compress_level_arg;
	if (!arg)
		return CLI_OK;
	if (o->mode != CLI_MODE_CREATE || (o->codec != CODEC_ZLIB && o->codec != CODEC_ZSTD)) {
		set_msg(o, "--compress-level needs -c or -z");
		return CLI_INVALID;
	}
	errno = 0;
	char *end;
	long v = strtol(arg, &end, 10);
	bool number = end != arg && !*end && !errno && (arg[0] == '-' || (arg[0] >= '0' &&
							       arg[0] <= '9'));
	int lo, hi, def;
	if (!codec_level_range(o->codec, &lo, &hi, &def))
		return CLI_OK;
	if (!number || v < lo || v > hi || !codec_level_valid(o->codec, (int)v)) {
		set_msg(o, "Compression level(%s) is invalid: %s takes %d to %d%s.", arg,
			o->codec_flag, lo, hi, lo < 0 ? ", but not 0" : "");
		return CLI_INVALID_VALUE;
	}
	o->compress_level = (int)v;
	return CLI_OK;
}

static enum cli_mode choose_mode(const struct cli_options *o)
{
	if (o->help)
		return CLI_MODE_HELP;
	if (o->version)
		return CLI_MODE_VERSION;
	if (o->vmcoreinfo_out)
		return CLI_MODE_GEN_VMCOREINFO;
	if (o->rearrange)
		return CLI_MODE_REARRANGE;
	if (o->reassemble)
		return CLI_MODE_REASSEMBLE;
	if (o->dump_dmesg)
		return CLI_MODE_DUMP_DMESG;
	if (o->mem_usage)
		return CLI_MODE_MEM_USAGE;
	return CLI_MODE_CREATE;
}

/* Rebuilds getopt's diagnostic (opterr is off so this module never prints). */
static void getopt_problem(int c, char **argv, struct cli_options *o)
{
	const char *bad = optind > 0 ? argv[optind - 1] : "";
	if (c == ':' && optopt > 0 && optopt < 256)
		set_msg(o, "option requires an argument -- '%c'", optopt);
	else if (c == ':')
		set_msg(o, "option '%s' requires an argument", bad);
	else if (optopt > 0 && optopt < 256)
		set_msg(o, "invalid option -- '%c'", optopt);
	else
		set_msg(o, "unrecognized option '%s'", bad);
}

enum cli_status cli_parse(int argc, char **argv, struct cli_options *o)
{
	memset(o, 0, sizeof(*o));
	o->block_order = -1; /* not given: chosen with the output (dump.h) */
	o->message_level = 7; /* REFERENCE.md 1.4 default */
	struct getopt_tables t;
	build_getopt_tables(&t);
	opterr = 0;
	optind = 1;
	int c;
	bool bad_value = false;
	while ((c = getopt_long(argc, argv, t.shorts, t.longs, NULL)) != -1) {
		const struct cli_option_desc *d = desc_of_value(c);
		if (c == '?' || c == ':' || !d) {
			getopt_problem(c, argv, o);
			return CLI_INVALID;
		}
		if (!take_option(d, optarg, o))
			bad_value = true;
	}
	o->args = argv + optind;
	o->nr_args = argc - optind;
	if (bad_value)
		return CLI_INVALID_VALUE;
	if (o->debug)
		o->message_level |= 8;
	if (o->show_stats)
		o->message_level |= 16;
	if (o->check_params)
		o->message_level &= ~8; /* --check-params suppresses debug output */
	o->mode = choose_mode(o);
	if (o->mode == CLI_MODE_HELP || o->mode == CLI_MODE_VERSION)
		return CLI_OK;
	if (o->partial_dmesg && !o->dump_dmesg)
		return CLI_INVALID;
	enum cli_status st = check_compress_level(o);
	if (st != CLI_OK)
		return st;
	if (o->mode != CLI_MODE_CREATE)
		return valid_special(o) ? CLI_OK : CLI_INVALID;
	return valid_create(o) ? CLI_OK : CLI_INVALID;
}
