/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The loops of a filter config (erase_conf.h): arrays, via, within and our
 * rbtree, count and as. Each binds the loop's ID to an element and runs the body's
 * erase commands (erase_info.c); every walk is bounded, and a node seen
 * twice is an error, never a hang (REFERENCE.md 10.1). */
#include "erase_resolve.h"
#include "kmem.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The element type of loop l whose list has type lt, from types alone;
 * *known_ret false where only running the loop can tell (or report). */
static struct mdf_error *er_elem_type(struct er_ctx *c, const struct ec_loop *l,
				      const struct er_type *lt, struct er_type *ret,
				      bool *known_ret)
{
	struct ti_desc d;
	bool found = false;
	*known_ret = false;
	memset(ret, 0, sizeof(*ret));
	if (l->kind == EC_LOOP_WITHIN || l->kind == EC_LOOP_RBTREE || l->kind == EC_LOOP_AS) {
		struct mdf_error *err = c->src.ti->ops->named(c->src.ti, TI_STRUCT,
							      l->within_struct, &ret->id, &found);
		*known_ret = !err && found;
		return err;
	}
	struct mdf_error *err = er_describe(c, lt, &d);
	if (err || lt->untyped)
		return err;
	bool array = l->kind == EC_LOOP_ARRAY;
	if ((array && d.kind == TI_ARRAY) || (d.kind == TI_PTR && (!array || l->has_count))) {
		*known_ret = true;
		return er_inner(c, lt, ret);
	}
	if (l->kind == EC_LOOP_VIA && (d.kind == TI_STRUCT || d.kind == TI_UNION)) {
		*ret = *lt;
		*known_ret = true;
	}
	return NULL;
}

static struct mdf_error *er_check_body(struct er_ctx *c, const struct ec_loop *l);

/* Binds a loop's ID (the caller checked the depth): its value is set as
 * the loop runs. */
static struct er_bind *er_push_bind(struct er_ctx *c, const char *id)
{
	struct er_bind *b = &c->binds[c->nr_binds++];
	memset(b, 0, sizeof(*b));
	b->id = id;
	return b;
}

/* A nested loop's list, count and guard, and, where its element type
 * follows from the types, its body, with its ID bound to that type. */
static struct mdf_error *er_check_nested(struct er_ctx *c, const struct ec_loop *n)
{
	struct er_lval lv, tmp;
	struct er_type et;
	bool known;
	struct mdf_error *err = er_eval(c, &n->list, n->list.nr_parts, &lv, true);
	if (!err && n->has_count)
		err = er_eval(c, &n->count, n->count.nr_parts, &tmp, true);
	if (!err && n->guard.has)
		err = er_eval(c, &n->guard.expr, n->guard.expr.nr_parts, &tmp, true);
	if (!err)
		err = er_elem_type(c, n, &lv.t, &et, &known);
	if (err || !known || c->nr_binds == EC_MAX_DEPTH)
		return err;
	er_push_bind(c, n->id)->val.t = et;
	err = er_check_body(c, n);
	c->nr_binds--;
	return err;
}

/* Checks the body's member paths against the element type before any
 * element is visited: a wrong member is an error even for an empty list,
 * in nested loops too where their element types follow from the types. */
static struct mdf_error *er_check_body(struct er_ctx *c, const struct ec_loop *l)
{
	struct er_lval saved = *er_cur(c);
	er_cur(c)->addr = 0;
	er_cur(c)->null = false;
	struct mdf_error *err = NULL;
	for (size_t j = 0; !err && j < l->nr_body; j++) {
		const struct ec_command *cmd = &l->body[j];
		struct er_lval lv;
		if (cmd->is_loop) {
			err = er_check_nested(c, &cmd->loop);
			continue;
		}
		const struct ec_erase *b = &cmd->erase;
		err = er_eval(c, &b->target, b->target.nr_parts, &lv, true);
		if (!err && b->size_kind == EC_SIZE_EXPR)
			err = er_eval(c, &b->size_expr, b->size_expr.nr_parts, &lv, true);
		if (!err && b->guard.has)
			err = er_eval(c, &b->guard.expr, b->guard.expr.nr_parts, &lv, true);
	}
	*er_cur(c) = saved;
	return err;
}

static struct mdf_error *er_run_body(struct er_ctx *c, const struct ec_loop *l, uint64_t addr)
{
	if (++c->iterations > ERASE_MAX_ITER_ALL)
		return er_fail(c, l->line, l->list.col, "the loops of this section visit more than "
			       "%d elements in all", ERASE_MAX_ITER_ALL);
	c->binds[c->nr_binds - 1].elements++;
	for (size_t j = 0; j < l->nr_body; j++) {
		/* a nested loop rebinds only its own ID: this one's is reset */
		er_cur(c)->addr = addr;
		er_cur(c)->null = false;
		const struct ec_command *cmd = &l->body[j];
		struct mdf_error *err = cmd->is_loop ? er_loop(c, &cmd->loop)
						     : er_erase(c, &cmd->erase);
		if (err)
			return err;
	}
	return NULL;
}

