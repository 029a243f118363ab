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

/* Long-only options get values above the char range. */
enum {
	OPT_SPLIT = 256,
	OPT_REASSEMBLE,
	OPT_XEN_SYMS,
	OPT_XEN_VMCOREINFO,
	OPT_XEN_PHYS_START,
	OPT_MESSAGE_LEVEL,
	OPT_VTOP,
	OPT_DUMP_DMESG,
	OPT_PARTIAL_DMESG,
	OPT_CONFIG,
	OPT_DISKSET,
	OPT_CYCLIC_BUFFER,
	OPT_EPPIC,
	OPT_NON_MMAP,
	OPT_MEM_USAGE,
	OPT_SPLITBLOCK_SIZE,
	OPT_WORK_DIR,
	OPT_NUM_THREADS,
	OPT_CHECK_PARAMS,
	OPT_DRY_RUN,
	OPT_SHOW_STATS,
};

static const struct option long_options[] = {
	{"split", no_argument, NULL, OPT_SPLIT},
	{"reassemble", no_argument, NULL, OPT_REASSEMBLE},
	{"xen-syms", required_argument, NULL, OPT_XEN_SYMS},
	{"xen-vmcoreinfo", required_argument, NULL, OPT_XEN_VMCOREINFO},
	{"xen_phys_start", required_argument, NULL, OPT_XEN_PHYS_START},
	{"message-level", required_argument, NULL, OPT_MESSAGE_LEVEL},
	{"vtop", required_argument, NULL, OPT_VTOP},
	{"dump-dmesg", no_argument, NULL, OPT_DUMP_DMESG},
	{"partial-dmesg", no_argument, NULL, OPT_PARTIAL_DMESG},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"help", no_argument, NULL, 'h'},
	{"diskset", required_argument, NULL, OPT_DISKSET},
	{"cyclic-buffer", required_argument, NULL, OPT_CYCLIC_BUFFER},
	{"eppic", required_argument, NULL, OPT_EPPIC},
	{"non-mmap", no_argument, NULL, OPT_NON_MMAP},
	{"mem-usage", no_argument, NULL, OPT_MEM_USAGE},
	{"splitblock-size", required_argument, NULL, OPT_SPLITBLOCK_SIZE},
	{"work-dir", required_argument, NULL, OPT_WORK_DIR},
	{"num-threads", required_argument, NULL, OPT_NUM_THREADS},
	{"check-params", no_argument, NULL, OPT_CHECK_PARAMS},
	{"dry-run", no_argument, NULL, OPT_DRY_RUN},
	{"show-stats", no_argument, NULL, OPT_SHOW_STATS},
	{NULL, 0, NULL, 0},
};

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

/* Options with a numeric value; false = the reference's "X(...) is invalid." */
static bool parse_numeric(int c, const char *arg, struct cli_options *o)
{
	uint64_t v;
	switch (c) {
	case 'b':
		if (!cli_parse_uint(arg, 12, &v)) {
			set_msg(o, "Block order(%s) is invalid.", arg);
			return false;
		}
		o->block_order = (int)v;
		return true;
	case 'L':
		if (!cli_parse_size(arg, &o->size_limit)) {
			set_msg(o, "Limit size(%s) is invalid.", arg);
			return false;
		}
		return true;
	case OPT_MESSAGE_LEVEL:
		if (!cli_parse_uint(arg, 31, &v)) {
			set_msg(o, "Message_level(%s) is invalid.", arg);
			return false;
		}
		o->message_level = (int)v;
		return true;
	case OPT_NUM_THREADS:
		if (!cli_parse_uint(arg, 4096, &v)) {
			set_msg(o, "Number of threads(%s) is invalid.", arg);
			return false;
		}
		o->num_threads = (int)v;
		o->num_threads_set = true;
		return true;
	case OPT_CYCLIC_BUFFER:
		if (!cli_parse_uint(arg, UINT64_MAX >> 10, &v) || v == 0) {
			set_msg(o, "Cyclic buffer size(%s) is invalid.", arg);
			return false;
		}
		o->cyclic_buffer_kb = v;
		return true;
	case OPT_SPLITBLOCK_SIZE:
		if (!cli_parse_uint(arg, UINT64_MAX >> 10, &v) || v == 0) {
			set_msg(o, "Splitblock size(%s) is invalid.", arg);
			return false;
		}
		o->splitblock_kb = v;
		return true;
	default:
		return true;
	}
}

