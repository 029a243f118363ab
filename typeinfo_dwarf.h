/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DWARF back end of typeinfo.h, and the vmlinux ELF symbol table as a
 * symbol source (used with -x). */
#ifndef MDF_TYPEINFO_DWARF_H
#define MDF_TYPEINFO_DWARF_H

#include "typeinfo.h"

/* Types from the DWARF of an ELF file with libdw (a vmlinux). object names
 * it in messages ("vmlinux"). */
struct mdf_error *typeinfo_dwarf_open(const char *path, const char *object,
				      struct typeinfo **ret);

/* Types from a module's debug file through libdwfl, which applies the
 * relocations of an ET_REL .ko to its debug sections. */
struct mdf_error *typeinfo_dwarf_open_module(const char *path, const char *object,
					     struct typeinfo **ret);

struct dwarf_visitor;

/* A visitor for dwarf_read_facts_visit() that finds the names prepare()
 * asked for during the walk the kernel facts make anyway: afterwards no
 * second walk is needed unless more names are asked for. */
struct mdf_error *typeinfo_dwarf_visitor(struct typeinfo *ti, struct dwarf_visitor *ret);

/* Data symbols of an ELF symbol table, reloc added (KERNELOFFSET). */
struct mdf_error *symsrc_elf_open(const char *path, uint64_t reloc, struct symsrc **ret);

#endif
