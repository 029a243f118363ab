/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Composite type information and symbols (typeinfo_multi.h). */
#include "typeinfo_multi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Handles of the parts are below 2^56 (BTF ids are 32-bit, DWARF DIE
 * offsets are file offsets); the top byte holds the part's index + 1. */
#define TM_SHIFT 56
#define TM_MASK ((UINT64_C(1) << TM_SHIFT) - 1)

struct tm_typeinfo {
	struct typeinfo ti;
	struct typeinfo *part[TI_MULTI_MAX];
	size_t n;
	char *object, *source;
};

static struct tm_typeinfo *tm_of(struct typeinfo *ti)
{
	return (struct tm_typeinfo *)ti;
}

static struct mdf_error *tm_tag(size_t i, uint64_t h, uint64_t *ret)
{
	if (h & ~TM_MASK)
		return mdf_error_create(MDF_ERR_INVALID, "type handle 0x%llx too large for a "
					"composite section", (unsigned long long)h);
	*ret = h ? ((uint64_t)(i + 1) << TM_SHIFT) | h : 0;
	return NULL;
}

/* The part of a handle and its own handle. */
static struct mdf_error *tm_untag(struct tm_typeinfo *t, uint64_t h, struct typeinfo **part,
				  uint64_t *inner)
{
	uint64_t i = h >> TM_SHIFT;
	if (!i || i > t->n)
		return mdf_error_create(MDF_ERR_INVALID, "type handle 0x%llx is not of %s",
					(unsigned long long)h, t->object);
	*part = t->part[i - 1];
	*inner = h & TM_MASK;
	return NULL;
}

static void tm_destroy(struct typeinfo *ti)
{
	free(tm_of(ti)->object);
	free(tm_of(ti)->source);
}

static struct mdf_error *tm_prepare(struct typeinfo *ti, const struct ti_wants *w)
{
	struct tm_typeinfo *t = tm_of(ti);
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < t->n; i++)
		err = t->part[i]->ops->prepare(t->part[i], w);
	return err;
}

static struct mdf_error *tm_variable(struct typeinfo *ti, const char *name, struct ti_var *ret,
				     bool *found_ret)
{
	struct tm_typeinfo *t = tm_of(ti);
	*found_ret = false;
	for (size_t i = 0; i < t->n; i++) {
		struct mdf_error *err = t->part[i]->ops->variable(t->part[i], name, ret, found_ret);
		if (err)
			return err;
		if (*found_ret)
			return tm_tag(i, ret->type, &ret->type);
	}
	return NULL;
}

static struct mdf_error *tm_named(struct typeinfo *ti, enum ti_kind kind, const char *name,
				  uint64_t *type_ret, bool *found_ret)
{
	struct tm_typeinfo *t = tm_of(ti);
	*found_ret = false;
	for (size_t i = 0; i < t->n; i++) {
		struct mdf_error *err = t->part[i]->ops->named(t->part[i], kind, name, type_ret,
							       found_ret);
		if (err)
			return err;
		if (*found_ret)
			return tm_tag(i, *type_ret, type_ret);
	}
	return NULL;
}

static struct mdf_error *tm_anonymous(struct typeinfo *ti, enum ti_kind kind,
				      const char *const *members, size_t n, uint64_t *type_ret,
				      bool *found_ret)
{
	struct tm_typeinfo *t = tm_of(ti);
	*found_ret = false;
	for (size_t i = 0; i < t->n; i++) {
		if (!t->part[i]->ops->anonymous)
			continue;
		struct mdf_error *err = t->part[i]->ops->anonymous(t->part[i], kind, members, n,
								   type_ret, found_ret);
		if (err)
			return err;
		if (*found_ret)
			return tm_tag(i, *type_ret, type_ret);
	}
	return NULL;
}

static struct mdf_error *tm_describe(struct typeinfo *ti, uint64_t type, struct ti_desc *ret)
{
	struct typeinfo *p;
	uint64_t in;
	struct mdf_error *err = tm_untag(tm_of(ti), type, &p, &in);
	if (!err)
		err = p->ops->describe(p, in, ret);
	if (!err && (ret->kind == TI_PTR || ret->kind == TI_ARRAY))
		err = tm_tag((type >> TM_SHIFT) - 1, ret->target, &ret->target);
	return err;
}

