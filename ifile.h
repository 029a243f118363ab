/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The bytes of one input file, beneath the format back ends (input.h): a
 * plain file, or a flattened stream (REFERENCE.md 3) read in place through
 * the index of its records (flat_index.h), so both look like the same
 * seekable file. Reads go through per-thread readers with bounded mmap
 * windows (a stretch of the logical file that one record holds maps
 * directly), falling back to pread(2). */
#ifndef MDF_IFILE_H
#define MDF_IFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

struct ifile;

/* Opens path read-only; a flattened stream is recognised by its header and
 * indexed. use_mmap false (--non-mmap) keeps every read on pread(2). */
struct mdf_error *ifile_open(const char *path, bool use_mmap, struct ifile **ret);

/* Closes; NULL is a no-op. */
void ifile_destroy(struct ifile *f);

/* The path given to ifile_open. */
const char *ifile_path(const struct ifile *f);

/* Size of the file the bytes describe (for a flattened stream: the end of
 * its furthest record). */
uint64_t ifile_size(const struct ifile *f);

/* Size of the file on disk (for a flattened stream: of the stream). Bounds
 * what a header may claim is really there. */
uint64_t ifile_disk_size(const struct ifile *f);

/* True if the file is a flattened stream; *complete_ret (may be NULL) tells
 * whether its end marker was found and no record is cut short. */
bool ifile_is_flattened(const struct ifile *f, bool *complete_ret);

/* True if a and b are the same file (device and inode). */
bool ifile_same(const struct ifile *a, const struct ifile *b);

/* Reads len bytes at logical offset off. Holes of a flattened stream read as
 * zeros; bytes past the end are an MDF_ERR_CORRUPT error naming the file and
 * the offset ("file truncated?"). */
struct mdf_error *ifile_pread(const struct ifile *f, void *buf, size_t len, uint64_t off);

/* A per-thread reader: its own mmap window. */
struct ifile_reader;

struct mdf_error *ifile_reader_create(struct ifile *f, struct ifile_reader **ret);

/* Frees and unmaps; NULL is a no-op. */
void ifile_reader_destroy(struct ifile_reader *r);

/* Tells a reader that other readers map the same windows at the same time:
 * it then faults pages in as they are touched instead of prefaulting. */
void ifile_reader_share_windows(struct ifile_reader *r);

/* Halves the reader's window (4 MiB at first, 1 MiB at the least): for
 * readers of which several run at once, such as the members of a split
 * dump, to bound their memory. */
void ifile_reader_small_windows(struct ifile_reader *r);

/* A pointer to logical bytes [off, off + len) (len <= 1 MiB) inside the
 * reader's mmap window, or NULL when they cannot be mapped in one piece
 * (mmap unusable, a flattened record boundary or hole inside, past the
 * end). Valid until the next call on this reader. */
const uint8_t *ifile_reader_map(struct ifile_reader *r, uint64_t off, size_t len);

/* Copies logical [off, off + len) to dst, through the window when it can. */
struct mdf_error *ifile_reader_read(struct ifile_reader *r, uint64_t off, void *dst, size_t len);

#endif
