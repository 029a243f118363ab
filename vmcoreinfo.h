/* SPDX-License-Identifier: GPL-2.0-or-later */
/* VMCOREINFO text (REFERENCE.md 5.2): parsing into the kernel-facts table,
 * and writing it back out (-g). */
#ifndef MDF_VMCOREINFO_H
#define MDF_VMCOREINFO_H

#include <stddef.h>
#include <stdio.h>

#include "error.h"
#include "kernel_facts.h"

/* Parses VMCOREINFO text (from a note or a -i file) into kf. Unknown keys are
 * ignored; a known key with a malformed value, a line that is not KEY=VALUE,
 * or non-text bytes give an MDF_ERR_CORRUPT error naming source_name and the
 * line number. len may include trailing NULs (note padding). */
struct mdf_error *vmcoreinfo_parse(const char *text, size_t len, const char *source_name,
				   struct kfacts *kf);

/* Reads a VMCOREINFO text file (-i, as written by -g; at most 1 MiB) and
 * parses it into kf; errors name the file and the line. */
struct mdf_error *vmcoreinfo_read_file(const char *path, struct kfacts *kf);

#endif
