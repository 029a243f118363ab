/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Reading the flattened format (REFERENCE.md 3): -R turns a stream on an fd
 * into the real file. */
#ifndef MDF_FLATTEN_H
#define MDF_FLATTEN_H

#include <signal.h>
#include <stdbool.h>

#include "error.h"

/* The 4096-byte stream header's fields. */
#define FLAT_SIGNATURE "makedumpfile"
#define FLAT_HEADER_SIZE 4096
#define FLAT_TYPE 1
#define FLAT_VERSION 1

/* Reads a flattened stream from in_fd (named in_name in errors) and writes
 * the file out_path (refusing to overwrite it unless overwrite). Trailing
 * bytes after the end marker are ignored; a stream without a valid header
 * fails at once; a stream that ends before the end marker fails with the
 * offset reached, and the partial output is left behind, flagged
 * incomplete in its header and named in the error (removed when no header
 * arrived). */
struct mdf_error *flatten_rearrange(int in_fd, const char *in_name, const char *out_path,
				    bool overwrite);

/* flatten_rearrange() that also stops with MDF_ERR_INTR when a read is
 * interrupted (EINTR) while *interrupted is set (SIGINT/SIGTERM handler
 * installed without SA_RESTART); interrupted may be NULL. */
struct mdf_error *flatten_rearrange_intr(int in_fd, const char *in_name, const char *out_path,
					 bool overwrite,
					 const volatile sig_atomic_t *interrupted);

struct outfile_guard;

/* flatten_rearrange_intr() that also refuses an output that is one of
 * guard's files (stdin itself, with -f too; guard may be NULL). The output
 * follows outfile.h (temporary file with -f, nothing left by a stream with
 * no payload), and its header carries the format's incomplete flag (kdump
 * status 0x8, ELF e_flags bit 0) from the moment it is written until the
 * end marker has arrived and the data is on disk, so a cut stream or a
 * killed -R leaves a file that says it is incomplete. */
struct mdf_error *flatten_rearrange_guarded(int in_fd, const char *in_name, const char *out_path,
					    bool overwrite, const struct outfile_guard *guard,
					    const volatile sig_atomic_t *interrupted);

#endif
