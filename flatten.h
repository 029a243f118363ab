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
 * offset reached, and the partial output is left behind flagged by its
 * name in the error. */
struct mdf_error *flatten_rearrange(int in_fd, const char *in_name, const char *out_path,
				    bool overwrite);

/* flatten_rearrange() that also stops with MDF_ERR_INTR when a read is
 * interrupted (EINTR) while *interrupted is set (SIGINT/SIGTERM handler
 * installed without SA_RESTART); interrupted may be NULL. */
struct mdf_error *flatten_rearrange_intr(int in_fd, const char *in_name, const char *out_path,
					 bool overwrite,
					 const volatile sig_atomic_t *interrupted);

#endif
