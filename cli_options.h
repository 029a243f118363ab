/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line options of makedumpfile 1.7.x (REFERENCE.md 1.2) and their
 * validation (1.5): parsing only, no printing, so the rules can be unit
 * tested. makedumpfile.c turns the result into messages and an exit code. */
#ifndef MDF_CLI_OPTIONS_H
#define MDF_CLI_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "codec.h"

enum {
	CLI_MAX_DUMP_LEVELS = 32, /* -d list length (REFERENCE.md 1.2) */
	CLI_MAX_DISKSET = 64,
	CLI_MSG_LEN = 256,
	CLI_NAME_LEN = 48, /* "--" and the longest long option name */
};

/* What the command line asks for, in the priority order of REFERENCE.md 1.1. */
enum cli_mode {
	CLI_MODE_HELP,
	CLI_MODE_VERSION,
	CLI_MODE_GEN_VMCOREINFO, /* -g */
	CLI_MODE_REARRANGE,      /* -R */
	CLI_MODE_REASSEMBLE,     /* --reassemble */
	CLI_MODE_DUMP_DMESG,     /* --dump-dmesg */
	CLI_MODE_MEM_USAGE,      /* --mem-usage */
	CLI_MODE_CREATE,         /* the default */
};

/* Outcome of parsing. */
enum cli_status {
	CLI_OK,
	CLI_INVALID,        /* "Commandline parameter is invalid." */
	CLI_INVALID_VALUE,  /* an option value is out of range: only msg is printed */
};

/* Sections of --help and of the man page's option list (cli_doc.c has
 * their titles). */
enum cli_group {
	CLI_GROUP_FORMAT,
	CLI_GROUP_FILTER,
	CLI_GROUP_FACTS,
	CLI_GROUP_OUTPUT,
	CLI_GROUP_RESOURCES,
	CLI_GROUP_MODES,
	CLI_GROUP_MESSAGES,
	CLI_NR_GROUPS,
};

/* One constant per entry of cli_options.def. */
enum cli_opt_id {
#define CLI_OPT(ID, ...) CLI_OPT_##ID,
#include "cli_options.def"
#undef CLI_OPT
	CLI_NR_OPTIONS,
};

enum cli_opt_kind {
	CLI_KIND_FLAG,   /* sets a bool field */
	CLI_KIND_PATH,   /* stores the argument in a const char * field */
	CLI_KIND_CUSTOM, /* parsed by cli_options.c */
};

enum cli_opt_status {
	CLI_SUPPORTED,
	CLI_UNSUPPORTED, /* recognised, validated, then refused by name */
};

/* The description of one option (a row of cli_options.def). */
struct cli_option_desc {
	enum cli_opt_id id;
	char short_name;       /* 0 = none */
	const char *long_name; /* NULL = none */
	const char *metavar;   /* NULL = no argument */
	enum cli_opt_kind kind;
	enum cli_opt_status status;
	enum cli_group group;
	const char *help;      /* one line of --help, plain text */
	const char *man;       /* man page paragraphs, cli_doc.h markup */
};

/* Every option, indexed by enum cli_opt_id. */
extern const struct cli_option_desc cli_option_table[CLI_NR_OPTIONS];

#define CLI_FIELD_FLAG(f) bool f;
#define CLI_FIELD_PATH(f) const char *f;
#define CLI_FIELD_CUSTOM(f)

struct cli_options {
	enum cli_mode mode;
	/* FLAG and PATH options: one field each, named in cli_options.def
	 * (elf_out, flatten, force, vmlinux, work_dir, split, config, ...). */
#define CLI_OPT(ID, SHORT, LONG, METAVAR, KIND, FIELD, ...) CLI_FIELD_##KIND(FIELD)
#include "cli_options.def"
#undef CLI_OPT
	bool given[CLI_NR_OPTIONS]; /* every option seen, by enum cli_opt_id */
	/* CUSTOM options */
	enum codec_kind codec;      /* -c/-l/-p/-z, the last one wins */
	const char *codec_flag;     /* "-c", ... for messages; NULL = none */
	/* --compress-level (beyond makedumpfile): a level of -c or -z, or
	 * CODEC_LEVEL_DEFAULT when not given. */
	int compress_level;         /* from compress_level_arg (check_compress_level) */
	int dump_levels[CLI_MAX_DUMP_LEVELS];
	int nr_dump_levels;         /* 0 = not given (level 0) */
	int message_level;          /* after -D / --show-stats are ORed in */
	const char *diskset[CLI_MAX_DISKSET];
	int nr_diskset;
	int num_threads;            /* --num-threads; 0 = not given */
	bool num_threads_set;
	uint64_t cyclic_buffer_kb;  /* 0 = automatic */
	uint64_t splitblock_kb;     /* 0 = default */
	int block_order;            /* -b, or -1 when not given */
	uint64_t size_limit;        /* -L bytes, 0 = none */
	char **args;                /* positional arguments */
	int nr_args;
	char msg[CLI_MSG_LEN];      /* the line to print for CLI_INVALID_VALUE,
				     * or a detail for CLI_INVALID ("" if none) */
};

/* Parses argv with getopt_long (the short-option string and long options
 * come from cli_options.def; 1.7.x's short string is
 * "b:cDd:eEFfg:hi:lL:pRvXx:z"), then chooses the mode and validates the
 * combination. Nothing is printed: getopt's diagnostics are rebuilt in
 * o->msg. Returns CLI_OK, or the kind of failure with o->msg filled where
 * the reference prints a specific line. */
enum cli_status cli_parse(int argc, char **argv, struct cli_options *o);

/* Parses a -d list ("1", "31,1,0"): up to 32 levels 0..31. Returns false
 * (and a message in msg) if invalid. */
bool cli_parse_dump_levels(const char *arg, struct cli_options *o);

/* Parses a -L size: decimal with an optional K/M/G/T/P/E binary suffix.
 * Returns false for zero, junk or overflow. */
bool cli_parse_size(const char *arg, uint64_t *ret);

/* Parses a non-negative decimal integer no larger than max. */
bool cli_parse_uint(const char *arg, uint64_t max, uint64_t *ret);

/* An option given on the command line whose feature is not built (STATUS
 * UNSUPPORTED; the first in table order), or NULL. makedumpfile.c names it
 * and refuses the command line: such options are never ignored. */
const struct cli_option_desc *cli_unsupported_option(const struct cli_options *o);

/* The name of an option for messages, written to buf and returned:
 * "--long" if it has one, else "-c". */
const char *cli_option_name(const struct cli_option_desc *d, char buf[CLI_NAME_LEN]);

#endif
