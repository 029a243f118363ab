/* SPDX-License-Identifier: GPL-2.0-or-later */
/* --config erase filtering (REFERENCE.md 10): a parsed config
 * (erase_conf.h) is resolved, before anything is written, against type
 * information (typeinfo.h) and the dump's memory into an erase list: byte
 * ranges of physical memory, each inside one page, to overwrite with 'X'
 * (0x58) or, for nullify, zeros. Objects are translated page by page, so an
 * object spanning pages that are not physically contiguous (vmalloc) is
 * erased where each of its pages really is.
 *
 * The writers apply the list to the copy of each page they write
 * (erase_touches / erase_apply), after reading and before the zero-page
 * check and compression (REFERENCE.md 2.7); the dumped memory itself is
 * never changed. The list also holds the eraseinfo text, one line per
 * erased object (REFERENCE.md 2.9, 10.3). */
#ifndef MDF_ERASE_INFO_H
#define MDF_ERASE_INFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "erase_conf.h"
#include "error.h"
#include "kmem.h"
#include "typeinfo.h"

/* Bounds on what a config may make us do on a dump. */
enum {
	ERASE_MAX_ITER = 1 << 20,     /* elements or nodes of one loop */
	ERASE_MAX_ITER_ALL = 1 << 22, /* elements of all loops, nested ones included */
	ERASE_MAX_OBJECTS = 1 << 20,  /* erased objects in all */
	ERASE_MAX_RANGES = 1 << 21,   /* page pieces in all */
	ERASE_MAX_STRING = 1024,      /* bytes of a char * string (makedumpfile's bound) */
	ERASE_FILL = 'X',
};

/* What one config section is resolved against. */
struct erase_section_src {
	struct typeinfo *ti;     /* types (vmlinux's, or a module's) */
	struct symsrc *syms;     /* addresses of symbols the types do not place */
	bool ti_addrs;           /* take addresses from the type info (vmlinux DWARF) */
	uint64_t reloc;          /* added to them (KERNELOFFSET) */
};

/* Where the sources of each section come from (erase_sources.c). */
struct erase_env {
	struct kmem *km;
	const struct mdf_msg *msg;
	/* Opens the sources of section `name` ("vmlinux" or a module). *skip_ret
	 * = true (and a message already given) when the section is to be
	 * skipped: a module that is not loaded, or without type information. The
	 * sources stay owned by the env. */
	struct mdf_error *(*open_section)(void *arg, const char *name,
					  struct erase_section_src *ret, bool *skip_ret);
	void *arg;
};

struct erase_list;

/* The variable and type names the sections called `section` use, for a
 * back end to find in one pass (typeinfo prepare). The names point into
 * cfg; erase_wants_free() frees the arrays. */
struct mdf_error *erase_config_wants(const struct erase_config *cfg, const char *section,
				     struct ti_wants *ret);
void erase_wants_free(struct ti_wants *w);

/* Resolves every command of cfg. Errors name the config file, line and
 * column: an unknown symbol or member, a size larger than the object, a
 * loop over something that is not a list, a list that loops or runs into
 * unreadable memory. Only data whose pointer is NULL is left out (a -D
 * message says so). */
struct mdf_error *erase_list_build(const struct erase_config *cfg, const struct erase_env *env,
				   struct erase_list **ret);

/* Frees; NULL is a no-op. */
void erase_list_destroy(struct erase_list *el);

/* True if any erased byte lies in [paddr, paddr + len). Thread-safe. */
bool erase_touches(const struct erase_list *el, uint64_t paddr, uint64_t len);

/* Erases the bytes of [paddr, paddr + len) held in buf. Thread-safe. */
void erase_apply(const struct erase_list *el, uint64_t paddr, uint8_t *buf, uint64_t len);

/* The eraseinfo text (no NUL terminator counted); *len_ret 0 when nothing
 * was erased. */
const char *erase_list_text(const struct erase_list *el, size_t *len_ret);

/* Counts for messages and tests. */
uint64_t erase_list_objects(const struct erase_list *el);
uint64_t erase_list_bytes(const struct erase_list *el);

#endif
