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

struct cli_options {
	enum cli_mode mode;
	enum codec_kind codec;      /* -c/-l/-p/-z, the last one wins */
	const char *codec_flag;     /* "-c", ... for messages; NULL = none */
	/* --compress-level (beyond makedumpfile): a level of -c or -z, or
	 * CODEC_LEVEL_DEFAULT when not given. */
	int compress_level;
	const char *compress_level_arg; /* as given; NULL = not given */
	int dump_levels[CLI_MAX_DUMP_LEVELS];
	int nr_dump_levels;         /* 0 = not given (level 0) */
	int message_level;          /* after -D / --show-stats are ORed in */
	bool elf_out, flatten, force, non_mmap, dry_run, check_params;
	bool show_stats, debug, xen_filter, exclude_vmemmap, split;
	bool partial_dmesg, help, version, rearrange, reassemble, dump_dmesg;
	bool mem_usage;
	const char *vmlinux;        /* -x */
	const char *vmcoreinfo_in;  /* -i */
	const char *vmcoreinfo_out; /* -g */
	const char *config, *eppic, *work_dir, *xen_syms, *xen_vmcoreinfo;
	const char *xen_phys_start, *vtop;
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

/* Parses argv (getopt_long, short options "b:cDd:eEFfg:hi:lL:pRvXx:z"),
 * then chooses the mode and validates the combination. getopt may print its
 * own "unrecognized option" line to stderr, as the reference does.
 * Returns CLI_OK, or the kind of failure with o->msg filled where the
 * reference prints a specific line. */
enum cli_status cli_parse(int argc, char **argv, struct cli_options *o);

/* Parses a -d list ("1", "31,1,0"): up to 32 levels 0..31. Returns false
 * (and a message in msg) if invalid. */
bool cli_parse_dump_levels(const char *arg, struct cli_options *o);

/* Parses a -L size: decimal with an optional K/M/G/T/P/E binary suffix.
 * Returns false for zero, junk or overflow. */
bool cli_parse_size(const char *arg, uint64_t *ret);

/* Parses a non-negative decimal integer no larger than max. */
bool cli_parse_uint(const char *arg, uint64_t max, uint64_t *ret);

#endif
