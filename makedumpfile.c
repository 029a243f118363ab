/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The command line: modes, messages, progress, the --show-stats report and
 * exit codes. This is the only file that prints or exits (STYLE.md "Code");
 * option parsing lives in cli_options.c. REFERENCE.md 1. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli_doc.h"
#include "cli_options.h"
#include "codec.h"
#include "dmesg.h"
#include "dwarf_info.h"
#include "dump.h"
#include "elf_out.h"
#include "erase_conf.h"
#include "erase_info.h"
#include "erase_sources.h"
#include "error.h"
#include "flatten.h"
#include "input.h"
#include "kdump_out.h"
#include "kernel_facts.h"
#include "kernel_support.h"
#include "kfacts_dump.h"
#include "kmem.h"
#include "mem_usage.h"
#include "outfile.h"
#include "sink.h"
#include "vmcoreinfo_gen.h"

#ifndef VERSION
#define VERSION "unknown"
#endif
#ifndef RELEASE_DATE
#define RELEASE_DATE "unknown"
#endif
#ifndef INTERFACE_VERSION
#define INTERFACE_VERSION "1.7.9"
#endif

enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,
	EXIT_RELEASE = 2, /* -i release differs from the dump (REFERENCE.md 1.6) */
};

/* Set by SIGINT/SIGTERM. The one mutable global of the project: a signal
 * handler can reach nothing else. Writers poll it through
 * dump_source.interrupted and finish the dump as incomplete. */
static volatile sig_atomic_t g_interrupted;

/* One phase with a progress line ("Checking for memory holes", "Excluding
 * unnecessary pages", "Copying data"): the writers interleave them cycle by
 * cycle, so each keeps its own start time, rate limit and end. */
struct cli_phase {
	char label[48];
	struct timespec start;
	time_t last_print;
	bool done;
};

enum { CLI_MAX_PHASES = 8 };

/* Output state of one run: where each message class goes and the progress
 * lines being drawn. */
struct cli {
	int level_mask;
	FILE *common; /* stdout, or stderr with -F (the stream owns stdout) */
	struct mdf_msg msg;
	bool line_open;          /* a progress line without its newline */
	struct cli_phase phases[CLI_MAX_PHASES];
	unsigned int nr_phases;  /* 0 again for each dump attempt */
	unsigned int spinner;
};

static void on_signal(int sig)
{
	(void)sig;
	/* An atomic store: the dump threads read it (dump_interrupted). */
	__atomic_store_n(&g_interrupted, 1, __ATOMIC_RELAXED);
}

