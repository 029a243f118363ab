/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving a filter config into an erase list (erase_info.h).
 *
 * An expression SYMBOL.m1.m2 is evaluated to an lvalue (a kernel virtual
 * address and a type): each member step dereferences a pointer first when
 * the value so far is one (makedumpfile.conf(5): '.' is used through
 * pointers too). The final lvalue becomes an object (REFERENCE.md 10.1):
 *   pointer + nullify      the pointer's own bytes, zeroed
 *   pointer                what it points to: size N, a size read from
 *                          memory, strlen for char (at most 1024), else the
 *                          pointee's size; NULL pointers erase nothing
 *   anything else          the object itself: its type's size, or a size
 *                          no larger than that
 * A symbol without type information (BTF has none for most variables)
 * takes its type from a `#@type` hint; with DWARF a hint is checked
 * against the real type, so one config erases the same bytes with both.
 *
 * Loops bind their ID to each element (arrays; pointer elements that are
 * NULL erase nothing), node (via: until NULL or back at the first) or
 * container of each list_head (within: until back at the head). Every walk
 * is bounded and a node seen twice is an error, never a hang. */
#include "erase_info.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the list being built ---- */

struct erase_range {
	uint64_t paddr;
	uint32_t len;
	uint32_t seq;   /* object number: later objects win where they overlap */
	uint8_t fill;
};

struct erase_list {
	struct erase_range *r;
	size_t n, cap;
	char *text;
	size_t text_len, text_cap;
	uint64_t objects;
	uint64_t bytes;
	uint64_t max_len;  /* longest range, bounds the search in erase_apply */
};

/* A type as the resolver sees it: a back-end type with, from a #@type
 * hint, extra pointer levels and an array around it. */
struct er_type {
	uint64_t id;        /* back-end type; 0 = void (or untyped) */
	unsigned int ptrs;  /* '*'s on top of id */
	bool array;         /* an array of (id, ptrs) */
	bool len_known;
	uint64_t len;
	bool untyped;       /* a symbol with no type at all */
	bool hint_string;   /* from a `char[]` hint: a NUL-terminated string */
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
	/* the loop being run */
	const char *loop_id;
	struct er_lval loop_val;
	unsigned int loop_line;
	uint64_t loop_elements;  /* elements the loop visited */
};

static struct mdf_error *er_fail(const struct er_ctx *c, unsigned int line, unsigned int col,
				 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* "PATH:LINE:COL: message", the form of the parser's errors. */
static struct mdf_error *er_fail(const struct er_ctx *c, unsigned int line, unsigned int col,
				 const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mdf_error_create(MDF_ERR_INVALID, "%s:%u:%u: %s", c->cfg->path, line,
				col ? col : 1, msg);
}

/* Prefixes a lower-level error with the config position. */
static struct mdf_error *er_wrap(const struct er_ctx *c, struct mdf_error *err,
				 const struct ec_expr *e)
{
	return mdf_error_wrap(err, "%s:%u:%u: %s", c->cfg->path, e->line, e->col, e->text);
}

static struct mdf_error *el_add_text(struct erase_list *el, const char *line)
{
	size_t n = strlen(line);
	if (el->text_len + n + 1 > el->text_cap) {
		size_t cap = el->text_cap ? el->text_cap * 2 : 4096;
		while (cap < el->text_len + n + 1)
			cap *= 2;
		char *t = realloc(el->text, cap);
		if (!t)
			return mdf_error_nomem();
		el->text = t;
		el->text_cap = cap;
	}
	memcpy(el->text + el->text_len, line, n + 1);
	el->text_len += n;
	return NULL;
}

static struct mdf_error *el_add_range(struct erase_list *el, uint64_t paddr, uint64_t len,
				      uint8_t fill)
{
	if (el->n == ERASE_MAX_RANGES)
		return mdf_error_create(MDF_ERR_INVALID, "the config erases more than %d page "
					"pieces", ERASE_MAX_RANGES);
	if (el->n == el->cap) {
		size_t cap = el->cap ? el->cap * 2 : 256;
		struct erase_range *r = realloc(el->r, cap * sizeof(*r));
		if (!r)
			return mdf_error_nomem();
		el->r = r;
		el->cap = cap;
	}
	el->r[el->n++] = (struct erase_range){paddr, (uint32_t)len, (uint32_t)el->objects, fill};
	if (len > el->max_len)
		el->max_len = len;
	return NULL;
}

/* Records one object: its pages are translated one by one (vmalloc memory
 * is not physically contiguous), then the eraseinfo line. */
static struct mdf_error *er_emit(struct er_ctx *c, const struct ec_expr *e, uint64_t va,
				 uint64_t len, bool nullify)
{
	struct erase_list *el = c->el;
	if (el->objects >= ERASE_MAX_OBJECTS)
		return er_fail(c, e->line, e->col, "the config names more than %d objects",
			       ERASE_MAX_OBJECTS);
	if (len > EC_MAX_SIZE || va + len < va)
		return er_fail(c, e->line, e->col, "%s: %" PRIu64 " bytes at 0x%" PRIx64
			       " is too large", e->text, len, va);
	for (uint64_t done = 0; done < len;) {
		uint64_t v = va + done;
		uint64_t piece = c->page_size - v % c->page_size;
		if (piece > len - done)
			piece = len - done;
		uint64_t pa;
		struct mdf_error *err = kmem_vtop(c->km, v, &pa);
		if (err)
			return er_wrap(c, mdf_error_wrap(err, "translating byte %" PRIu64 " of the "
							 "object at 0x%" PRIx64, done, va), e);
		if ((err = el_add_range(el, pa, piece, nullify ? 0 : ERASE_FILL)))
			return err;
		done += piece;
	}
	char line[EC_MAX_LINE + 64];
	if (nullify)
		snprintf(line, sizeof(line), "erase %s nullify\n", e->text);
	else
		snprintf(line, sizeof(line), "erase %s size %" PRIu64 "\n", e->text, len);
	el->objects++;
	el->bytes += len;
	mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s: %" PRIu64 " bytes at 0x%" PRIx64 "%s",
		 e->text, len, va, nullify ? " (nullify)" : "");
	return el_add_text(el, line);
}

/* ---- types ---- */

static struct mdf_error *er_describe(const struct er_ctx *c, const struct er_type *t,
				     struct ti_desc *d);

/* The element of an array type, or the pointee of a pointer type. */
static struct mdf_error *er_inner(const struct er_ctx *c, const struct er_type *tp,
				  struct er_type *ret)
{
	struct er_type copy = *tp; /* ret may be tp */
	const struct er_type *t = &copy;
	memset(ret, 0, sizeof(*ret));
	if (t->array) {
		ret->id = t->id;
		ret->ptrs = t->ptrs;
		return NULL;
	}
	if (t->ptrs) {
		ret->id = t->id;
		ret->ptrs = t->ptrs - 1;
		return NULL;
	}
	struct ti_desc d;
	struct mdf_error *err = er_describe(c, t, &d);
	if (!err)
		ret->id = d.target;
	return err;
}

