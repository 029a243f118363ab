/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DWARF back end of typeinfo.h: a -x vmlinux through libdw, a module's
 * debug file through libdwfl (a .ko is ET_REL: its .debug_info needs the
 * relocations libdwfl applies). Type handles are global DIE offsets.
 *
 * prepare() walks the top-level DIEs of every unit once, keeping the
 * variables and named types the config asks for; everything else is
 * reached through DW_AT_type references. */
#include "typeinfo_dwarf.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dwarf_info.h"

enum {
	TD_PEEL_DEPTH = 32,   /* typedef / qualifier chain bound */
	TD_MEMBER_DEPTH = 8,  /* nesting of anonymous struct/union members */
	TD_MAX_DIMS = 8,      /* array dimensions (flattened) */
};

/* One wanted name and what was found for it. */
struct td_want {
	char *name;
	bool is_type;
	/* variable */
	Dwarf_Off var_die;     /* the chosen DIE (definition preferred) */
	bool var_is_def;
	bool have_addr;
	uint64_t addr;
	unsigned int nr_defs;  /* definitions at different addresses */
	/* types: struct, union, other (base type or typedef) */
	Dwarf_Off type_die[3];
};

struct td_typeinfo {
	struct typeinfo ti;
	char *path;
	char *object;
	/* vmlinux: our own libelf/libdw handles; module: a Dwfl */
	int fd;
	Elf *elf;
	Dwarf *dbg;
	Dwfl *dwfl;
	struct td_want *wants;
	size_t nr_wants, cap_wants;
	bool walked;      /* every wanted name has been looked for */
	int32_t *index;   /* hash of (name, is_type) -> want + 1 */
	size_t index_size;
	size_t index_n;   /* wants the index covers */
};

static struct td_typeinfo *td_of(struct typeinfo *ti)
{
	return (struct td_typeinfo *)ti;
}

static uint32_t td_hash(const char *s, bool is_type)
{
	uint32_t h = 2166136261u ^ (is_type ? 0x5bd1e995u : 0);
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static struct td_want *td_find_want(struct td_typeinfo *t, const char *name, bool is_type)
{
	if (t->index && t->index_n == t->nr_wants) {
		for (size_t h = td_hash(name, is_type);; h++) {
			int32_t i = t->index[h & (t->index_size - 1)];
			if (!i)
				return NULL;
			struct td_want *w = &t->wants[i - 1];
			if (w->is_type == is_type && strcmp(w->name, name) == 0)
				return w;
		}
	}
	for (size_t i = 0; i < t->nr_wants; i++)
		if (t->wants[i].is_type == is_type && strcmp(t->wants[i].name, name) == 0)
			return &t->wants[i];
	return NULL;
}

/* The hash index over all wants, so the walk tests each DIE name once. */
static struct mdf_error *td_build_index(struct td_typeinfo *t)
{
	size_t size = 64;
	while (size < 4 * t->nr_wants)
		size *= 2;
	free(t->index);
	t->index = calloc(size, sizeof(*t->index));
	if (!t->index)
		return mdf_error_nomem();
	t->index_size = size;
	for (size_t i = 0; i < t->nr_wants; i++) {
		size_t h = td_hash(t->wants[i].name, t->wants[i].is_type);
		while (t->index[h & (size - 1)])
			h++;
		t->index[h & (size - 1)] = (int32_t)i + 1;
	}
	t->index_n = t->nr_wants;
	return NULL;
}

/* Follows typedefs and qualifiers (only_cv: qualifiers only). */
static bool td_peel(Dwarf_Die *die, bool only_cv, Dwarf_Die *out)
{
	Dwarf_Die cur = *die;
	for (int i = 0; i < TD_PEEL_DEPTH; i++) {
		int tag = dwarf_tag(&cur);
		if ((only_cv || tag != DW_TAG_typedef) && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type && tag != DW_TAG_restrict_type &&
		    tag != DW_TAG_atomic_type) {
			*out = cur;
			return true;
		}
		Dwarf_Attribute attr;
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &attr)) {
			/* const void */
			*out = cur;
			return false;
		}
		if (!dwarf_formref_die(&attr, &cur))
			return false;
	}
	return false;
}