static double elapsed_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) + (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Ends a progress line so the next message starts on its own line. */
static void close_progress_line(struct cli *c)
{
	if (c->line_open) {
		fputc('\n', stderr);
		c->line_open = false;
	}
}

static FILE *stream_for(const struct cli *c, enum mdf_msg_level level)
{
	return level == MDF_MSG_ERROR || level == MDF_MSG_PROGRESS ? stderr : c->common;
}

static void out(struct cli *c, enum mdf_msg_level level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints one formatted piece (the caller supplies newlines) if the level is
 * enabled. */
static void out(struct cli *c, enum mdf_msg_level level, const char *fmt, ...)
{
	if (!(c->level_mask & (int)level))
		return;
	FILE *f = stream_for(c, level);
	if (f == stderr)
		close_progress_line(c);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fflush(f);
}

/* The modules' message callback (error.h). */
static void msg_callback(void *arg, enum mdf_msg_level level, const char *text)
{
	struct cli *c = arg;
	if (level == MDF_MSG_PROGRESS)
		out(c, level, "%s", text);
	else if (level == MDF_MSG_ERROR)
		out(c, level, "makedumpfile: %s\n", text);
	else
		out(c, level, "%s\n", text);
}

/* An error value becomes one line on stderr. */
static void print_error(struct cli *c, const struct mdf_error *err)
{
	out(c, MDF_MSG_ERROR, "makedumpfile: %s\n", err->message);
}

static int exit_code_of(const struct mdf_error *err)
{
	return err && err->code == MDF_ERR_RELEASE ? EXIT_RELEASE : EXIT_FAIL;
}

static void print_failed(struct cli *c)
{
	out(c, MDF_MSG_COMMON, "\nmakedumpfile Failed.\n");
}

static void print_completed(struct cli *c, const char *what, const char *name)
{
	out(c, MDF_MSG_COMMON, "\nThe %s is saved to %s.\n", what, name);
	out(c, MDF_MSG_COMMON, "\nmakedumpfile Completed.\n");
}

/* makedumpfile's line for the members of --split: "a, b, and c." */
static void print_completed_split(struct cli *c, const char *const *names, size_t n)
{
	out(c, MDF_MSG_COMMON, "\nThe dumpfiles are saved to ");
	for (size_t i = 0; i + 1 < n; i++)
		out(c, MDF_MSG_COMMON, "%s, ", names[i]);
	out(c, MDF_MSG_COMMON, "and %s.\n", names[n - 1]);
	out(c, MDF_MSG_COMMON, "\nmakedumpfile Completed.\n");
}

/* Formats the eta text of REFERENCE.md 1.7 into buf. */
static void format_eta(char *buf, size_t len, double seconds)
{
	uint64_t s = seconds < 0 ? 0 : (uint64_t)seconds;
	if (s < 100)
		snprintf(buf, len, "eta: %" PRIu64 "s", s);
	else if (s < 100 * 60)
		snprintf(buf, len, "eta: %" PRIu64 "m%" PRIu64 "s", s / 60, s % 60);
	else if (s < 48 * 3600)
		snprintf(buf, len, "eta: %" PRIu64 "h%" PRIu64 "m", s / 3600, s / 60 % 60);
	else if (s < 100 * 86400)
		snprintf(buf, len, "eta: %" PRIu64 "d%" PRIu64 "h", s / 86400, s / 3600 % 24);
	else
		snprintf(buf, len, "eta: >100day");
}

/* Draws one progress line (REFERENCE.md 1.7 layout). */
static void draw_progress(struct cli *c, const struct cli_phase *ph, uint64_t done,
			  uint64_t total, bool show_eta)
{
	static const char spin[4] = {'/', '|', '\\', '-'};
	uint64_t permille = total ? (done >= total ? 1000 : done * 1000 / total) : 1000;
	char eta[32] = "";
	if (show_eta && permille > 0) {
		double el = elapsed_since(&ph->start);
		format_eta(eta, sizeof(eta), el * (double)(1000 - permille) / (double)permille);
	}
	fprintf(stderr, "\r%-50s: [%3u.%u %%] %c  %16s", ph->label, (unsigned)(permille / 10),
		(unsigned)(permille % 10), spin[c->spinner++ % 4], eta);
	fflush(stderr);
	c->line_open = true;
}

/* The state of the phase named label, created at its first report. */
static struct cli_phase *phase_of(struct cli *c, const char *label)
{
	for (unsigned int i = 0; i < c->nr_phases; i++)
		if (strncmp(c->phases[i].label, label, sizeof(c->phases[i].label)) == 0)
			return &c->phases[i];
	if (c->nr_phases == CLI_MAX_PHASES)
		return NULL;
	struct cli_phase *ph = &c->phases[c->nr_phases++];
	memset(ph, 0, sizeof(*ph));
	snprintf(ph->label, sizeof(ph->label), "%s", label);
	clock_gettime(CLOCK_MONOTONIC, &ph->start);
	return ph;
}

/* The modules' progress callback (dump.h): one update per second and
 * phase, plus the phase's final 100 % line and its STEP time for
 * --show-stats. Reports of a finished phase (the second pass rebuilding a
 * cycle's bitmaps) are not drawn again. */
static void progress_callback(void *arg, const char *label, uint64_t done, uint64_t total,
			      bool show_eta)
{
	struct cli *c = arg;
	struct cli_phase *ph = phase_of(c, label);
	if (!ph || ph->done)
		return;
	bool final = done >= total;
	time_t now = time(NULL);
	if (c->level_mask & MDF_MSG_PROGRESS && (final || now != ph->last_print)) {
		draw_progress(c, ph, done, total, show_eta);
		ph->last_print = now;
	}
	if (!final)
		return;
	ph->done = true;
	double el = elapsed_since(&ph->start);
	if (c->line_open && strcmp(label, "Copying data") == 0)
		close_progress_line(c); /* the newline after the copy phase */
	out(c, MDF_MSG_REPORT, "STEP [%-27s] : %.6f seconds\n", label, el);
}

/* One "<label>: 0x%016x" line of the report. */
static void report_line(struct cli *c, const char *label, uint64_t value)
{
	out(c, MDF_MSG_REPORT, "%s: 0x%016" PRIx64 "\n", label, value);
}

/* The --show-stats block of REFERENCE.md 1.7. */
static void print_report(struct cli *c, const struct dump_source *src,
			 const struct dump_stats *st, bool elf)
{
	if (!(c->level_mask & MDF_MSG_REPORT))
		return;
	uint64_t excluded = st->zero + st->cache + st->cache_private + st->user + st->free +
			    st->hwpoison + st->offline;
	uint64_t orig = st->original_pages;
	uint64_t remaining = orig > excluded ? orig - excluded : 0;
	uint64_t shown = elf ? st->written_pages : remaining;
	uint64_t hole = src->max_mapnr > orig ? src->max_mapnr - orig : 0;
	out(c, MDF_MSG_REPORT, "\n");
	report_line(c, "Original pages  ", orig);
	report_line(c, "  Excluded pages   ", excluded);
	if (elf)
		report_line(c, "     in ELF format ",
		    orig > st->written_pages ? orig - st->written_pages : 0);
	report_line(c, "    Pages filled with zero  ", st->zero);
	report_line(c, "    Non-private cache pages ", st->cache);
	report_line(c, "    Private cache pages     ", st->cache_private);
	report_line(c, "    User process data pages ", st->user);
	report_line(c, "    Free pages              ", st->free);
	report_line(c, "    Hwpoison pages          ", st->hwpoison);
	report_line(c, "    Offline pages           ", st->offline);
	report_line(c, "  Remaining pages  ", remaining);
	if (elf)
		report_line(c, "     in ELF format ", st->written_pages);
	out(c, MDF_MSG_REPORT, "  (The number of pages is reduced to %" PRIu64 "%%.)\n",
	    orig ? shown * 100 / orig : 0);
	report_line(c, "Memory Hole     ", hole);
	out(c, MDF_MSG_REPORT, "--------------------------------------------------\n");
	report_line(c, "Total pages     ", src->max_mapnr);
	out(c, MDF_MSG_REPORT, "Write bytes     : %" PRIu64 "\n", st->write_bytes);
	out(c, MDF_MSG_REPORT, "\n");
	/* No "Cache hit: H, miss: M, hit rate: R%" line: 1.7.x counts its
	 * cache of pages read by virtual address; we read kernel memory
	 * straight from the mapped vmcore and have no such cache, and a line
	 * of zeros would be a made-up number (README "Decisions"). */
}

/* "Commandline parameter is invalid." and its follow-up (stdout, like the
 * reference; stderr with -F). */
static void print_invalid(struct cli *c)
{
	out(c, MDF_MSG_COMMON, "Commandline parameter is invalid.\n");
	out(c, MDF_MSG_COMMON, "Try `makedumpfile --help' for more information.\n");
}

static void print_codecs_short(void)
{
	static const enum codec_kind kinds[] = {CODEC_LZO, CODEC_SNAPPY, CODEC_ZSTD};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		printf("%s\t%s\n", codec_name(kinds[i]),
		       codec_available(kinds[i]) ? "enabled" : "disabled");
}

/* After 1.7.2's lines: what implements each codec here, and the levels of
 * --compress-level (our own option). */
static void print_codec_details(void)
{
	static const struct { enum codec_kind kind; const char *flag; } codecs[] = {
		{CODEC_ZLIB, "-c"}, {CODEC_LZO, "-l"}, {CODEC_SNAPPY, "-p"}, {CODEC_ZSTD, "-z"},
	};
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		char lib[96];
		int lo, hi, def;
		printf("%s: %s", codecs[i].flag,
		       codec_library(codecs[i].kind, lib, sizeof(lib)));
		if (codec_level_range(codecs[i].kind, &lo, &hi, &def))
			printf("; --compress-level %d to %d%s (default %d)", lo, hi,
			       lo < 0 ? " but 0" : "", def);
		printf("\n");
	}
}

/* -v: 1.7.x's first line and codec lines (scripts read them), with our own
 * version in it, and a line naming the release whose interface we follow:
 * the output must not pass for upstream's release (README "Version"). */
static int mode_version(void)
{
	printf("makedumpfile: version " VERSION " (released on " RELEASE_DATE ")\n");
	printf("interface: makedumpfile " INTERFACE_VERSION
	       " (clean-room re-implementation, not upstream's release)\n");
	print_codecs_short();
	printf("\n");
	print_codec_details();
	return EXIT_OK;
}

static int mode_help(void)
{
	char *text = cli_help_format();
	if (!text) {
		fprintf(stderr, "makedumpfile: out of memory\n");
		return EXIT_FAIL;
	}
	fputs(text, stdout);
	free(text);
	return EXIT_OK;
}

static int mode_rearrange(struct cli *c, const struct cli_options *o)
{
	const char *path = o->args[0];
	struct outfile_guard g = { .n = 0 };
	outfile_guard_add_fd(&g, STDIN_FILENO, "standard input");
	struct mdf_error *err = flatten_rearrange_guarded(0, "standard input", path, o->force, &g,
							  &g_interrupted);
	if (err) {
		print_error(c, err);
		mdf_error_destroy(err);
		print_failed(c);
		return EXIT_FAIL;
	}
	print_completed(c, "dumpfile", path);
	return EXIT_OK;
}

/* Writes all of buf to fd (the -g and --dump-dmesg outputs). */
static struct mdf_error *write_all(int fd, const char *path, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return mdf_error_os(n < 0 ? errno : ENOSPC, "writing %s", path);
		p += n;
		len -= (size_t)n;
	}
	return NULL;
}

