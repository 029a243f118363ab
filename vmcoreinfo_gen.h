/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Writing a VMCOREINFO text file (-g) from the kernel-facts table, in the
 * kernel's own line format (REFERENCE.md 5.2), readable back with -i. */
#ifndef MDF_VMCOREINFO_GEN_H
#define MDF_VMCOREINFO_GEN_H

#include <stddef.h>

#include "error.h"
#include "kernel_facts.h"

/* Receives the text in pieces; returns NULL or an error (e.g. ENOSPC), which
 * vmcoreinfo_write() returns unchanged. */
typedef struct mdf_error *(*vmcoreinfo_write_fn)(void *arg, const char *buf, size_t len);

/* Formats the VMCOREINFO text of kf: OSRELEASE, BUILD-ID (when known),
 * PAGESIZE (kf->page_size, else this host's page size, as makedumpfile -g
 * does), then every known fact of kfact_table grouped like makedumpfile's -g
 * (SYMBOL, SIZE, OFFSET, LENGTH, NUMBER; table order within a group), then
 * KERNELOFFSET and CRASHTIME when known. SYMBOL and KERNELOFFSET in hex
 * without 0x, the rest decimal, NUMBER signed. Returns the text in a NUL-
 * terminated malloc'ed buffer in *text_ret (length in *len_ret). */
struct mdf_error *vmcoreinfo_format(const struct kfacts *kf, char **text_ret, size_t *len_ret);

/* Formats as vmcoreinfo_format() and hands the text to fn in one call. */
struct mdf_error *vmcoreinfo_write(const struct kfacts *kf, vmcoreinfo_write_fn fn, void *arg);

/* Writes the text to a new file at path (created or truncated, mode 0644),
 * with errors naming the file. */
struct mdf_error *vmcoreinfo_write_file(const struct kfacts *kf, const char *path);

#endif