/* The DIE offset of die's DW_AT_type, 0 if none (void). */
static Dwarf_Off td_type_ref(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	Dwarf_Die t;
	if (!dwarf_attr_integrate(die, DW_AT_type, &attr) || !dwarf_formref_die(&attr, &t))
		return 0;
	return dwarf_dieoffset(&t);
}

/* DW_AT_location as one DW_OP_addr: the variable's link-time address. */
static bool td_var_addr(Dwarf_Die *die, uint64_t *addr_ret)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops;
	size_t nops;
	if (!dwarf_attr(die, DW_AT_location, &attr) ||
	    dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
	    ops[0].atom != DW_OP_addr)
		return false;
	*addr_ret = ops[0].number;
	return true;
}

static void td_note_var(struct td_typeinfo *t, Dwarf_Die *die, const char *name)
{
	struct td_want *w = td_find_want(t, name, false);
	if (!w)
		return;
	bool def = !dwarf_hasattr(die, DW_AT_declaration);
	uint64_t addr = 0;
	bool have = def && td_var_addr(die, &addr);
	if (def && have) {
		if (w->var_is_def && w->have_addr) {
			if (addr != w->addr)
				w->nr_defs++;
			return;
		}
		w->var_die = dwarf_dieoffset(die);
		w->var_is_def = true;
		w->have_addr = true;
		w->addr = addr;
		w->nr_defs = 1;
		return;
	}
	if (!w->var_die)
		w->var_die = dwarf_dieoffset(die);
}

static void td_note_type(struct td_typeinfo *t, Dwarf_Die *die, const char *name, int tag)
{
	struct td_want *w = td_find_want(t, name, true);
	if (!w)
		return;
	int slot = tag == DW_TAG_structure_type ? 0 : tag == DW_TAG_union_type ? 1 : 2;
	if (w->type_die[slot] || dwarf_hasattr(die, DW_AT_declaration))
		return;
	if (slot < 2 && !dwarf_hasattr(die, DW_AT_byte_size))
		return;
	w->type_die[slot] = dwarf_dieoffset(die);
}

/* One top-level DIE: a wanted variable or named type. */
static void td_visit_one(struct td_typeinfo *t, Dwarf_Die *die)
{
	int tag = dwarf_tag(die);
	const char *name;
	if (tag == DW_TAG_variable && (name = dwarf_diename(die)))
		td_note_var(t, die, name);
	else if ((tag == DW_TAG_structure_type || tag == DW_TAG_union_type ||
		  tag == DW_TAG_base_type || tag == DW_TAG_typedef) && (name = dwarf_diename(die)))
		td_note_type(t, die, name, tag);
}

static struct mdf_error *td_walk(struct td_typeinfo *t)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, subdie;
	Dwarf_Half version;
	uint8_t unit_type;
	size_t units = 0;
	int r;
	while ((r = dwarf_get_units(t->dbg, cu, &cu, &version, &unit_type, &cudie, &subdie)) == 0) {
		units++;
		Dwarf_Die child;
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do
			td_visit_one(t, &child);
		while (dwarf_siblingof(&child, &child) == 0);
	}
	if (r < 0)
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: reading DWARF unit %zu: %s", t->path,
					units + 1, dwarf_errmsg(-1));
	if (units == 0)
		return mdf_error_create(MDF_ERR_NODATA, "%s has no debug information", t->path);
	return NULL;
}

/* Adds a wanted name (copied); the walk happens at the next look-up. */
static struct mdf_error *td_want(struct td_typeinfo *t, const char *name, bool is_type)
{
	if (td_find_want(t, name, is_type))
		return NULL;
	if (t->nr_wants == t->cap_wants) {
		size_t cap = t->cap_wants ? 2 * t->cap_wants : 64;
		struct td_want *w = realloc(t->wants, cap * sizeof(*w));
		if (!w)
			return mdf_error_nomem();
		t->wants = w;
		t->cap_wants = cap;
	}
	char *copy = strdup(name);
	if (!copy)
		return mdf_error_nomem();
	t->wants[t->nr_wants++] = (struct td_want){.name = copy, .is_type = is_type};
	t->walked = false;
	return NULL;
}

