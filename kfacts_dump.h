/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel facts of one dump: the vmcore's VMCOREINFO note, a -i file
 * and a -x vmlinux combined into the one table the dump uses. Symbols from
 * -i/-x are link-time addresses relocated by KERNELOFFSET (REFERENCE.md
 * 5.1); when the note is missing or partial, KERNELOFFSET and phys_base are
 * derived from the dump itself by the architecture's probe (arch.h), and
 * facts DWARF cannot see (preprocessor constants, run-time values) are
 * filled with the architecture's documented defaults (REFERENCE.md 5.4,
 * 6.1, 6.4, 7). */
#ifndef MDF_KFACTS_DUMP_H
#define MDF_KFACTS_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/arch.h"
#include "input.h"
#include "error.h"
#include "kernel_facts.h"

/* Where a run-time value came from. */
enum kfd_source {
	KFD_SRC_NONE,     /* unknown (nothing needed it, or nothing gave it) */
	KFD_SRC_NOTE,     /* the vmcore's VMCOREINFO note */
	KFD_SRC_IFILE,    /* the -i file */
	KFD_SRC_PT_LOAD,  /* the kernel-text PT_LOAD, verified */
	KFD_SRC_BANNER,   /* linux_banner found in physical memory */
	KFD_SRC_MEMORY,   /* a kernel variable read from the dump */
	KFD_SRC_DEFAULT,  /* a documented default */
};

/* What kfacts_for_dump used and derived (for -D messages and tests). */
struct kfacts_origin {
	bool note;                 /* the VMCOREINFO note was present and used */
	bool ifile;                /* -i facts were merged */
	bool vmlinux;              /* -x facts were merged */
	enum kfd_source kerneloffset_src;
	uint64_t kerneloffset;
	enum kfd_source phys_base_src;
	uint64_t phys_base;
	unsigned int nr_defaults;  /* facts filled with defaults or derivations */
};

/* What a vmlinux gives: its DWARF facts (link-time symbols) plus the bytes
 * and address of linux_banner and the link-time addresses of the symbols
 * its architecture's probes read (arch.h), which the KASLR derivation needs
 * and the facts table does not hold. */
struct kfd_vmlinux {
	struct kfacts kf;
	struct arch_vmlinux x;
};

/* Physical memory of a dump as the derivation sees it: the PT_LOADs
 * (which also bound the banner search) and a reader. */
struct kfd_memory {
	uint16_t e_machine;
	uint64_t page_size;
	const struct vmcore_load *loads;
	size_t nr_loads;
	struct arch_phys phys;
};

/* Reads a -x vmlinux: dwarf_read_facts() plus linux_banner and the
 * symbols its architecture (by the vmlinux's e_machine) asks for, from its
 * ELF symbol table. Errors name the file. */
struct mdf_error *kfd_read_vmlinux(const char *path, const struct mdf_msg *msg,
				   struct kfd_vmlinux *ret);

struct dwarf_visitor; /* dwarf_info.h */

/* kfd_read_vmlinux, showing the DWARF walk to a visitor (NULL: none). */
struct mdf_error *kfd_read_vmlinux_visit(const char *path, const struct mdf_msg *msg,
					 const struct dwarf_visitor *visitor,
					 struct kfd_vmlinux *ret);

/* Combines the facts of one dump (the testable core of kfacts_for_dump).
 * note: the parsed VMCOREINFO note or NULL; ifile: a -i file's facts or
 * NULL; vml: a -x vmlinux or NULL (not both ifile and vml). Precedence
 * (REFERENCE.md 5.1): -i and -x values win, the note fills the rest, except
 * that the note's SYMBOL(mem_section) (the root array) is kept over the
 * DWARF one (the pointer variable). A release that differs between the
 * note and -i/-x is MDF_ERR_RELEASE. */
struct mdf_error *kfd_combine(const struct kfd_memory *mem, const struct kfacts *note,
			      const struct kfacts *ifile, const struct kfd_vmlinux *vml,
			      const struct mdf_msg *msg, struct kfacts *kf_ret,
			      struct kfacts_origin *origin_ret);

/* The one kfacts table for a dump: the VMCOREINFO of in (if any), the -i
 * file (vmcoreinfo_file, or NULL) and the -x vmlinux (or NULL); a phys_base
 * the dump's header records (kdump-compressed) fills NUMBER(phys_base) when
 * nothing else gives it. Called once per dump, before
 * input_set_page_size(in, kf_ret->page_size). Errors:
 * MDF_ERR_RELEASE for a release mismatch (exit status 2), MDF_ERR_CORRUPT
 * for a malformed -i file, MDF_ERR_NODATA naming what could not be found
 * (e.g. KERNELOFFSET on a dump without a note), MDF_ERR_INVALID when both
 * -i and -x are given. */
struct mdf_error *kfacts_for_dump(struct input *in, const char *vmlinux,
				  const char *vmcoreinfo_file, const struct mdf_msg *msg,
				  struct kfacts *kf_ret, struct kfacts_origin *origin_ret);

/* kfacts_for_dump, showing the -x DWARF walk to a visitor (NULL: none). */
struct mdf_error *kfacts_for_dump_visit(struct input *in, const char *vmlinux,
					const char *vmcoreinfo_file, const struct mdf_msg *msg,
					const struct dwarf_visitor *visitor,
					struct kfacts *kf_ret, struct kfacts_origin *origin_ret);

/* Checks that the facts the dump level needs for address translation and
 * the memory model are known, naming the first missing one (memscan names
 * the page-class facts itself). Dump levels without page classes need
 * nothing. */
struct mdf_error *kfacts_dump_check(const struct kfacts *kf, uint16_t e_machine,
				    int dump_level);

/* KERNEL_VERSION(a, b, c) of a release string such as "6.1.0-56-amd64";
 * 0 if it does not start with a version. */
uint32_t kfd_release_code(const char *release);

#endif