/* Finishes a text output (-g, --dump-dmesg): data on disk, then final. */
static struct mdf_error *finish_text_output(struct outfile *f)
{
	if (fsync(outfile_fd(f)) != 0 && errno != EINVAL && errno != EROFS)
		return mdf_error_os(errno, "%s: fsync", outfile_path(f));
	return outfile_commit(f);
}

static struct mdf_error *gen_write_cb(void *arg, const char *buf, size_t len)
{
	struct outfile *f = arg;
	return write_all(outfile_fd(f), outfile_path(f), buf, len);
}

static int mode_gen_vmcoreinfo(struct cli *c, const struct cli_options *o)
{
	struct kfd_vmlinux *vml = malloc(sizeof(*vml));
	struct mdf_error *err = vml ? NULL : mdf_error_nomem();
	struct outfile_guard guard = { .n = 0 };
	outfile_guard_add_path(&guard, o->vmlinux, o->vmlinux);
	struct outfile *f = NULL;
	/* The output is checked before the slow DWARF read, as the reference
	 * checks every output path first (REFERENCE.md 1.5). */
	if (!err)
		err = outfile_open(o->vmcoreinfo_out, o->force, 0644, &guard, &f);
	if (!err)
		err = kfd_read_vmlinux(o->vmlinux, &c->msg, vml);
	if (!err)
		err = vmcoreinfo_write(&vml->kf, gen_write_cb, f);
	if (!err)
		err = finish_text_output(f);
	outfile_destroy(f);
	free(vml);
	if (err) {
		int rc = exit_code_of(err);
		print_error(c, err);
		mdf_error_destroy(err);
		print_failed(c);
		return rc;
	}
	print_completed(c, "vmcoreinfo", o->vmcoreinfo_out);
	return EXIT_OK;
}

/* Opens the input (input.h): an ELF vmcore or a kdump-compressed file,
 * either possibly a flattened stream, or the n members of a split dump. */
static struct mdf_error *open_input(struct cli *c, const struct cli_options *o,
				    const char *const *paths, size_t n, struct input **ret)
{
	long host_page = sysconf(_SC_PAGESIZE);
	struct input_options io = {
		.use_mmap = !o->non_mmap,
		.page_size = host_page > 0 ? (uint64_t)host_page : 4096,
		.msg = &c->msg,
	};
	return input_open(paths, n, &io, ret);
}

/* The debug lines 1.7.x prints about its input (message level bit 8): the
 * PT_LOADs, then the VMCOREINFO note line by line. openSUSE's kdump reads
 * the OSRELEASE= and CRASHTIME= lines from the standard error of
 * `makedumpfile -F --message-level 8 --dump-dmesg /proc/vmcore`, splitting
 * them at blanks and '=' (so the two-blank indent does not matter). The
 * note is untrusted: lines are cut at 511 bytes and bytes that are not
 * printable are shown as '?'. */
static void debug_input(struct cli *c, const struct input *in)
{
	if (!(c->level_mask & MDF_MSG_DEBUG))
		return;
	out(c, MDF_MSG_DEBUG, "%25s%17s%17s%17s\n", "phys_start", "phys_end",
	    "virt_start", "virt_end");
	const struct vmcore_load *segs;
	size_t nr_segs;
	input_segments(in, &segs, &nr_segs);
	for (size_t i = 0; i < nr_segs; i++) {
		const struct vmcore_load *l = &segs[i];
		out(c, MDF_MSG_DEBUG, "LOAD[%2zu] %16" PRIx64 " %16" PRIx64 " %16" PRIx64 " %16" PRIx64 "\n",
		    i, l->paddr, l->paddr + l->memsz, l->vaddr, l->vaddr + l->memsz);
	}
	out(c, MDF_MSG_DEBUG, "Linux kdump\n");
	const char *vmci;
	size_t vmci_size;
	if (!input_vmcoreinfo(in, &vmci, &vmci_size, NULL, NULL) || !vmci)
		return;
	out(c, MDF_MSG_DEBUG, "VMCOREINFO   :\n");
	const char *p = vmci, *end = p + vmci_size;
	while (p < end && *p) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[512];
		size_t k = 0;
		for (size_t j = 0; j < n && k < sizeof(line) - 1 && p[j]; j++)
			line[k++] = isprint((unsigned char)p[j]) ? p[j] : '?';
		line[k] = '\0';
		if (k)
			out(c, MDF_MSG_DEBUG, "  %s\n", line);
		if (memchr(p, '\0', n))
			break;
		p += n + (nl != NULL);
	}
	out(c, MDF_MSG_DEBUG, "\n");
}

/* makedumpfile 1.7.x's warning, printed when one of our checks fails
 * (kernel_support.h) rather than for a release outside a range; each
 * failed check is named after it. */
static void check_kernel_support(struct cli *c, struct input *in, const struct kfacts *kf,
				 int dump_level, struct memscan_image *image_ret)
{
	struct ksup_report r;
	ksup_check_dump(in, kf, dump_level, &c->msg, &r);
	*image_ret = r.image;
	if (!r.nr_failed)
		return;
	out(c, MDF_MSG_COMMON, "The kernel version is not supported.\n");
	out(c, MDF_MSG_COMMON, "The makedumpfile operation may be incomplete.\n");
	for (unsigned int i = 0; i < r.nr_failed; i++)
		out(c, MDF_MSG_COMMON, "Check failed (%s): %s\n", ksup_check_name(r.failed[i].check),
		    r.failed[i].detail);
	if (r.nr_dropped)
		out(c, MDF_MSG_COMMON, "Check failed: %u more\n", r.nr_dropped);
}