static struct mdf_error *td_prepare(struct typeinfo *ti, const struct ti_wants *wants)
{
	struct td_typeinfo *t = td_of(ti);
	struct mdf_error *err = NULL;
	for (size_t i = 0; !err && i < wants->nr_vars; i++)
		err = td_want(t, wants->vars[i], false);
	for (size_t i = 0; !err && i < wants->nr_types; i++)
		err = td_want(t, wants->types[i], true);
	return err;
}

/* Walks the units once for every name added since the last walk. */
static struct mdf_error *td_ensure(struct td_typeinfo *t)
{
	if (t->walked)
		return NULL;
	struct mdf_error *err = td_build_index(t);
	t->walked = true;
	return err ? err : t->nr_wants ? td_walk(t) : NULL;
}

static struct mdf_error *td_die(struct td_typeinfo *t, uint64_t off, Dwarf_Die *die)
{
	if (!off || !dwarf_offdie(t->dbg, off, die))
		return mdf_error_create(MDF_ERR_CORRUPT, "%s: no DIE at offset 0x%" PRIx64,
					t->path, off);
	return NULL;
}

static struct mdf_error *td_variable(struct typeinfo *ti, const char *name, struct ti_var *ret,
				     bool *found_ret)
{
	struct td_typeinfo *t = td_of(ti);
	memset(ret, 0, sizeof(*ret));
	*found_ret = false;
	struct mdf_error *err = td_want(t, name, false);
	if (!err)
		err = td_ensure(t);
	if (err)
		return err;
	struct td_want *w = td_find_want(t, name, false);
	if (!w || !w->var_die)
		return NULL;
	if (w->nr_defs > 1)
		return mdf_error_create(MDF_ERR_INVALID, "%s: %s names %u different variables "
					"(static variables of several files)", t->path, name,
					w->nr_defs);
	Dwarf_Die die;
	if ((err = td_die(t, w->var_die, &die)))
		return err;
	ret->type = td_type_ref(&die);
	ret->have_addr = w->have_addr;
	ret->addr = w->addr;
	*found_ret = true;
	return NULL;
}

static struct mdf_error *td_named(struct typeinfo *ti, enum ti_kind kind, const char *name,
				  uint64_t *type_ret, bool *found_ret)
{
	struct td_typeinfo *t = td_of(ti);
	struct mdf_error *err = td_want(t, name, true);
	if (!err)
		err = td_ensure(t);
	if (err)
		return err;
	struct td_want *w = td_find_want(t, name, true);
	int slot = kind == TI_STRUCT ? 0 : kind == TI_UNION ? 1 : 2;
	*found_ret = w && w->type_die[slot];
	*type_ret = *found_ret ? w->type_die[slot] : 0;
	return NULL;
}

static bool td_udata(Dwarf_Die *die, unsigned int at, uint64_t *ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	if (!dwarf_attr_integrate(die, at, &attr) || dwarf_formudata(&attr, &w) != 0)
		return false;
	*ret = w;
	return true;
}

/* Element count of one DW_TAG_subrange_type; false if unknown. */
static bool td_subrange_len(Dwarf_Die *sub, uint64_t *len_ret)
{
	Dwarf_Attribute attr;
	Dwarf_Sword lower = 0, upper;
	uint64_t count;
	if (td_udata(sub, DW_AT_count, &count)) {
		*len_ret = count;
		return true;
	}
	if (dwarf_attr(sub, DW_AT_lower_bound, &attr) && dwarf_formsdata(&attr, &lower) != 0)
		return false;
	if (!dwarf_attr(sub, DW_AT_upper_bound, &attr) || dwarf_formsdata(&attr, &upper) != 0)
		return false;
	/* GCC writes a zero-length array as upper bound -1. */
	*len_ret = upper < lower ? 0 : (uint64_t)(upper - lower) + 1;
	return true;
}