static struct mdf_error *er_describe(const struct er_ctx *c, const struct er_type *t,
				     struct ti_desc *d)
{
	memset(d, 0, sizeof(*d));
	if (t->untyped) {
		d->kind = TI_OTHER;
		return NULL;
	}
	if (t->array) {
		struct er_type e = {.id = t->id, .ptrs = t->ptrs};
		struct ti_desc ed;
		struct mdf_error *err = er_describe(c, &e, &ed);
		if (err)
			return err;
		d->kind = TI_ARRAY;
		d->length = t->len;
		d->length_known = t->len_known;
		d->size_known = t->len_known && ed.size_known && t->len <= EC_MAX_SIZE;
		d->size = d->size_known ? t->len * ed.size : 0;
		return NULL;
	}
	if (t->ptrs) {
		d->kind = TI_PTR;
		d->size = 8; /* LP64 targets (REFERENCE.md 0) */
		d->size_known = true;
		return NULL;
	}
	if (!t->id) {
		d->kind = TI_VOID;
		return NULL;
	}
	return c->src.ti->ops->describe(c->src.ti, t->id, d);
}

static const char *er_kind_name(enum ti_kind k)
{
	static const char *const names[] = {
		"void", "an integer", "an enum", "a float", "a pointer", "an array",
		"a struct", "a union", "a function", "an unsupported type",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* ---- memory ---- */

/* Reads a pointer-sized value of desc d at va. */
static struct mdf_error *er_read_ptr(struct er_ctx *c, uint64_t va, uint64_t size,
				     uint64_t *ret)
{
	if (size == 4) {
		uint32_t v;
		struct mdf_error *err = kmem_read_u32(c->km, va, &v);
		*ret = v;
		return err;
	}
	return kmem_read_u64(c->km, va, ret);
}

/* A non-NULL pointer must point into the kernel's half. */
static struct mdf_error *er_check_ptr(struct er_ctx *c, const struct ec_expr *e, uint64_t v,
				      const char *what)
{
	if (v && !kmem_is_kernel_va(c->km, v))
		return er_fail(c, e->line, e->col, "%s: %s is 0x%" PRIx64 ", not a kernel "
			       "address", e->text, what, v);
	return NULL;
}

/* ---- expressions ---- */

/* Reads the value of a pointer lvalue: NULL marks lv as null. */
static struct mdf_error *er_deref(struct er_ctx *c, const struct ec_expr *e, size_t upto,
				  struct er_lval *lv, const struct ti_desc *d)
{
	uint64_t v;
	struct mdf_error *err = er_read_ptr(c, lv->addr, d->size, &v);
	if (err)
		return er_wrap(c, mdf_error_wrap(err, "reading the pointer %s", e->parts[upto]), e);
	char what[96];
	snprintf(what, sizeof(what), "the pointer %s", e->parts[upto]);
	if ((err = er_check_ptr(c, e, v, what)))
		return err;
	struct er_type inner;
	if ((err = er_inner(c, &lv->t, &inner)))
		return err;
	if (!v) {
		lv->null = true;
		size_t n = 0;
		for (size_t i = 0; i <= upto && n < sizeof(lv->null_at) - 1; i++)
			n += (size_t)snprintf(lv->null_at + n, sizeof(lv->null_at) - n, "%s%s",
					      i ? "." : "", e->parts[i]);
	}
	lv->addr = v;
	lv->t = inner;
	return NULL;
}

/* Finds the hint of a symbol as an er_type in the section's back end. */
static struct mdf_error *er_hint_type(struct er_ctx *c, const struct ec_hint *h,
				      struct er_type *ret)
{
	struct typeinfo *ti = c->src.ti;
	uint64_t id = 0;
	bool found = false;
	struct mdf_error *err = NULL;
	enum ti_kind kind = h->base == EC_HINT_STRUCT || h->base == EC_HINT_ANON_STRUCT
				    ? TI_STRUCT
				    : h->base == EC_HINT_NAMED ? TI_OTHER : TI_UNION;
	if (h->base == EC_HINT_NAMED && strcmp(h->name, "void") == 0) {
		found = true; /* id 0 */
	} else if (h->base == EC_HINT_ANON_STRUCT || h->base == EC_HINT_ANON_UNION) {
		if (!ti->ops->anonymous)
			return er_fail(c, h->line, h->col, "anonymous types cannot be looked up in "
				       "%s", ti->source);
		err = ti->ops->anonymous(ti, kind, (const char *const *)h->members, h->nr_members,
					 &id, &found);
	} else {
		err = ti->ops->named(ti, kind, h->name, &id, &found);
	}
	if (err) {
		struct mdf_error *e2 = er_fail(c, h->line, h->col, "#@type %s: %s", h->symbol,
					       err->message);
		mdf_error_destroy(err);
		return e2;
	}
	if (!found)
		return er_fail(c, h->line, h->col, "#@type %s: no type '%s' in %s", h->symbol,
			       h->text, ti->source);
	memset(ret, 0, sizeof(*ret));
	ret->id = id;
	ret->ptrs = h->pointers;
	ret->array = h->array;
	ret->len_known = h->array_len_known;
	ret->len = h->array_len;
	return NULL;
}

/* Reads a NUL-terminated string at va: *len_ret bytes before the NUL, at
 * most max (then *terminated_ret is false). Stops at an unreadable page. */
static struct mdf_error *er_strlen(struct er_ctx *c, uint64_t va, uint64_t max,
				   uint64_t *len_ret, bool *terminated_ret)
{
	uint8_t buf[512];
	uint64_t n = 0;
	*terminated_ret = false;
	while (n < max) {
		uint64_t chunk = c->page_size - (va + n) % c->page_size;
		if (chunk > sizeof(buf))
			chunk = sizeof(buf);
		if (chunk > max - n)
			chunk = max - n;
		struct mdf_error *err = kmem_read(c->km, va + n, buf, chunk);
		if (err && n == 0)
			return err;
		if (err) {
			mdf_error_destroy(err);
			break;
		}
		const uint8_t *z = memchr(buf, 0, chunk);
		if (z) {
			n += (uint64_t)(z - buf);
			*terminated_ret = true;
			break;
		}
		n += chunk;
	}
	*len_ret = n;
	return NULL;
}

/* Collects the member names of an aggregate for a hint check. */
struct er_names {
	const char *const *want;
	size_t n, seen;
	bool ok;
};

static void er_names_cb(void *arg, const char *name)
{
	struct er_names *m = arg;
	if (m->seen >= m->n || strcmp(m->want[m->seen], name) != 0)
		m->ok = false;
	m->seen++;
}

/* With DWARF a variable has its own type: a #@type hint for it must say
 * the same, so the config erases the same bytes where only the hint is
 * known (BTF). */
static struct mdf_error *er_check_hint(struct er_ctx *c, const struct ec_hint *h,
				       const struct er_type *actual, uint64_t addr)
{
	struct er_type cur = *actual;
	struct ti_desc d;
	struct mdf_error *err = er_describe(c, &cur, &d);
	const char *why = NULL;
	if (!err && h->array) {
		if (d.kind != TI_ARRAY)
			why = "not an array";
		else if (h->array_len_known && (!d.length_known || d.length != h->array_len))
			why = "an array of another length";
		if (!why && !h->array_len_known && d.length_known) {
			/* char[]: BTF takes the string's length, NUL included */
			struct er_type e;
			struct ti_desc ed;
			err = er_inner(c, &cur, &e);
			if (!err)
				err = er_describe(c, &e, &ed);
			uint64_t len = 0;
			bool term = false;
			if (!err && ed.is_char && !h->pointers)
				err = er_strlen(c, addr, d.length, &len, &term);
			if (!err && ed.is_char && !h->pointers && (!term || len + 1 != d.length))
				return er_fail(c, h->line, h->col, "#@type %s %s: the array holds %"
					       PRIu64 " bytes but its string %" PRIu64 " with the NUL "
					       "(write the length: %s[%" PRIu64 "])", h->symbol,
					       h->text, d.length, len + 1, h->name, d.length);
		}
		if (!err && !why)
			err = er_inner(c, &cur, &cur);
	}
	for (unsigned int i = 0; !err && !why && i < h->pointers; i++) {
		err = er_describe(c, &cur, &d);
		if (!err && d.kind != TI_PTR)
			why = "not a pointer";
		else if (!err)
			err = er_inner(c, &cur, &cur);
	}
	if (!err && !why)
		err = er_describe(c, &cur, &d);
	if (err)
		return err;
	if (!why) {
		bool su = h->base != EC_HINT_NAMED;
		enum ti_kind kind = h->base == EC_HINT_STRUCT || h->base == EC_HINT_ANON_STRUCT
					    ? TI_STRUCT : TI_UNION;
		if (su && d.kind != kind)
			why = kind == TI_STRUCT ? "not a struct" : "not a union";
		else if ((h->base == EC_HINT_STRUCT || h->base == EC_HINT_UNION) &&
			 strcmp(d.name, h->name) != 0)
			why = "another struct or union";
		else if (h->base == EC_HINT_ANON_STRUCT || h->base == EC_HINT_ANON_UNION) {
			struct er_names m = {(const char *const *)h->members, h->nr_members, 0, true};
			if (d.name[0])
				why = "a named type";
			else if ((err = c->src.ti->ops->members(c->src.ti, cur.id, er_names_cb, &m)))
				return err;
			else if (!m.ok || m.seen != m.n)
				why = "a type with other members";
		} else if (!su) {
			struct er_type ht;
			struct ti_desc hd;
			if ((err = er_hint_type(c, h, &ht)))
				return err;
			ht.ptrs = 0;
			ht.array = false;
			if ((err = er_describe(c, &ht, &hd)))
				return err;
			if (hd.kind != d.kind || hd.size != d.size || strcmp(hd.name, d.name) != 0)
				why = "another type";
		}
	}
	if (why)
		return er_fail(c, h->line, h->col, "#@type %s %s does not match its type in %s "
			       "(%s)", h->symbol, h->text, c->src.ti->source, why);
	return NULL;
}

/* A #@type STRUCT.MEMBER hint replaces the member's type (a void * or an
 * untyped word): the two must be the same size. */
static struct mdf_error *er_member_hint(struct er_ctx *c, const struct ec_hint *h,
					struct er_type *t)
{
	struct er_type ht;
	struct ti_desc md, hd;
	struct mdf_error *err = er_describe(c, t, &md);
	if (!err)
		err = er_hint_type(c, h, &ht);
	if (!err)
		err = er_describe(c, &ht, &hd);
	if (err)
		return err;
	if (!md.size_known || !hd.size_known || md.size != hd.size)
		return er_fail(c, h->line, h->col, "#@type %s.%s %s: the member is %s of %" PRIu64
			       " bytes, the type %" PRIu64, h->symbol, h->member, h->text,
			       er_kind_name(md.kind), md.size, hd.size);
	*t = ht;
	return NULL;
}

/* The column of parts[i] in the expression. */
static unsigned int er_col(const struct ec_expr *e, size_t i)
{
	unsigned int col = e->col;
	for (size_t j = 0; j < i && j < e->nr_parts; j++)
		col += (unsigned int)strlen(e->parts[j]) + 1;
	return col;
}

/* The lvalue of parts[0]: the loop's ID, or a symbol. */
static struct mdf_error *er_base(struct er_ctx *c, const struct ec_expr *e, struct er_lval *lv)
{
	const char *name = e->parts[0];
	memset(lv, 0, sizeof(*lv));
	if (c->loop_id && strcmp(name, c->loop_id) == 0) {
		*lv = c->loop_val;
		return NULL;
	}
	struct typeinfo *ti = c->src.ti;
	struct ti_var v;
	bool found = false, have_addr = false;
	struct mdf_error *err = ti->ops->variable(ti, name, &v, &found);
	if (err)
		return er_wrap(c, err, e);
	if (found && v.percpu)
		return er_fail(c, e->line, e->col, "%s is a per-CPU variable: per-CPU data cannot "
			       "be erased", name);
	if (found && v.have_addr && c->src.ti_addrs) {
		lv->addr = v.addr + c->src.reloc;
		have_addr = true;
	}
	if (!have_addr && (err = c->src.syms->ops->lookup(c->src.syms, name, &lv->addr,
							  &have_addr)))
		return er_wrap(c, err, e);
	bool same = strcmp(ti->source, c->src.syms->source) == 0;
	if (!have_addr)
		return er_fail(c, e->line, e->col, "unknown symbol %s (not in %s%s%s)", name,
			       ti->source, found || same ? "" : " nor ",
			       found || same ? "" : c->src.syms->source);
	if (!kmem_is_kernel_va(c->km, lv->addr))
		return er_fail(c, e->line, e->col, "%s is at 0x%" PRIx64 ", not a kernel address",
			       name, lv->addr);
	const struct ec_hint *h = erase_conf_hint(c->sec, name);
	if (found && v.type) {
		lv->t.id = v.type;
		return h ? er_check_hint(c, h, &lv->t, lv->addr) : NULL;
	}
	if (h)
		return er_hint_type(c, h, &lv->t);
	lv->t.untyped = true;
	return NULL;
}

/* Evaluates the first n parts of e to an lvalue (n = e->nr_parts for the
 * whole). With km NULL only types are followed (static checks). */
static struct mdf_error *er_eval(struct er_ctx *c, const struct ec_expr *e, size_t n,
				 struct er_lval *lv, bool types_only)
{
	struct mdf_error *err = er_base(c, e, lv);
	for (size_t i = 1; !err && i < n && !lv->null; i++) {
		unsigned int col = er_col(e, i);
		if (lv->t.untyped)
			return er_fail(c, e->line, e->col, "no type information for %s in %s: "
				       "name its type with '#@type %s TYPE'", e->parts[0],
				       c->src.ti->source, e->parts[0]);
		struct ti_desc d;
		if ((err = er_describe(c, &lv->t, &d)))
			break;
		if (d.kind == TI_PTR) {
			if (types_only)
				err = er_inner(c, &lv->t, &lv->t);
			else
				err = er_deref(c, e, i - 1, lv, &d);
			if (err || lv->null || (err = er_describe(c, &lv->t, &d)))
				break;
		}
		if (d.kind != TI_STRUCT && d.kind != TI_UNION)
			return er_fail(c, e->line, col, "%s is %s, it has no member %s",
				       e->parts[i - 1], er_kind_name(d.kind), e->parts[i]);
		uint64_t off, mt;
		bool bitfield, found;
		if ((err = c->src.ti->ops->member(c->src.ti, lv->t.id, e->parts[i], &off, &mt,
						  &bitfield, &found)))
			break;
		if (!found)
			return er_fail(c, e->line, col, "no member %s in %s %s", e->parts[i],
				       d.kind == TI_STRUCT ? "struct" : "union",
				       d.name[0] ? d.name : "(anonymous)");
		if (bitfield)
			return er_fail(c, e->line, col, "%s is a bit-field: bit-fields cannot be "
				       "erased", e->parts[i]);
		lv->addr += off;
		memset(&lv->t, 0, sizeof(lv->t));
		lv->t.id = mt;
		const struct ec_hint *mh = d.name[0] ? erase_conf_member_hint(c->sec, d.name,
									  e->parts[i]) : NULL;
		if (mh && (err = er_member_hint(c, mh, &lv->t)))
			break;
	}
	return err;
}

/* The value of an integer lvalue (size SYMBOL.member). */
static struct mdf_error *er_size_value(struct er_ctx *c, const struct ec_expr *e,
				       uint64_t *size_ret, bool *skip_ret)
{
	struct er_lval lv;
	struct ti_desc d;
	*skip_ret = false;
	struct mdf_error *err = er_eval(c, e, e->nr_parts, &lv, false);
	if (err)
		return err;
	if (lv.null) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: size %s: %s is NULL", e->text, lv.null_at);
		*skip_ret = true;
		return NULL;
	}
	if ((err = er_describe(c, &lv.t, &d)))
		return err;
	if ((d.kind != TI_INT && d.kind != TI_ENUM) || !d.size_known || d.size > 8 || !d.size)
		return er_fail(c, e->line, e->col, "the size %s is %s, not an integer", e->text,
			       er_kind_name(d.kind));
	uint8_t b[8] = {0};
	if ((err = kmem_read(c->km, lv.addr, b, d.size)))
		return er_wrap(c, err, e);
	uint64_t v = 0;
	for (unsigned int i = 0; i < d.size; i++)
		v |= (uint64_t)b[i] << (8 * i); /* little-endian: the x86_64 dumps we read */
	if (d.is_signed && d.size < 8 && (v >> (8 * d.size - 1)) & 1)
		v |= ~UINT64_C(0) << (8 * d.size);
	if (d.is_signed && (int64_t)v < 0)
		return er_fail(c, e->line, e->col, "the size %s is negative (%" PRId64 ")", e->text,
			       (int64_t)v);
	if (v > EC_MAX_SIZE)
		return er_fail(c, e->line, e->col, "the size %s is %" PRIu64 ", more than %d",
			       e->text, v, EC_MAX_SIZE);
	*size_ret = v;
	return NULL;
}

/* The size of an erase: a number, a value from memory, or none. */
static struct mdf_error *er_given_size(struct er_ctx *c, const struct ec_erase *er,
				       bool *have_ret, uint64_t *size_ret, bool *skip_ret)
{
	*have_ret = er->size_kind == EC_SIZE_NUM || er->size_kind == EC_SIZE_EXPR;
	*skip_ret = false;
	*size_ret = er->size;
	if (er->size_kind != EC_SIZE_EXPR)
		return NULL;
	struct mdf_error *err = er_size_value(c, &er->size_expr, size_ret, skip_ret);
	if (!err && !*skip_ret && *size_ret == 0) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s: size %s is 0", er->target.text,
			 er->size_expr.text);
		*skip_ret = true;
	}
	return err;
}