/* The union of the -d levels (fallback levels included). */
static int all_dump_levels(const struct cli_options *o)
{
	int dl = 0;
	for (int i = 0; i < o->nr_dump_levels; i++)
		dl |= o->dump_levels[i];
	return dl;
}

/* What a run needs from the kernel facts (README "Damaged input"). */
enum facts_need {
	NEED_NONE,    /* -d 0 / -d 1: no kernel facts at all */
	NEED_PRINTK,  /* --dump-dmesg: the printk facts and address translation */
	NEED_CLASSES, /* dump levels with page classes, --mem-usage, --vtop, --config */
};

/* Opens the vmcore and builds its kernel facts (note, -i, -x), then sets
 * the dump's page size. When the facts cannot be combined (a -x that does
 * not match, a broken -i file) and the run needs less than the page
 * classes, the run goes on with the note alone, with a warning; a kernel
 * release mismatch stays an error (exit 2). */
static struct mdf_error *load_input(struct cli *c, const struct cli_options *o,
				   const char *path, enum facts_need need, struct input **in_ret,
				   struct kfacts *kf, const struct dwarf_visitor *visitor)
{
	struct mdf_error *err = open_input(c, o, &path, 1, in_ret);
	if (err)
		return err;
	debug_input(c, *in_ret);
	err = kfacts_for_dump_visit(*in_ret, o->vmlinux, o->vmcoreinfo_in, &c->msg, visitor, kf,
				    NULL);
	if (err && need != NEED_CLASSES && (o->vmlinux || o->vmcoreinfo_in) &&
	    err->code != MDF_ERR_RELEASE && err->code != MDF_ERR_INVALID) {
		out(c, MDF_MSG_COMMON, "WARNING: %s\n", err->message);
		out(c, MDF_MSG_COMMON, "WARNING: %s: going on with the facts of the VMCOREINFO note "
		    "only.\n", need == NEED_NONE ? "this dump level needs no kernel facts"
						 : "the kernel log needs only the printk facts");
		mdf_error_destroy(err);
		err = kfacts_for_dump(*in_ret, NULL, NULL, &c->msg, kf, NULL);
	}
	if (!err && kf->page_size)
		err = input_set_page_size(*in_ret, kf->page_size);
	if (!err)
		out(c, MDF_MSG_DEBUG, "page_size    : %" PRIu64 "\n", input_page_size(*in_ret));
	return err;
}

/* The inputs no output may be written over (outfile.h): the dump (each
 * member of a set), the vmlinux, the VMCOREINFO file, the filter config. */
static void guard_inputs(const struct cli_options *o, size_t nr_dumps, struct outfile_guard *g)
{
	memset(g, 0, sizeof(*g));
	for (size_t i = 0; i < nr_dumps; i++)
		outfile_guard_add_path(g, o->args[i], o->args[i]);
	outfile_guard_add_path(g, o->vmlinux, o->vmlinux);
	outfile_guard_add_path(g, o->vmcoreinfo_in, o->vmcoreinfo_in);
	outfile_guard_add_path(g, o->config, o->config);
}

/* Both ends of --dump-dmesg: the dumped kernel's memory and the log file. */
struct dmesg_ctx {
	struct kmem *km;
	int fd;
	const char *path;
	struct outfile *out;  /* NULL with -F (standard output) */
	uint64_t written;     /* bytes of log text written */
};

static struct mdf_error *dmesg_write_cb(void *arg, const void *buf, size_t len)
{
	struct dmesg_ctx *d = arg;
	struct mdf_error *err = write_all(d->fd, d->path, buf, len);
	if (!err)
		d->written += len;
	return err;
}

static struct mdf_error *dmesg_read_cb(void *arg, uint64_t vaddr, void *buf, size_t len)
{
	struct dmesg_ctx *d = arg;
	return kmem_read(d->km, vaddr, buf, len);
}

/* Opens where the log goes: standard output with -F, else the file. */
static struct mdf_error *dmesg_open_output(const struct cli_options *o, struct dmesg_ctx *d)
{
	if (o->flatten) {
		d->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
		return d->fd < 0 ? mdf_error_os(errno, "duplicating standard output") : NULL;
	}
	struct outfile_guard g;
	guard_inputs(o, 1, &g);
	struct mdf_error *err = outfile_open(d->path, o->force, 0644, &g, &d->out);
	if (!err)
		d->fd = outfile_fd(d->out);
	return err;
}

/* --dump-dmesg. *cut_ret: the log ended early (a damaged or unreadable
 * ring) or is empty: what was read is kept, and the run says the log may
 * be incomplete. */
static struct mdf_error *run_dump_dmesg(struct cli *c, const struct cli_options *o,
					struct kfacts *kf, bool *cut_ret)
{
	struct input *in = NULL;
	struct dmesg_ctx d = {NULL, -1, o->flatten ? "standard output" : o->args[1], NULL, 0};
	*cut_ret = false;
	struct mdf_error *err = load_input(c, o, o->args[0], NEED_PRINTK, &in, kf, NULL);
	if (!err && !input_vmcoreinfo(in, NULL, NULL, NULL, NULL) && !o->vmlinux &&
	    !o->vmcoreinfo_in)
		err = mdf_error_create(MDF_ERR_NODATA,
				       "%s has no VMCOREINFO note: the kernel log cannot be "
				       "found without -x VMLINUX or -i VMCOREINFO", o->args[0]);
	if (!err)
		err = kmem_create(in, kf, &c->msg, &d.km);
	if (!err)
		err = dmesg_open_output(o, &d);
	if (!err) {
		struct dmesg_io io = {dmesg_read_cb, dmesg_write_cb, &d};
		/* makedumpfile 1.7.5+ prints the caller column wherever the
		 * kernel records callers (REFERENCE.md 9.3) */
		struct dmesg_opts opts = { .partial = o->partial_dmesg, .caller_id = true };
		err = dmesg_extract_opts(kf, &io, &opts, &c->msg);
		/* A log that stops at damage or an unreadable part, or has
		 * nothing, may be missing messages (1.7.2 says so too). */
		*cut_ret = err || d.written == 0;
	}
	if (!err && d.out)
		err = finish_text_output(d.out);
	/* A failed run keeps the text read before the damage; a run that
	 * wrote nothing leaves nothing behind. */
	outfile_discard(d.out, err && d.written > 0);
	outfile_destroy(d.out);
	if (!d.out && d.fd >= 0 && close(d.fd) != 0 && !err)
		err = mdf_error_os(errno, "closing %s", d.path);
	kmem_destroy(d.km);
	input_destroy(in);
	return err;
}

