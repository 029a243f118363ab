/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VMCOREINFO text (REFERENCE.md 5.2): parsing into the kernel-facts table,
 * and writing it back out (-g). */
#ifndef MDF_VMCOREINFO_H
#define MDF_VMCOREINFO_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "kernel_facts.h"

/* Parses VMCOREINFO text (from a note or a -i file) into kf. The text is
 * untrusted and one bad line must not cost the others: a line that is not
 * KEY=VALUE, holds a non-text byte (a NUL that is not trailing padding
 * counts), or gives a known key a malformed or impossible value is skipped,
 * counted in kf->nr_bad_lines and recorded in kf->bad_line[] against its
 * fact, and (with msg) reported as a COMMON-level warning naming
 * source_name and the line number (at most 10 warnings, then a count).
 * Unknown keys are ignored. len may include trailing NULs (note padding).
 * Content never makes it fail: it returns NULL (the error return is kept
 * for callers' symmetry with vmcoreinfo_read_file). */
struct mdf_error *vmcoreinfo_parse_msg(const char *text, size_t len, const char *source_name,
				       const struct mdf_msg *msg, struct kfacts *kf);

/* vmcoreinfo_parse_msg without warnings. */
struct mdf_error *vmcoreinfo_parse(const char *text, size_t len, const char *source_name,
				   struct kfacts *kf);

/* Reads a VMCOREINFO text file (-i, as written by -g; at most 1 MiB) and
 * parses it into kf as vmcoreinfo_parse_msg does; errors (cannot read, too
 * large) name the file. */
struct mdf_error *vmcoreinfo_read_file_msg(const char *path, const struct mdf_msg *msg,
					   struct kfacts *kf);

/* vmcoreinfo_read_file_msg without warnings. */
struct mdf_error *vmcoreinfo_read_file(const char *path, struct kfacts *kf);

#endif
