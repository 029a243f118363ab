/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dumped kernel's own symbol table (kallsyms), located through the
 * SYMBOL(kallsyms_*) lines VMCOREINFO has carried since the kernels that
 * first exported them (6.0, "vmcoreinfo: include kallsyms symbols"). Used
 * where no vmlinux (-x) is given: the kernel image's section boundaries,
 * and any other symbol a feature needs (e.g. __start_BTF/__stop_BTF).
 *
 * Every address encoding the tables have had is understood (kallsyms.c
 * header): absolute addresses, base-relative offsets (plain and
 * ABSOLUTE_PERCPU) and the place-relative offsets of 7.0+, which export no
 * kallsyms_relative_base. The encoding, and for base-relative tables
 * without an exported base the base itself (from candidates the caller
 * gives), is chosen by decoding names whose addresses VMCOREINFO states:
 * _stext always, and every other exported kernel variable the tables hold.
 * Every read is bounded; tables that do not decode or cannot be validated
 * are an error, and the caller falls back. */
#ifndef MDF_KALLSYMS_H
#define MDF_KALLSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "elf_info.h"
#include "error.h"
#include "kernel_facts.h"
#include "kmem.h"

/* Upper bounds on what we accept from a dump (6.1 with KALLSYMS_ALL has
 * about 200,000 symbols and a 1.2 MiB name stream). */
enum {
	KALLSYMS_MAX_SYMS = 1 << 22,
	KALLSYMS_MAX_NAMES_BYTES = 64 << 20,
	KALLSYMS_MAX_NAME = 1024,
	KALLSYMS_MAX_BASES = 8,
};

/* How kallsyms_offsets (or kallsyms_addresses) turn into addresses. */
enum kallsyms_encoding {
	KALLSYMS_ABSOLUTE,       /* kallsyms_addresses[i] (!KALLSYMS_BASE_RELATIVE) */
	KALLSYMS_BASE_RELATIVE,  /* base + (u32)offsets[i] */
	KALLSYMS_ABS_PERCPU,     /* offsets[i] >= 0: absolute; else base - 1 - offsets[i] */
	KALLSYMS_PLACE_RELATIVE, /* &offsets[i] + (s32)offsets[i] (7.0+) */
};

/* Candidate bases for base-relative tables whose base VMCOREINFO does not
 * export (7.x, or a -i file without the line): each with what it is, for
 * the -D message. Architecture code may add its own. */
struct kallsyms_bases {
	size_t n;
	uint64_t addr[KALLSYMS_MAX_BASES];
	const char *what[KALLSYMS_MAX_BASES];
};

/* Adds a candidate (ignored when full, zero or already present). */
void kallsyms_bases_add(struct kallsyms_bases *b, uint64_t addr, const char *what);

/* The candidates every kernel offers: SYMBOL(_stext); the start of the
 * PT_LOAD that maps it (kexec-tools starts it at _text); _stext rounded
 * down to 2 MiB (where _text lies when .head.text precedes _stext). */
void kallsyms_default_bases(struct kallsyms_bases *b, const struct kfacts *kf,
			    const struct vmcore_load *loads, size_t nr_loads);

/* What kallsyms_open found (for -D messages and tests). */
struct kallsyms_info {
	enum kallsyms_encoding encoding;
	uint64_t base;           /* base-relative encodings */
	const char *base_source; /* "kallsyms_relative_base" or a candidate's what */
	uint32_t num_syms;
	unsigned int validated;  /* names whose decoded address matched VMCOREINFO */
};

struct kallsyms;

/* Opens the tables: checks the facts, reads the token tables, identifies
 * and validates the address encoding. bases may be NULL (then only an
 * exported base, or a base-free encoding, can work). km and kf must
 * outlive the handle. MDF_ERR_NODATA when a fact is missing,
 * MDF_ERR_CORRUPT when the tables do not decode, MDF_ERR_NOTSUPP when no
 * encoding reproduces the exported addresses; read errors are passed on. */
struct mdf_error *kallsyms_open(struct kmem *km, const struct kfacts *kf,
				const struct kallsyms_bases *bases, struct kallsyms **ret);

/* kallsyms_open that also looks up n names (as kallsyms_lookup_names) in
 * the same pass over the name stream that identifies the encoding: one
 * pass instead of two, for a caller that knows its names up front. */
struct mdf_error *kallsyms_open_lookup(struct kmem *km, const struct kfacts *kf,
				       const struct kallsyms_bases *bases, const char *const *names,
				       size_t n, uint64_t *addrs_ret, bool *found_ret,
				       struct kallsyms **ret);

/* Frees; NULL is a no-op. */
void kallsyms_close(struct kallsyms *ks);

/* The encoding and base in use. */
const struct kallsyms_info *kallsyms_get_info(const struct kallsyms *ks);

/* A one-line description of the encoding, e.g. "place-relative offsets"
 * or "base-relative offsets, base 0x... (kallsyms_relative_base)". */
void kallsyms_describe(const struct kallsyms *ks, char *buf, size_t len);

/* Looks up n names (without the type letter) in one pass over the name
 * stream: found_ret[i] tells whether names[i] was seen and addrs_ret[i]
 * is its address (first occurrence; 0 when not found). */
struct mdf_error *kallsyms_lookup_names(struct kallsyms *ks, const char *const *names, size_t n,
					uint64_t *addrs_ret, bool *found_ret);

/* Looks up one name: its address, or MDF_ERR_NODATA when the tables do
 * not hold it. */
struct mdf_error *kallsyms_lookup(struct kallsyms *ks, const char *name, uint64_t *addr_ret);

#endif