static int mode_dump_dmesg(struct cli *c, const struct cli_options *o)
{
	struct kfacts *kf = malloc(sizeof(*kf));
	bool cut = false;
	struct mdf_error *err = kf ? run_dump_dmesg(c, o, kf, &cut) : mdf_error_nomem();
	free(kf);
	if (cut)
		out(c, MDF_MSG_COMMON, "The dmesg log may be incomplete.\n");
	if (err) {
		int rc = exit_code_of(err);
		print_error(c, err);
		mdf_error_destroy(err);
		print_failed(c);
		return rc;
	}
	print_completed(c, "dmesg log", o->flatten ? "STDOUT" : o->args[1]);
	return EXIT_OK;
}

/* MemFree of /proc/meminfo in bytes, 0 if unknown. */
static uint64_t read_memfree(void)
{
	FILE *f = fopen("/proc/meminfo", "re");
	if (!f)
		return 0;
	char line[256];
	unsigned long long kb = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb > UINT64_MAX / 1024 ? 0 : (uint64_t)kb * 1024;
}

/* Pfns per cycle (REFERENCE.md 8.1): the bitmap buffer size times 8. */
static uint64_t choose_pfn_cyclic(struct cli *c, const struct cli_options *o, uint64_t max_mapnr,
				  uint64_t memfree)
{
	uint64_t bufsize;
	if (o->cyclic_buffer_kb) {
		bufsize = o->cyclic_buffer_kb * 1024;
		if (memfree && bufsize > memfree)
			bufsize = memfree;
	} else {
		uint64_t limit = memfree ? memfree / 10 * 6 : UINT64_MAX;
		bufsize = 4ull << 20;
		if (bufsize > limit)
			bufsize = limit;
		uint64_t need = max_mapnr / 8 * 2 + 2; /* both bitmaps of one cycle */
		if (bufsize > need)
			bufsize = need;
		if (bufsize * 8 >= 2 * max_mapnr) {
			mdf_msgf(&c->msg, MDF_MSG_DEBUG,
				 "There is enough free memory to be done in one cycle.");
			return max_mapnr;
		}
	}
	if (bufsize == 0)
		bufsize = 1;
	mdf_msgf(&c->msg, MDF_MSG_DEBUG, "Buffer size for the cyclic mode: %" PRIu64, bufsize);
	return bufsize * 8 > UINT64_MAX / 8 ? max_mapnr : bufsize * 8;
}

/* One dump attempt's result. */
enum attempt {
	ATTEMPT_OK,
	ATTEMPT_NOSPC,     /* out of space or -L: maybe retry */
	ATTEMPT_FAILED,
};

/* The state of a create-dump run shared by its attempts. */
struct create_run {
	struct cli *c;
	const struct cli_options *o;
	struct dump_source src;
	const char *out_name; /* for messages */
	const char *const *outs; /* output paths: one, or the members of --split */
	size_t nr_outs;
	const char *one_out;
	enum codec_kind codec;   /* -c/-l/-p/-z, or a reassembled dump's own */
	struct mdf_error *err;
	bool incomplete;      /* the output was flagged incomplete */
	struct outfile_guard guard; /* the inputs, which no output may be */
	struct memscan_image image; /* the kernel-support check's, for src.image */
};

static struct mdf_error *open_sink(const struct create_run *r, const char *path,
				   struct sink **ret)
{
	const struct cli_options *o = r->o;
	if (o->dry_run)
		return sink_open_null(o->flatten ? "standard output" : path, ret);
	if (o->flatten)
		return sink_open_flattened(1, "standard output", o->size_limit, ret);
	return sink_open_file_guarded(path, o->force, o->size_limit, &r->guard, ret);
}

/* What becomes of the outputs of a failed attempt. A partial dump is kept
 * only if pages reached it (its header says it is incomplete) and it
 * replaces no old file; otherwise it is removed, and an old file at the
 * path stays (README "Output files"). With --split the members go
 * together. */
static bool keep_partial(struct sink *const *sinks, size_t n, const struct mdf_error *err,
			 bool retry, const struct dump_stats *stats)
{
	if (retry || !sinks || !sinks[0] || sink_get_kind(sinks[0]) != SINK_FILE)
		return !retry;
	for (size_t i = 0; i < n; i++)
		if (sinks[i] && sink_replacing(sinks[i]))
			return false;
	return err && stats->written_pages > 0;
}

/* The ENOSPC message of a run that replaces old files (-f): the old ones
 * were kept, and they are what fills the disk. */
static struct mdf_error *explain_nospc(struct mdf_error *err, struct sink *const *sinks, size_t n)
{
	for (size_t i = 0; sinks && i < n; i++) {
		struct sink *sk = sinks[i];
		if (!sk || !sink_replacing(sk))
			continue;
		if (err->code == MDF_ERR_NOSPC && err->errnum)
			return mdf_error_wrap(err, "%s: the old dump file (%llu bytes) was kept; "
					      "removing it would free its space", sink_name(sk),
					      (unsigned long long)sink_replaced_size(sk));
		return mdf_error_wrap(err, "%s: the new dump is incomplete, so the old dump file "
				      "was kept", sink_name(sk));
	}
	return err;
}

/* Pfns per --splitblock-size block (REFERENCE.md 8.3; default 1 GiB). */
static uint64_t splitblock_pfns(const struct cli_options *o, uint64_t page_size)
{
	uint64_t bytes = o->splitblock_kb ? o->splitblock_kb * 1024 : UINT64_C(1) << 30;
	uint64_t pfns = page_size ? bytes / page_size : 0;
	return pfns ? pfns : 1;
}

/* Runs the writer the options ask for. */
static struct mdf_error *write_dump(struct create_run *r, struct sink **sinks,
				    struct dump_stats *stats)
{
	if (r->o->elf_out)
		return elf_write(&r->src, sinks[0], stats);
	if (r->o->split)
		return kdump_write_split(&r->src, r->codec, sinks, r->nr_outs,
					 splitblock_pfns(r->o, r->src.page_size), stats);
	return kdump_write(&r->src, r->codec, sinks[0], stats);
}

/* Writes the dump at one dump level; last says whether a NOSPC result is
 * final (keep the incomplete file) or will be retried. */