/* Records one option; false on a bad value (message in o->msg). */
static bool take_option(int c, const char *arg, struct cli_options *o)
{
	switch (c) {
	case 'c': o->codec = CODEC_ZLIB; o->codec_flag = "-c"; break;
	case 'l': o->codec = CODEC_LZO; o->codec_flag = "-l"; break;
	case 'p': o->codec = CODEC_SNAPPY; o->codec_flag = "-p"; break;
	case 'z': o->codec = CODEC_ZSTD; o->codec_flag = "-z"; break;
	case 'd': return cli_parse_dump_levels(arg, o);
	case 'D': o->debug = true; break;
	case 'e': o->exclude_vmemmap = true; break;
	case 'E': o->elf_out = true; break;
	case 'F': o->flatten = true; break;
	case 'f': o->force = true; break;
	case 'g': o->vmcoreinfo_out = arg; break;
	case 'h': o->help = true; break;
	case 'i': o->vmcoreinfo_in = arg; break;
	case 'R': o->rearrange = true; break;
	case 'v': o->version = true; break;
	case 'X': o->xen_filter = true; break;
	case 'x': o->vmlinux = arg; break;
	case OPT_SPLIT: o->split = true; break;
	case OPT_REASSEMBLE: o->reassemble = true; break;
	case OPT_XEN_SYMS: o->xen_syms = arg; break;
	case OPT_XEN_VMCOREINFO: o->xen_vmcoreinfo = arg; break;
	case OPT_XEN_PHYS_START: o->xen_phys_start = arg; break;
	case OPT_VTOP: o->vtop = arg; break;
	case OPT_DUMP_DMESG: o->dump_dmesg = true; break;
	case OPT_PARTIAL_DMESG: o->partial_dmesg = true; break;
	case OPT_CONFIG: o->config = arg; break;
	case OPT_EPPIC: o->eppic = arg; break;
	case OPT_NON_MMAP: o->non_mmap = true; break;
	case OPT_MEM_USAGE: o->mem_usage = true; break;
	case OPT_WORK_DIR: o->work_dir = arg; break;
	case OPT_CHECK_PARAMS: o->check_params = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_SHOW_STATS: o->show_stats = true; break;
	case OPT_DISKSET:
		if (o->nr_diskset >= CLI_MAX_DISKSET) {
			set_msg(o, "Too many --diskset options (at most %d).", CLI_MAX_DISKSET);
			return false;
		}
		o->diskset[o->nr_diskset++] = arg;
		break;
	default:
		return parse_numeric(c, arg, o);
	}
	return true;
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
	if (o->config && !o->vmlinux)
		return false;
	if (o->exclude_vmemmap && !o->work_dir)
		return false;
	/* -e rewrites kdump bitmaps; the ELF writer has none (our rule: the
	 * reference accepts the pair and ignores -e). */
	if (o->exclude_vmemmap && o->elf_out)
		return false;
	/* --num-threads with --split is ours: it caps the compressing threads
	 * of all members together (the reference refuses the pair). */
	if (o->num_threads_set && o->elf_out)
		return false;
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
	opterr = 0;
	optind = 1;
	int c;
	bool bad_value = false;
	while ((c = getopt_long(argc, argv, ":b:cDd:eEFfg:hi:lL:pRvXx:z", long_options,
				NULL)) != -1) {
		if (c == '?' || c == ':') {
			getopt_problem(c, argv, o);
			return CLI_INVALID;
		}
		if (!take_option(c, optarg, o))
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
	if (o->mode != CLI_MODE_CREATE)
		return valid_special(o) ? CLI_OK : CLI_INVALID;
	return valid_create(o) ? CLI_OK : CLI_INVALID;
}