static struct mdf_error *tm_member(struct typeinfo *ti, uint64_t agg, const char *name,
				   uint64_t *offset_ret, uint64_t *type_ret, bool *bitfield_ret,
				   bool *found_ret)
{
	struct typeinfo *p;
	uint64_t in;
	struct mdf_error *err = tm_untag(tm_of(ti), agg, &p, &in);
	if (!err)
		err = p->ops->member(p, in, name, offset_ret, type_ret, bitfield_ret, found_ret);
	if (!err && *found_ret)
		err = tm_tag((agg >> TM_SHIFT) - 1, *type_ret, type_ret);
	return err;
}

static struct mdf_error *tm_members(struct typeinfo *ti, uint64_t agg,
				    void (*fn)(void *arg, const char *name), void *arg)
{
	struct typeinfo *p;
	uint64_t in;
	struct mdf_error *err = tm_untag(tm_of(ti), agg, &p, &in);
	return err ? err : p->ops->members(p, in, fn, arg);
}

static const struct typeinfo_ops tm_ops = {
	.name = "composite",
	.destroy = tm_destroy,
	.prepare = tm_prepare,
	.variable = tm_variable,
	.named = tm_named,
	.anonymous = tm_anonymous,
	.describe = tm_describe,
	.member = tm_member,
	.members = tm_members,
};

/* "A and B and C" of the parts' sources. */
static char *tm_join(const char *const *s, size_t n)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(s[i]) + 5;
	char *out = malloc(len);
	if (!out)
		return NULL;
	size_t at = 0;
	for (size_t i = 0; i < n; i++)
		at += (size_t)snprintf(out + at, len - at, "%s%s", i ? " and " : "", s[i]);
	return out;
}

struct mdf_error *typeinfo_multi_new(struct typeinfo *const *parts, size_t n, const char *name,
				     struct typeinfo **ret)
{
	if (!n || n > TI_MULTI_MAX)
		return mdf_error_create(MDF_ERR_INVALID, "a section of 1 to %d modules",
					TI_MULTI_MAX);
	struct tm_typeinfo *t = calloc(1, sizeof(*t));
	const char *src[TI_MULTI_MAX];
	for (size_t i = 0; i < n; i++)
		src[i] = parts[i]->source;
	if (!t || !(t->object = strdup(name)) || !(t->source = tm_join(src, n))) {
		if (t)
			free(t->object);
		free(t);
		return mdf_error_nomem();
	}
	memcpy(t->part, parts, n * sizeof(*parts));
	t->n = n;
	t->ti.ops = &tm_ops;
	t->ti.object = t->object;
	t->ti.source = t->source;
	*ret = &t->ti;
	return NULL;
}

/* ---- symbols ---- */

struct sm_symsrc {
	struct symsrc ss;
	struct symsrc *part[TI_MULTI_MAX];
	size_t n;
	char *source;
};

static void sm_destroy(struct symsrc *ss)
{
	free(((struct sm_symsrc *)ss)->source);
}

static struct mdf_error *sm_prepare(struct symsrc *ss, const char *const *names, size_t n)
{
	struct sm_symsrc *m = (struct sm_symsrc *)ss;
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < m->n; i++)
		err = m->part[i]->ops->prepare(m->part[i], names, n);
	return err;
}

static struct mdf_error *sm_lookup(struct symsrc *ss, const char *name, uint64_t *addr_ret,
				   bool *found_ret)
{
	struct sm_symsrc *m = (struct sm_symsrc *)ss;
	*found_ret = false;
	for (size_t i = 0; i < m->n; i++) {
		struct mdf_error *err = m->part[i]->ops->lookup(m->part[i], name, addr_ret,
								found_ret);
		if (err || *found_ret)
			return err;
	}
	return NULL;
}

static const struct symsrc_ops sm_ops = {
	.destroy = sm_destroy,
	.prepare = sm_prepare,
	.lookup = sm_lookup,
};

struct mdf_error *symsrc_multi_new(struct symsrc *const *parts, size_t n, struct symsrc **ret)
{
	if (!n || n > TI_MULTI_MAX)
		return mdf_error_create(MDF_ERR_INVALID, "a section of 1 to %d modules",
					TI_MULTI_MAX);
	struct sm_symsrc *m = calloc(1, sizeof(*m));
	const char *src[TI_MULTI_MAX];
	for (size_t i = 0; i < n; i++)
		src[i] = parts[i]->source;
	if (!m || !(m->source = tm_join(src, n))) {
		free(m);
		return mdf_error_nomem();
	}
	memcpy(m->part, parts, n * sizeof(*parts));
	m->n = n;
	m->ss.ops = &sm_ops;
	m->ss.source = m->source;
	*ret = &m->ss;
	return NULL;
}
