/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --help from the option table and the tables shared with the man page
 * (cli_doc.h). REFERENCE.md 1.1 (forms), 1.3 (dump levels), 1.4 (message
 * levels), 1.6 (exit status), 1.8 (environment). */
#include "cli_doc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

#ifndef VERSION
#define VERSION "unknown"
#endif
#ifndef INTERFACE_VERSION
#define INTERFACE_VERSION "1.7.9"
#endif

enum {
	HELP_WIDTH = 79, /* --help wraps its text to this many columns */
	HELP_TAG_COL = 24, /* where the description of an option starts */
};

const struct cli_usage cli_usages[] = {
	{"*makedumpfile* [*-c*|*-l*|*-p*|*-z*|*-E*] [*-d* {DL}] "
	 "[*-x* {VMLINUX}|*-i* {VMCOREINFO}] [{OPTION}...] {VMCORE} {DUMPFILE}",
	 "write a filtered dump", CLI_NR_OPTIONS},
	{"*makedumpfile* *-F* [{OPTION}...] {VMCORE} *>* {STREAM}",
	 "write it as a flattened stream to standard output", CLI_NR_OPTIONS},
	{"*makedumpfile* *-R* {DUMPFILE} *<* {STREAM}",
	 "turn a flattened stream back into a file", CLI_NR_OPTIONS},
	{"*makedumpfile* *--split* [{OPTION}...] {VMCORE} {DUMPFILE1} [{DUMPFILE2}...]",
	 "write the dump as several files in parallel", CLI_OPT_SPLIT},
	{"*makedumpfile* *--reassemble* {DUMPFILE1} [{DUMPFILE2}...] {DUMPFILE}",
	 "join the files of --split", CLI_OPT_REASSEMBLE},
	{"*makedumpfile* *--dump-dmesg* [*--partial-dmesg*] [*-x* {VMLINUX}|*-i* {VMCOREINFO}] "
	 "{VMCORE} {LOGFILE}",
	 "save the kernel log", CLI_NR_OPTIONS},
	{"*makedumpfile* *-F* *--dump-dmesg* [*--partial-dmesg*] {VMCORE} *>* {LOGFILE}",
	 "save the kernel log to standard output", CLI_NR_OPTIONS},
	{"*makedumpfile* *-g* {VMCOREINFO} *-x* {VMLINUX}",
	 "write the VMCOREINFO of a vmlinux to a file", CLI_NR_OPTIONS},
	{"*makedumpfile* *--mem-usage* {VMCORE}",
	 "print how many pages of each class there are", CLI_NR_OPTIONS},
	{"*makedumpfile* *-h*|*-v*", "help, version", CLI_NR_OPTIONS},
};
const size_t cli_nr_usages = sizeof(cli_usages) / sizeof(cli_usages[0]);

static const struct cli_doc_item message_levels[] = {
	{"1", "progress indicator (standard error)"},
	{"2", "common messages, such as the final lines (standard output)"},
	{"4", "error messages (standard error)"},
	{"8", "debug messages, among them the VMCOREINFO of the dump with its "
	      "OSRELEASE= and CRASHTIME= lines (standard output)"},
	{"16", "report messages: the time of each step and the page statistics "
	       "(standard output)"},
};
const struct cli_doc_list cli_message_levels = {
	message_levels, sizeof(message_levels) / sizeof(message_levels[0])};

const char cli_message_level_note[] =
	"The default is 7 (progress, common and error messages). With *-F* every "
	"message goes to standard error, as standard output carries the stream; "
	"*--dump-dmesg* *-F* writes the log there.";

const char cli_dump_level_intro[] =
	"The dump level is the sum of the page classes to leave out; 31 leaves "
	"out all of them. At every level, hardware-poisoned and logically "
	"offline pages are left out too when the kernel facts tell them apart.";

static const struct cli_doc_item examples[] = {
	{"makedumpfile -l -d 31 /proc/vmcore /var/crash/vmcore",
	 "In the capture kernel: save the dump compressed with LZO, without zero, "
	 "cache, user and free pages, as distributions do."},
	{"makedumpfile -F -c -d 31 /proc/vmcore | ssh host 'makedumpfile -R dump'",
	 "Send the dump over ssh as a flattened stream; the other end turns it "
	 "into a file."},
	{"makedumpfile --dump-dmesg /proc/vmcore /var/crash/dmesg.txt",
	 "Save only the kernel log."},
	{"makedumpfile -l -d 31 /var/crash/dump-d1 /var/crash/dump-d31",
	 "Refilter a dump taken at a low dump level: the pages it kept that "
	 "level 31 leaves out are dropped, the others copied as they are stored."},
	{"makedumpfile --split -l -d 31 /proc/vmcore /disk1/dump.1 /disk2/dump.2",
	 "Write the dump as two files on two disks at the same time."},
	{"makedumpfile --reassemble /disk1/dump.1 /disk2/dump.2 /var/crash/dump",
	 "Join them into one file."},
	{"makedumpfile -l -d 1,31 -L 2G /proc/vmcore /var/crash/vmcore",
	 "Keep everything but zero pages if that fits in 2G, else try again at "
	 "dump level 31."},
	{"makedumpfile -g vmcoreinfo -x vmlinux",
	 "Write the VMCOREINFO of a debug vmlinux, to give with *-i* for a dump "
	 "that lacks it."},
	{"makedumpfile --check-params -l -d 31 /proc/vmcore vmcore",
	 "Check a command line without running it (exit status 0 or 1), as kdump "
	 "scripts do when they build the capture initramfs."},
};
const struct cli_doc_list cli_examples = {examples, sizeof(examples) / sizeof(examples[0])};