static struct mdf_error *td_describe(struct typeinfo *ti, uint64_t type, struct ti_desc *d);

/* An array DIE: the innermost element and the product of all dimensions
 * (arrays of arrays included). */
static struct mdf_error *td_describe_array(struct td_typeinfo *t, Dwarf_Die *arr,
					   struct ti_desc *d)
{
	uint64_t len = 1;
	bool known = true;
	Dwarf_Die cur = *arr, sub;
	for (int depth = 0;; depth++) {
		if (depth >= TD_MAX_DIMS)
			return mdf_error_create(MDF_ERR_NOTSUPP, "%s: array with more than %d "
						"dimensions", t->path, TD_MAX_DIMS);
		int dims = 0;
		if (dwarf_child(&cur, &sub) == 0) {
			do {
				if (dwarf_tag(&sub) != DW_TAG_subrange_type)
					continue;
				uint64_t l;
				dims++;
				if (!td_subrange_len(&sub, &l))
					known = false;
				else if (l && len > UINT64_MAX / l)
					return mdf_error_create(MDF_ERR_CORRUPT, "%s: array too long",
								t->path);
				else
					len *= l;
			} while (dwarf_siblingof(&sub, &sub) == 0);
		}
		/* x[0] and x[] both become "unknown": BTF writes both as 0 elements. */
		if (dims == 0 || len == 0)
			known = false;
		Dwarf_Off elem = td_type_ref(&cur);
		Dwarf_Die e, pe;
		if (!elem || !dwarf_offdie(t->dbg, elem, &e) || !td_peel(&e, false, &pe) ||
		    dwarf_tag(&pe) != DW_TAG_array_type) {
			d->target = elem;
			break;
		}
		cur = pe;
	}
	struct ti_desc ed;
	struct mdf_error *err = d->target ? td_describe(&t->ti, d->target, &ed) : NULL;
	if (err)
		return err;
	d->kind = TI_ARRAY;
	d->length = len;
	d->length_known = known;
	d->size_known = known && d->target && ed.size_known &&
			(len == 0 || ed.size <= UINT64_MAX / len);
	d->size = d->size_known ? ed.size * len : 0;
	return NULL;
}

static void td_describe_base(Dwarf_Die *die, const char *name, struct ti_desc *d)
{
	uint64_t enc = 0;
	td_udata(die, DW_AT_encoding, &enc);
	d->kind = enc == DW_ATE_float || enc == DW_ATE_complex_float ? TI_FLOAT : TI_INT;
	d->is_signed = enc == DW_ATE_signed || enc == DW_ATE_signed_char;
	d->is_char = d->size == 1 && name &&
		     (!strcmp(name, "char") || !strcmp(name, "signed char") ||
		      !strcmp(name, "unsigned char"));
}

static struct mdf_error *td_describe(struct typeinfo *ti, uint64_t type, struct ti_desc *d)
{
	struct td_typeinfo *t = td_of(ti);
	memset(d, 0, sizeof(*d));
	Dwarf_Die die, pd;
	struct mdf_error *err = td_die(t, type, &die);
	if (err)
		return err;
	if (!td_peel(&die, false, &pd)) {
		int tag = dwarf_tag(&pd);
		if (tag != DW_TAG_const_type && tag != DW_TAG_volatile_type)
			return mdf_error_create(MDF_ERR_CORRUPT, "%s: typedef chain too long at "
						"0x%" PRIx64, t->path, type);
		d->kind = TI_VOID; /* const void */
		return NULL;
	}
	const char *name = dwarf_diename(&pd);
	if (name)
		snprintf(d->name, sizeof(d->name), "%s", name);
	d->size_known = td_udata(&pd, DW_AT_byte_size, &d->size);
	switch (dwarf_tag(&pd)) {
	case DW_TAG_base_type:
		td_describe_base(&pd, name, d);
		break;
	case DW_TAG_enumeration_type:
		d->kind = TI_ENUM;
		d->is_signed = true;
		break;
	case DW_TAG_pointer_type:
		d->kind = TI_PTR;
		if (!d->size_known) {
			uint8_t asz;
			d->size = dwarf_cu_info(pd.cu, NULL, NULL, NULL, NULL, NULL, &asz, NULL) == 0
					  ? asz : 8;
			d->size_known = true;
		}
		d->target = td_type_ref(&pd);
		break;
	case DW_TAG_array_type:
		return td_describe_array(t, &pd, d);
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		d->kind = TI_STRUCT;
		break;
	case DW_TAG_union_type:
		d->kind = TI_UNION;
		break;
	case DW_TAG_subroutine_type:
		d->kind = TI_FUNC;
		d->size_known = false;
		break;
	case DW_TAG_unspecified_type:
		d->kind = TI_VOID;
		break;
	default:
		d->kind = TI_OTHER;
		break;
	}
	if (dwarf_hasattr(&pd, DW_AT_declaration))
		d->size_known = false;
	if (!d->size_known)
		d->size = 0;
	return NULL;
}