/* erase of a pointer without nullify: what it points to. */
static struct mdf_error *er_erase_pointee(struct er_ctx *c, const struct ec_erase *er,
					  struct er_lval *lv, const struct ti_desc *d,
					  bool have_size, uint64_t size)
{
	const struct ec_expr *e = &er->target;
	struct mdf_error *err = er_deref(c, e, e->nr_parts - 1, lv, d);
	if (err)
		return err;
	if (lv->null) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s is NULL: nothing to erase", e->text);
		return NULL;
	}
	struct ti_desc pd;
	if ((err = er_describe(c, &lv->t, &pd)))
		return err;
	if (have_size) {
		if (pd.size_known && pd.size > 1 && size > pd.size)
			return er_fail(c, e->line, e->col, "size %" PRIu64 " is larger than what "
				       "%s points to (%s%s%s, %" PRIu64 " bytes)", size, e->text,
				       er_kind_name(pd.kind), pd.name[0] ? " " : "", pd.name,
				       pd.size);
		return er_emit(c, e, lv->addr, size, false);
	}
	if (pd.is_char) {
		uint64_t len;
		bool term;
		if ((err = er_strlen(c, lv->addr, ERASE_MAX_STRING, &len, &term)))
			return er_wrap(c, mdf_error_wrap(err, "reading the string"), e);
		if (!len) {
			mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s is an empty string", e->text);
			return NULL;
		}
		return er_emit(c, e, lv->addr, len, false);
	}
	if (!pd.size_known || pd.kind == TI_VOID || pd.kind == TI_FUNC)
		return er_fail(c, e->line, e->col, "%s points to %s of unknown size: give "
			       "'size N' or 'nullify'", e->text, er_kind_name(pd.kind));
	return er_emit(c, e, lv->addr, pd.size, false);
}