/* The element type of the array or pointer lv: bound to the loop's ID,
 * the body checked against it, its size in *esize_ret. */
static struct mdf_error *er_bind_elements(struct er_ctx *c, const struct ec_loop *l,
					  const struct er_lval *lv, uint64_t *esize_ret)
{
	const struct ec_expr *e = &l->list;
	struct er_type et;
	struct ti_desc ed;
	struct mdf_error *err;
	if ((err = er_inner(c, &lv->t, &et)) || (err = er_describe(c, &et, &ed)))
		return err;
	if (!ed.size_known || !ed.size)
		return er_fail(c, e->line, e->col, "the elements of %s have no known size", e->text);
	er_cur(c)->t = et;
	*esize_ret = ed.size;
	return er_check_body(c, l);
}

/* for ID in POINTER count EXPR (ours): EXPR elements from where POINTER
 * points; an array is walked as its first EXPR elements. */
static struct mdf_error *er_loop_count(struct er_ctx *c, const struct ec_loop *l,
				       struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d;
	uint64_t n = 0, esize;
	bool skip = false;
	struct mdf_error *err = er_describe(c, &lv->t, &d);
	if (err)
		return err;
	if (d.kind != TI_PTR && d.kind != TI_ARRAY)
		return er_fail(c, e->line, e->col, "%s is %s, not a pointer or an array (count "
			       "needs one)", e->text, lv->t.untyped ? "of unknown type"
								   : er_kind_name(d.kind));
	if ((err = er_bind_elements(c, l, lv, &esize)))
		return err;
	if ((err = er_size_value(c, &l->count, &n, &skip)) || skip)
		return err;
	if (n > ERASE_MAX_ITER)
		return er_fail(c, l->count.line, l->count.col, "count %s is %" PRIu64 ", more than "
			       "%d", l->count.text, n, ERASE_MAX_ITER);
	if (d.kind == TI_ARRAY && d.length_known && n > d.length)
		return er_fail(c, l->count.line, l->count.col, "count %s is %" PRIu64 ", more than "
			       "the %" PRIu64 " elements of %s", l->count.text, n, d.length, e->text);
	if (d.kind == TI_PTR && n) {
		if ((err = er_deref(c, e, e->nr_parts - 1, lv, &d)))
			return err;
		if (lv->null)
			return er_fail(c, e->line, e->col, "%s is NULL but count %s is %" PRIu64,
				       e->text, l->count.text, n);
	}
	for (uint64_t i = 0; i < n; i++)
		if ((err = er_run_body(c, l, lv->addr + i * esize)))
			return err;
	return NULL;
}

/* for ID in ARRAY */
static struct mdf_error *er_loop_array(struct er_ctx *c, const struct ec_loop *l,
				       struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct ti_desc d;
	if (l->has_count)
		return er_loop_count(c, l, lv);
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
	uint64_t esize;
	if ((err = er_bind_elements(c, l, lv, &esize)))
		return err;
	for (uint64_t i = 0; i < d.length; i++)
		if ((err = er_run_body(c, l, lv->addr + i * esize)))
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
	er_cur(c)->t = lv->t;
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

/* The loop's STRUCT (`within`, `as`) and, through its MEMBER path, the
 * member's offset and type. */
static struct mdf_error *er_struct_path(struct er_ctx *c, const struct ec_loop *l,
					struct er_type *st, uint64_t *off_ret,
					struct er_type *mt_ret)
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
	*off_ret = total;
	*mt_ret = cur;
	return NULL;
}

