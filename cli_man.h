/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The generated parts of man/makedumpfile.8: the same option table and
 * documentation tables as --help (cli_doc.h), rendered as roff. The man
 * page is checked in; its generated parts sit between the lines
 *
 *   .\" BEGIN GENERATED <name> ...
 *   .\" END GENERATED <name>
 *
 * and `make man` (man/gen_man.c) rewrites them. The test case man_page
 * fails when the checked-in page differs from what this module makes of
 * it, so the page cannot drift from the table. The makedumpfile binary
 * does not link this module. */
#ifndef MDF_CLI_MAN_H
#define MDF_CLI_MAN_H

#include "error.h"
#include "strbuf.h"

/* Appends roff for the generated section `name` (th, synopsis, options,
 * dump-levels, message-levels, examples, environment, exit-status).
 * Returns false for an unknown name. */
bool cli_man_section(struct strbuf *sb, const char *name);

/* Appends cli_doc.h markup as roff: *bold*, {italic}, '-' as "\-"; each
 * "\n" becomes the request `para` (".IP" inside a tagged paragraph,
 * ".PP" elsewhere). */
void cli_man_markup(struct strbuf *sb, const char *text, const char *para);

/* Rewrites every generated part of a man page; the rest is copied as it
 * is. Returns the new text in *ret (the caller frees it), or an error for
 * an unknown or unterminated part. */
struct mdf_error *cli_man_update(const char *page, char **ret);

#endif
