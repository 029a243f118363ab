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

struct outfile_guard;

enum sink_kind {
	SINK_FILE,      /* regular file opened by path */
	SINK_FLATTENED, /* flattened records on an fd (stdout) */
	SINK_NULL,      /* --dry-run: count bytes, write nothing */
};

struct sink;

/* Opens a file sink through outfile.h: without overwrite an existing path
 * is an error ("File exists"); with it an existing regular file is
 * replaced only when the dump is finished (temporary file, rename); a path
 * that is one of guard's inputs is refused even with overwrite (guard may
 * be NULL). size_limit 0 = no -L cap. */
struct mdf_error *sink_open_file_guarded(const char *path, bool overwrite, uint64_t size_limit,
					 const struct outfile_guard *guard, struct sink **ret);

/* sink_open_file_guarded without a guard. */
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

/* Rewrites an already written region (page descriptors, the dump header)
 * even after a NOSPC failure. A file is never written past -L: the part
 * beyond the cap is dropped. */
struct mdf_error *sink_write_header(struct sink *s, uint64_t offset, const void *buf,
				    size_t len);

enum { SINK_MARKER_MAX = 16 };

/* Crash-safe completion (README "Complete and partial dumps"): a writer
 * writes its header with the format's incomplete flag set (kdump status
 * bit 0x8, ELF e_flags bit 0) before any page, and gives here the bytes
 * (at most SINK_MARKER_MAX) that the flag's field holds in a finished
 * dump. sink_finish(complete) writes them only after every other byte is
 * on disk, so a run killed at any moment (SIGKILL, OOM killer, power loss)
 * leaves a file that says it is incomplete. Every writer and every file it
 * writes (kdump, ELF, flattened, split members) goes through this. */
void sink_set_complete_marker(struct sink *s, uint64_t offset, const void *bytes, size_t len);

/* Finishes the output. A file is made exactly `size` bytes long (holes are
 * not written, so the end may need extending; never past -L) and fsync'ed;
 * if complete, the completion marker is then written and synced and the
 * file becomes final (a temporary file is renamed over the old one). A
 * flattened stream gets the marker record and its end marker only if
 * complete. */
struct mdf_error *sink_finish(struct sink *s, uint64_t size, bool complete);

/* For a set of files that is complete only as a whole (--split): from now
 * on sink_finish(complete) writes and syncs the data but leaves the header
 * saying "incomplete", and the file unnamed or the old one in place, until
 * sink_commit writes the completion marker and makes the file final. */
void sink_defer_commit(struct sink *s);

/* Makes a deferred complete file final (outfile_commit); a no-op for a
 * sink without one pending. */
struct mdf_error *sink_commit(struct sink *s);

/* Closes. A file not finished complete is removed if remove is true
 * (retrying with the next dump level, or nothing worth keeping: outfile.h
 * never removes an old file or a device) and otherwise kept as a partial
 * dump. NULL is a no-op. */
void sink_destroy(struct sink *s, bool remove);

/* True if the sink replaces an old file (-f), which stays until the dump is
 * finished; sink_replaced_size is the old file's size. */
bool sink_replacing(const struct sink *s);
uint64_t sink_replaced_size(const struct sink *s);

/* The output's name for messages. */
const char *sink_name(const struct sink *s);

/* Bytes of payload written so far (for the "Write bytes" report). */
uint64_t sink_bytes_written(const struct sink *s);

enum sink_kind sink_get_kind(const struct sink *s);

/* Cuts a file back to size bytes (to free space after ENOSPC, so that the
 * pages already stored can still be described). True if it shrank; false
 * for other sinks, a file not longer than size, or an error. */
bool sink_cut(struct sink *s, uint64_t size);

#endif
