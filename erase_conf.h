/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The makedumpfile.conf filter language (--config), parsed into commands:
 * no types, no memory, so it can be fuzzed on its own. REFERENCE.md 10.1
 * and makedumpfile.conf(5) describe the language:
 *
 *   [SECTION]                      vmlinux or a module name
 *   erase EXPR [size N[K|M] | size EXPR | nullify]
 *   for ID in EXPR [via MEMBER | within STRUCT:MEMBER]
 *       erase ID[.member...] [size ... | nullify]
 *   endfor
 *
 * EXPR is SYMBOL[.member...]. '#' starts a comment. Our additions: in
 * comments, so makedumpfile reads such a file unchanged,
 *
 *   #@type SYMBOL TYPE             the type of a variable whose type the
 *                                  kernel's BTF does not carry (erase_info.c)
 *   #@type STRUCT.MEMBER TYPE      what a member (a void * or an untyped
 *                                  word) really is, e.g. a key's payload
 *
 * and two that makedumpfile 1.7 does not read, for data its language cannot
 * reach (the kernel keeps keys in a red-black tree, and a key's payload
 * depends on its type):
 *
 *   for ID in ROOT rbtree STRUCT:MEMBER   every node of an rb-tree
 *   erase ... if EXPR == &SYMBOL          only when a pointer is (or, with
 *                                         !=, is not) that symbol's address
 *
 * and, to reach data kept by one module in another's tables (dm-crypt's
 * keys behind device-mapper's, configs/dm-crypt.conf):
 *
 *   for ... endfor inside for ... endfor  nested loops, EC_MAX_DEPTH deep
 *   for ID in POINTER count EXPR          EXPR elements from POINTER on
 *   for ... if EXPR == &SYMBOL            the loop runs only when it holds
 *   [MOD1+MOD2]                           a section with the symbols and
 *                                         types of several modules
 *
 * and, to follow a crypto transform to the child transform that holds its
 * expanded key (a context is an untyped byte array whose type depends on
 * the algorithm; the algorithm is embedded in a larger struct):
 *
 *   for ID in EXPR as STRUCT              once, ID the STRUCT at EXPR (or
 *                                         where the pointer EXPR points)
 *   for ID in EXPR as STRUCT:MEMBER       once, ID the STRUCT whose MEMBER
 *                                         is that object (container_of)
 *
 * Every error names the file, line and column. */
#ifndef MDF_ERASE_CONF_H
#define MDF_ERASE_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* Bounds on what a config may hold; past them the config is refused. */
enum {
	EC_MAX_FILE = 4 << 20,     /* bytes */
	EC_MAX_LINE = 4096,        /* bytes per line */
	EC_MAX_PARTS = 32,         /* names in one SYMBOL.member... expression */
	EC_MAX_NAME = 255,         /* bytes per identifier */
	EC_MAX_COMMANDS = 65536,   /* erase commands and loops in all */
	EC_MAX_HINT_MEMBERS = 64,  /* names in a `struct { ... }` hint */
	EC_MAX_SIZE = 1 << 30,     /* a `size N` value */
	EC_MAX_DEPTH = 8,          /* for loops open at once (ours: 1.7 allows 1) */
};

/* SYMBOL[.member...] as written. */
struct ec_expr {
	char **parts;      /* parts[0] is the symbol (or the loop's ID) */
	size_t nr_parts;
	char *text;        /* the expression as written, for eraseinfo */
	unsigned int line, col;
};

enum ec_size_kind {
	EC_SIZE_TYPE,      /* no size: from the type */
	EC_SIZE_NUM,       /* size N[K|M] */
	EC_SIZE_EXPR,      /* size SYMBOL[.member...] (read from memory) */
	EC_SIZE_NULLIFY,   /* nullify: zero the pointer itself */
};

/* The optional `if EXPR ==|!= &SYMBOL` of an erase command or a loop
 * (ours). */
struct ec_guard {
	bool has;
	bool neq;          /* != */
	struct ec_expr expr;
	char *sym;
	unsigned int col;  /* column of &SYMBOL */
};