static enum attempt create_attempt(struct create_run *r, int level, bool last)
{
	struct dump_stats stats;
	memset(&stats, 0, sizeof(stats));
	r->src.dump_level = level;
	r->src.filter = NULL;
	r->c->nr_phases = 0; /* a retry draws its phases again */
	struct mdf_error *err = filter_create(&r->src, &r->src.filter);
	if (err) {
		r->err = err;
		return ATTEMPT_FAILED;
	}
	struct sink **sinks = calloc(r->nr_outs, sizeof(*sinks));
	if (!sinks)
		err = mdf_error_nomem();
	for (size_t i = 0; !err && i < r->nr_outs; i++)
		err = open_sink(r, r->outs[i], &sinks[i]);
	if (!err)
		err = write_dump(r, sinks, &stats);
	filter_destroy(r->src.filter);
	r->src.filter = NULL;
	if (!err || (err->code == MDF_ERR_NOSPC && last) || err->code == MDF_ERR_INTR)
		print_report(r->c, &r->src, &stats, r->o->elf_out);
	bool nospc = err && err->code == MDF_ERR_NOSPC;
	bool opened = sinks && sinks[r->nr_outs - 1];
	bool stream = opened && sink_get_kind(sinks[0]) != SINK_FILE;
	bool retry = nospc && !last && opened && !stream;
	bool keep = !err || keep_partial(sinks, r->nr_outs, err, retry, &stats);
	if (err && !retry && opened)
		err = explain_nospc(err, sinks, r->nr_outs);
	for (size_t i = 0; sinks && i < r->nr_outs; i++)
		sink_destroy(sinks[i], !keep);
	free(sinks);
	if (!err)
		return ATTEMPT_OK;
	/* A kept file or a stream cut short says it is incomplete. */
	if (opened && keep &&
	    (stats.written_pages > 0 || (stream && (nospc || err->code == MDF_ERR_INTR))))
		r->incomplete = true;
	r->err = err;
	return retry ? ATTEMPT_NOSPC : ATTEMPT_FAILED;
}

/* Fills the dump source from the options (REFERENCE.md 8.1, 8.4). */
static void configure_source(struct create_run *r)
{
	const struct cli_options *o = r->o;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int threads = o->num_threads_set ? o->num_threads : (cpus > 0 ? (int)cpus : 1);
	if (threads < 1)
		threads = 1;
	r->src.num_threads = threads;
	r->src.compress_level = o->compress_level;
	uint64_t memfree = read_memfree();
	r->src.block_order = o->block_order;
	if (o->block_order < 0)
		r->src.block_order = !o->size_limit && memfree >= DUMP_BIG_WRITES_MEMFREE
					     ? DUMP_BLOCK_ORDER_BIG
					     : DUMP_BLOCK_ORDER_REF;
	r->src.pfn_cyclic = choose_pfn_cyclic(r->c, o, r->src.max_mapnr, memfree);
	r->src.msg = &r->c->msg;
	r->src.progress.fn = progress_callback;
	r->src.progress.arg = r->c;
	r->src.interrupted = &g_interrupted;
	/* The kernel-support check's kernel image (unknown when it found
	 * none: the filter's scan then looks for it). */
	r->src.image = &r->image;
	r->src.work_dir = o->work_dir;
	r->src.exclude_vmemmap = o->exclude_vmemmap;
}

/* --vtop ADDR: prints the translation level by level before the dump, in
 * makedumpfile's layout (REFERENCE.md 1.7). */
static struct mdf_error *print_vtop(struct cli *c, const struct cli_options *o,
				    struct input *in, const struct kfacts *kf)
{
	char *end;
	errno = 0;
	unsigned long long va = strtoull(o->vtop, &end, 0);
	if (errno || *end || end == o->vtop)
		return mdf_error_create(MDF_ERR_INVALID, "--vtop: invalid address '%s'", o->vtop);
	struct kmem *km;
	struct mdf_error *err = kmem_create(in, kf, &c->msg, &km);
	if (err)
		return mdf_error_wrap(err, "--vtop");
	struct arch_vtop_trace t;
	memset(&t, 0, sizeof(t));
	err = kmem_vtop_trace(km, va, &t);
	out(c, MDF_MSG_COMMON, "\nTranslating virtual address %llx to physical address.\n", va);
	for (unsigned int i = 0; i < t.nr_steps && i < ARCH_MAX_LEVELS; i++)
		out(c, MDF_MSG_COMMON, "  %s : %16" PRIx64 " => %16" PRIx64 "\n", t.step[i].name,
		    t.step[i].entry_paddr, t.step[i].entry);
	if (!err)
		out(c, MDF_MSG_COMMON, "VIRTUAL           PHYSICAL\n%-16llx  %" PRIx64 "\n\n", va,
		    t.paddr);
	kmem_destroy(km);
	return err ? mdf_error_wrap(err, "--vtop 0x%llx", va) : NULL;
}

/* -L below the size of the output's first header: nothing, not even the
 * header that says the dump is incomplete, fits. Refused before anything
 * is written. */
static struct mdf_error *check_size_limit(const struct create_run *r)
{
	const struct cli_options *o = r->o;
	if (!o->size_limit || o->dry_run)
		return NULL;
	uint64_t need = o->elf_out ? elf_out_header_size(r->src.in) : KDUMP_HEADER_SIZE;
	if (o->size_limit >= need)
		return NULL;
	return mdf_error_create(MDF_ERR_NOSPC,
				"-L %llu is smaller than the %s header (%llu bytes): not even the "
				"header fits; nothing was written",
				(unsigned long long)o->size_limit,
				o->elf_out ? "ELF" : "kdump-compressed", (unsigned long long)need);
}

/* Tries each -d level in turn (REFERENCE.md 2.11). */
static int create_levels(struct create_run *r)
{
	const struct cli_options *o = r->o;
	r->err = check_size_limit(r);
	if (r->err)
		return EXIT_FAIL;
	int n = o->nr_dump_levels ? o->nr_dump_levels : 1;
	for (int i = 0; i < n; i++) {
		int level = o->nr_dump_levels ? o->dump_levels[i] : 0;
		bool last = i == n - 1 || o->flatten;
		enum attempt a = create_attempt(r, level, last);
		if (a == ATTEMPT_OK)
			return EXIT_OK;
		if (a == ATTEMPT_FAILED)
			return exit_code_of(r->err);
		print_error(r->c, r->err);
		mdf_error_destroy(r->err);
		r->err = NULL;
		out(r->c, MDF_MSG_COMMON, "Retry to create a dumpfile by dump_level(%d).\n",
		    o->dump_levels[i + 1]);
	}
	return EXIT_FAIL;
}

