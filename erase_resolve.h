/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the two halves of the config resolver share (erase_info.c:
 * expressions and objects; erase_loops.c: the loops). Internal to them. */
#ifndef MDF_ERASE_RESOLVE_H
#define MDF_ERASE_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "erase_info.h"

/* A type as the resolver sees it: a back-end type with, from a #@type
 * hint, extra pointer levels and an array around it. */
struct er_type {
	uint64_t id;        /* back-end type; 0 = void (or untyped) */
	unsigned int ptrs;  /* '*'s on top of id */
	bool array;         /* an array of (id, ptrs) */
	bool len_known;
	uint64_t len;
	bool untyped;       /* a symbol with no type at all */
};

struct er_lval {
	uint64_t addr;
	struct er_type t;
	bool null;          /* reached through a NULL pointer: no object */
	char null_at[160];  /* the sub-expression that was NULL */
};

/* Resolution state of one section. */
struct er_ctx {
	const struct erase_config *cfg;
	const struct ec_section *sec;
	struct erase_section_src src;
	struct kmem *km;
	const struct mdf_msg *msg;
	struct erase_list *el;
	uint64_t page_size;
	/* the loops being run, outermost first: each binds its ID */
	struct er_bind {
		const char *id;
		struct er_lval val;
		uint64_t elements;   /* elements the loop visited */
	} binds[EC_MAX_DEPTH];
	unsigned int nr_binds;
	uint64_t iterations;     /* elements of all loops, at most ERASE_MAX_ITER_ALL */
};

/* The innermost loop's binding (a loop is running). */
static inline struct er_lval *er_cur(struct er_ctx *c)
{
	return &c->binds[c->nr_binds - 1].val;
}

/* "PATH:LINE:COL: message", the form of the parser's errors. */
struct mdf_error *er_fail(const struct er_ctx *c, unsigned int line, unsigned int col,
			  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Prefixes a lower-level error with the config position of e. */
struct mdf_error *er_wrap(const struct er_ctx *c, struct mdf_error *err, const struct ec_expr *e);

/* The kind, size, ... of a type (hint wrappers included). */
struct mdf_error *er_describe(const struct er_ctx *c, const struct er_type *t, struct ti_desc *d);

/* The element of an array type, or the pointee of a pointer type. */
struct mdf_error *er_inner(const struct er_ctx *c, const struct er_type *tp, struct er_type *ret);

/* "a struct", "a pointer", ... for messages. */
const char *er_kind_name(enum ti_kind k);

/* Reads a pointer of size bytes (4 or 8) at va. */
struct mdf_error *er_read_ptr(struct er_ctx *c, uint64_t va, uint64_t size, uint64_t *ret);

/* A non-NULL pointer must point into the kernel's half. */
struct mdf_error *er_check_ptr(struct er_ctx *c, const struct ec_expr *e, uint64_t v,
			       const char *what);

/* Follows the pointer lvalue lv (parts[0..upto] of e); NULL marks lv null. */
struct mdf_error *er_deref(struct er_ctx *c, const struct ec_expr *e, size_t upto,
			   struct er_lval *lv, const struct ti_desc *d);

/* Evaluates the first n parts of e to an lvalue; types_only follows types
 * without reading memory (static checks). */
struct mdf_error *er_eval(struct er_ctx *c, const struct ec_expr *e, size_t n,
			  struct er_lval *lv, bool types_only);

/* The value of an integer lvalue (a size or a count, from memory); *skip_ret
 * when it is behind a NULL pointer. */
struct mdf_error *er_size_value(struct er_ctx *c, const struct ec_expr *e, uint64_t *size_ret,
				bool *skip_ret);

/* if EXPR ==|!= &SYMBOL: *pass_ret tells whether the command runs. */
struct mdf_error *er_guard(struct er_ctx *c, const struct ec_guard *g, unsigned int line,
			   bool *pass_ret);

/* One erase command (ID bound when inside a loop). */
struct mdf_error *er_erase(struct er_ctx *c, const struct ec_erase *er);

/* The column of parts[i] in the expression. */
unsigned int er_col(const struct ec_expr *e, size_t i);

/* Runs a for loop (erase_loops.c). */
struct mdf_error *er_loop(struct er_ctx *c, const struct ec_loop *l);

#endif
