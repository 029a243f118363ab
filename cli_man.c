/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Roff for the generated parts of man/makedumpfile.8 (cli_man.h). The
 * requests used (TH, SH, SS, TP, IP, PP, nf/fi, RS/RE and the \fB \fI \fR
 * fonts) are those of man(7), so groff -ww renders the page silently. */
#include "cli_man.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_doc.h"

#ifndef VERSION
#define VERSION "unknown"
#endif
#ifndef RELEASE_DATE
#define RELEASE_DATE "unknown"
#endif

/* Appends one character of running text, escaped for roff. */
static void put_roff_char(struct strbuf *sb, char c, bool line_start)
{
	if (line_start && (c == '.' || c == '\''))
		strbuf_puts(sb, "\\&");
	if (c == '-')
		strbuf_puts(sb, "\\-");
	else if (c == '\\')
		strbuf_puts(sb, "\\e");
	else
		strbuf_putc(sb, c);
}

/* Appends plain text (no markup), escaped. */
static void put_roff_plain(struct strbuf *sb, const char *text)
{
	bool line_start = sb->len == 0 || sb->p[sb->len - 1] == '\n';
	for (const char *p = text; *p; p++) {
		put_roff_char(sb, *p, line_start);
		line_start = false;
	}
}

void cli_man_markup(struct strbuf *sb, const char *text, const char *para)
{
	bool line_start = sb->len == 0 || sb->p[sb->len - 1] == '\n';
	bool bold = false;
	for (const char *p = text; *p; p++) {
		switch (*p) {
		case '*':
		case '{':
		case '}': {
			/* '*' toggles bold; a brace opens or closes italic */
			const char *font = *p == '{' ? "\\fI" : *p == '}' ? "\\fR" : NULL;
			if (!font) {
				font = bold ? "\\fR" : "\\fB";
				bold = !bold;
			}
			strbuf_puts(sb, font);
			line_start = false;
			break;
		}
		case '\n':
			strbuf_putf(sb, "\n%s\n", para);
			while (p[1] == ' ')
				p++;
			line_start = true;
			break;
		default:
			put_roff_char(sb, *p, line_start);
			line_start = false;
		}
	}
}

/* "\fB\-h\fR, \fB\-\-help\fR \fIARG\fR" */
static void put_option_tag(struct strbuf *sb, const struct cli_option_desc *d)
{
	if (d->short_name)
		strbuf_putf(sb, "\\fB\\-%c\\fR", d->short_name);
	if (d->short_name && d->long_name)
		strbuf_puts(sb, ", ");
	if (d->long_name) {
		strbuf_puts(sb, "\\fB\\-\\-");
		put_roff_plain(sb, d->long_name);
		strbuf_puts(sb, "\\fR");
	}
	if (d->metavar) {
		strbuf_puts(sb, " \\fI");
		put_roff_plain(sb, d->metavar);
		strbuf_puts(sb, "\\fR");
	}
}

static void put_option(struct strbuf *sb, const struct cli_option_desc *d)
{
	strbuf_puts(sb, ".TP\n");
	put_option_tag(sb, d);
	strbuf_putc(sb, '\n');
	cli_man_markup(sb, d->man, ".IP");
	strbuf_putc(sb, '\n');
}

static void section_options(struct strbuf *sb)
{
	strbuf_puts(sb, ".SH OPTIONS\n");
	for (int g = 0; g < CLI_NR_GROUPS; g++) {
		strbuf_puts(sb, ".SS ");
		put_roff_plain(sb, cli_group_title((enum cli_group)g));
		strbuf_putc(sb, '\n');
		for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
			const struct cli_option_desc *d = &cli_option_table[i];
			if ((int)d->group == g && d->status == CLI_SUPPORTED)
				put_option(sb, d);
		}
	}
	strbuf_puts(sb, ".SS Options not supported yet\n"
			"These options of makedumpfile 1.7.x are recognised and checked like "
			"there, then refused with a message naming the option (exit status "
			"1); they are never silently ignored.\n");
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		const struct cli_option_desc *d = &cli_option_table[i];
		if (d->status == CLI_UNSUPPORTED)
			put_option(sb, d);
	}
}

static void section_synopsis(struct strbuf *sb)
{
	/* one form per line, continuation lines indented (hanging indent) */
	strbuf_puts(sb, ".SH SYNOPSIS\n.nh\n.ad l\n.in +4n\n");
	bool first = true;
	for (size_t i = 0; i < cli_nr_usages; i++) {
		const struct cli_usage *u = &cli_usages[i];
		if (u->needs < CLI_NR_OPTIONS &&
		    cli_option_table[u->needs].status != CLI_SUPPORTED)
			continue;
		if (!first)
			strbuf_puts(sb, ".br\n");
		first = false;
		strbuf_puts(sb, ".ti -4n\n");
		cli_man_markup(sb, u->args, ".br");
		strbuf_putc(sb, '\n');
	}
	strbuf_puts(sb, ".in\n.ad\n.hy\n");
}