/* --mem-usage VMCORE: the page class table. makedumpfile runs it only on
 * /proc/kcore; we also run it on a vmcore file, from the same
 * classification as a dump (REFERENCE.md 1.7). */
static int mode_mem_usage(struct cli *c, const struct cli_options *o)
{
	struct create_run r;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	struct kfacts *kf = malloc(sizeof(*kf));
	struct input *in = NULL;
	struct mdf_error *err = kf ? load_input(c, o, o->args[0], NEED_CLASSES, &in, kf, NULL)
				   : mdf_error_nomem();
	if (!err)
		check_kernel_support(c, in, kf, DL_MAX, &r.image);
	if (!err)
		err = dump_source_setup(&r.src, in, kf);
	if (!err) {
		configure_source(&r);
		struct mem_usage mu;
		err = mem_usage_compute(&r.src, &mu);
		if (!err) {
			char *text = mem_usage_format(&mu);
			if (!text)
				err = mdf_error_nomem();
			else
				out(c, MDF_MSG_COMMON, "%s", text);
			free(text);
		}
	}
	int rc = EXIT_OK;
	if (err) {
		print_error(c, err);
		rc = exit_code_of(err);
		mdf_error_destroy(err);
		print_failed(c);
	}
	input_destroy(in);
	free(kf);
	return rc;
}

/* --config: the parsed config, and where its types come from. */
struct erase_run {
	struct erase_config *cfg;
	struct erase_sources *es;
	struct dwarf_visitor visitor; /* with -x: shown the kernel facts' DWARF walk */
	bool have_visitor;
};

/* Parses the filter config before the dump is opened: a syntax error ends
 * the run before anything else happens (REFERENCE.md 10). */
static struct mdf_error *erase_start(struct cli *c, const struct cli_options *o,
				     struct erase_run *er)
{
	memset(er, 0, sizeof(*er));
	if (!o->config)
		return NULL;
	struct mdf_error *err = erase_conf_load(o->config, &er->cfg);
	if (!err)
		err = erase_sources_create(o->vmlinux, &c->msg, &er->es);
	if (!err && o->vmlinux) {
		err = erase_sources_dwarf_visitor(er->es, er->cfg, &er->visitor);
		er->have_visitor = !err;
	}
	return err;
}

/* Resolves the config into the erase list before anything is written, so
 * an unknown symbol or a bad list fails the run with no output. The list
 * holds all the writers need. */
static struct mdf_error *erase_resolve(struct cli *c, struct erase_run *er, struct input *in,
				       const struct kfacts *kf, struct erase_list **ret)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct kmem *km = NULL;
	struct mdf_error *err = kmem_create(in, kf, &c->msg, &km);
	if (err)
		return mdf_error_wrap(err, "--config %s needs the dumped kernel's memory",
				      er->cfg->path);
	erase_sources_attach(er->es, km, kf, input_name(in));
	struct erase_env env;
	erase_sources_env(er->es, &env);
	err = erase_list_build(er->cfg, &env, ret);
	erase_sources_destroy(er->es);
	er->es = NULL;
	kmem_destroy(km);
	if (!err) {
		mdf_msgf(&c->msg, MDF_MSG_DEBUG, "--config %s: %llu objects, %llu bytes to erase",
			 er->cfg->path, (unsigned long long)erase_list_objects(*ret),
			 (unsigned long long)erase_list_bytes(*ret));
		out(c, MDF_MSG_REPORT, "STEP [%-27s] : %.6f seconds\n", "Resolving the filter config",
		    elapsed_since(&t0));
	}
	return err;
}

static void erase_end(struct erase_run *er)
{
	erase_sources_destroy(er->es);
	erase_conf_destroy(er->cfg);
}

/* What the dump levels of a create run need from the kernel facts. */
static enum facts_need create_need(const struct cli_options *o)
{
	if (o->vtop || o->config)
		return NEED_CLASSES;
	for (int i = 0; i < o->nr_dump_levels; i++)
		if (o->dump_levels[i] & ~DL_EXCLUDE_ZERO & DL_MAX)
			return NEED_CLASSES;
	return NEED_NONE;
}

static int mode_create(struct cli *c, const struct cli_options *o)
{
	if (o->codec != CODEC_NONE && !codec_available(o->codec)) {
		out(c, MDF_MSG_ERROR, "makedumpfile: %s compression (%s) is not compiled in\n",
		    codec_name(o->codec), o->codec_flag);
		print_failed(c);
		return EXIT_FAIL;
	}
	struct create_run r;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	r.out_name = o->flatten ? "STDOUT" : o->args[1];
	r.one_out = o->flatten ? "standard output" : o->args[1];
	r.outs = o->split ? (const char *const *)&o->args[1] : &r.one_out;
	r.nr_outs = o->split ? (size_t)o->nr_args - 1 : 1;
	r.codec = o->codec;
	struct kfacts *kf = malloc(sizeof(*kf));
	struct input *in = NULL;
	struct erase_run er;
	struct mdf_error *err = kf ? erase_start(c, o, &er) : mdf_error_nomem();
	if (!err) {
		guard_inputs(o, 1, &r.guard);
		err = load_input(c, o, o->args[0], create_need(o), &in, kf,
				 er.have_visitor ? &er.visitor : NULL);
	}
	if (!err && o->elf_out && !input_elf_orig(in)) {
		/* makedumpfile's wording (REFERENCE.md 1.5 late checks). */
		out(c, MDF_MSG_COMMON, "'-E' option is disable, because %s is kdump compressed "
		    "format.\n", o->args[0]);
		erase_end(&er);
		input_destroy(in);
		free(kf);
		print_failed(c);
		return EXIT_FAIL;
	}
	if (!err)
		check_kernel_support(c, in, kf, all_dump_levels(o), &r.image);
	if (!err)
		err = dump_source_setup(&r.src, in, kf);
	if (!err)
		out(c, MDF_MSG_DEBUG, "max_mapnr    : %" PRIx64 "\n", r.src.max_mapnr);
	if (!err && o->vtop)
		err = print_vtop(c, o, in, kf);
	struct erase_list *erase = NULL;
	if (!err && er.cfg && !(err = erase_resolve(c, &er, in, kf, &erase)))
		r.src.erase = erase;
	int rc = EXIT_FAIL;
	if (!err) {
		configure_source(&r);
		rc = create_levels(&r);
		err = r.err;
	}
	if (err && err->code == MDF_ERR_INVALID && in &&
		   !input_vmcoreinfo(in, NULL, NULL, NULL, NULL) && !o->vmlinux &&
		   !o->vmcoreinfo_in) {
		/* The reference's wording for a dump level that needs kernel
		 * facts when there are none (REFERENCE.md 1.5). */
		out(c, MDF_MSG_COMMON, "%s doesn't contain vmcoreinfo.\n", o->args[0]);
		out(c, MDF_MSG_COMMON, "%s\n", err->message);
		print_invalid(c);
	} else if (err) {
		print_error(c, err);
	}
	if (r.incomplete)
		out(c, MDF_MSG_COMMON, "This is an incomplete dumpfile, but might analyzable.\n");
	if (err)
		rc = exit_code_of(err);
	mdf_error_destroy(err);
	erase_list_destroy(erase);
	if (kf)
		erase_end(&er);
	input_destroy(in);
	free(kf);
	if (rc == EXIT_OK && r.nr_outs > 1)
		print_completed_split(c, r.outs, r.nr_outs);
	else if (rc == EXIT_OK)
		print_completed(c, "dumpfile", r.out_name);
	else
		print_failed(c);
	return rc;
}