/* Byte offset of a member (constant or DW_OP_plus_uconst location). */
static bool td_member_offset(Dwarf_Die *m, uint64_t *off_ret)
{
	Dwarf_Attribute attr;
	Dwarf_Word w;
	*off_ret = 0;
	if (!dwarf_attr(m, DW_AT_data_member_location, &attr))
		return true; /* union members, or offset 0 */
	if (dwarf_formudata(&attr, &w) == 0) {
		*off_ret = w;
		return true;
	}
	Dwarf_Op *ops;
	size_t nops;
	if (dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 ||
	    (ops[0].atom != DW_OP_plus_uconst && ops[0].atom != DW_OP_constu))
		return false;
	*off_ret = ops[0].number;
	return true;
}

/* Searches agg (peeled) for name, through unnamed struct/union members. */
static int td_find_member(struct td_typeinfo *t, Dwarf_Die *agg, const char *name, int depth,
			  uint64_t *off_ret, Dwarf_Off *type_ret, bool *bitfield_ret)
{
	Dwarf_Die child;
	if (depth > TD_MEMBER_DEPTH || dwarf_child(agg, &child) != 0)
		return 0;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *mname = dwarf_diename(&child);
		uint64_t off;
		if (mname && strcmp(mname, name) == 0) {
			if (!td_member_offset(&child, &off))
				return -1;
			*off_ret = off;
			*type_ret = td_type_ref(&child);
			*bitfield_ret = dwarf_hasattr(&child, DW_AT_bit_size);
			return 1;
		}
		if (mname)
			continue;
		Dwarf_Die mt, pt;
		Dwarf_Off ref = td_type_ref(&child);
		if (!ref || !dwarf_offdie(t->dbg, ref, &mt) || !td_peel(&mt, false, &pt))
			continue;
		int tag = dwarf_tag(&pt);
		if (tag != DW_TAG_structure_type && tag != DW_TAG_union_type)
			continue;
		uint64_t inner;
		int r = td_find_member(t, &pt, name, depth + 1, &inner, type_ret, bitfield_ret);
		if (r && !td_member_offset(&child, &off))
			return -1;
		if (r > 0)
			*off_ret = off + inner;
		if (r)
			return r;
	} while (dwarf_siblingof(&child, &child) == 0);
	return 0;
}

static struct mdf_error *td_member(struct typeinfo *ti, uint64_t agg, const char *name,
				   uint64_t *offset_ret, uint64_t *type_ret, bool *bitfield_ret,
				   bool *found_ret)
{
	struct td_typeinfo *t = td_of(ti);
	Dwarf_Die die, pd;
	struct mdf_error *err = td_die(t, agg, &die);
	if (err)
		return err;
	*found_ret = false;
	if (!td_peel(&die, false, &pd))
		return NULL;
	Dwarf_Off mt = 0;
	int r = td_find_member(t, &pd, name, 0, offset_ret, &mt, bitfield_ret);
	if (r < 0)
		return mdf_error_create(MDF_ERR_NOTSUPP, "%s: member %s has a location we cannot "
					"read", t->path, name);
	*found_ret = r > 0;
	*type_ret = mt;
	return NULL;
}