/* STRUCT and the offset of its list_head member path, and next's offset. */
static struct mdf_error *er_within_type(struct er_ctx *c, const struct ec_loop *l,
					struct er_type *st, uint64_t *moff_ret,
					uint64_t *next_off_ret, uint64_t *ptr_size_ret)
{
	struct typeinfo *ti = c->src.ti;
	const struct ec_expr *m = &l->within_member;
	struct er_type cur;
	struct ti_desc d;
	bool found, bf;
	struct mdf_error *err = er_struct_path(c, l, st, moff_ret, &cur);
	if (err || (err = er_describe(c, &cur, &d)))
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
	er_cur(c)->t = st;
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
	struct er_type st, nt;
	uint64_t moff = 0, node = 0, left_off = 0, right_off = 0, mt;
	bool found = false, bf;
	struct ti_desc d;
	/* within's member lookup, but the member must be a struct rb_node */
	struct mdf_error *err = er_struct_path(c, l, &st, &moff, &nt);
	if (!err && !(err = er_describe(c, &nt, &d)) &&
	    (d.kind != TI_STRUCT || strcmp(d.name, "rb_node") != 0))
		err = er_fail(c, l->line, l->kind_col, "%s.%s is %s, not a struct rb_node",
			      l->within_struct, l->within_member.text, er_kind_name(d.kind));
	if (!err)
		err = c->src.ti->ops->member(c->src.ti, nt.id, "rb_left", &left_off, &mt, &bf,
					     &found);
	if (!err && found)
		err = c->src.ti->ops->member(c->src.ti, nt.id, "rb_right", &right_off, &mt, &bf,
					     &found);
	if (!err && !found)
		err = er_fail(c, l->line, l->kind_col, "struct rb_node has no rb_left/rb_right");
	if (err)
		return err;
	er_cur(c)->t = st;
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

/* "struct NAME", "union NAME" or the kind, for messages. */
static const char *er_agg_text(const struct ti_desc *d, char *buf, size_t size)
{
	if ((d->kind == TI_STRUCT || d->kind == TI_UNION) && d->name[0]) {
		snprintf(buf, size, "%s %s", d->kind == TI_STRUCT ? "struct" : "union", d->name);
		return buf;
	}
	return er_kind_name(d->kind);
}

/* With `as STRUCT:MEMBER`, the object must be what MEMBER is where both
 * types are known: a struct or union of the same name (a wrong pointer
 * is then an error, not bytes erased at a guess). */
static struct mdf_error *er_as_check(struct er_ctx *c, const struct ec_loop *l,
				     const struct er_type *obj, const struct er_type *mt)
{
	struct ti_desc od, md;
	char ob[sizeof(od.name) + 8], mb[sizeof(md.name) + 8];
	struct mdf_error *err;
	if (!l->within_member.nr_parts || obj->untyped || !obj->id)
		return NULL;
	if ((err = er_describe(c, obj, &od)) || (err = er_describe(c, mt, &md)))
		return err;
	if (od.kind == md.kind && strcmp(od.name, md.name) == 0)
		return NULL;
	return er_fail(c, l->list.line, l->list.col, "%s is %s, but %s.%s is %s", l->list.text,
		       er_agg_text(&od, ob, sizeof(ob)), l->within_struct, l->within_member.text,
		       er_agg_text(&md, mb, sizeof(mb)));
}

/* for ID in EXPR as STRUCT[:MEMBER] (ours): the body once, ID the STRUCT
 * at the object EXPR is or, for a pointer, points to; with MEMBER, the
 * STRUCT whose MEMBER that object is (the kernel's container_of). This is
 * how a config reads a crypto context, an untyped array whose layout the
 * algorithm decides, and finds the algorithm around a struct crypto_alg. */
static struct mdf_error *er_loop_as(struct er_ctx *c, const struct ec_loop *l,
				    struct er_lval *lv)
{
	const struct ec_expr *e = &l->list;
	struct er_type st, mt;
	struct ti_desc d;
	uint64_t moff = 0;
	struct mdf_error *err = er_struct_path(c, l, &st, &moff, &mt);
	if (err || (err = er_describe(c, &lv->t, &d)))
		return err;
	er_cur(c)->t = st;
	if ((err = er_check_body(c, l)))
		return err;
	if (d.kind == TI_PTR && !lv->t.untyped) {
		if ((err = er_deref(c, e, e->nr_parts - 1, lv, &d)))
			return err;
		if (lv->null) {
			mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: %s is NULL: nothing as %s", e->text,
				 l->within_struct);
			return NULL;
		}
	}
	if ((err = er_as_check(c, l, &lv->t, &mt)))
		return err;
	if (lv->addr < moff || !kmem_is_kernel_va(c->km, lv->addr - moff))
		return er_fail(c, e->line, e->col, "%s is at 0x%" PRIx64 ": the %s around it would "
			       "start outside the kernel's addresses", e->text, lv->addr,
			       l->within_struct);
	return er_run_body(c, l, lv->addr - moff);
}

struct mdf_error *er_loop(struct er_ctx *c, const struct ec_loop *l)
{
	struct er_lval lv;
	if (c->nr_binds == EC_MAX_DEPTH) /* the parser allows no deeper loops */
		return er_fail(c, l->line, 1, "for loops nested more than %d deep", EC_MAX_DEPTH);
	if (l->guard.has) {
		bool pass;
		struct mdf_error *gerr = er_guard(c, &l->guard, l->line, &pass);
		if (gerr || !pass)
			return gerr;
	}
	struct mdf_error *err = er_eval(c, &l->list, l->list.nr_parts, &lv, false);
	if (!err && lv.null) {
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: for %s in %s: %s is NULL: no elements",
			 l->id, l->list.text, lv.null_at);
		return NULL;
	}
	if (err)
		return err;
	struct er_bind *b = er_push_bind(c, l->id);
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
	case EC_LOOP_AS:
		err = er_loop_as(c, l, &lv);
		break;
	}
	if (!err)
		mdf_msgf(c->msg, MDF_MSG_DEBUG, "erase: for %s in %s (line %u): %" PRIu64
			 " elements", l->id, l->list.text, l->line, b->elements);
	c->nr_binds--;
	return err;
}