/* --reassemble D1 .. DN OUT (REFERENCE.md 1.1, 2.10): the members, checked
 * as one dump before anything is written, become one file at their own
 * dump level and codec; pages are copied as they are stored. */
static int mode_reassemble(struct cli *c, const struct cli_options *o)
{
	struct create_run r;
	memset(&r, 0, sizeof(r));
	r.c = c;
	r.o = o;
	r.out_name = o->args[o->nr_args - 1];
	r.one_out = r.out_name;
	r.outs = &r.one_out;
	r.nr_outs = 1;
	struct kfacts *kf = malloc(sizeof(*kf));
	struct input *in = NULL;
	struct mdf_error *err = kf ? NULL : mdf_error_nomem();
	if (!err) {
		/* No kernel facts: nothing is filtered, only copied. */
		kfacts_init(kf);
		guard_inputs(o, (size_t)o->nr_args - 1, &r.guard);
		err = open_input(c, o, (const char *const *)o->args, (size_t)o->nr_args - 1, &in);
	}
	if (!err) {
		const struct input_facts *fa = input_facts(in);
		r.codec = (enum codec_kind)(fa->status & (CODEC_ZLIB | CODEC_LZO | CODEC_SNAPPY |
							  CODEC_ZSTD));
		if (strcmp(fa->format, "kdump-compressed") != 0)
			err = mdf_error_create(MDF_ERR_INVALID, "%s is not a kdump-compressed file",
					       o->args[0]);
	}
	if (!err)
		err = dump_source_setup(&r.src, in, kf);
	int rc = EXIT_FAIL;
	if (!err) {
		configure_source(&r);
		enum attempt a = create_attempt(&r, 0, true);
		rc = a == ATTEMPT_OK ? EXIT_OK : exit_code_of(r.err);
		err = r.err;
	}
	if (err)
		print_error(c, err);
	if (r.incomplete)
		out(c, MDF_MSG_COMMON, "This is an incomplete dumpfile, but might analyzable.\n");
	if (err)
		rc = exit_code_of(err);
	mdf_error_destroy(err);
	input_destroy(in);
	free(kf);
	if (rc == EXIT_OK)
		print_completed(c, "dumpfile", r.out_name);
	else
		print_failed(c);
	return rc;
}

static void install_signal_handlers(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A closed pipe under -F must become an EPIPE error (and an incomplete
	 * stream), not a silent death. */
	signal(SIGPIPE, SIG_IGN);
}

static int run_mode(struct cli *c, const struct cli_options *o)
{
	switch (o->mode) {
	case CLI_MODE_HELP:
		return mode_help();
	case CLI_MODE_VERSION:
		return mode_version();
	case CLI_MODE_GEN_VMCOREINFO:
		return mode_gen_vmcoreinfo(c, o);
	case CLI_MODE_REARRANGE:
		return mode_rearrange(c, o);
	case CLI_MODE_DUMP_DMESG:
		return mode_dump_dmesg(c, o);
	case CLI_MODE_MEM_USAGE:
		return mode_mem_usage(c, o);
	case CLI_MODE_REASSEMBLE:
		return mode_reassemble(c, o);
	case CLI_MODE_CREATE:
		break;
	}
	return mode_create(c, o);
}

int main(int argc, char **argv)
{
	struct cli_options o;
	enum cli_status st = cli_parse(argc, argv, &o);
	struct cli c;
	memset(&c, 0, sizeof(c));
	c.level_mask = o.message_level;
	c.common = o.flatten ? stderr : stdout;
	c.msg.fn = msg_callback;
	c.msg.arg = &c;
	c.msg.level_mask = o.message_level;
	if (st == CLI_INVALID_VALUE) {
		out(&c, MDF_MSG_COMMON, "%s\n", o.msg);
		if (!o.check_params)
			print_failed(&c);
		return EXIT_FAIL;
	}
	if (st == CLI_INVALID) {
		if (o.msg[0])
			fprintf(stderr, "%s: %s\n", argv[0], o.msg);
		print_invalid(&c);
		if (!o.check_params)
			print_failed(&c);
		return EXIT_FAIL;
	}
	const struct cli_option_desc *unsup = o.mode == CLI_MODE_HELP || o.mode == CLI_MODE_VERSION
						      ? NULL : cli_unsupported_option(&o);
	if (unsup) {
		char name[CLI_NAME_LEN];
		out(&c, MDF_MSG_ERROR, "makedumpfile: option %s is not supported yet\n",
		    cli_option_name(unsup, name));
		if (!o.check_params)
			print_failed(&c);
		return EXIT_FAIL;
	}
	if (o.check_params) {
		if (o.mode == CLI_MODE_CREATE && o.codec != CODEC_NONE &&
		    !codec_available(o.codec)) {
			out(&c, MDF_MSG_ERROR, "makedumpfile: %s compression (%s) is not compiled in\n",
			    codec_name(o.codec), o.codec_flag);
			return EXIT_FAIL;
		}
		return EXIT_OK;
	}
	install_signal_handlers();
	if (c.level_mask & MDF_MSG_DEBUG) {
		/* 1.7.x's first debug lines: the version and the command line */
		out(&c, MDF_MSG_DEBUG, "makedumpfile: version " VERSION " (released on "
		    RELEASE_DATE ")\n");
		out(&c, MDF_MSG_DEBUG, "command line: ");
		for (int i = 0; i < argc; i++)
			out(&c, MDF_MSG_DEBUG, "%s ", argv[i]);
		out(&c, MDF_MSG_DEBUG, "\n\n");
	}
	int rc = run_mode(&c, &o);
	close_progress_line(&c);
	return rc;
}