static struct mdf_error *td_members(struct typeinfo *ti, uint64_t agg,
				    void (*fn)(void *arg, const char *name), void *arg)
{
	struct td_typeinfo *t = td_of(ti);
	Dwarf_Die die, pd, child;
	struct mdf_error *err = td_die(t, agg, &die);
	if (err)
		return err;
	if (!td_peel(&die, false, &pd) || dwarf_child(&pd, &child) != 0)
		return NULL;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		const char *n = dwarf_diename(&child);
		fn(arg, n ? n : "");
	} while (dwarf_siblingof(&child, &child) == 0);
	return NULL;
}

static void td_destroy(struct typeinfo *ti)
{
	struct td_typeinfo *t = td_of(ti);
	if (t->dwfl) {
		dwfl_end(t->dwfl);
	} else {
		if (t->dbg)
			dwarf_end(t->dbg);
		if (t->elf)
			elf_end(t->elf);
		if (t->fd >= 0)
			close(t->fd);
	}
	for (size_t i = 0; i < t->nr_wants; i++)
		free(t->wants[i].name);
	free(t->wants);
	free(t->index);
	free(t->path);
	free(t->object);
}

static void td_visitor_die(void *arg, void *die)
{
	td_visit_one(arg, die);
}

static void td_visitor_done(void *arg)
{
	struct td_typeinfo *t = arg;
	t->walked = t->index_n == t->nr_wants;
}

static const struct typeinfo_ops td_ops;

struct mdf_error *typeinfo_dwarf_visitor(struct typeinfo *ti, struct dwarf_visitor *ret)
{
	if (ti->ops != &td_ops)
		return mdf_error_create(MDF_ERR_INVALID, "not a DWARF typeinfo");
	struct td_typeinfo *t = td_of(ti);
	struct mdf_error *err = td_build_index(t);
	if (err)
		return err;
	ret->die = td_visitor_die;
	ret->done = td_visitor_done;
	ret->arg = t;
	return NULL;
}

static const struct typeinfo_ops td_ops = {
	.name = "DWARF",
	.destroy = td_destroy,
	.prepare = td_prepare,
	.variable = td_variable,
	.named = td_named,
	.anonymous = NULL,
	.describe = td_describe,
	.member = td_member,
	.members = td_members,
};

static struct td_typeinfo *td_new(const char *path, const char *object)
{
	struct td_typeinfo *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->fd = -1;
	t->path = strdup(path);
	t->object = strdup(object);
	if (!t->path || !t->object) {
		free(t->path);
		free(t->object);
		free(t);
		return NULL;
	}
	t->ti.ops = &td_ops;
	t->ti.object = t->object;
	t->ti.source = t->path;
	return t;
}

struct mdf_error *typeinfo_dwarf_open(const char *path, const char *object,
				      struct typeinfo **ret)
{
	struct td_typeinfo *t = td_new(path, object);
	if (!t)
		return mdf_error_nomem();
	struct mdf_error *err = dwarf_open(path, &t->fd, &t->elf, &t->dbg);
	if (err) {
		t->fd = -1;
		t->elf = NULL;
		t->dbg = NULL;
		typeinfo_destroy(&t->ti);
		return err;
	}
	*ret = &t->ti;
	return NULL;
}

struct mdf_error *typeinfo_dwarf_open_module(const char *path, const char *object,
					     struct typeinfo **ret)
{
	static const Dwfl_Callbacks cb = {
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
	};
	struct td_typeinfo *t = td_new(path, object);
	if (!t)
		return mdf_error_nomem();
	struct mdf_error *err = NULL;
	t->dwfl = dwfl_begin(&cb);
	Dwfl_Module *m = t->dwfl ? dwfl_report_offline(t->dwfl, object, path, -1) : NULL;
	if (t->dwfl)
		dwfl_report_end(t->dwfl, NULL, NULL);
	Dwarf_Addr bias;
	t->dbg = m ? dwfl_module_getdwarf(m, &bias) : NULL;
	if (!t->dbg)
		err = mdf_error_create(MDF_ERR_NODATA, "%s: no usable debug information: %s",
				       path, dwfl_errmsg(-1));
	if (err) {
		typeinfo_destroy(&t->ti);
		return err;
	}
	*ret = &t->ti;
	return NULL;
}

