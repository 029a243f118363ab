/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The user documentation built from the option table (cli_options.def) and
 * the few fixed tables beside it (invocation forms, dump levels, message
 * levels, examples, environment, exit status): --help as plain text here,
 * the man page sections in cli_man.c. Both render the same entries, so the
 * two cannot drift apart.
 *
 * Markup of the texts (the MAN column of cli_options.def and the tables
 * below): *bold* (option names, commands), {italic} (arguments), and "\n"
 * between paragraphs. Plain text drops the marks. */
#ifndef MDF_CLI_DOC_H
#define MDF_CLI_DOC_H

#include <stdbool.h>
#include <stddef.h>

#include "cli_options.h"
#include "strbuf.h"

/* One way to call the program (SYNOPSIS, "Usage:"). */
struct cli_usage {
	const char *args; /* markup, starting with *makedumpfile* */
	const char *what; /* what it does, plain text */
	/* The form is shown only while this option is supported (so enabling
	 * --split in cli_options.def shows its form); CLI_NR_OPTIONS = always. */
	enum cli_opt_id needs;
};

/* A tagged paragraph: a message level, an example, a variable, a status. */
struct cli_doc_item {
	const char *tag;  /* markup */
	const char *text; /* markup */
};

struct cli_doc_list {
	const struct cli_doc_item *items;
	size_t n;
};

extern const struct cli_usage cli_usages[];
extern const size_t cli_nr_usages;

/* The tables shared by --help and the man page. */
extern const struct cli_doc_list cli_message_levels; /* tag = the value */
extern const struct cli_doc_list cli_examples;       /* tag = the command */
extern const struct cli_doc_list cli_environment;    /* tag = the variable */
extern const struct cli_doc_list cli_exit_status;    /* tag = the status */

/* The sentence introducing the dump-level table, and the one after the
 * message-level list (markup). */
extern const char cli_dump_level_intro[];
extern const char cli_message_level_note[];

/* The title of an option group ("Compression and output format", ...). */
const char *cli_group_title(enum cli_group g);

/* The lines of the dump-level table, without newlines: a header, a rule,
 * then levels 0 to 31. Writes line i to buf and returns the number of
 * lines, or returns 0 when i is past the last line. */
size_t cli_dump_level_line(size_t i, char *buf, size_t len);

/* Appends text with the markup removed. */
void cli_markup_plain(struct strbuf *sb, const char *text);

/* The whole --help text: usage, options by group, the unsupported options,
 * dump levels, message levels, examples, environment, exit status and the
 * compiled-in codecs. The caller prints and frees it; NULL if out of
 * memory. */
char *cli_help_format(void);

#endif
