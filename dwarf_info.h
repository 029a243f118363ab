/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Kernel facts from a vmlinux with DWARF debug information (-x), through
 * elfutils (libelf for the symbol table and data, libdw for the types).
 * Which facts are looked up comes from kernel_facts.def alone (STYLE.md
 * "Each kernel fact is declared once"); REFERENCE.md 5.3 says what each
 * VMCOREINFO key means, 5.1 how -x symbols are relocated. */
#ifndef MDF_DWARF_INFO_H
#define MDF_DWARF_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "kernel_facts.h"

struct Elf;   /* libelf's Elf */
struct Dwarf; /* libdw's Dwarf */

/* Reads every fact of kfact_table that the vmlinux provides into kf, in one
 * pass over the ELF symbol table and one pass over the DWARF units:
 *   SYMBOL   unrelocated ELF symbol values (the caller adds KERNELOFFSET,
 *            REFERENCE.md 5.1);
 *   SIZE     byte size of a struct, union, typedef or base type;
 *   OFFSET   member offset, through anonymous structs and unions;
 *   LENGTH   array length of a variable or member;
 *   NUMBER   enumerator values, PG_head_mask, and the page-type mapcount
 *            values derived from enum pagetype (REFERENCE.md 6.4);
 * plus kf->osrelease (init_uts_ns.name.release, else linux_banner) and
 * kf->build_id (the GNU build-id note, hex). Facts kf already holds are
 * overwritten only by facts found here; facts not found are left alone, so
 * call kfacts_init() first for a clean table. Preprocessor constants
 * (SECTION_SIZE_BITS, ...) and run-time values (phys_base, KERNELOFFSET) are
 * not in DWARF and stay absent. msg receives DEBUG messages (may be NULL).
 * Errors name the file: not an ELF file, no debug information, truncated or
 * malformed sections. */
struct mdf_error *dwarf_read_facts(const char *vmlinux, struct kfacts *kf,
				   const struct mdf_msg *msg);

/* Something else that wants to see the DWARF of the vmlinux (the erase
 * filter's types): die() is called for every top-level DIE of the walk
 * dwarf_read_facts makes anyway, done() once the walk completed, so a
 * 600 MB vmlinux is walked once. die is a Dwarf_Die *. */
struct dwarf_visitor {
	void (*die)(void *arg, void *die);
	void (*done)(void *arg);
	void *arg;
};

/* dwarf_read_facts, with a visitor (NULL: none). */
struct mdf_error *dwarf_read_facts_visit(const char *vmlinux, struct kfacts *kf,
					 const struct mdf_msg *msg,
					 const struct dwarf_visitor *visitor);

/* Opens an ELF file with DWARF: compressed debug sections are unpacked
 * first, a truncated file or one without debug information is an error
 * naming the file. The caller ends dbg, then elf, then closes fd. */
struct mdf_error *dwarf_open(const char *path, int *fd_ret, struct Elf **elf_ret,
			     struct Dwarf **dbg_ret);

/* Copies len bytes at link-time virtual address addr of an open ELF file
 * from the allocated PROGBITS section holding all of them (initialised
 * data such as linux_banner or init_uts_ns). False if no section covers
 * the whole range or its data cannot be read. */
bool dwarf_elf_read(struct Elf *elf, uint64_t addr, void *buf, size_t len);

/* Calls fn for every defined, named symbol of the ELF symbol table(s) of an
 * open ELF file, in table order, until fn returns false. info is st_info
 * (type and binding). */
void dwarf_elf_symbols(struct Elf *elf,
		       bool (*fn)(void *arg, const char *name, uint64_t value, uint64_t size,
				  unsigned char info),
		       void *arg);

#endif