/* The address of a symbol, as the base of an expression would have it. */
static struct mdf_error *er_symbol_addr(struct er_ctx *c, const char *name, unsigned int line,
					unsigned int col, uint64_t *addr_ret)
{
	char *parts[1] = {(char *)name};
	char text[EC_MAX_NAME + 2];
	snprintf(text, sizeof(text), "%s", name);
	struct ec_expr e = {parts, 1, text, line, col};
	struct er_lval lv;
	const char *saved = c->loop_id;
	c->loop_id = NULL; /* &ID is no symbol */
	struct mdf_error *err = er_base(c, &e, &lv);
	c->loop_id = saved;
	*addr_ret = lv.addr;
	return err;
}

/* if EXPR == &SYMBOL (or !=): *pass_ret tells whether to erase. */
static struct mdf_error *er_guard(struct er_ctx *c, const struct ec_erase *er, bool *pass_ret)
{
	const struct ec_expr *g = &er->guard;
	struct er_lval lv;
	struct ti_desc d;
	uint64_t v = 0, want;
	*pass_ret = false;
	struct mdf_error *err = er_eval(c, g, g->nr_parts, &lv, false);
	if (err || lv.null)
		return err;
	if ((err = er_describe(c, &lv.t, &d)))
		return err;
	if (d.kind != TI_PTR)
		return er_fail(c, g->line, g->col, "if %s: %s is %s, not a pointer", g->text, g->text,
			       er_kind_name(d.kind));
	if ((err = er_read_ptr(c, lv.addr, d.size, &v)))
		return er_wrap(c, err, g);
	if ((err = er_symbol_addr(c, er->guard_sym, er->line, er->guard_col, &want)))
		return err;
	*pass_ret = (v == want) != er->guard_neq;
	return NULL;
}

