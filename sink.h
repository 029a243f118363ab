/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Output sinks: where the writers' positioned writes go. A plain file
 * (pwrite), a flattened stream on a pipe (-F, REFERENCE.md 3), or nothing
 * (--dry-run). The -L size cap and ENOSPC both surface as MDF_ERR_NOSPC. */
#ifndef MDF_SINK_H
#define MDF_SINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum sink_kind {
	SINK_FILE,      /* regular file opened by path */
	SINK_FLATTENED, /* flattened records on an fd (stdout) */
	SINK_NULL,      /* --dry-run: count bytes, write nothing */
};

struct sink;

/* Opens a file sink. Without overwrite an existing path is an error
 * (O_EXCL, "File exists"). size_limit 0 = no -L cap. */
struct mdf_error *sink_open_file(const char *path, bool overwrite, uint64_t size_limit,
				 struct sink **ret);

/* A flattened sink writing to fd (not closed by the sink); writes the
 * 4096-byte stream header immediately. */
struct mdf_error *sink_open_flattened(int fd, const char *name, uint64_t size_limit,
				      struct sink **ret);

/* A sink that discards everything (for --dry-run). */
struct mdf_error *sink_open_null(const char *name, struct sink **ret);

/* Writes len bytes at offset. Past the -L limit: writes what fits (file),
 * then returns MDF_ERR_NOSPC; the sink then refuses further data writes
 * except sink_write_header(). */
struct mdf_error *sink_write(struct sink *s, uint64_t offset, const void *buf, size_t len);

/* Like sink_write, and *written_ret tells how many bytes reached the output
 * (the part below the -L limit, or before ENOSPC), so a writer can tell which
 * page descriptors still point at stored data (REFERENCE.md 2.11). */
struct mdf_error *sink_write_ex(struct sink *s, uint64_t offset, const void *buf, size_t len,
				size_t *written_ret);

/* Rewrites an already written region (the dump header) even after a NOSPC
 * failure, so the incomplete flag can be recorded. Not limited by -L. */
struct mdf_error *sink_write_header(struct sink *s, uint64_t offset, const void *buf,
				    size_t len);

/* Finishes the output: a file is made exactly `size` bytes long (holes are
 * not written, so the end may need extending) and fsync'ed; a flattened
 * stream gets its end marker only if complete is true. */
struct mdf_error *sink_finish(struct sink *s, uint64_t size, bool complete);

/* Closes; if remove is true and the sink is a file, unlinks it (used when
 * retrying with the next dump level). NULL is a no-op. */
void sink_destroy(struct sink *s, bool remove);

/* The output's name for messages. */
const char *sink_name(const struct sink *s);

/* Bytes of payload written so far (for the "Write bytes" report). */
uint64_t sink_bytes_written(const struct sink *s);

enum sink_kind sink_get_kind(const struct sink *s);

#endif