static const struct cli_doc_item environment[] = {
	{"TMPDIR",
	 "Not used. makedumpfile 1.7.x writes a temporary bitmap file there when "
	 "one cycle is enough and a copy of the VMCOREINFO to /tmp; this "
	 "makedumpfile keeps the bitmaps in memory (or in *--work-dir*) and "
	 "writes no temporary files, so a small or read-only /tmp in the capture "
	 "kernel does not matter."},
};
const struct cli_doc_list cli_environment = {
	environment, sizeof(environment) / sizeof(environment[0])};

static const struct cli_doc_item exit_status[] = {
	{"0", "Success (also for *-h*, *-v* and a passing *--check-params*)."},
	{"1", "Failure, including an incomplete dump (out of space, the *-L* "
	      "limit, interrupted by SIGINT or SIGTERM, a flattened stream without "
	      "its end) and an invalid command line. An incomplete dump is flagged "
	      "in its header (from its first byte on, so also after SIGKILL: see "
	      "COMPLETE AND PARTIAL DUMPS) and the pages written so far can still "
	      "be read."},
	{"2", "The kernel release in the *-i* file differs from the dump's."},
};
const struct cli_doc_list cli_exit_status = {
	exit_status, sizeof(exit_status) / sizeof(exit_status[0])};

const char *cli_group_title(enum cli_group g)
{
	static const char *const titles[CLI_NR_GROUPS] = {
		[CLI_GROUP_FORMAT] = "Compression and output format",
		[CLI_GROUP_FILTER] = "Which pages to keep",
		[CLI_GROUP_FACTS] = "Kernel facts",
		[CLI_GROUP_OUTPUT] = "The output file",
		[CLI_GROUP_RESOURCES] = "Memory, threads and input",
		[CLI_GROUP_MODES] = "Other operations",
		[CLI_GROUP_MESSAGES] = "Messages",
	};
	return (unsigned)g < CLI_NR_GROUPS ? titles[g] : "";
}

size_t cli_dump_level_line(size_t i, char *buf, size_t len)
{
	/* Columns: the classes of REFERENCE.md 1.3. Level 4 leaves out all
	 * cache pages, with or without private data, so it marks both. */
	static const char *const head[] = {
		"      |      | cache   | cache   |      |",
		"Dump  | zero | without | with    | user | free",
		"level | page | private | private | data | page",
		"------+------+---------+---------+------+-----",
	};
	enum { NHEAD = sizeof(head) / sizeof(head[0]) };
	if (i < NHEAD) {
		snprintf(buf, len, "%s", head[i]);
		return NHEAD + 32;
	}
	if (i >= NHEAD + 32)
		return 0;
	unsigned dl = (unsigned)(i - NHEAD);
	const char *x = "X";
	snprintf(buf, len, " %2u   |  %-2s  |    %-2s   |    %-2s   |  %-2s  |  %s", dl,
		 dl & 1 ? x : "", dl & 6 ? x : "", dl & 4 ? x : "", dl & 8 ? x : "",
		 dl & 16 ? x : "");
	/* no trailing blanks */
	size_t n = strlen(buf);
	while (n && buf[n - 1] == ' ')
		buf[--n] = '\0';
	return NHEAD + 32;
}

void cli_markup_plain(struct strbuf *sb, const char *text)
{
	for (const char *p = text; *p; p++)
		if (*p != '*' && *p != '{' && *p != '}')
			strbuf_putc(sb, *p);
}

/* Appends `text` (markup, one paragraph per "\n") wrapped to HELP_WIDTH,
 * every line indented by `indent` columns; the first line continues at
 * column `col` (the caller has already written that much of it). */