/* One erase command (ID bound when inside a loop). */
static struct mdf_error *er_erase(struct er_ctx *c, const struct ec_erase *er)
{
	const struct ec_expr *e = &er->target;
	struct er_lval lv;
	struct ti_desc d;
	if (er->has_guard) {
		bool pass;
		struct mdf_error *gerr = er_guard(c, er, &pass);
		if (gerr || !pass)
			return gerr;
	}
	struct mdf_error *err = er_eval(c, e, e->nr_parts, &lv, false);
	if (err)
		return err;
	if (lv.null) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s: %s is NULL: nothing to erase", e->text,
			 lv.null_at);
		return NULL;
	}
	if ((err = er_describe(c, &lv.t, &d)))
		return err;
	if (er->size_kind == EC_SIZE_NULLIFY) {
		if (d.kind != TI_PTR)
			return er_fail(c, e->line, e->col, "nullify needs a pointer, %s is %s",
				       e->text, lv.t.untyped ? "of unknown type"
							     : er_kind_name(d.kind));
		return er_emit(c, e, lv.addr, d.size, true);
	}
	bool have_size, skip;
	uint64_t size;
	if ((err = er_given_size(c, er, &have_size, &size, &skip)) || skip)
		return err;
	if (d.kind == TI_PTR)
		return er_erase_pointee(c, er, &lv, &d, have_size, size);
	if (lv.t.untyped && !have_size)
		return er_fail(c, e->line, e->col, "no type information for %s in %s: give "
			       "'size N' or name its type with '#@type %s TYPE'", e->text,
			       c->src.ti->source, e->parts[0]);
	if (have_size) {
		if (d.size_known && size > d.size)
			return er_fail(c, e->line, e->col, "size %" PRIu64 " is larger than %s (%"
				       PRIu64 " bytes)", size, e->text, d.size);
		return er_emit(c, e, lv.addr, size, false);
	}
	if (d.kind == TI_ARRAY && !d.length_known) {
		/* char[] from a hint: the string and its NUL */
		struct er_type et;
		struct ti_desc ed;
		if ((err = er_inner(c, &lv.t, &et)) || (err = er_describe(c, &et, &ed)))
			return err;
		if (ed.is_char) {
			uint64_t len;
			bool term;
			if ((err = er_strlen(c, lv.addr, c->page_size, &len, &term)))
				return er_wrap(c, err, e);
			if (!term)
				return er_fail(c, e->line, e->col, "%s holds no string of at most "
					       "%" PRIu64 " bytes: give its size", e->text,
					       c->page_size);
			return er_emit(c, e, lv.addr, len + 1, false);
		}
	}
	if (!d.size_known || !d.size)
		return er_fail(c, e->line, e->col, "the size of %s (%s) is unknown: give 'size N'",
			       e->text, er_kind_name(d.kind));
	return er_emit(c, e, lv.addr, d.size, false);
}

/* ---- loops ---- */

/* Node addresses a walk has visited (open addressing; 0 never stored). */
struct er_seen {
	uint64_t *slot;
	size_t cap, n;
};

static struct mdf_error *er_seen_add(struct er_seen *s, uint64_t v, bool *dup_ret)
{
	if (2 * (s->n + 1) > s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		uint64_t *ns = calloc(cap, sizeof(*ns));
		if (!ns)
			return mdf_error_nomem();
		for (size_t i = 0; i < s->cap; i++) {
			if (!s->slot[i])
				continue;
			size_t h = (size_t)((s->slot[i] * UINT64_C(0x9e3779b97f4a7c15)) >> 20);
			while (ns[h & (cap - 1)])
				h++;
			ns[h & (cap - 1)] = s->slot[i];
		}
		free(s->slot);
		s->slot = ns;
		s->cap = cap;
	}
	size_t h = (size_t)((v * UINT64_C(0x9e3779b97f4a7c15)) >> 20);
	for (;; h++) {
		uint64_t *p = &s->slot[h & (s->cap - 1)];
		if (*p == v) {
			*dup_ret = true;
			return NULL;
		}
		if (!*p) {
			*p = v;
			s->n++;
			*dup_ret = false;
			return NULL;
		}
	}
}

/* Checks the body's member paths against the element type before any
 * element is visited: a wrong member is an error even for an empty list. */
static struct mdf_error *er_check_body(struct er_ctx *c, const struct ec_loop *l)
{
	struct er_lval saved = c->loop_val;
	c->loop_val.addr = 0;
	c->loop_val.null = false;
	struct mdf_error *err = NULL;
	for (size_t j = 0; !err && j < l->nr_body; j++) {
		const struct ec_erase *b = &l->body[j];
		struct er_lval lv;
		err = er_eval(c, &b->target, b->target.nr_parts, &lv, true);
		if (!err && b->size_kind == EC_SIZE_EXPR)
			err = er_eval(c, &b->size_expr, b->size_expr.nr_parts, &lv, true);
		if (!err && b->has_guard)
			err = er_eval(c, &b->guard, b->guard.nr_parts, &lv, true);
	}
	c->loop_val = saved;
	return err;
}

static struct mdf_error *er_run_body(struct er_ctx *c, const struct ec_loop *l, uint64_t addr)
{
	c->loop_elements++;
	c->loop_val.addr = addr;
	c->loop_val.null = false;
	for (size_t j = 0; j < l->nr_body; j++) {
		struct mdf_error *err = er_erase(c, &l->body[j]);
		if (err)
			return err;
	}
	return NULL;
}

/* for ID in ARRAY */
static struct mdf_error *er_loop_array(struct er_ctx *c, const struct ec_loop *l,
				       const struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d, ed;
	struct mdf_error *err = er_describe(c, &lv->t, &d);
	if (err)
		return err;
	if (d.kind != TI_ARRAY)
		return er_fail(c, e->line, e->col, "%s is %s, not an array (a list needs 'via "
			       "MEMBER' or 'within STRUCT:MEMBER')", e->text,
			       lv->t.untyped ? "of unknown type" : er_kind_name(d.kind));
	if (!d.length_known)
		return er_fail(c, e->line, e->col, "the length of the array %s is unknown: the "
			       "loop has no bound", e->text);
	if (d.length > ERASE_MAX_ITER)
		return er_fail(c, e->line, e->col, "the array %s has %" PRIu64 " elements, more "
			       "than %d", e->text, d.length, ERASE_MAX_ITER);
	struct er_type et;
	if ((err = er_inner(c, &lv->t, &et)) || (err = er_describe(c, &et, &ed)))
		return err;
	if (!ed.size_known || !ed.size)
		return er_fail(c, e->line, e->col, "the elements of %s have no known size", e->text);
	c->loop_val.t = et;
	if ((err = er_check_body(c, l)))
		return err;
	for (uint64_t i = 0; i < d.length; i++)
		if ((err = er_run_body(c, l, lv->addr + i * ed.size)))
			return err;
	return NULL;
}

