/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output files: how every file we write (dump, dmesg log, -R result,
 * VMCOREINFO) is created, finished and, after a failure, removed or kept.
 * The rules (README "Output files"):
 *   - never over an input: an output that is the same file as an input (by
 *     dev/ino, which catches hard links, symlinks and /proc/self/fd paths)
 *     is refused, with or without -f;
 *   - without -f, an existing output is refused ("File exists");
 *   - with -f and an existing regular file, the new output goes to a
 *     temporary file in the same directory (unnamed with O_TMPFILE, else
 *     PATH.tmpXXXXXX) and is renamed over the old one only when it is
 *     finished, so a failed or killed run never costs the old file;
 *   - a new file stays unnamed (O_TMPFILE) until outfile_publish, so a run
 *     killed before its header is written leaves no file;
 *   - a failed run removes what it created unless the caller keeps it (a
 *     partial dump flagged incomplete); a pre-existing device or FIFO is
 *     written in place and never removed. */
#ifndef MDF_OUTFILE_H
#define MDF_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"

/* A file the output must not be: its device and inode, and its name for
 * the message. */
struct outfile_input {
	dev_t dev;
	ino_t ino;
	const char *name;
};

/* The files an output must not be: the inputs of the run. */
struct outfile_guard {
	struct outfile_input in[4];
	size_t n;
};

/* Adds an input by path (ignored if it cannot be stat'ed: then it cannot
 * be written over either). */
void outfile_guard_add_path(struct outfile_guard *g, const char *path, const char *name);

/* Adds an open input by descriptor (stdin for -R, the vmcore's fd). */
void outfile_guard_add_fd(struct outfile_guard *g, int fd, const char *name);

/* Refuses path if it exists and is one of the guard's files (MDF_ERR_INVALID
 * naming both). g may be NULL. */
struct mdf_error *outfile_check(const char *path, const struct outfile_guard *g);

struct outfile;

/* Opens path for writing under the rules above; mode is the new file's
 * permission (0600 for dumps). g may be NULL. */
struct mdf_error *outfile_open(const char *path, bool overwrite, unsigned int mode,
			       const struct outfile_guard *g, struct outfile **ret);

/* The descriptor to write to (the temporary file when replacing). */
int outfile_fd(const struct outfile *f);

/* The path the user named, for messages. */
const char *outfile_path(const struct outfile *f);

/* True when an old file at the path is being replaced (it stays until
 * outfile_commit, and outfile_discard keeps it). */
bool outfile_replacing(const struct outfile *f);

/* Size of the old file being replaced, 0 if none. */
uint64_t outfile_old_size(const struct outfile *f);

/* A new file is created unnamed (O_TMPFILE, where the file system allows)
 * and appears at its path only here: the writers call this (through the
 * sink) once the header that says "incomplete" is written, so a run killed
 * earlier leaves nothing. No-op for a file that replaces an old one (it
 * appears at outfile_commit) or is already visible. */
struct mdf_error *outfile_publish(struct outfile *f);

/* Makes the output final: a new file appears at its path, a replacement is
 * renamed over the old file, and the directory is synced. The caller has
 * already written and fsync'ed the data. The descriptor stays open until
 * outfile_destroy. */
struct mdf_error *outfile_commit(struct outfile *f);

/* Ends a failed output: keep = false removes what this run created (the
 * temporary file, or a file it created at the path) and leaves an old file
 * alone; keep = true keeps the partial output as the result (a temporary
 * file is renamed over the old one). */
void outfile_discard(struct outfile *f, bool keep);

/* Closes; an output neither committed nor discarded is discarded with
 * keep = false. NULL is a no-op. */
void outfile_destroy(struct outfile *f);

#endif
