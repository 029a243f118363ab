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
 * Loops (erase_loops.c) bind their ID to each element (arrays; pointer
 * elements that are NULL erase nothing), node (via: until NULL or back at
 * the first; rbtree: in order) or container of each list_head (within:
 * until back at the head). Every walk is bounded and a node seen twice is
 * an error, never a hang. */
#include "erase_info.h"
#include "erase_resolve.h"

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

/* "PATH:LINE:COL: message", the form of the parser's errors. */
struct mdf_error *er_fail(const struct er_ctx *c, unsigned int line, unsigned int col,
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
struct mdf_error *er_wrap(const struct er_ctx *c, struct mdf_error *err,
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

/* The element of an array type, or the pointee of a pointer type. */
struct mdf_error *er_inner(const struct er_ctx *c, const struct er_type *tp,
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

struct mdf_error *er_describe(const struct er_ctx *c, const struct er_type *t,
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

const char *er_kind_name(enum ti_kind k)
{
	static const char *const names[] = {
		"void", "an integer", "an enum", "a float", "a pointer", "an array",
		"a struct", "a union", "a function", "an unsupported type",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* ---- memory ---- */

/* Reads a pointer-sized value of desc d at va. */
struct mdf_error *er_read_ptr(struct er_ctx *c, uint64_t va, uint64_t size,
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
struct mdf_error *er_check_ptr(struct er_ctx *c, const struct ec_expr *e, uint64_t v,
				      const char *what)
{
	if (v && !kmem_is_kernel_va(c->km, v))
		return er_fail(c, e->line, e->col, "%s: %s is 0x%" PRIx64 ", not a kernel "
			       "address", e->text, what, v);
	return NULL;
}

/* ---- expressions ---- */

/* Reads the value of a pointer lvalue: NULL marks lv as null. */
struct mdf_error *er_deref(struct er_ctx *c, const struct ec_expr *e, size_t upto,
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
unsigned int er_col(const struct ec_expr *e, size_t i)
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
	for (unsigned int i = c->nr_binds; i-- > 0;) {
		if (strcmp(name, c->binds[i].id) == 0) {
			*lv = c->binds[i].val;
			return NULL;
		}
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
struct mdf_error *er_eval(struct er_ctx *c, const struct ec_expr *e, size_t n,
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

struct mdf_error *er_size_value(struct er_ctx *c, const struct ec_expr *e, uint64_t *size_ret,
				bool *skip_ret)
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
		v |= (uint64_t)b[i] << (8 * i); /* little-endian dumps (every architecture we translate) */
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
	unsigned int saved = c->nr_binds;
	c->nr_binds = 0; /* &ID is no symbol */
	struct mdf_error *err = er_base(c, &e, &lv);
	c->nr_binds = saved;
	*addr_ret = lv.addr;
	return err;
}

struct mdf_error *er_guard(struct er_ctx *c, const struct ec_guard *gd, unsigned int line,
			   bool *pass_ret)
{
	const struct ec_expr *g = &gd->expr;
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
	if ((err = er_symbol_addr(c, gd->sym, line, gd->col, &want)))
		return err;
	*pass_ret = (v == want) != gd->neq;
	return NULL;
}

/* One erase command (ID bound when inside a loop). */
struct mdf_error *er_erase(struct er_ctx *c, const struct ec_erase *er)
{
	const struct ec_expr *e = &er->target;
	struct er_lval lv;
	struct ti_desc d;
	if (er->guard.has) {
		bool pass;
		struct mdf_error *gerr = er_guard(c, &er->guard, er->line, &pass);
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

/* The variable an expression starts from, unless it is the ID of a loop
 * around it. */
static struct mdf_error *er_want_expr_ids(struct er_strs *vars, const struct ec_expr *e,
					  const char **ids, size_t nr_ids)
{
	if (!e->nr_parts)
		return NULL;
	for (size_t k = 0; k < nr_ids; k++)
		if (strcmp(e->parts[0], ids[k]) == 0)
			return NULL;
	return er_strs_add(vars, e->parts[0]);
}

static struct mdf_error *er_want_guard_ids(struct er_strs *vars, const struct ec_guard *g,
					   const char **ids, size_t nr_ids)
{
	struct mdf_error *err = er_want_expr_ids(vars, &g->expr, ids, nr_ids);
	return err ? err : er_strs_add(vars, g->sym);
}

static struct mdf_error *er_want_erase_ids(struct er_strs *vars, const struct ec_erase *er,
					   const char **ids, size_t nr_ids)
{
	struct mdf_error *err = er_want_expr_ids(vars, &er->target, ids, nr_ids);
	if (!err && er->size_kind == EC_SIZE_EXPR)
		err = er_want_expr_ids(vars, &er->size_expr, ids, nr_ids);
	if (!err && er->guard.has)
		err = er_want_guard_ids(vars, &er->guard, ids, nr_ids);
	return err;
}

/* The names commands use; ids are the IDs of the loops around them
 * (loops nest at most EC_MAX_DEPTH deep). */
static struct mdf_error *er_collect_cmds(const struct ec_command *cmds, size_t n,
					 const char **ids, size_t nr_ids, struct er_strs *vars,
					 struct er_strs *types)
{
	struct mdf_error *err = NULL;
	const char *inner[EC_MAX_DEPTH + 1];
	for (size_t k = 0; k < nr_ids; k++)
		inner[k] = ids[k];
	for (size_t i = 0; !err && i < n; i++) {
		const struct ec_command *cmd = &cmds[i];
		if (!cmd->is_loop) {
			err = er_want_erase_ids(vars, &cmd->erase, ids, nr_ids);
			continue;
		}
		const struct ec_loop *l = &cmd->loop;
		err = er_want_expr_ids(vars, &l->list, ids, nr_ids);
		if (!err && l->has_count)
			err = er_want_expr_ids(vars, &l->count, ids, nr_ids);
		if (!err && l->guard.has)
			err = er_want_guard_ids(vars, &l->guard, ids, nr_ids);
		if (!err && l->within_struct)
			err = er_strs_add(types, l->within_struct);
		if (!err && nr_ids < EC_MAX_DEPTH) {
			inner[nr_ids] = l->id;
			err = er_collect_cmds(l->body, l->nr_body, inner, nr_ids + 1, vars, types);
		}
	}
	return err;
}

/* Every variable and type name a section uses. */
static struct mdf_error *er_collect(const struct ec_section *sec, struct er_strs *vars,
				    struct er_strs *types)
{
	struct mdf_error *err = er_collect_cmds(sec->cmds, sec->nr_cmds, NULL, 0, vars, types);
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