/* Reads a next pointer and checks it. */
static struct mdf_error *er_next(struct er_ctx *c, const struct ec_loop *l, uint64_t at,
				 uint64_t size, const char *member, uint64_t *ret)
{
	struct mdf_error *err = er_read_ptr(c, at, size, ret);
	if (err)
		return er_wrap(c, mdf_error_wrap(err, "reading %s at 0x%" PRIx64 " (a list node "
						 "in unreadable memory)", member, at), &l->list);
	return er_check_ptr(c, &l->list, *ret, member);
}

/* for ID in STRUCT via NEXT */
static struct mdf_error *er_loop_via(struct er_ctx *c, const struct ec_loop *l,
				     struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d;
	struct mdf_error *err = er_describe(c, &lv->t, &d);
	if (!err && d.kind == TI_PTR) {
		if ((err = er_deref(c, e, e->nr_parts - 1, lv, &d)))
			return err;
		if (lv->null) {
			mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s is NULL: empty list", e->text);
			return er_check_body(c, l);
		}
		err = er_describe(c, &lv->t, &d);
	}
	if (err)
		return err;
	if (d.kind != TI_STRUCT && d.kind != TI_UNION)
		return er_fail(c, e->line, e->col, "%s is %s, not a struct or a pointer to one",
			       e->text, lv->t.untyped ? "of unknown type" : er_kind_name(d.kind));
	uint64_t off, mt;
	bool bf, found;
	struct ti_desc md;
	if ((err = c->src.ti->ops->member(c->src.ti, lv->t.id, l->via, &off, &mt, &bf, &found)))
		return err;
	if (!found)
		return er_fail(c, l->line, l->kind_col, "no member %s in %s", l->via,
			       d.name[0] ? d.name : "the anonymous struct");
	struct er_type mtt = {.id = mt};
	if ((err = er_describe(c, &mtt, &md)))
		return err;
	if (md.kind != TI_PTR)
		return er_fail(c, l->line, l->kind_col, "%s.%s is %s, not a pointer", d.name, l->via,
			       er_kind_name(md.kind));
	c->loop_val.t = lv->t;
	if ((err = er_check_body(c, l)))
		return err;
	struct er_seen seen = {0};
	uint64_t first = lv->addr, node = first;
	for (uint64_t n = 0; !err && node; n++) {
		bool dup;
		if (n >= ERASE_MAX_ITER)
			err = er_fail(c, e->line, e->col, "the list %s via %s has more than %d nodes",
				      e->text, l->via, ERASE_MAX_ITER);
		else if (!(err = er_seen_add(&seen, node, &dup)) && dup)
			err = er_fail(c, e->line, e->col, "the list %s via %s loops back to node "
				      "0x%" PRIx64 " without returning to its first node",
				      e->text, l->via, node);
		if (err || (err = er_run_body(c, l, node)))
			break;
		uint64_t next;
		if ((err = er_next(c, l, node + off, md.size, l->via, &next)) || next == first)
			break;
		node = next;
	}
	free(seen.slot);
	return err;
}

/* STRUCT and the offset of its list_head member path, and next's offset. */
static struct mdf_error *er_within_type(struct er_ctx *c, const struct ec_loop *l,
					struct er_type *st, uint64_t *moff_ret,
					uint64_t *next_off_ret, uint64_t *ptr_size_ret)
{
	struct typeinfo *ti = c->src.ti;
	bool found, bf;
	uint64_t id, off, mt;
	struct mdf_error *err = ti->ops->named(ti, TI_STRUCT, l->within_struct, &id, &found);
	if (err)
		return err;
	if (!found)
		return er_fail(c, l->line, l->kind_col, "unknown struct %s (not in %s)",
			       l->within_struct, ti->source);
	memset(st, 0, sizeof(*st));
	st->id = id;
	struct er_type cur = *st;
	struct ti_desc d;
	uint64_t total = 0;
	const struct ec_expr *m = &l->within_member;
	for (size_t i = 0; i < m->nr_parts; i++) {
		if ((err = er_describe(c, &cur, &d)))
			return err;
		if (d.kind != TI_STRUCT && d.kind != TI_UNION)
			return er_fail(c, m->line, er_col(m, i), "%s is %s, it has no member %s",
				       i ? m->parts[i - 1] : l->within_struct, er_kind_name(d.kind),
				       m->parts[i]);
		if ((err = ti->ops->member(ti, cur.id, m->parts[i], &off, &mt, &bf, &found)))
			return err;
		if (!found)
			return er_fail(c, m->line, er_col(m, i), "no member %s in %s %s",
				       m->parts[i], d.kind == TI_STRUCT ? "struct" : "union",
				       d.name[0] ? d.name : "(anonymous)");
		total += off;
		cur.id = mt;
	}
	if ((err = er_describe(c, &cur, &d)))
		return err;
	if (d.kind != TI_STRUCT || strcmp(d.name, "list_head") != 0)
		return er_fail(c, m->line, m->col, "%s.%s is %s, not a struct list_head",
			       l->within_struct, m->text, er_kind_name(d.kind));
	struct ti_desc nd;
	struct er_type nt = {0};
	if ((err = ti->ops->member(ti, cur.id, "next", next_off_ret, &nt.id, &bf, &found)))
		return err;
	if (!found || (err = er_describe(c, &nt, &nd)) || nd.kind != TI_PTR)
		return err ? err : er_fail(c, m->line, m->col, "struct list_head has no next "
					   "pointer in %s", ti->source);
	*moff_ret = total;
	*ptr_size_ret = nd.size;
	return NULL;
}

/* The list head a `within` loop starts from: a list_head, the .next or
 * .prev pointer of one (makedumpfile.conf(5)'s `s1_list_head.next`), or a
 * pointer to one. *empty_ret when that pointer is NULL. */
static struct mdf_error *er_within_head(struct er_ctx *c, const struct ec_loop *l,
					struct er_lval *lv, uint64_t *head_ret, bool *empty_ret)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d;
	struct mdf_error *err = er_describe(c, &lv->t, &d);
	*empty_ret = false;
	if (err)
		return err;
	if (d.kind == TI_STRUCT && strcmp(d.name, "list_head") == 0) {
		*head_ret = lv->addr;
		return NULL;
	}
	if (d.kind != TI_PTR)
		return er_fail(c, e->line, e->col, "%s is %s, not a struct list_head", e->text,
			       lv->t.untyped ? "of unknown type" : er_kind_name(d.kind));
	if (e->nr_parts >= 2) {
		struct er_lval parent;
		struct ti_desc pd;
		if ((err = er_eval(c, e, e->nr_parts - 1, &parent, false)) ||
		    (!parent.null && (err = er_describe(c, &parent.t, &pd))))
			return err;
		if (!parent.null && pd.kind == TI_STRUCT && strcmp(pd.name, "list_head") == 0) {
			*head_ret = parent.addr;
			return NULL;
		}
	}
	if ((err = er_deref(c, e, e->nr_parts - 1, lv, &d)))
		return err;
	*empty_ret = lv->null;
	*head_ret = lv->addr;
	return NULL;
}

