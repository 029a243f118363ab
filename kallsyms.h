/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Looking up symbols in the dumped kernel's own kallsyms tables, located
 * through the SYMBOL(kallsyms_*) entries 6.x exports in VMCOREINFO
 * (REFERENCE.md 7). Used where no vmlinux (-x) is given, e.g. for the
 * kernel image's section boundaries. Every read is bounded; a table that
 * does not decode, or whose address format cannot be confirmed against
 * SYMBOL(_stext), is an error and the caller falls back. */
#ifndef MDF_KALLSYMS_H
#define MDF_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"
#include "kmem.h"

/* Upper bounds on what we accept from a dump (6.1 with KALLSYMS_ALL has
 * about 200,000 symbols and a 1.2 MiB name stream). */
enum {
	KALLSYMS_MAX_SYMS = 1 << 22,
	KALLSYMS_MAX_NAMES_BYTES = 64 << 20,
	KALLSYMS_MAX_NAME = 1024,
};

/* Looks up n names (without the type letter) in one pass over the name
 * stream: found_ret[i] tells whether names[i] was seen and addrs_ret[i] is
 * its address (first occurrence). Needs SYMBOL(kallsyms_names,
 * kallsyms_num_syms, kallsyms_token_table, kallsyms_token_index,
 * kallsyms_offsets, kallsyms_relative_base) and SYMBOL(_stext) in kf; the
 * address encoding (6.1's ABSOLUTE_PERCPU or plain base-relative) is the
 * one that reproduces _stext. MDF_ERR_NODATA when a fact is missing,
 * MDF_ERR_CORRUPT when the tables do not decode, MDF_ERR_NOTSUPP when the
 * address format is not identified; read errors are passed on. */
struct mdf_error *kallsyms_lookup(struct kmem *km, const struct kfacts *kf,
				  const char *const *names, size_t n, uint64_t *addrs_ret,
				  bool *found_ret);

#endif