/* ---- the vmlinux ELF symbol table as a symbol source ---- */

struct elfsym_entry {
	char *name;
	uint64_t value;
	bool found, global;
};

struct elfsym_src {
	struct symsrc ss;
	char *path;
	int fd;
	Elf *elf;
	Dwarf *dbg;
	uint64_t reloc;
	struct elfsym_entry *e;
	size_t n;
	size_t first_new;  /* entries from here on are looked up by the walk */
};

static bool es_symbol(void *arg, const char *name, uint64_t value, uint64_t size,
		      unsigned char info)
{
	(void)size;
	struct elfsym_src *s = arg;
	int type = GELF_ST_TYPE(info);
	if (type != STT_OBJECT && type != STT_NOTYPE)
		return true;
	bool global = GELF_ST_BIND(info) != STB_LOCAL;
	for (size_t i = s->first_new; i < s->n; i++) {
		struct elfsym_entry *e = &s->e[i];
		if (strcmp(e->name, name) != 0 || (e->found && (e->global || !global)))
			continue;
		e->value = value;
		e->found = true;
		e->global = global;
	}
	return true;
}

/* Adds names not asked for yet and looks them up in one pass. */
static struct mdf_error *es_prepare(struct symsrc *ss, const char *const *names, size_t n)
{
	struct elfsym_src *s = (struct elfsym_src *)ss;
	size_t first = s->n;
	for (size_t i = 0; i < n; i++) {
		bool have = false;
		for (size_t j = 0; j < s->n && !have; j++)
			have = strcmp(s->e[j].name, names[i]) == 0;
		if (have)
			continue;
		struct elfsym_entry *e = realloc(s->e, (s->n + 1) * sizeof(*e));
		if (!e)
			return mdf_error_nomem();
		s->e = e;
		s->e[s->n] = (struct elfsym_entry){.name = strdup(names[i])};
		if (!s->e[s->n].name)
			return mdf_error_nomem();
		s->n++;
	}
	if (s->n > first) {
		s->first_new = first;
		dwarf_elf_symbols(s->elf, es_symbol, s);
	}
	return NULL;
}

static struct mdf_error *es_lookup(struct symsrc *ss, const char *name, uint64_t *addr_ret,
				   bool *found_ret)
{
	struct elfsym_src *s = (struct elfsym_src *)ss;
	const char *one[1] = {name};
	struct mdf_error *err = es_prepare(ss, one, 1);
	*found_ret = false;
	for (size_t i = 0; !err && i < s->n; i++) {
		if (s->e[i].found && strcmp(s->e[i].name, name) == 0) {
			*addr_ret = s->e[i].value + s->reloc;
			*found_ret = true;
			break;
		}
	}
	return err;
}

static void es_destroy(struct symsrc *ss)
{
	struct elfsym_src *s = (struct elfsym_src *)ss;
	if (s->dbg)
		dwarf_end(s->dbg);
	if (s->elf)
		elf_end(s->elf);
	if (s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < s->n; i++)
		free(s->e[i].name);
	free(s->e);
	free(s->path);
}

static const struct symsrc_ops es_ops = {
	.destroy = es_destroy,
	.prepare = es_prepare,
	.lookup = es_lookup,
};

struct mdf_error *symsrc_elf_open(const char *path, uint64_t reloc, struct symsrc **ret)
{
	struct elfsym_src *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return mdf_error_nomem();
	}
	s->ss.ops = &es_ops;
	s->ss.source = s->path;
	s->reloc = reloc;
	s->fd = -1;
	struct mdf_error *err = dwarf_open(path, &s->fd, &s->elf, &s->dbg);
	if (err) {
		s->fd = -1;
		s->elf = NULL;
		s->dbg = NULL;
		symsrc_destroy(&s->ss);
		return err;
	}
	*ret = &s->ss;
	return NULL;
}