/* for ID in LIST_HEAD within STRUCT:MEMBER */
static struct mdf_error *er_loop_within(struct er_ctx *c, const struct ec_loop *l,
					struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct er_type st;
	uint64_t moff = 0, next_off = 0, psize = 8, head = 0;
	bool empty = false;
	struct mdf_error *err = er_within_type(c, l, &st, &moff, &next_off, &psize);
	if (!err)
		err = er_within_head(c, l, lv, &head, &empty);
	if (err)
		return err;
	c->loop_val.t = st;
	if ((err = er_check_body(c, l)) || empty)
		return err;
	struct er_seen seen = {0};
	uint64_t node;
	err = er_next(c, l, head + next_off, psize, "next", &node);
	for (uint64_t n = 0; !err && node != head; n++) {
		bool dup;
		if (!node)
			err = er_fail(c, e->line, e->col, "the list %s has a NULL next pointer after "
				      "%" PRIu64 " nodes", e->text, n);
		else if (n >= ERASE_MAX_ITER)
			err = er_fail(c, e->line, e->col, "the list %s has more than %d nodes",
				      e->text, ERASE_MAX_ITER);
		else if (!(err = er_seen_add(&seen, node, &dup)) && dup)
			err = er_fail(c, e->line, e->col, "the list %s loops back to node 0x%"
				      PRIx64 " without returning to its head 0x%" PRIx64, e->text,
				      node, head);
		if (err || (err = er_run_body(c, l, node - moff)))
			break;
		err = er_next(c, l, node + next_off, psize, "next", &node);
	}
	free(seen.slot);
	return err;
}

enum { ER_RB_DEPTH = 128 }; /* an rb-tree of 2^64 nodes is at most 128 deep */

/* The root node an rbtree loop starts from: a struct rb_root, or a
 * pointer to the root node. */
static struct mdf_error *er_rb_root(struct er_ctx *c, const struct ec_loop *l,
				    struct er_lval *lv, uint64_t *node_ret)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d;
	struct mdf_error *err = er_describe(c, &lv->t, &d);
	if (err)
		return err;
	if (d.kind == TI_STRUCT && strcmp(d.name, "rb_root") == 0) {
		uint64_t off, mt;
		bool bf, found;
		if ((err = c->src.ti->ops->member(c->src.ti, lv->t.id, "rb_node", &off, &mt, &bf,
						  &found)))
			return err;
		if (!found)
			return er_fail(c, e->line, e->col, "struct rb_root has no rb_node in %s",
				       c->src.ti->source);
		return er_next(c, l, lv->addr + off, 8, "rb_node", node_ret);
	}
	if (d.kind != TI_PTR)
		return er_fail(c, e->line, e->col, "%s is %s, not a struct rb_root", e->text,
			       lv->t.untyped ? "of unknown type" : er_kind_name(d.kind));
	return er_next(c, l, lv->addr, d.size, e->text, node_ret);
}

/* for ID in ROOT rbtree STRUCT:MEMBER: every node, in order, by a walk
 * with an explicit stack (bounded depth, nodes seen twice are an error). */
static struct mdf_error *er_loop_rbtree(struct er_ctx *c, const struct ec_loop *l,
					struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct er_type st;
	uint64_t moff = 0, node = 0, nt = 0, left_off = 0, right_off = 0, mt;
	bool found, bf;
	/* within's member lookup, but the member must be a struct rb_node */
	struct mdf_error *err = c->src.ti->ops->named(c->src.ti, TI_STRUCT, l->within_struct,
						      &st.id, &found);
	if (!err && !found)
		err = er_fail(c, l->line, l->kind_col, "unknown struct %s (not in %s)",
			      l->within_struct, c->src.ti->source);
	if (!err)
		err = typeinfo_offsetof(c->src.ti, l->within_struct, l->within_member.text, &moff,
					&nt, &found);
	struct ti_desc d;
	struct er_type ntt = {.id = nt};
	if (!err && !found)
		err = er_fail(c, l->line, l->kind_col, "no member %s in struct %s",
			      l->within_member.text, l->within_struct);
	if (!err && !(err = er_describe(c, &ntt, &d)) &&
	    (d.kind != TI_STRUCT || strcmp(d.name, "rb_node") != 0))
		err = er_fail(c, l->line, l->kind_col, "%s.%s is %s, not a struct rb_node",
			      l->within_struct, l->within_member.text, er_kind_name(d.kind));
	if (!err)
		err = c->src.ti->ops->member(c->src.ti, nt, "rb_left", &left_off, &mt, &bf, &found);
	if (!err && found)
		err = c->src.ti->ops->member(c->src.ti, nt, "rb_right", &right_off, &mt, &bf, &found);
	if (!err && !found)
		err = er_fail(c, l->line, l->kind_col, "struct rb_node has no rb_left/rb_right");
	if (err)
		return err;
	memset(&c->loop_val.t, 0, sizeof(c->loop_val.t));
	c->loop_val.t.id = st.id;
	if ((err = er_check_body(c, l)) || (err = er_rb_root(c, l, lv, &node)))
		return err;
	uint64_t stack[ER_RB_DEPTH];
	unsigned int depth = 0;
	struct er_seen seen = {0};
	for (uint64_t n = 0; !err && (node || depth);) {
		while (!err && node) {
			bool dup;
			if (depth == ER_RB_DEPTH || n >= ERASE_MAX_ITER)
				err = er_fail(c, e->line, e->col, "the rb-tree %s is deeper than %d or has "
					      "more than %d nodes", e->text, ER_RB_DEPTH, ERASE_MAX_ITER);
			else if (!(err = er_seen_add(&seen, node, &dup)) && dup)
				err = er_fail(c, e->line, e->col, "the rb-tree %s reaches node 0x%" PRIx64
					      " twice", e->text, node);
			if (err)
				break;
			stack[depth++] = node;
			n++;
			err = er_next(c, l, node + left_off, 8, "rb_left", &node);
		}
		if (err || !depth)
			break;
		node = stack[--depth];
		if ((err = er_run_body(c, l, node - moff)))
			break;
		err = er_next(c, l, node + right_off, 8, "rb_right", &node);
	}
	free(seen.slot);
	return err;
}

static struct mdf_error *er_loop(struct er_ctx *c, const struct ec_loop *l)
{
	struct er_lval lv;
	c->loop_id = NULL;
	memset(&c->loop_val, 0, sizeof(c->loop_val));
	struct mdf_error *err = er_eval(c, &l->list, l->list.nr_parts, &lv, false);
	if (!err && lv.null) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: for %s in %s: %s is NULL: no elements",
			 l->id, l->list.text, lv.null_at);
		return NULL;
	}
	c->loop_id = l->id;
	c->loop_line = l->line;
	c->loop_elements = 0;
	if (!err) {
		switch (l->kind) {
		case EC_LOOP_ARRAY:
			err = er_loop_array(c, l, &lv);
			break;
		case EC_LOOP_VIA:
			err = er_loop_via(c, l, &lv);
			break;
		case EC_LOOP_WITHIN:
			err = er_loop_within(c, l, &lv);
			break;
		case EC_LOOP_RBTREE:
			err = er_loop_rbtree(c, l, &lv);
			break;
		}
	}
	if (!err)
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: for %s in %s (line %u): %" PRIu64
			 " elements", l->id, l->list.text, l->line, c->loop_elements);
	c->loop_id = NULL;
	return err;
}

