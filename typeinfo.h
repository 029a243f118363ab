/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Type information for the erase filter (erase_info.c): one interface, two
 * back ends. typeinfo_dwarf.c reads DWARF (a -x vmlinux with libdw, module
 * debug files with libdwfl); typeinfo_btf.c reads the kernel's own BTF out
 * of the dump (libbpf). One typeinfo describes one kernel object: vmlinux
 * or one module (whose BTF is split BTF on top of vmlinux's).
 *
 * A type is a back-end handle (uint64_t, never 0): a DIE offset or a BTF
 * id. describe() peels typedefs and qualifiers, so callers see only the
 * kinds below; arrays of arrays are flattened to one array of the
 * innermost element (both back ends, so loops walk the same elements).
 *
 * Symbol addresses come from a symbol source (symsrc): the vmlinux ELF
 * symbol table with -x, the dump's kallsyms without, and the dump's
 * module symbol tables for modules (erase_info.c). */
#ifndef MDF_TYPEINFO_H
#define MDF_TYPEINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

enum ti_kind {
	TI_VOID,
	TI_INT,     /* integers, bool, char */
	TI_ENUM,
	TI_FLOAT,
	TI_PTR,
	TI_ARRAY,
	TI_STRUCT,
	TI_UNION,
	TI_FUNC,
	TI_OTHER,
};

enum { TI_NAME_MAX = 128 };

struct ti_desc {
	enum ti_kind kind;
	uint64_t size;        /* bytes; 0 with !size_known (void, T[], functions) */
	bool size_known;
	char name[TI_NAME_MAX]; /* struct/union/enum/base name; "" if anonymous */
	uint64_t target;      /* TI_PTR: the pointee (0 = void); TI_ARRAY: the element */
	uint64_t length;      /* TI_ARRAY: elements (product of all dimensions) */
	bool length_known;
	bool is_char;         /* a 1-byte integer named char, signed char or unsigned char */
	bool is_signed;       /* TI_INT/TI_ENUM */
};

/* A variable as the back end knows it. */
struct ti_var {
	uint64_t type;        /* 0 when the back end has no type for it */
	bool have_addr;       /* addr is known (DWARF DW_AT_location) */
	uint64_t addr;        /* link-time address (the caller relocates) */
	bool percpu;          /* a per-CPU variable (its "address" is an offset) */
};

/* What a config will ask for, so a back end can find it in one pass
 * (a vmlinux has thousands of DWARF units). */
struct ti_wants {
	const char *const *vars;   /* variable names */
	size_t nr_vars;
	const char *const *types;  /* struct/union/base/typedef names */
	size_t nr_types;
};

struct typeinfo;

struct typeinfo_ops {
	const char *name; /* "DWARF" or "BTF", for messages */
	/* Frees the back end's state (not the struct typeinfo itself). */
	void (*destroy)(struct typeinfo *ti);
	/* Looks up everything of wants at once (may be a no-op). */
	struct mdf_error *(*prepare)(struct typeinfo *ti, const struct ti_wants *wants);
	/* A variable's type and, where known, its address. */
	struct mdf_error *(*variable)(struct typeinfo *ti, const char *name, struct ti_var *ret,
				      bool *found_ret);
	/* A named type: kind TI_STRUCT/TI_UNION for `struct NAME` / `union
	 * NAME`, TI_OTHER for a base type or typedef of that name. */
	struct mdf_error *(*named)(struct typeinfo *ti, enum ti_kind kind, const char *name,
				   uint64_t *type_ret, bool *found_ret);
	/* An anonymous struct/union whose members are exactly these names
	 * in this order; more than one match is an error. NULL if the back end
	 * cannot search (DWARF: variables have their own types there). */
	struct mdf_error *(*anonymous)(struct typeinfo *ti, enum ti_kind kind,
				       const char *const *members, size_t n, uint64_t *type_ret,
				       bool *found_ret);
	struct mdf_error *(*describe)(struct typeinfo *ti, uint64_t type, struct ti_desc *ret);
	/* A member of a struct/union, looked for through anonymous members;
	 * bitfield_ret tells whether it is a bit-field. */
	struct mdf_error *(*member)(struct typeinfo *ti, uint64_t agg, const char *name,
				    uint64_t *offset_ret, uint64_t *type_ret, bool *bitfield_ret,
				    bool *found_ret);
	/* The names of the members of a struct/union, for hint checks: calls
	 * fn for each direct member (anonymous ones with name ""). */
	struct mdf_error *(*members)(struct typeinfo *ti, uint64_t agg,
				     void (*fn)(void *arg, const char *name), void *arg);
};

struct typeinfo {
	const struct typeinfo_ops *ops;
	const char *object;   /* "vmlinux" or the module name, for messages */
	const char *source;   /* the file or "the dump's BTF", for messages */
};

/* Calls ops->destroy and frees; NULL is a no-op. */
void typeinfo_destroy(struct typeinfo *ti);

/* The offset (and type, if type_ret) of a member path "a.b" of struct
 * struct_name, through nested members but not pointers. *found_ret false
 * when the struct or a member is missing. */
struct mdf_error *typeinfo_offsetof(struct typeinfo *ti, const char *struct_name,
				    const char *path, uint64_t *off_ret, uint64_t *type_ret,
				    bool *found_ret);

/* ---- symbol sources ---- */

struct symsrc;

struct symsrc_ops {
	void (*destroy)(struct symsrc *ss);
	/* Looks up all names at once (may be a no-op). */
	struct mdf_error *(*prepare)(struct symsrc *ss, const char *const *names, size_t n);
	/* The runtime address of a data symbol. */
	struct mdf_error *(*lookup)(struct symsrc *ss, const char *name, uint64_t *addr_ret,
				    bool *found_ret);
};

struct symsrc {
	const struct symsrc_ops *ops;
	const char *source;   /* for messages */
};

void symsrc_destroy(struct symsrc *ss);

#endif