static void put_wrapped(struct strbuf *sb, const char *text, size_t indent, size_t col)
{
	struct strbuf plain = {0};
	cli_markup_plain(&plain, text);
	char *t = strbuf_finish(&plain);
	if (!t) {
		sb->failed = true;
		return;
	}
	const char *p = t;
	while (*p) {
		if (*p == '\n') {
			strbuf_putf(sb, "\n%*s", (int)indent, "");
			col = indent;
			p++;
			continue;
		}
		if (*p == ' ') {
			p++;
			continue;
		}
		size_t w = strcspn(p, " \n");
		if (col > indent && col + 1 + w > HELP_WIDTH) {
			strbuf_putf(sb, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			strbuf_putc(sb, ' ');
			col++;
		}
		strbuf_putn(sb, p, w);
		col += w;
		p += w;
	}
	strbuf_putc(sb, '\n');
	free(t);
}

/* "  -d DL[,DL...]", "  -h, --help", "  --work-dir DIR" */
static size_t put_option_tag(struct strbuf *sb, const struct cli_option_desc *d)
{
	size_t before = sb->len;
	strbuf_puts(sb, "  ");
	if (d->short_name)
		strbuf_putf(sb, "-%c", d->short_name);
	if (d->short_name && d->long_name)
		strbuf_puts(sb, ", ");
	if (d->long_name)
		strbuf_putf(sb, "--%s", d->long_name);
	if (d->metavar)
		strbuf_putf(sb, " %s", d->metavar);
	return sb->len - before;
}

/* One tagged entry: the tag (tag_len columns written), then the text at
 * column col, or on the next line when the tag is wider. */
static void put_entry(struct strbuf *sb, size_t tag_len, const char *text, size_t col)
{
	if (tag_len + 1 < col)
		strbuf_putf(sb, "%*s", (int)(col - tag_len), "");
	else
		strbuf_putf(sb, "\n%*s", (int)col, "");
	put_wrapped(sb, text, col, col);
}

/* A list of short tags (values) with their text at column col; a wide tag
 * (a command) goes on a line of its own. */
static void put_list(struct strbuf *sb, const char *title, const struct cli_doc_list *l,
		     size_t col)
{
	strbuf_putf(sb, "\n%s:\n", title);
	for (size_t i = 0; i < l->n; i++) {
		size_t before = sb->len;
		strbuf_puts(sb, "  ");
		cli_markup_plain(sb, l->items[i].tag);
		put_entry(sb, sb->len - before, l->items[i].text, col);
	}
}

static void put_usage(struct strbuf *sb)
{
	strbuf_puts(sb, "Usage:\n");
	for (size_t i = 0; i < cli_nr_usages; i++) {
		const struct cli_usage *u = &cli_usages[i];
		if (u->needs < CLI_NR_OPTIONS &&
		    cli_option_table[u->needs].status != CLI_SUPPORTED)
			continue;
		strbuf_puts(sb, "  ");
		put_wrapped(sb, u->args, 6, 2);
		strbuf_puts(sb, "      ");
		put_wrapped(sb, u->what, 6, 6);
	}
}

static void put_options(struct strbuf *sb)
{
	for (int g = 0; g < CLI_NR_GROUPS; g++) {
		strbuf_putf(sb, "\n%s:\n", cli_group_title((enum cli_group)g));
		for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
			const struct cli_option_desc *d = &cli_option_table[i];
			if ((int)d->group != g || d->status != CLI_SUPPORTED)
				continue;
			put_entry(sb, put_option_tag(sb, d), d->help, HELP_TAG_COL);
		}
	}
	strbuf_puts(sb, "\nRecognised but not supported yet (refused by name, exit status 1):\n");
	for (size_t i = 0; i < CLI_NR_OPTIONS; i++) {
		const struct cli_option_desc *d = &cli_option_table[i];
		if (d->status == CLI_UNSUPPORTED)
			put_entry(sb, put_option_tag(sb, d), d->help, HELP_TAG_COL);
	}
}

static void put_dump_levels(struct strbuf *sb)
{
	strbuf_puts(sb, "\nDump levels (-d):\n  ");
	put_wrapped(sb, cli_dump_level_intro, 2, 2);
	strbuf_putc(sb, '\n');
	char line[128];
	for (size_t i = 0, n = 1; i < n; i++) {
		n = cli_dump_level_line(i, line, sizeof(line));
		strbuf_putf(sb, "  %s\n", line);
	}
}

char *cli_help_format(void)
{
	struct strbuf sb = {0};
	strbuf_puts(&sb, "makedumpfile " VERSION ": filter and compress a kdump vmcore "
			 "(clean-room re-implementation\nwith the interface of makedumpfile "
			 INTERFACE_VERSION ").\n\n");
	put_usage(&sb);
	put_options(&sb);
	put_dump_levels(&sb);
	put_list(&sb, "Message levels (--message-level, the sum of)", &cli_message_levels, 8);
	strbuf_puts(&sb, "  ");
	put_wrapped(&sb, cli_message_level_note, 2, 2);
	put_list(&sb, "Examples", &cli_examples, 6);
	put_list(&sb, "Environment", &cli_environment, 10);
	put_list(&sb, "Exit status", &cli_exit_status, 8);
	static const enum codec_kind kinds[] = {CODEC_ZLIB, CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD};
	static const char flags[] = "clpz";
	strbuf_puts(&sb, "\nCompression compiled in:");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		strbuf_putf(&sb, "%s %s (-%c) %s", i ? "," : "", codec_name(kinds[i]), flags[i],
			    codec_available(kinds[i]) ? "yes" : "no");
	strbuf_puts(&sb, "\n\nSee makedumpfile(8).\n");
	return strbuf_finish(&sb);
}