/* ---- sections ---- */

struct er_strs {
	const char **v;
	size_t n, cap;
};

static struct mdf_error *er_strs_add(struct er_strs *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->v[i], name) == 0)
			return NULL;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 32;
		const char **v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return mdf_error_nomem();
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = name;
	return NULL;
}

/* The variable an expression starts from, unless it is the loop's ID. */
static struct mdf_error *er_want_expr(struct er_strs *vars, const struct ec_expr *e,
				      const char *id)
{
	if (!e->nr_parts || (id && strcmp(e->parts[0], id) == 0))
		return NULL;
	return er_strs_add(vars, e->parts[0]);
}

static struct mdf_error *er_want_erase(struct er_strs *vars, const struct ec_erase *er,
				       const char *id)
{
	struct mdf_error *err = er_want_expr(vars, &er->target, id);
	if (!err && er->size_kind == EC_SIZE_EXPR)
		err = er_want_expr(vars, &er->size_expr, id);
	if (!err && er->has_guard)
		err = er_want_expr(vars, &er->guard, id);
	if (!err && er->has_guard)
		err = er_strs_add(vars, er->guard_sym);
	return err;
}

/* Every variable and type name a section uses. */
static struct mdf_error *er_collect(const struct ec_section *sec, struct er_strs *vars,
				    struct er_strs *types)
{
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < sec->nr_cmds; i++) {
		const struct ec_command *cmd = &sec->cmds[i];
		if (!cmd->is_loop) {
			err = er_want_erase(vars, &cmd->erase, NULL);
			continue;
		}
		const struct ec_loop *l = &cmd->loop;
		err = er_want_expr(vars, &l->list, NULL);
		if (!err && l->within_struct)
			err = er_strs_add(types, l->within_struct);
		for (size_t j = 0; !err && j < l->nr_body; j++)
			err = er_want_erase(vars, &l->body[j], l->id);
	}
	for (size_t i = 0; !err && i < sec->nr_hints; i++) {
		if (!sec->hints[i].member)
			err = er_strs_add(vars, sec->hints[i].symbol);
		if (!err && sec->hints[i].name)
			err = er_strs_add(types, sec->hints[i].name);
	}
	return err;
}

struct mdf_error *erase_config_wants(const struct erase_config *cfg, const char *section,
				     struct ti_wants *ret)
{
	struct er_strs vars = {0}, types = {0};
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < cfg->nr_sections; i++)
		if (strcmp(cfg->sections[i].name, section) == 0)
			err = er_collect(&cfg->sections[i], &vars, &types);
	if (err) {
		free(vars.v);
		free(types.v);
		return err;
	}
	*ret = (struct ti_wants){vars.v, vars.n, types.v, types.n};
	return NULL;
}

void erase_wants_free(struct ti_wants *w)
{
	free((void *)w->vars);
	free((void *)w->types);
	memset(w, 0, sizeof(*w));
}

static struct mdf_error *er_section(const struct erase_config *cfg, const struct ec_section *sec,
				   const struct erase_env *env, struct erase_list *el)
{
	struct er_ctx c = {.cfg = cfg, .sec = sec, .km = env->km, .msg = env->msg, .el = el,
			   .page_size = kmem_page_size(env->km)};
	bool skip = false;
	struct mdf_error *err = env->open_section(env->arg, sec->name, &c.src, &skip);
	if (err || skip)
		return err;
	struct er_strs vars = {0}, types = {0};
	err = er_collect(sec, &vars, &types);
	struct ti_wants w = {vars.v, vars.n, types.v, types.n};
	if (!err)
		err = c.src.ti->ops->prepare(c.src.ti, &w);
	if (!err)
		err = c.src.syms->ops->prepare(c.src.syms, vars.v, vars.n);
	for (size_t i = 0; !err && i < sec->nr_cmds; i++) {
		const struct ec_command *cmd = &sec->cmds[i];
		err = cmd->is_loop ? er_loop(&c, &cmd->loop) : er_erase(&c, &cmd->erase);
	}
	free(vars.v);
	free(types.v);
	return err;
}

static int er_range_cmp(const void *a, const void *b)
{
	const struct erase_range *x = a, *y = b;
	if (x->paddr != y->paddr)
		return x->paddr < y->paddr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct mdf_error *erase_list_build(const struct erase_config *cfg, const struct erase_env *env,
				   struct erase_list **ret)
{
	struct erase_list *el = calloc(1, sizeof(*el));
	if (!el)
		return mdf_error_nomem();
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < cfg->nr_sections; i++)
		err = er_section(cfg, &cfg->sections[i], env, el);
	if (err) {
		erase_list_destroy(el);
		return err;
	}
	if (el->n)
		qsort(el->r, el->n, sizeof(*el->r), er_range_cmp);
	mdf_msgf(env->msg, MDF_MSG_DEBUG, "erase: %" PRIu64 " objects, %" PRIu64 " bytes in %zu "
		 "page pieces", el->objects, el->bytes, el->n);
	*ret = el;
	return NULL;
}

void erase_list_destroy(struct erase_list *el)
{
	if (!el)
		return;
	free(el->r);
	free(el->text);
	free(el);
}

/* Index of the first range that may overlap [paddr, ...). */
static size_t el_first(const struct erase_list *el, uint64_t paddr)
{
	uint64_t key = paddr >= el->max_len ? paddr - el->max_len + 1 : 0;
	size_t lo = 0, hi = el->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (el->r[mid].paddr < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool erase_touches(const struct erase_list *el, uint64_t paddr, uint64_t len)
{
	if (!el || !el->n || !len)
		return false;
	for (size_t i = el_first(el, paddr); i < el->n && el->r[i].paddr < paddr + len; i++)
		if (el->r[i].paddr + el->r[i].len > paddr)
			return true;
	return false;
}

void erase_apply(const struct erase_list *el, uint64_t paddr, uint8_t *buf, uint64_t len)
{
	if (!el || !el->n || !len)
		return;
	size_t first = el_first(el, paddr);
	/* 'X' first, then nullify's zeros: where the two overlap, the
	 * pointer is zero whatever the order of the config. */
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = first; i < el->n && el->r[i].paddr < paddr + len; i++) {
			const struct erase_range *r = &el->r[i];
			if ((r->fill == 0) != (pass == 1) || r->paddr + r->len <= paddr)
				continue;
			uint64_t s = r->paddr > paddr ? r->paddr : paddr;
			uint64_t e = r->paddr + r->len < paddr + len ? r->paddr + r->len : paddr + len;
			memset(buf + (s - paddr), r->fill, e - s);
		}
	}
}

const char *erase_list_text(const struct erase_list *el, size_t *len_ret)
{
	*len_ret = el ? el->text_len : 0;
	return el && el->text ? el->text : "";
}

uint64_t erase_list_objects(const struct erase_list *el)
{
	return el ? el->objects : 0;
}

uint64_t erase_list_bytes(const struct erase_list *el)
{
	return el ? el->bytes : 0;
}