static void put_tagged_list(struct strbuf *sb, const struct cli_doc_list *l, bool bold_tag)
{
	for (size_t i = 0; i < l->n; i++) {
		strbuf_puts(sb, ".TP\n");
		if (bold_tag)
			strbuf_puts(sb, "\\fB");
		cli_man_markup(sb, l->items[i].tag, ".br");
		if (bold_tag)
			strbuf_puts(sb, "\\fR");
		strbuf_putc(sb, '\n');
		cli_man_markup(sb, l->items[i].text, ".IP");
		strbuf_putc(sb, '\n');
	}
}

static void section_dump_levels(struct strbuf *sb)
{
	strbuf_puts(sb, ".SH DUMP LEVELS\n");
	cli_man_markup(sb, cli_dump_level_intro, ".PP");
	strbuf_puts(sb, "\n.PP\n.RS\n.nf\n");
	char line[128];
	for (size_t i = 0, n = 1; i < n; i++) {
		n = cli_dump_level_line(i, line, sizeof(line));
		put_roff_plain(sb, line);
		strbuf_putc(sb, '\n');
	}
	strbuf_puts(sb, ".fi\n.RE\n");
}

bool cli_man_section(struct strbuf *sb, const char *name)
{
	if (strcmp(name, "th") == 0) {
		strbuf_puts(sb, ".TH MAKEDUMPFILE 8 \"" RELEASE_DATE "\" \"makedumpfile " VERSION
				"\" \"System Administration\"\n");
	} else if (strcmp(name, "synopsis") == 0) {
		section_synopsis(sb);
	} else if (strcmp(name, "options") == 0) {
		section_options(sb);
	} else if (strcmp(name, "dump-levels") == 0) {
		section_dump_levels(sb);
	} else if (strcmp(name, "message-levels") == 0) {
		strbuf_puts(sb, ".SH MESSAGE LEVELS\n"
				"The argument of \\fB\\-\\-message\\-level\\fR is the sum of:\n");
		put_tagged_list(sb, &cli_message_levels, true);
		strbuf_puts(sb, ".PP\n");
		cli_man_markup(sb, cli_message_level_note, ".PP");
		strbuf_putc(sb, '\n');
	} else if (strcmp(name, "examples") == 0) {
		strbuf_puts(sb, ".SH EXAMPLES\n");
		put_tagged_list(sb, &cli_examples, true);
	} else if (strcmp(name, "environment") == 0) {
		strbuf_puts(sb, ".SH ENVIRONMENT\n");
		put_tagged_list(sb, &cli_environment, true);
	} else if (strcmp(name, "exit-status") == 0) {
		strbuf_puts(sb, ".SH EXIT STATUS\n");
		put_tagged_list(sb, &cli_exit_status, true);
	} else {
		return false;
	}
	return true;
}

static const char begin_mark[] = ".\\\" BEGIN GENERATED ";
static const char end_mark[] = ".\\\" END GENERATED ";

/* The part name after a marker: up to the first blank or end of line. */
static void marker_name(const char *p, char *name, size_t len)
{
	size_t n = strcspn(p, " \t\n");
	if (n >= len)
		n = len - 1;
	memcpy(name, p, n);
	name[n] = '\0';
}

struct mdf_error *cli_man_update(const char *page, char **ret)
{
	struct strbuf sb = {0};
	const char *p = page;
	unsigned line = 1;
	while (*p) {
		size_t n = strcspn(p, "\n");
		size_t len = n + (p[n] == '\n');
		strbuf_putn(&sb, p, len);
		if (strncmp(p, begin_mark, sizeof(begin_mark) - 1) == 0) {
			char name[64];
			marker_name(p + sizeof(begin_mark) - 1, name, sizeof(name));
			if (!cli_man_section(&sb, name)) {
				free(strbuf_finish(&sb));
				return mdf_error_create(MDF_ERR_CORRUPT,
							"line %u: unknown generated part '%s'",
							line, name);
			}
			/* skip the old text up to the end marker */
			const char *end = p + len;
			unsigned start = line;
			for (;;) {
				if (!*end) {
					free(strbuf_finish(&sb));
					return mdf_error_create(MDF_ERR_CORRUPT,
								"line %u: generated part '%s' "
								"has no end marker", start, name);
				}
				size_t m = strcspn(end, "\n");
				line++;
				if (strncmp(end, end_mark, sizeof(end_mark) - 1) == 0)
					break;
				end += m + (end[m] == '\n');
			}
			p = end;
			continue;
		}
		p += len;
		line++;
	}
	char *text = strbuf_finish(&sb);
	if (!text)
		return mdf_error_nomem();
	*ret = text;
	return NULL;
}