struct ec_erase {
	struct ec_expr target;
	enum ec_size_kind size_kind;
	uint64_t size;     /* EC_SIZE_NUM */
	struct ec_expr size_expr; /* EC_SIZE_EXPR */
	struct ec_guard guard;
	unsigned int line;
};

enum ec_loop_kind {
	EC_LOOP_ARRAY,     /* for ID in ARRAY */
	EC_LOOP_VIA,       /* for ID in STRUCT via NEXT */
	EC_LOOP_WITHIN,    /* for ID in LIST_HEAD within STRUCT:MEMBER */
	EC_LOOP_RBTREE,    /* for ID in ROOT rbtree STRUCT:MEMBER (ours) */
	EC_LOOP_AS,        /* for ID in EXPR as STRUCT[:MEMBER] (ours): once */
};

struct ec_command;

struct ec_loop {
	char *id;
	struct ec_expr list;
	enum ec_loop_kind kind;
	char *via;            /* EC_LOOP_VIA: the next-pointer member */
	char *within_struct;  /* WITHIN, RBTREE, AS: the (containing) struct's name */
	struct ec_expr within_member; /* its list_head / rb_node member path; AS:
				       * the member the object is (no parts: the
				       * object is the struct itself) */
	unsigned int kind_col;        /* column of the via/within clause's argument */
	bool has_count;               /* ARRAY: `count EXPR` (ours) */
	struct ec_expr count;         /* the number of elements, read from memory */
	struct ec_guard guard;        /* checked before the loop runs */
	struct ec_command *body;      /* erase commands and (ours) nested loops */
	size_t nr_body;
	unsigned int line;
};

struct ec_command {
	bool is_loop;
	struct ec_erase erase; /* !is_loop */
	struct ec_loop loop;   /* is_loop */
};

/* A #@type hint: TYPE is `struct NAME`, `union NAME`, `struct { m1 m2 }`,
 * `union { ... }` or a type name (`char`, `unsigned long`, a typedef),
 * then any number of `*`, then optionally `[]` or `[N]`. */
enum ec_hint_base {
	EC_HINT_STRUCT,    /* struct NAME */
	EC_HINT_UNION,     /* union NAME */
	EC_HINT_ANON_STRUCT, /* struct { members } */
	EC_HINT_ANON_UNION,  /* union { members } */
	EC_HINT_NAMED,     /* a base type or typedef name */
};

struct ec_hint {
	char *symbol;      /* the variable, or the struct of a member hint */
	char *member;      /* STRUCT.MEMBER hints: the member; else NULL */
	enum ec_hint_base base;
	char *name;        /* STRUCT/UNION/NAMED */
	char **members;    /* ANON_*: the member names in order */
	size_t nr_members;
	unsigned int pointers; /* number of '*' */
	bool array;        /* [] or [N] follows */
	bool array_len_known;
	uint64_t array_len;
	char *text;        /* the TYPE as written, for messages */
	unsigned int line, col;
};

struct ec_section {
	char *name;        /* "vmlinux" or a module name */
	unsigned int line; /* 0 for the implicit leading [vmlinux] */
	struct ec_command *cmds;
	size_t nr_cmds;
	struct ec_hint *hints;
	size_t nr_hints;
};

struct erase_config {
	char *path;        /* for messages */
	struct ec_section *sections;
	size_t nr_sections;
};

/* Parses config text (len bytes, need not be NUL-terminated). path names
 * it in errors ("PATH:LINE:COL: ..."); MDF_ERR_INVALID on a syntax error. */
struct mdf_error *erase_conf_parse(const char *path, const char *text, size_t len,
				   struct erase_config **ret);

/* Reads and parses a file (at most EC_MAX_FILE bytes). */
struct mdf_error *erase_conf_load(const char *path, struct erase_config **ret);

/* Frees; NULL is a no-op. */
void erase_conf_destroy(struct erase_config *cfg);

/* The hint for a symbol in a section, or NULL. */
const struct ec_hint *erase_conf_hint(const struct ec_section *sec, const char *symbol);

/* The hint for member `member` of struct/union `agg`, or NULL. */
const struct ec_hint *erase_conf_member_hint(const struct ec_section *sec, const char *agg,
					     const char *member);

#endif
